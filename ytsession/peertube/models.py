"""PeerTube's session API in one place: paths, header names, and TypedDicts of its JSON.

The facts that may drift between PeerTube versions live in this module only, so an update
touches one table.
"""

from __future__ import annotations

from typing import TypedDict

#: ``GET``: the instance's own OAuth client (``client_id``, ``client_secret``). Answers 403
#: when the ``Host`` header is not the instance's own name.
#: The login kind's name in a profile's settings, and the service it signs in to (here, not
#: in :mod:`.kind`, so the client and the session need not import the kind that uses them).
KIND = "peertube"
SERVICE = "peertube"

CLIENT_PATH = "/api/v1/oauth-clients/local"
#: ``POST``, form-encoded only: the password and refresh-token grants.
TOKEN_PATH = "/api/v1/users/token"
#: ``POST`` with ``Authorization: Bearer <access token>``: ends the session.
REVOKE_PATH = "/api/v1/users/revoke-token"
#: ``GET``: the logged-in user.
ME_PATH = "/api/v1/users/me"

#: Request header carrying the one-time password of two-factor authentication; the server
#: also names it in its answer (``x-peertube-otp: required; app``) when one is missing.
OTP_HEADER = "x-peertube-otp"

#: Grant types of the token route.
PASSWORD_GRANT = "password"
REFRESH_GRANT = "refresh_token"

#: The instance's defaults when an answer omits them: access 1 day, refresh 2 weeks.
DEFAULT_ACCESS_LIFETIME = 24 * 3600
DEFAULT_REFRESH_LIFETIME = 14 * 24 * 3600


class LocalClientDict(TypedDict):
    """The answer of :data:`CLIENT_PATH`."""

    client_id: str
    client_secret: str


class PeerTubeTokenDict(TypedDict, total=False):
    """The answer of :data:`TOKEN_PATH` to either grant."""

    token_type: str
    access_token: str
    refresh_token: str
    expires_in: int
    refresh_token_expires_in: int


class ProblemDict(TypedDict, total=False):
    """An ``application/problem+json`` error body (RFC 7807, as PeerTube sends it).

    Older servers send ``error`` (a code or a sentence) instead of, or beside, ``code``.
    """

    type: str
    title: str
    detail: str
    status: int
    code: str
    error: str
