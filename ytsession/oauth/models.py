"""TypedDicts of the OAuth wire JSON (Google's device flow, ytmusicapi's ``oauth.json``)."""

from __future__ import annotations

from typing import TypedDict

#: Google's default scope for YouTube.
YOUTUBE_SCOPE = "https://www.googleapis.com/auth/youtube"
#: The scope the YouTube TV web app's own client asks for.
YOUTUBE_TV_SCOPE = "http://gdata.youtube.com https://www.googleapis.com/auth/youtube-paid-content"


class AuthCodeDict(TypedDict, total=False):
    """The answer to a device-code request.

    Google spells the URL ``verification_url``; RFC 8628 servers spell it
    ``verification_uri`` and may add ``verification_uri_complete``. Both are accepted.
    """

    device_code: str
    user_code: str
    expires_in: int
    interval: int
    verification_url: str
    verification_uri: str
    verification_uri_complete: str


class BaseTokenDict(TypedDict, total=False):
    """A token answer without a refresh token (what a refresh usually returns)."""

    access_token: str
    expires_in: int
    scope: str
    token_type: str
    refresh_token: str  # present only when the server rotates refresh tokens
    refresh_token_expires_in: int


class RefreshableTokenDict(BaseTokenDict, total=False):
    """A full token, as stored: the keys of ytmusicapi's ``oauth.json``."""

    expires_at: int


class StoredTokenDict(TypedDict):
    """Exactly the keys of a token file (ytmusicapi's ``oauth.json``), all present."""

    scope: str
    token_type: str
    access_token: str
    refresh_token: str
    expires_at: int
    expires_in: int
