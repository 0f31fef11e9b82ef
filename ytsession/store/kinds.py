"""Login kinds: what each kind of profile is, in one registry.

A profile's settings name its kind (``oauth``, ``youtube-tv``, ``cookies``, ``peertube``,
...). Everything that depends on the kind lives in the kind's :class:`LoginKind`: how to
build its OAuth client, what signs requests for it, what its stored login is made of, how
to sign out. (How the command line words a kind is the command line's: ``ytsession.cli``.)
Code elsewhere asks the registry (:func:`kind_of`) and never compares kind names.

Each kind registers itself from the layer that knows its service (:func:`register`); the
package root's ``LOGIN_KIND_MODULES`` (or :func:`register_lazy`) names the module that
does so, imported on first use:
the YouTube kinds (Google OAuth, YouTube TV, browser cookies) live in
:mod:`ytsession.youtube.kinds`, the PeerTube kind in :mod:`ytsession.peertube.kind`. So
``auth`` imports nothing from ``innertube`` or ``peertube``.

Standard library only at import time: the ``ytsession token`` fast path imports it.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from ..errors import ProfileError

if TYPE_CHECKING:
    from ..oauth.credentials import Credentials
    from ..oauth.token import RefreshingToken
    from ..youtube.cookies.signer import CookieAuth
    from .profiles import Profile, ProfileSettings

__all__ = [
    "YOUTUBE",
    "LoginKind",
    "kind_of",
    "known_kinds",
    "register",
    "register_lazy",
]

#: Services a kind signs in to.
YOUTUBE = "youtube"


class LoginKind:
    """One kind of login. Subclasses set :attr:`name` and override what differs.

    The defaults describe an OAuth login whose token refreshes itself.
    """

    #: The name stored in a profile's settings.
    name: ClassVar[str] = ""
    #: What the kind signs in to (``"youtube"``, ``"peertube"``).
    service: ClassVar[str] = YOUTUBE
    #: Whether the kind has an OAuth token (``ytsession token`` prints it).
    has_token: ClassVar[bool] = True
    #: What of the login a server accepts or refuses (``"access token"``, ``"cookies"``,
    #: ``"session"``): what a check of the login proves valid.
    credential: ClassVar[str] = "access token"

    def describes(self, settings: ProfileSettings) -> bool:
        """:return: whether ``settings`` are of this kind."""
        return settings.kind == self.name

    def credentials(self, settings: ProfileSettings) -> Credentials:
        """:return: the OAuth client the settings describe.

        :raises ProfileError: the kind has no OAuth client.
        """
        raise ProfileError(f"a {self.name} profile has no OAuth client")

    def refreshing_token(self, profile: Profile, settings: ProfileSettings) -> RefreshingToken:
        """:return: the profile's token, refreshing itself and kept in step with the store.

        :raises NotLoggedInError: no token is stored.
        """
        from ..oauth.token import RefreshingToken

        credentials = self.credentials(settings)
        stored = profile.load_token()
        return RefreshingToken(credentials, local_cache=profile.token_cache(), **stored)

    def signer(self, profile: Profile, settings: ProfileSettings) -> RefreshingToken | CookieAuth:
        """:return: what signs this profile's requests (a token, or a cookie signer)."""
        return self.refreshing_token(profile, settings)

    def access_token(self, profile: Profile, settings: ProfileSettings) -> str:
        """:return: a valid access token (``ytsession token``), refreshed when expiring."""
        return self.refreshing_token(profile, settings).access_token

    def account(self, settings: ProfileSettings) -> str | None:
        """:return: the account the login belongs to, as last seen (no network request)."""
        value = settings.extra.get("account") or settings.extra.get("username")
        return value if isinstance(value, str) and value else None

    def server(self, settings: ProfileSettings) -> str | None:
        """:return: the server the login was made against (scheme and host)."""
        from urllib.parse import urlsplit

        remembered = settings.extra.get("server")
        if isinstance(remembered, str) and remembered:
            return remembered
        url = settings.endpoints.get("token_url") or settings.endpoints.get("instance_url")
        if not url:
            return None
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" if parts.netloc else None

    def ask_account(
        self, profile: Profile, settings: ProfileSettings, server: str | None
    ) -> str | None:
        """Ask the server which account the login belongs to, with one request signed by
        the stored access token (refreshed first only when it is expiring, and once more
        only when the server refuses it): this is also how a login is checked.

        :return: the account's name, or ``None`` when the answer names none.
        :raises LoginRequiredError: the login is dead.
        :raises NetworkError: the server could not be reached.
        """
        return None

    def state(self, profile: Profile, settings: ProfileSettings) -> str:
        """:return: the login's state as far as the store tells (no network request)."""
        token = profile.load_token()
        left = token["expires_at"] - profile.store.now()
        return "access token valid" if left > 0 else "access token expired (renewed on use)"

    def status_fields(self, profile: Profile, settings: ProfileSettings) -> dict[str, Any]:
        """What a login is made of, read from the store: names and times (``*_at``: Unix
        time), never a secret. (The command line's ``status`` shows them in words.)

        :return: the fields.
        """
        stored = profile.load_token()
        scope = stored["scope"] or settings.scope
        info: dict[str, Any] = {
            "client_id": settings.client_id,
            **({"scope": scope} if scope else {}),  # PeerTube grants none: no empty row
            "store": profile.store.url,
            "token_file": profile.store.where(profile.name, "token"),
            "access_token_expires_at": stored["expires_at"],
        }
        if settings.extra.get("username"):
            info["user"] = settings.extra["username"]
        return info

    def where_fields(self, settings: ProfileSettings, server: str | None) -> dict[str, Any]:
        """:return: the server ``ytsession status`` names for the login."""
        return {"server": server or "YouTube (www.youtube.com)"}

    def logout(self, profile: Profile, settings: ProfileSettings) -> str:
        """End the login at the server (revoke it).

        :return: what was done, one sentence for the user.
        :raises YTSessionError: the server could not be told.
        """
        stored = profile.load_token()
        self.credentials(settings).revoke(stored["refresh_token"])
        return "Revoked the token at the server."

    def __repr__(self) -> str:
        return f"<login kind {self.name!r}>"


_KINDS: dict[str, LoginKind] = {}
_LAZY: dict[str, str] = {}


_K = TypeVar("_K", bound="LoginKind")


def register(kind: _K) -> _K:
    """Add a kind to the registry (replacing one of the same name).

    :return: ``kind``.
    """
    if not kind.name:
        raise ValueError("a login kind needs a name")
    _KINDS[kind.name] = kind
    _LAZY.pop(kind.name, None)
    return kind


def register_lazy(name: str, module: str) -> None:
    """Name the module that registers kind ``name``: it is imported on first use."""
    if name not in _KINDS:
        _LAZY[name] = module


def kind_of(settings: ProfileSettings | str) -> LoginKind:
    """:return: the kind of ``settings`` (or of that kind name).

    :raises ProfileError: the kind is unknown to this version of ytsession.
    """
    name = settings if isinstance(settings, str) else settings.kind
    kind = _KINDS.get(name)
    module = _LAZY.get(name) or _root_table().get(name)
    if kind is None and module:
        importlib.import_module(module)
        kind = _KINDS.get(name)
    if kind is None:
        raise ProfileError(
            f"profile kind {name!r} is not known to this version of ytsession; "
            "upgrade ytsession or log in again"
        )
    return kind


def known_kinds() -> list[str]:
    """:return: the names of every registered kind."""
    return sorted({*_KINDS, *_LAZY, *_root_table()})


def _root_table() -> dict[str, str]:
    """The package root's table of the modules that register the built-in kinds."""
    root = importlib.import_module(__name__.split(".")[0])
    table = getattr(root, "LOGIN_KIND_MODULES", {})
    return dict(table) if isinstance(table, dict) else {}
