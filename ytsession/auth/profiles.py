"""Named login profiles on disk.

Each profile is a directory ``<home>/profiles/<name>/`` holding

- ``oauth.json``: the token, exactly in ytmusicapi's format (see
  :mod:`ytsession.auth.tokenfile`), so ``YTMusic("…/oauth.json", oauth_credentials=…)``
  loads it;
- ``profile.json``: everything else the profile needs (kind, client id and secret,
  endpoints, scope), kept beside the token rather than inside it;
- ``cookies.txt`` instead of ``oauth.json`` for a profile of kind ``cookies``: the browser
  cookies, as a Netscape cookie file.

``<home>`` is ``$YTSESSION_HOME`` when set, else platformdirs' user data directory for
``ytsession``; every function also takes a ``home`` argument. Both files are written
atomically with mode 0600 in 0700 directories.

This module imports no HTTP library, so reading a fresh token stays fast.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import NotLoggedInError, ProfileError, TokenFileError
from . import tokenfile
from ._paths import (
    DEFAULT_PROFILE,
    SETTINGS_FILE,
    TOKEN_FILE,
    checked_name,
    home_dir,
    profile_dir,
)
from .models import StoredTokenDict

if TYPE_CHECKING:
    from .cookies import YouTubeCookies
    from .credentials import Credentials
    from .token import RefreshingToken

#: Profile kinds.
KIND_OAUTH = "oauth"  # Google device flow with the user's own client
KIND_YOUTUBE_TV = "youtube-tv"  # Google device flow with the YouTube TV app's client
KIND_PEERTUBE = "peertube"  # PeerTube password login against the instance's client
KIND_COOKIES = "cookies"  # a logged-in browser's cookies (SAPISIDHASH), no OAuth client

#: The cookie file of a ``cookies`` profile.
COOKIES_FILE = "cookies.txt"

_SETTINGS_VERSION = 1


@dataclass
class ProfileSettings:
    """What a profile needs besides its token.

    :ivar kind: how the profile logs in (``oauth``, ``youtube-tv``, ...).
    :ivar client_id: the OAuth client id.
    :ivar client_secret: the OAuth client secret (stored, never shown).
    :ivar endpoints: URLs by name (``device_code_url``, ``token_url``, ``revoke_url``, ...).
    :ivar scope: the scope the login asked for.
    :ivar extra: kind-specific settings.
    """

    kind: str
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    endpoints: dict[str, str] = field(default_factory=dict)
    scope: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """:return: the JSON form, with a format version."""
        return {
            "version": _SETTINGS_VERSION,
            "kind": self.kind,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "endpoints": dict(self.endpoints),
            "scope": self.scope,
            "extra": dict(self.extra),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str) -> ProfileSettings:
        """Parse the JSON form.

        :raises TokenFileError: a field is missing or of the wrong type.
        """

        def text(key: str) -> str:
            value = data.get(key, "")
            if not isinstance(value, str):
                raise TokenFileError(
                    f"profile file {path}: '{key}' must be a string; fix the file or log in again",
                    path=path,
                )
            return value

        endpoints = data.get("endpoints", {})
        extra = data.get("extra", {})
        if not isinstance(endpoints, dict) or not all(
            isinstance(v, str) for v in endpoints.values()
        ):
            raise TokenFileError(
                f"profile file {path}: 'endpoints' must map names to URLs", path=path
            )
        if not isinstance(extra, dict):
            raise TokenFileError(f"profile file {path}: 'extra' must be an object", path=path)
        kind = text("kind")
        if not kind:
            raise TokenFileError(f"profile file {path} names no 'kind'", path=path)
        return cls(
            kind=kind,
            client_id=text("client_id"),
            client_secret=text("client_secret"),
            endpoints=dict(endpoints),
            scope=text("scope"),
            extra=dict(extra),
        )


@dataclass(frozen=True)
class Profile:
    """A named profile directory. Nothing is read or written until a method is called."""

    name: str
    directory: Path

    @classmethod
    def named(cls, name: str | None = None, *, home: str | Path | None = None) -> Profile:
        """:param name: the profile name (``$YTSESSION_PROFILE`` or ``default`` if ``None``).

        :raises ProfileError: the name is not 1-64 letters, digits, ``_``, ``.`` or ``-``.
        """
        name = checked_name(name)
        return cls(name=name, directory=profile_dir(name, home))

    @property
    def token_path(self) -> Path:
        """The token file (ytmusicapi's ``oauth.json`` format)."""
        return self.directory / TOKEN_FILE

    @property
    def settings_path(self) -> Path:
        """The profile settings file."""
        return self.directory / SETTINGS_FILE

    @property
    def cookies_path(self) -> Path:
        """The cookie file of a ``cookies`` profile (Netscape format)."""
        return self.directory / COOKIES_FILE

    def load_cookies(self) -> YouTubeCookies:
        """Return the browser cookies of a ``cookies`` profile, written back to its file
        when the server rotates them.

        :raises NotLoggedInError: the profile has no cookie file.
        :raises CookieError: the cookie file is malformed.
        """
        from .cookies import YouTubeCookies

        if not self.cookies_path.is_file():
            raise NotLoggedInError(
                f"profile '{self.name}' has no cookies; run `ytsession login --cookies FILE"
                f"{self._flag()}` first"
            )
        return YouTubeCookies.from_file(self.cookies_path)

    def exists(self) -> bool:
        """:return: whether the profile has settings on disk."""
        return self.settings_path.is_file()

    def load_settings(self) -> ProfileSettings:
        """:raises NotLoggedInError: the profile does not exist.
        :raises TokenFileError: the settings file is corrupt."""
        try:
            data = tokenfile.read_json_object(self.settings_path, what="profile file")
        except FileNotFoundError:
            raise NotLoggedInError(
                f"there is no login for profile '{self.name}'; run `ytsession login"
                f"{self._flag()}` first"
            ) from None
        return ProfileSettings.from_dict(data, path=str(self.settings_path))

    def save_settings(self, settings: ProfileSettings) -> None:
        """Write the settings file atomically (0600)."""
        tokenfile.atomic_write_json(self.settings_path, settings.to_dict())

    def load_token(self) -> StoredTokenDict:
        """:raises NotLoggedInError: there is no token file.
        :raises TokenFileError: the token file is corrupt."""
        try:
            return tokenfile.load_token(self.token_path)
        except FileNotFoundError:
            raise NotLoggedInError(
                f"profile '{self.name}' has no token; run `ytsession login{self._flag()}` first"
            ) from None

    def credentials(self, settings: ProfileSettings | None = None) -> Credentials:
        """Build the OAuth client the profile's settings describe."""
        settings = settings or self.load_settings()
        return credentials_for(settings)

    def refreshing_token(self, settings: ProfileSettings | None = None) -> RefreshingToken:
        """:return: the profile's token, refreshing itself and kept in step with its file.

        :raises NotLoggedInError: no login is stored.
        :raises TokenFileError: a file is corrupt.
        """
        from .token import RefreshingToken

        settings = settings or self.load_settings()
        stored = self.load_token()
        return RefreshingToken(credentials_for(settings), local_cache=self.token_path, **stored)

    def delete(self) -> None:
        """Remove the profile directory and everything in it."""
        shutil.rmtree(self.directory, ignore_errors=True)

    def _flag(self) -> str:
        return "" if self.name == DEFAULT_PROFILE else f" --profile {self.name}"


def list_profiles(home: str | Path | None = None) -> list[str]:
    """:return: the names of the profiles that have settings, sorted."""
    root = home_dir(home) / "profiles"
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / SETTINGS_FILE).is_file())


def credentials_for(settings: ProfileSettings) -> Credentials:
    """Build the client for a profile's settings.

    :raises ProfileError: the kind is unknown to this version of ytsession.
    """
    if settings.kind in (KIND_OAUTH, KIND_YOUTUBE_TV):
        from .credentials import OAuthCredentials, OAuthEndpoints

        endpoints = OAuthEndpoints.from_dict(settings.endpoints) if settings.endpoints else None
        kwargs: dict[str, Any] = {"endpoints": endpoints}
        if settings.scope:
            kwargs["scope"] = settings.scope
        return OAuthCredentials(settings.client_id, settings.client_secret, **kwargs)
    if settings.kind == KIND_PEERTUBE:
        from ..peertube.credentials import PeerTubeCredentials

        return PeerTubeCredentials.from_settings(settings)
    if settings.kind == KIND_COOKIES:
        raise ProfileError(
            "this profile signs in with browser cookies: it has no OAuth client and no token "
            "(use Session.from_profile(), or CookieAuth(profile.load_cookies()))"
        )
    raise ProfileError(
        f"profile kind {settings.kind!r} is not known to this version of ytsession; "
        "upgrade ytsession or log in again"
    )
