"""Login kinds: what each kind of profile is, in one registry.

A profile's settings name its kind (``oauth``, ``youtube-tv``, ``cookies``, ``peertube``,
...). Everything that depends on the kind lives in the kind's :class:`LoginKind`: how to
build its OAuth client, what signs requests for it, what its stored login is made of, how
to sign out. (How the command line words a kind is the command line's: ``ytsession.cli``.)
Code elsewhere asks the registry (:func:`kind_of`) and never compares kind names.

Each kind is defined by the layer that knows its service: the YouTube kinds (Google OAuth,
YouTube TV, browser cookies) in :mod:`ytsession.youtube.kinds`, the PeerTube kind in
:mod:`ytsession.peertube.kind`. The registry names none of them: a kind is added with
:func:`register`, or declared as an entry point of the group ``ytsession.login_kinds``
(``name = module:object``, in the package's metadata; ytsession declares its own four
there), which is loaded the first time a profile of that kind is used. So the store
imports nothing above it, and another package can add a kind the same way.

A kind sees a profile through :class:`StoredProfile` (a
:class:`~ytsession.store.profiles.Profile` is one), so the kinds and the profiles that ask
for them do not import each other.

Standard library only at import time: the ``ytsession token`` fast path imports it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from ..errors import ProfileError

if TYPE_CHECKING:
    from ..oauth.cache import TokenCache
    from ..oauth.credentials import Credentials
    from ..oauth.models import StoredTokenDict
    from ..oauth.token import RefreshingToken
    from ..transport.signing import Signer
    from ._base import ProfileStore
    from .settings import ProfileSettings

__all__ = [
    "ENTRY_POINTS",
    "YOUTUBE",
    "LoginKind",
    "StoredProfile",
    "kind_of",
    "known_kinds",
    "register",
    "register_lazy",
]

#: The entry point group that declares login kinds (``name = module:object``).
ENTRY_POINTS = "ytsession.login_kinds"

#: Services a kind signs in to.
YOUTUBE = "youtube"


class StoredProfile(Protocol):
    """What a kind reads of a profile: its name, its store, its settings, its token."""

    @property
    def name(self) -> str:
        """The profile's name."""

    @property
    def store(self) -> ProfileStore:
        """The store it lives in."""

    @property
    def location(self) -> str:
        """Where it lives, for messages (its directory, or its store's URL)."""

    def load_settings(self) -> ProfileSettings:
        """:return: the stored settings (:raises NotLoggedInError: there are none)."""

    def load_token(self) -> StoredTokenDict:
        """:return: the stored token (:raises NotLoggedInError: there is none)."""

    def token_cache(self) -> TokenCache:
        """:return: where the token is kept, for a refreshing token."""


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

    def refreshing_token(
        self, profile: StoredProfile, settings: ProfileSettings
    ) -> RefreshingToken:
        """:return: the profile's token, refreshing itself and kept in step with the store.

        :raises NotLoggedInError: no token is stored.
        """
        from ..oauth.token import RefreshingToken

        credentials = self.credentials(settings)
        stored = profile.load_token()
        return RefreshingToken(credentials, local_cache=profile.token_cache(), **stored)

    def signer(self, profile: StoredProfile, settings: ProfileSettings) -> RefreshingToken | Signer:
        """What signs this profile's requests.

        :return: a token, or a signer (such as the cookie signer).
        """
        return self.refreshing_token(profile, settings)

    def load_cookies(self, profile: StoredProfile) -> Any:
        """:return: the browser cookies the login is made of (the ``cookies`` kind's
            :class:`~ytsession.YouTubeCookies`).

        :raises ProfileError: the kind holds no cookies.
        """
        raise ProfileError(f"a {self.name} login holds no browser cookies")

    def access_token(self, profile: StoredProfile, settings: ProfileSettings) -> str:
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
        self, profile: StoredProfile, settings: ProfileSettings, server: str | None
    ) -> str | None:
        """Ask the server which account the login belongs to, with one request signed by
        the stored access token (refreshed first only when it is expiring, and once more
        only when the server refuses it): this is also how a login is checked.

        :return: the account's name, or ``None`` when the answer names none.
        :raises LoginRequiredError: the login is dead.
        :raises NetworkError: the server could not be reached.
        """
        return None

    def state(self, profile: StoredProfile, settings: ProfileSettings) -> str:
        """:return: the login's state as far as the store tells (no network request)."""
        token = profile.load_token()
        left = token["expires_at"] - profile.store.now()
        return "access token valid" if left > 0 else "access token expired (renewed on use)"

    def status_fields(self, profile: StoredProfile, settings: ProfileSettings) -> dict[str, Any]:
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

    def logout(self, profile: StoredProfile, settings: ProfileSettings) -> str:
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
_LAZY: dict[str, str] = {}  # kind name -> "module:object" or "module" (registers itself)
_declared: dict[str, str] | None = None  # the entry points, read once


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


def register_lazy(name: str, target: str) -> None:
    """Name where kind ``name`` is defined, loaded on first use: ``"module:object"`` (the
    object is the kind, registered then), or ``"module"`` (importing it registers the
    kind). An entry point of :data:`ENTRY_POINTS` does the same from a package's metadata.
    """
    if name not in _KINDS:
        _LAZY[name] = target


def kind_of(settings: ProfileSettings | str) -> LoginKind:
    """:return: the kind of ``settings`` (or of that kind name).

    :raises ProfileError: the kind is unknown to this version of ytsession.
    """
    name = settings if isinstance(settings, str) else settings.kind
    kind = _KINDS.get(name)
    if kind is None:
        kind = _load(name)
    if kind is None and not _entry_points():
        raise ProfileError(
            f"profile kind {name!r} cannot be looked up: ytsession's package metadata declares "
            f"no login kinds (entry points {ENTRY_POINTS!r}); reinstall ytsession "
            "(`pip install -e .` in a checkout of its source)"
        )
    if kind is None:
        raise ProfileError(
            f"profile kind {name!r} is not known to this version of ytsession; "
            "upgrade ytsession or log in again"
        )
    return kind


def known_kinds() -> list[str]:
    """:return: the names of every registered or declared kind."""
    return sorted({*_KINDS, *_LAZY, *_entry_points()})


def _load(name: str) -> LoginKind | None:
    """Load kind ``name`` from where it was declared (:func:`register_lazy`, else the
    entry points); ``None`` when it is declared nowhere."""
    import importlib

    target = _LAZY.get(name) or _entry_points().get(name)
    if not target:
        return None
    module, _, attribute = target.partition(":")
    loaded = importlib.import_module(module.strip())
    if attribute:
        found = loaded
        for part in attribute.strip().split("."):
            found = getattr(found, part)
        if isinstance(found, LoginKind) and found.name == name:
            register(found)
    return _KINDS.get(name)


def _entry_points() -> dict[str, str]:
    """The kinds declared in installed packages' metadata (group :data:`ENTRY_POINTS`),
    read once per process; the first of a name wins."""
    global _declared
    if _declared is None:
        from importlib.metadata import entry_points

        declared: dict[str, str] = {}
        for point in entry_points(group=ENTRY_POINTS):
            declared.setdefault(point.name, point.value)
        _declared = declared
    return _declared
