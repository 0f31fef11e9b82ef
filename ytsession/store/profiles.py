"""Named login profiles, kept in a profile store.

A profile is a name in a :class:`~ytsession.store.ProfileStore` with

- its settings: everything the login needs besides the token (kind, client id and
  secret, endpoints, scope), as :class:`ProfileSettings`;
- its token, exactly in ytmusicapi's ``oauth.json`` format (see
  :mod:`ytsession.oauth.tokenfile`); in the file store it is the file
  ``<home>/profiles/<name>/oauth.json``, so ``YTMusic("…/oauth.json", oauth_credentials=…)``
  loads it;
- for a profile of kind ``cookies``, the browser cookies instead of a token (a Netscape
  cookie file).

The store is ``store`` when given (a store, a directory or a URL), else the file store in
``home``, else ``$YTSESSION_STORE``, else the file store in ``$YTSESSION_HOME`` or
platformdirs' user data directory (see :func:`~ytsession.store.open_store`). What a
profile's kind means lives in :mod:`ytsession.store.kinds`.

This module imports no HTTP library, so reading a fresh token stays fast.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import store as _store
from .._hints import log_in_first
from ..errors import NotLoggedInError, ProfileError, TokenFileError
from ..oauth import tokenfile
from ..oauth.models import StoredTokenDict
from ._paths import DEFAULT_PROFILE, checked_name, home_dir

if TYPE_CHECKING:
    from ..oauth.cache import TokenCache
    from ..oauth.credentials import Credentials, OAuthCredentials
    from ..oauth.token import RefreshingToken
    from ..youtube.cookies.jar import YouTubeCookies
    from . import ProfileStore
    from .kinds import LoginKind

#: Profile kinds of this package (others register in :mod:`ytsession.store.kinds`).
KIND_OAUTH = "oauth"  # Google device flow with the user's own client
KIND_YOUTUBE_TV = "youtube-tv"  # Google device flow with the YouTube TV app's client
KIND_COOKIES = "cookies"  # a logged-in browser's cookies (SAPISIDHASH), no OAuth client

#: The cookie file of a ``cookies`` profile in the file store.
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

    @classmethod
    def of_client(
        cls,
        credentials: OAuthCredentials,
        kind: str = KIND_OAUTH,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> ProfileSettings:
        """The settings of a profile that logs in with ``credentials`` (the inverse of
        :func:`credentials_for`). Here, not on the credentials: OAuth knows no profile.

        :param credentials: the OAuth client.
        :param kind: ``"oauth"`` (the user's own client) or ``"youtube-tv"``.
        :param extra: kind-specific settings, e.g. the TV page's URL.
        :return: the profile settings.
        """
        return cls(
            kind=kind,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            endpoints=credentials.endpoints.as_dict(),
            scope=credentials.scope,
            extra=dict(extra or {}),
        )

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

    def to_json(self) -> str:
        """:return: the stored text of the settings."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

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
    """A named profile in a store. Nothing is read or written until a method is called."""

    name: str
    store: ProfileStore

    @classmethod
    def named(
        cls,
        name: str | None = None,
        *,
        home: str | Path | None = None,
        store: ProfileStore | str | Path | None = None,
    ) -> Profile:
        """:param name: the profile name; when ``None``: ``$YTSESSION_PROFILE``, else the one
            ``ytsession profiles use`` chose (kept beside the file store's ``profiles/``, or
            in the user data directory for other stores), else ``default``.
        :param home: the file store's directory (when ``store`` is not given).
        :param store: the store: a :class:`~ytsession.store.ProfileStore`, a directory
            or a URL (``redis://...``); default ``$YTSESSION_STORE`` or the file store.

        :raises ProfileError: the name is not 1-64 letters, digits, ``_``, ``.`` or ``-``,
            or the store URL is not usable.
        """
        checked = checked_name(name) if name else None
        opened = _store.open_store(store, home=home)
        where = opened.home if isinstance(opened, _store.FileStore) else None
        return cls(name=checked or checked_name(None, home=where), store=opened)

    # --- the file store's paths ------------------------------------------------------

    def _file_store(self) -> _store.FileStore:
        if not isinstance(self.store, _store.FileStore):
            raise ProfileError(
                f"profile '{self.name}' lives in {self.store.url}, not in files: it has no path"
            )
        return self.store

    @property
    def directory(self) -> Path:
        """The profile's directory (file store only).

        :raises ProfileError: the profile is in another kind of store.
        """
        return self._file_store().directory(self.name)

    @property
    def token_path(self) -> Path:
        """The token file (ytmusicapi's ``oauth.json`` format; file store only)."""
        return self._file_store().path(self.name, _store.TOKEN)

    @property
    def settings_path(self) -> Path:
        """The profile settings file (file store only)."""
        return self._file_store().path(self.name, _store.SETTINGS)

    @property
    def cookies_path(self) -> Path:
        """The cookie file of a ``cookies`` profile (Netscape format; file store only)."""
        return self._file_store().path(self.name, _store.COOKIES)

    @property
    def location(self) -> str:
        """Where the profile lives, for messages: its directory, or its store's URL
        (password hidden)."""
        if isinstance(self.store, _store.FileStore):
            return str(self.directory)
        return f"{self.store.url} (profile {self.name})"

    # --- reading ---------------------------------------------------------------------

    def exists(self) -> bool:
        """:return: whether the profile has settings in its store."""
        return self.store.read(self.name, _store.SETTINGS) is not None

    def load_settings(self) -> ProfileSettings:
        """:raises NotLoggedInError: the profile does not exist.
        :raises TokenFileError: the settings are corrupt."""
        text = self.store.read(self.name, _store.SETTINGS)
        if text is None:
            raise NotLoggedInError(
                f"there is no login for profile '{self.name}'{self._in_store()}"
            ).with_hint(log_in_first(self.name, self._flag()))
        where = self.store.where(self.name, _store.SETTINGS)
        data = tokenfile.parse_json_object(text, where=where, what="profile file")
        return ProfileSettings.from_dict(data, path=where)

    def load_token(self) -> StoredTokenDict:
        """:raises NotLoggedInError: there is no token.
        :raises TokenFileError: the stored token is corrupt."""
        stored = self.token_cache().load()
        if stored is None:
            raise NotLoggedInError(
                f"profile '{self.name}'{self._in_store()} has no token"
            ).with_hint(log_in_first(self.name, self._flag()))
        return stored

    def load_cookies(self) -> YouTubeCookies:
        """Return the browser cookies of a ``cookies`` profile. Cookies the server rotates
        are written back to the store they came from, of any backend (in the file store, to
        the profile's ``cookies.txt``), under the same rules (see
        :meth:`~ytsession.youtube.cookies.jar.YouTubeCookies.apply_set_cookie`).

        :raises NotLoggedInError: the profile has no cookies.
        :raises CookieError: the cookies are malformed.
        """
        from ..youtube.cookies.jar import YouTubeCookies

        text = self.store.read(self.name, _store.COOKIES)
        if text is None:
            raise NotLoggedInError(
                f"profile '{self.name}'{self._in_store()} has no cookies"
            ).with_hint(log_in_first(self.name, self._flag(), cookies=True))
        if isinstance(self.store, _store.FileStore):
            return YouTubeCookies.from_file(self.cookies_path)
        return YouTubeCookies.from_store(self.store, self.name)

    def kind(self, settings: ProfileSettings | None = None) -> LoginKind:
        """:return: the profile's login kind (see :mod:`ytsession.store.kinds`)."""
        from .kinds import kind_of

        return kind_of(settings or self.load_settings())

    def token_cache(self) -> TokenCache:
        """Where the profile's token is kept, for a :class:`~ytsession.oauth.token.RefreshingToken`
        (the ``oauth.json`` file in the file store).

        :return: the token cache.
        """
        return _store.StoreTokenCache(self.store, self.name)

    def credentials(self, settings: ProfileSettings | None = None) -> Credentials:
        """Build the OAuth client the profile's settings describe."""
        settings = settings or self.load_settings()
        return self.kind(settings).credentials(settings)

    def refreshing_token(self, settings: ProfileSettings | None = None) -> RefreshingToken:
        """:return: the profile's token, refreshing itself and kept in step with its store.

        :raises NotLoggedInError: no login is stored.
        :raises TokenFileError: what is stored is corrupt.
        """
        settings = settings or self.load_settings()
        return self.kind(settings).refreshing_token(self, settings)

    # --- writing ---------------------------------------------------------------------

    def save_settings(self, settings: ProfileSettings) -> None:
        """Write the settings (atomically; 0600 in the file store)."""
        self.store.write(self.name, {_store.SETTINGS: settings.to_json()})

    def save_login(
        self,
        settings: ProfileSettings,
        *,
        token: Mapping[str, Any] | None = None,
        cookies: str | None = None,
    ) -> None:
        """Store a whole login in one write: the token (or cookies), then the settings that
        make the profile visible. A Redis store writes all or nothing.

        :param settings: the profile settings.
        :param token: the token (ytmusicapi's keys); it is checked first.
        :param cookies: the cookie file's text (Netscape format).
        """
        items: dict[str, str | None] = {}
        if token is not None:
            checked = tokenfile.parse_token(token, path="<new token>")
            items[_store.TOKEN] = json.dumps(dict(checked), indent=2) + "\n"
        if cookies is not None:
            items[_store.COOKIES] = cookies
        items[_store.SETTINGS] = settings.to_json()
        self.store.write(self.name, items)

    def check_replaceable(self) -> None:
        """Make sure a new login may replace what is stored.

        :raises TokenFileError: the stored token is corrupt (it is reported, never
            overwritten: fix or delete it first).
        """
        if self.store.read(self.name, _store.TOKEN) is not None:
            self.load_token()

    def delete(self) -> None:
        """Remove the profile and everything of it from its store."""
        self.store.delete(self.name)

    def _flag(self) -> str:
        return "" if self.name == DEFAULT_PROFILE else f" --profile {self.name}"

    def _in_store(self) -> str:
        return "" if isinstance(self.store, _store.FileStore) else f" in {self.store.url}"


def list_profiles(
    home: str | Path | None = None, *, store: ProfileStore | str | Path | None = None
) -> list[str]:
    """:return: the names of the profiles that have settings, sorted.

    :param home: the file store's directory (when ``store`` is not given).
    :param store: the store (a store, a directory or a URL).
    """
    return _store.open_store(store, home=home).profiles()


def credentials_for(settings: ProfileSettings) -> Credentials:
    """Build the client for a profile's settings.

    :raises ProfileError: the kind is unknown to this version of ytsession, or has no
        OAuth client (browser cookies).
    """
    from .kinds import kind_of

    return kind_of(settings).credentials(settings)


__all__ = [
    "COOKIES_FILE",
    "KIND_COOKIES",
    "KIND_OAUTH",
    "KIND_YOUTUBE_TV",
    "Profile",
    "ProfileSettings",
    "credentials_for",
    "home_dir",
    "list_profiles",
]
