"""What a :class:`~ytsession.Session` is made of, built from :meth:`Session.create
<ytsession.Session.create>`'s keywords or from a stored login.

``create``'s loose keywords are shortcuts that build its parts: ``proxies``, ``timeout``,
``retry`` and ``deadline`` the :class:`~ytsession.Transport`; ``cache_dir`` and
``cache_ttl`` the :class:`~ytsession.youtube.innertube.cache.SessionCache`; ``lang``,
``location``, ``tz``, ... the :class:`~ytsession.youtube.innertube.context.ContextSettings`;
``auth`` the signer. :func:`build_parts` turns them into one :class:`SessionParts`.
:func:`profile_options` turns a stored profile into what :meth:`Session.from_profile
<ytsession.Session.from_profile>` passes to ``create``: its signer, its server, and the
caches a shared store keeps.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..._hints import NAME_A_YOUTUBE_PROFILE
from ...errors import ProfileError
from ...oauth.bearer import BearerAuth
from ...oauth.token import OAuthToken, RefreshingToken
from ...transport import RetryPolicy, Transport
from ..cookies.jar import YouTubeCookies
from ..cookies.signer import CookieAuth
from ..signing import BearerOnInnerTube, InnerTubeAuth
from .auth import AuthSlot
from .cache import DEFAULT_TTL, SessionCache, StoreSessionCache
from .call import UnsupportedClientPolicy, check_client
from .clients import CLIENTS, ClientProfile, client_profile
from .context import DEFAULT_BASE_URL, ContextSettings, utc_offset_minutes
from .events import SessionEvents
from .session_data import SessionDataKeeper

if TYPE_CHECKING:
    import requests

    from ...store import ProfileStore
    from .potoken import ProviderChain
    from .potoken.chain import PoTokenProviders

__all__ = ["SessionParts", "as_auth", "build_parts", "profile_options", "youtube_login"]

Timeout = float | tuple[float, float]


@dataclass
class SessionParts:
    """Everything a :class:`~ytsession.Session` is made of, before it starts."""

    #: The unsigned HTTP session (visitor data, the player); closed with the session
    #: when ``owns_http``.
    http: requests.Session
    owns_http: bool
    transport: Transport
    #: Whether transport options were given: token refreshes and revokes then go through
    #: the session's own HTTP session, not the credentials' own transport.
    transport_explicit: bool
    #: The client, the context settings and the session data (not started yet).
    data: SessionDataKeeper
    #: Whether the client was chosen, not defaulted (signing in does not move it).
    client_chosen: bool
    #: The session's listeners.
    events: SessionEvents
    #: What signs the calls (the signer of ``auth``, or none).
    slot: AuthSlot
    base_url: str | None
    #: Seconds, or (connect, read), per attempt.
    timeout: Timeout
    po_token: str | None
    po_token_providers: ProviderChain | None
    account_index: int | None
    unsupported_client: UnsupportedClientPolicy


def build_parts(
    *,
    client: str | ClientProfile | None,
    client_version: str | None,
    lang: str,
    location: str,
    tz: str,
    user_agent: str | None,
    po_token: str | None,
    po_token_providers: PoTokenProviders | None,
    account_index: int | None,
    on_behalf_of_user: str | None,
    enable_safety_mode: bool,
    cache: bool | SessionCache,
    cache_dir: str | Path | None,
    cache_ttl: float,
    auth: OAuthToken | BearerAuth | InnerTubeAuth | YouTubeCookies | None,
    http: requests.Session | None,
    proxies: dict[str, str] | None,
    timeout: Timeout | None,
    retry: RetryPolicy | None,
    deadline: float | None,
    transport: Transport | None,
    base_url: str | None,
    unsupported_client: UnsupportedClientPolicy,
) -> SessionParts:
    """The parts :meth:`Session.create <ytsession.Session.create>`'s keywords describe
    (they mean what they mean there); the HTTP session is made last, so nothing is left
    open when a keyword is refused.

    :raises UnknownClientError: no client has that name.
    :raises ClientNotSupportedError: the client does not accept the auth.
    :raises ValueError: the time zone is unknown, or an option is invalid.
    """
    if unsupported_client not in ("raise", "warn"):
        raise ValueError("unsupported_client must be 'raise' or 'warn'")
    signer = as_auth(auth)
    if isinstance(signer, CookieAuth):
        signer.check_base_url(base_url)
        on_behalf_of_user = on_behalf_of_user or signer.on_behalf_of_user
    base = base_url.rstrip("/") if base_url else None
    default = signer.default_client if signer is not None else "WEB"
    profile = client_profile(client if client is not None else default, client_version)
    settings = ContextSettings(
        lang=lang,
        location=location,
        time_zone=tz,
        utc_offset_minutes=utc_offset_minutes(tz),
        user_agent=user_agent,
        enable_safety_mode=enable_safety_mode,
        on_behalf_of_user=on_behalf_of_user,
    )
    explicit = transport is not None or any(
        option is not None for option in (proxies, timeout, retry, deadline)
    )
    transport = transport or Transport.create(
        timeout=timeout, deadline=deadline, retry=retry, proxies=proxies, user_agent=user_agent
    )
    kept = _cache_of(cache, cache_dir=cache_dir, cache_ttl=cache_ttl)
    # stacklevel 5 names the caller of Session.create, as for Session.call.
    check_client(profile, signer, policy=unsupported_client, stacklevel=5)
    chain = None
    if po_token_providers is not None:
        from .potoken._session import session_chain

        chain = session_chain(
            po_token_providers,
            cache_dir=kept.directory if kept is not None else None,
            host=base or DEFAULT_BASE_URL,
            transport=transport,
            user_agent=settings.user_agent or CLIENTS["WEB"].user_agent,
        )
    http_session = transport.new_session() if http is None else transport.adopt(http)
    events = SessionEvents()
    slot = AuthSlot(transport=transport, http=http_session, own_transport=explicit, events=events)
    slot.use(signer)
    return SessionParts(
        http=http_session,
        owns_http=http is None,
        transport=transport,
        transport_explicit=explicit,
        data=SessionDataKeeper(
            profile=profile,
            settings=settings,
            cache=kept,
            host=base or DEFAULT_BASE_URL,
            account_index=account_index,
            version_chosen=client_version is not None,
        ),
        client_chosen=client is not None,
        events=events,
        slot=slot,
        base_url=base,
        timeout=timeout if timeout is not None else transport.timeout,
        po_token=po_token,
        po_token_providers=chain,
        account_index=account_index,
        unsupported_client=unsupported_client,
    )


def _cache_of(
    cache: bool | SessionCache, *, cache_dir: str | Path | None, cache_ttl: float
) -> SessionCache | None:
    """The one session cache: the given one, none for ``False``, else built by the
    shortcuts."""
    if isinstance(cache, SessionCache):
        return cache
    return SessionCache(cache_dir, ttl=cache_ttl) if cache is not False else None


def profile_options(
    name: str | None,
    *,
    home: str | Path | None,
    store: ProfileStore | str | Path | None,
    options: dict[str, Any],
) -> tuple[RefreshingToken | CookieAuth, dict[str, Any]]:
    """The signer of a stored YouTube login, and ``options`` (the keywords of
    :meth:`Session.create <ytsession.Session.create>`) completed for it: ``base_url`` the
    profile's server; with a shared store, the session data cache in the profile; providers
    given as a list (or one provider) keeping their PO tokens in the profile's PO-token item
    (see :meth:`Session.from_profile <ytsession.Session.from_profile>`).

    :raises NotLoggedInError: the profile has no login.
    :raises ProfileError: the profile is not a YouTube login.
    :raises ServerMismatchError: ``base_url`` names another server than the profile's.
    """
    from ...store import FileStore
    from ...store.profiles import Profile
    from ...store.servers import server_for

    profile = Profile.named(name, home=home, store=store)
    auth = youtube_login(profile.name, store=profile.store)
    options = dict(options)
    options["base_url"] = server_for(
        profile.load_settings(),
        profile=profile.name,
        given=options.get("base_url"),
        what="base_url",
    )
    if options.get("cache", True) is True and not isinstance(profile.store, FileStore):
        # A shared store shares the fetched session data too (files keep the cache dir).
        ttl = options.get("cache_ttl", DEFAULT_TTL)
        options["cache"] = StoreSessionCache(profile.store, profile.name, ttl=ttl)
    providers = options.get("po_token_providers")
    if providers is not None and options.get("cache", True) is not False:
        # The profile's PO-token item, which the yt-dlp plugin's profile= uses too.
        from .potoken._session import as_chain
        from .potoken.cache import po_token_cache

        where = po_token_cache(store=profile.store, profile=profile.name)
        options["po_token_providers"] = as_chain(providers, cache=where)
    return auth, options


def youtube_login(
    name: str | None = None,
    *,
    home: str | Path | None = None,
    store: ProfileStore | str | Path | None = None,
) -> RefreshingToken | CookieAuth:
    """Load a stored YouTube login (``ytsession login``) as a self-refreshing token, or
    for a cookie profile (``ytsession login --cookies``) as a :class:`CookieAuth`.

    :param name: the profile (when ``None``: ``$YTSESSION_PROFILE``, else the one
        ``ytsession profiles use`` chose, else ``default``).
    :param home: the directory holding the profiles (the file store).
    :param store: the profile store (a store, a directory or a URL).
    :raises NotLoggedInError: the profile has no login.
    :raises ProfileError: the profile is not a YouTube login (a PeerTube one).
    """
    from ...store.kinds import YOUTUBE
    from ...store.profiles import Profile

    profile = Profile.named(name, home=home, store=store)
    settings = profile.load_settings()
    kind = profile.kind(settings)
    if kind.service != YOUTUBE:
        what = "PeerTube" if kind.service == "peertube" else settings.kind
        raise ProfileError(
            f"profile '{profile.name}' is a {what} login, not a YouTube one (logging in to "
            f"'{profile.name}' would replace its {what} login)"
        ).with_hint(NAME_A_YOUTUBE_PROFILE)
    signer = kind.signer(profile, settings)
    if not isinstance(signer, RefreshingToken | CookieAuth):
        raise ProfileError(
            f"profile '{profile.name}' is a {settings.kind} login, whose signer "
            f"({type(signer).__name__}) an InnerTube session does not take"
        )
    return signer


def as_auth(
    auth: OAuthToken | BearerAuth | InnerTubeAuth | YouTubeCookies | None,
) -> InnerTubeAuth | None:
    """What the session asks of ``create(auth=...)`` and ``sign_in``'s auth: a token is
    signed by a :class:`~ytsession.BearerAuth`, a Bearer signer answered for by its
    :class:`~ytsession.youtube.signing.BearerOnInnerTube` view, cookies signed by a
    :class:`~ytsession.CookieAuth`, an :class:`~ytsession.youtube.signing.InnerTubeAuth` taken
    as it is. The one place an InnerTube session reads its ``auth``.

    :raises TypeError: ``auth`` is none of these.
    """
    if auth is None or isinstance(auth, InnerTubeAuth):
        return auth
    if isinstance(auth, OAuthToken):
        auth = BearerAuth(auth)
    if isinstance(auth, BearerAuth):
        return BearerOnInnerTube(auth)
    if isinstance(auth, YouTubeCookies):
        return CookieAuth(auth)
    raise TypeError(
        f"auth must be a RefreshingToken, an OAuthToken, a BearerAuth, YouTubeCookies or an "
        f"InnerTubeAuth, not {type(auth).__name__}"
    )
