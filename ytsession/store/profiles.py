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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import store as _store
from .._hints import log_in_first
from .._rules import default_profile_name
from ..errors import NotLoggedInError, ProfileError
from ..oauth import tokenfile
from ..oauth.models import StoredTokenDict
from ._paths import checked_name, home_dir
from .kinds import kind_of
from .settings import KIND_COOKIES, KIND_OAUTH, KIND_YOUTUBE_TV, ProfileSettings

if TYPE_CHECKING:
    from ..oauth.cache import TokenCache
    from ..oauth.credentials import Credentials
    from ..oauth.token import RefreshingToken
    from . import ProfileStore
    from .kinds import LoginKind

#: The cookie file of a ``cookies`` profile in the file store.
COOKIES_FILE = "cookies.txt"


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

    def load_cookies(self) -> Any:
        """Return the browser cookies of a ``cookies`` profile, a
        :class:`~ytsession.YouTubeCookies` (read by the ``cookies`` login kind, which lives
        with YouTube). Cookies the server rotates are written back to the store they came
        from, of any backend (in the file store, to the profile's ``cookies.txt``), under the
        same rules (see :meth:`~ytsession.youtube.cookies.jar.YouTubeCookies.apply_set_cookie`).

        :raises NotLoggedInError: the profile has no cookies.
        :raises CookieError: the cookies are malformed.
        """
        return kind_of(KIND_COOKIES).load_cookies(self)

    def kind(self, settings: ProfileSettings | None = None) -> LoginKind:
        """:return: the profile's login kind (see :mod:`ytsession.store.kinds`)."""
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
        return flag_of(self.name, self.store)

    def _in_store(self) -> str:
        return in_store(self.store)


def flag_of(name: str, store: ProfileStore) -> str:
    """:return: `` --profile NAME`` for hints about profile ``name`` of ``store``; nothing
    when it is the profile commands use when none is named (``$YTSESSION_PROFILE``, else
    the one ``ytsession profiles use`` chose, else ``default``)."""
    home = store.home if isinstance(store, _store.FileStore) else None
    return "" if name == default_profile_name(home) else f" --profile {name}"


def in_store(store: ProfileStore) -> str:
    """:return: `` in <store URL>`` for messages about a profile outside the file store."""
    return "" if isinstance(store, _store.FileStore) else f" in {store.url}"


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
