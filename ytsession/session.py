"""The InnerTube :class:`Session`: context, visitor data and signing for every call.

A session is the thin object a script talks to InnerTube through. It owns the client
profile, the context (language, location, time zone, visitor data, rollout token, ...),
the authentication and one :class:`requests.Session`; it does not parse answers::

    from ytsession import Session

    session = Session.create(lang="de", location="DE")
    home = session.call("browse", {"browseId": "FEwhat_to_watch"})

Signed with an OAuth token, a session defaults to the ``TVHTML5`` client, because YouTube
honours Bearer tokens from the TV clients only::

    session = Session.from_profile()          # the token of `ytsession login`
    accounts = session.call("account/accounts_list", {"callCircumstance": 2})
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import weakref
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from . import _http
from .auth.cookie_auth import CookieAuth
from .auth.cookies import YouTubeCookies
from .auth.credentials import Credentials
from .auth.signing import AuthorizedSession, BearerAuth, InnerTubeAuth
from .auth.token import OAuthToken, RefreshingToken
from .errors import (
    AuthError,
    InteractionRequiredError,
    ProfileError,
    YTSessionError,
)
from .innertube.cache import DEFAULT_TTL, CacheKey, SessionCache, StoreSessionCache
from .innertube.call import (
    InnerTubeCall,
    UnsupportedClientPolicy,
    build_call,
    check_client,
    read_answer,
)
from .innertube.clients import CLIENTS, ClientProfile, client_profile
from .innertube.context import (
    DEFAULT_BASE_URL,
    ContextSettings,
    SessionData,
    build_context,
    utc_offset_minutes,
)
from .innertube.session_data import SessionDataKeeper, session_cache_key
from .innertube.visitor import parse_config

if TYPE_CHECKING:
    import requests

    from .auth.store import ProfileStore
    from .innertube.player import PlayerCache, PlayerInfo
    from .innertube.potoken import PoToken, PoTokenContext, ProviderChain
    from .innertube.potoken.providers import PoTokenProviders

__all__ = ["EVENTS", "Session", "youtube_login"]

log = logging.getLogger("ytsession.session")

#: The events a session tells its listeners about (see :meth:`Session.on`).
EVENTS = ("auth", "auth_pending", "auth_error", "update_credentials")

Event = Literal["auth", "auth_pending", "auth_error", "update_credentials"]
Listener = Callable[[Any], object]
Timeout = float | tuple[float, float]

_T = TypeVar("_T")


class Session:
    """An InnerTube session. Make one with :meth:`create` (or :meth:`from_profile`).

    Thread-safe for calls: the visitor data adopted from answers is swapped under a lock,
    and the token refreshes once however many threads hit its expiry.
    """

    def __init__(
        self,
        *,
        http: requests.Session,
        owns_http: bool,
        transport: _http.Transport,
        profile: ClientProfile,
        client_chosen: bool,
        version_chosen: bool,
        settings: ContextSettings,
        auth: InnerTubeAuth | None,
        base_url: str | None,
        timeout: Timeout | None,
        po_token: str | None,
        account_index: int | None,
        unsupported_client: UnsupportedClientPolicy,
        cache: SessionCache | None = None,
        transport_explicit: bool = False,
    ) -> None:
        self._http = http
        self._owns_http = owns_http
        self._transport = transport
        self._transport_explicit = transport_explicit
        self._authorized = self._authorized_for(auth)
        self._unlisten: Callable[[], object] | None = None
        self._profile = profile
        self._client_chosen = client_chosen
        self._version_chosen = version_chosen
        self._settings = settings
        self._auth = auth
        self._base_url = base_url.rstrip("/") if base_url else None
        self._timeout: Timeout = timeout if timeout is not None else transport.timeout
        self.po_token = po_token
        #: The PO token providers ``player`` calls and :meth:`po_token_for` ask, or ``None``.
        self.po_token_providers: ProviderChain | None = None
        self._account_index = account_index
        self._unsupported_client: UnsupportedClientPolicy = unsupported_client
        self._data = SessionDataKeeper(
            SessionData(visitor_data=settings.visitor_data, source="given"), cache=cache
        )
        self._lock = threading.RLock()
        self._listeners: dict[str, list[Listener]] = {event: [] for event in EVENTS}
        self._listen_to(auth)

    # --- making a session ----------------------------------------------------------------

    @classmethod
    def create(
        cls,
        *,
        client: str | ClientProfile | None = None,
        client_version: str | None = None,
        lang: str = "en",
        location: str = "US",
        tz: str = "UTC",
        user_agent: str | None = None,
        visitor_data: str | None = None,
        po_token: str | None = None,
        po_token_providers: PoTokenProviders | None = None,
        account_index: int | None = None,
        on_behalf_of_user: str | None = None,
        enable_safety_mode: bool = False,
        generate_session_locally: bool = False,
        retrieve_config: bool = False,
        cache: bool | SessionCache = True,
        cache_dir: str | Path | None = None,
        cache_ttl: float = DEFAULT_TTL,
        auth: OAuthToken | InnerTubeAuth | YouTubeCookies | None = None,
        http: requests.Session | None = None,
        proxies: dict[str, str] | None = None,
        timeout: Timeout | None = None,
        retry: _http.RetryPolicy | None = None,
        deadline: float | None = None,
        transport: _http.Transport | None = None,
        base_url: str | None = None,
        unsupported_client: UnsupportedClientPolicy = "raise",
    ) -> Session:
        """Make a session: pick the client, fetch (or load) the session data.

        :param client: a client name from the client table (``"WEB"``, ``"TVHTML5"``,
            ``"ANDROID_VR"``, aliases such as ``"TV"``), or a
            :class:`~ytsession.innertube.ClientProfile`. Default: the auth's default
            client (``TVHTML5`` for an OAuth token), else ``WEB``.
        :param client_version: a ``clientVersion`` instead of the table's.
        :param lang: ``hl``, the interface language.
        :param location: ``gl``, the content region.
        :param tz: an IANA time zone name; the UTC offset is computed from it.
        :param user_agent: a user agent for every client instead of each client's own.
        :param visitor_data: visitor data to use; nothing is fetched then.
        :param po_token: a proof-of-origin token, sent on ``player`` calls as
            ``serviceIntegrityDimensions.poToken``.
        :param po_token_providers: where ``player`` calls (without ``po_token``) and
            :meth:`po_token_for` get PO tokens, bound as the rules say: a
            :class:`~ytsession.ProviderChain`, or providers tried in order (their tokens
            are cached beside the session data unless ``cache=False``).
        :param account_index: the signed-in account's index (``X-Goog-AuthUser``, for
            cookie sign-in; part of the cache key).
        :param on_behalf_of_user: ``context.user.onBehalfOfUser``: a brand account's id.
        :param enable_safety_mode: ``context.user.enableSafetyMode`` (restricted mode).
        :param generate_session_locally: make visitor data locally instead of fetching it
            (YouTube trusts such data less).
        :param retrieve_config: also fetch ``/youtubei/v1/config`` for
            ``context.client.configInfo``.
        :param cache: the :class:`~ytsession.innertube.cache.SessionCache` (or
            :class:`~ytsession.innertube.cache.StoreSessionCache`) that keeps the session
            data and, beside it, the player's ``signatureTimestamp`` and the providers' PO
            tokens; ``True`` (the default) for one built from ``cache_dir`` and
            ``cache_ttl``; ``False`` to neither read nor write any.
        :param cache_dir: shortcut for ``cache``: the directory of the cache it builds
            (default: ``$YTSESSION_CACHE_DIR``, else the user cache directory).
        :param cache_ttl: shortcut for ``cache``: seconds the cache it builds keeps session
            data before it is fetched again.
        :param auth: a :class:`~ytsession.RefreshingToken` (or plain
            :class:`~ytsession.OAuthToken`) to sign with Bearer, a logged-in browser's
            :class:`~ytsession.YouTubeCookies` (signed by a :class:`~ytsession.CookieAuth`;
            ``WEB`` by default), or any :class:`~ytsession.innertube.InnerTubeAuth`.
        :param http: a :class:`requests.Session` to reuse; ytsession's transport replaces
            its default adapters (see :meth:`~ytsession.Transport.adopt`); it is not closed
            by :meth:`close`.
        :param proxies: shortcut for ``transport``: proxies for every request of the
            session: calls, visitor data, token refreshes and the BotGuard runner.
        :param timeout: shortcut for ``transport``: seconds, or (connect, read), for each
            attempt; default :data:`ytsession._http.DEFAULT_TIMEOUT`. Given with
            ``transport``, it is the session's timeout per attempt instead of the
            transport's.
        :param retry: shortcut for ``transport``: the retry policy (see :doc:`/transport`).
        :param deadline: shortcut for ``transport``: seconds one call may take in all,
            retries, ``Retry-After`` waits, a token refresh and the body included
            (default 60).
        :param transport: the :class:`~ytsession.Transport` of every request of the
            session; without it one is built from ``proxies``, ``timeout``, ``retry``,
            ``deadline`` (and ``user_agent`` for requests outside InnerTube), which are
            ignored when it is given. When it or any of them is given, the session's token
            refreshes (and its sign-out) go through this session's transport too: passed
            to each refresh, never stored in the token's credentials, so sessions sharing
            one token keep their own.
        :param base_url: send everything here instead of YouTube, e.g. an emulator's
            ``http://127.0.0.1:PORT`` (``sw.js_data`` and the embed page too).
        :param unsupported_client: what to do when a call's client does not accept the
            session's auth (OAuth on ``WEB``): ``"raise"``
            :class:`~ytsession.ClientNotSupportedError`, or ``"warn"`` and send anyway.
        :raises UnknownClientError: no client has that name.
        :raises ClientNotSupportedError: the client does not accept the auth.
        :raises NetworkError: the session data could not be fetched in time.
        :raises InnerTubeError: the server gave no usable session data.
        :raises ValueError: the time zone is unknown, or an option is invalid.
        """
        if unsupported_client not in ("raise", "warn"):
            raise ValueError("unsupported_client must be 'raise' or 'warn'")
        signer = _as_auth(auth)
        if isinstance(signer, CookieAuth):
            signer.check_base_url(base_url)
            on_behalf_of_user = on_behalf_of_user or signer.on_behalf_of_user
        chosen = client is not None
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
        if transport is None:
            transport = _http.Transport.create(
                timeout=timeout,
                deadline=deadline,
                retry=retry,
                proxies=proxies,
                user_agent=user_agent,
            )
        kept = cache if isinstance(cache, SessionCache) else None
        if kept is None and cache is not False:  # one cache, built by the shortcuts
            kept = SessionCache(cache_dir, ttl=cache_ttl)
        if http is None:
            http_session, owns = transport.new_session(), True
        else:
            http_session, owns = transport.adopt(http), False
        session = cls(
            http=http_session,
            owns_http=owns,
            transport=transport,
            profile=profile,
            client_chosen=chosen,
            version_chosen=client_version is not None,
            settings=settings,
            auth=signer,
            base_url=base_url,
            timeout=timeout,
            po_token=po_token,
            account_index=account_index,
            unsupported_client=unsupported_client,
            cache=kept,
            transport_explicit=explicit,
        )
        try:
            session._check_client(profile, signer)
            if po_token_providers is not None:
                session._use_po_token_providers(po_token_providers)
            session._start(
                visitor_data=visitor_data,
                generate_locally=generate_session_locally,
                retrieve_config=retrieve_config,
            )
        except BaseException:
            session.close()
            raise
        return session

    @classmethod
    def from_profile(
        cls,
        name: str | None = None,
        *,
        home: str | Path | None = None,
        store: ProfileStore | str | Path | None = None,
        **options: Any,
    ) -> Session:
        """Make a session signed with a stored login (``ytsession login``).

        :param name: the profile (when ``None``: ``$YTSESSION_PROFILE``, else the one
            ``ytsession profiles use`` chose, else ``default``).
        :param home: the directory holding the profiles (the file store).
        :param store: the profile store: a store, a directory or a URL such as
            ``redis://host:6379/0`` (default ``$YTSESSION_STORE``, else the file store).
        :param options: anything :meth:`create` takes, except ``auth``. With a shared store
            (Redis) the session data cache lives in the profile too, unless ``cache`` says
            otherwise. Providers given as a list (or one provider) keep their PO tokens in
            the profile's PO-token item, the one the yt-dlp plugin's ``profile=`` uses
            (in memory only with ``cache=False``). Every call goes to the server the
            profile was logged in on (YouTube, or e.g. the emulator it was logged in
            against): ``base_url`` may name that server, and no other;
            ``$YTSESSION_SERVER`` is ignored here, with a warning when it names another.
        :raises NotLoggedInError: the profile has no login.
        :raises ProfileError: the profile is not a YouTube login (a PeerTube one).
        :raises ServerMismatchError: ``base_url`` names another server than the profile's.
        :raises StoreError: the store failed (:class:`~ytsession.errors.NetworkError` too
            when it cannot be reached).
        """
        from .auth.profiles import Profile
        from .auth.servers import server_for
        from .auth.store import FileStore

        profile = Profile.named(name, home=home, store=store)
        auth = youtube_login(profile.name, store=profile.store)
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
            from .innertube.potoken._session import as_chain
            from .innertube.potoken.providers import po_token_cache

            where = po_token_cache(store=profile.store, profile=profile.name)
            options["po_token_providers"] = as_chain(providers, cache=where)
        return cls.create(auth=auth, **options)

    def _start(
        self, *, visitor_data: str | None, generate_locally: bool, retrieve_config: bool
    ) -> None:
        fetched = self._data.start(
            visitor_data=visitor_data,
            generate_locally=generate_locally,
            key=self._cache_key,
            http=self._http,
            transport=self._transport,
            base_url=self._base_url,
            settings=self._settings,
            timeout=self._timeout,
        )
        self._use_session_data(self._data.data)
        if retrieve_config and not self._data.data.has_config:
            config = parse_config(self._post("config", {}, profile=self._profile))
            self._use_session_data(
                dataclasses.replace(
                    self._data.data,
                    config_data=config["config_data"],
                    cold_config_data=config["cold_config_data"],
                    cold_hash_data=config["cold_hash_data"],
                    hot_hash_data=config["hot_hash_data"],
                )
            )
            fetched = True
        if fetched:
            self._data.store()

    def _cache_key(self) -> CacheKey:
        return session_cache_key(
            client=self._profile.name,
            settings=self._settings,
            account=self._auth.account_key if self._auth is not None else "anonymous",
            account_index=self._account_index,
            host=self._base_url or DEFAULT_BASE_URL,
        )

    def _use_session_data(self, data: SessionData) -> None:
        with self._lock:
            self._data.data = data
            self._settings = self._settings.with_session_data(data)
            if data.client_version and not self._version_chosen and self._profile is CLIENTS["WEB"]:
                # The server names WEB's current version: fresher than the table's.
                # version_source says where: "sw.js_data" (also when read from the cache).
                self._profile = self._profile.with_version(data.client_version, source=data.source)

    # --- what a script reads -------------------------------------------------------------

    @property
    def client(self) -> ClientProfile:
        """The session's client profile."""
        return self._profile

    @property
    def client_name(self) -> str:
        """``clientName`` of the session's client, e.g. ``"TVHTML5"``."""
        return self._profile.name

    @property
    def client_version(self) -> str:
        """``clientVersion`` of the session's client."""
        return self._profile.version

    @property
    def lang(self) -> str:
        """``hl``, the interface language."""
        return self._settings.lang

    @property
    def location(self) -> str:
        """``gl``, the content region."""
        return self._settings.location

    @property
    def visitor_data(self) -> str:
        """The current visitor data (newer data from answers is adopted)."""
        return self._settings.visitor_data

    @property
    def rollout_token(self) -> str:
        """The rollout token, or ``""``."""
        return self._settings.rollout_token

    @property
    def session_data(self) -> SessionData:
        """The fetched, cached, generated or given session data."""
        return self._data.data

    @property
    def settings(self) -> ContextSettings:
        """Everything besides the client that the context is built from."""
        return self._settings

    @property
    def logged_in(self) -> bool:
        """Whether calls are signed."""
        return self._auth is not None

    @property
    def auth(self) -> InnerTubeAuth | None:
        """What signs the calls, or ``None``."""
        return self._auth

    @property
    def http(self) -> requests.Session:
        """The unsigned :class:`requests.Session` of the session (visitor data)."""
        return self._http

    @property
    def authorized(self) -> AuthorizedSession:
        """The :class:`~ytsession.AuthorizedSession` every call goes through: a
        :class:`requests.Session` whose every request is signed with the session's auth
        (unsigned when signed out), refreshed once after a 401 and sent within the
        transport's deadline. Use it for requests of your own to YouTube."""
        return self._authorized

    @property
    def transport(self) -> _http.Transport:
        """The transport policy of every request of the session."""
        return self._transport

    @property
    def base_url(self) -> str:
        """Where the calls go when no client names another host."""
        return self._base_url or self._profile.origin

    @property
    def context(self) -> dict[str, Any]:
        """The ``context`` the session's calls carry (a new dict each time)."""
        return build_context(self._profile, self._settings)

    def context_for(self, client: str | ClientProfile) -> dict[str, Any]:
        """:return: the ``context`` a call with ``client=client`` would carry."""
        return build_context(self._resolve_client(client), self._settings)

    # --- calls ---------------------------------------------------------------------------

    def call(
        self,
        endpoint: str,
        payload: Mapping[str, Any] | None = None,
        *,
        client: str | ClientProfile | None = None,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        """POST to ``/youtubei/v1/<endpoint>?prettyPrint=false`` and return the answer.

        The body is ``{"context": ..., **payload}``; a ``context`` in the payload is merged
        over the session's. On ``player`` calls the session's PO token goes into
        ``serviceIntegrityDimensions.poToken`` (unless the payload sets one).

        :param endpoint: e.g. ``"browse"``, ``"player"``, ``"account/account_menu"``.
        :param payload: the request's own fields, e.g. ``{"browseId": "FEwhat_to_watch"}``.
        :param client: this call only: another client's context and headers. The
            session's own context is not touched.
        :param timeout: this call only: seconds, or (connect, read).
        :return: the parsed JSON answer.
        :raises ClientNotSupportedError: the client does not accept the session's auth.
        :raises InnerTubeError: InnerTube answered an error (status, message, endpoint).
        :raises NetworkError: the server timed out or could not be reached after retries.
        :raises LoginRequiredError: the token could not be refreshed: log in again.
        """
        profile = self._profile if client is None else self._resolve_client(client)
        self._check_client(profile, self._auth)
        return self._post(endpoint, payload or {}, profile=profile, timeout=timeout)

    def _resolve_client(self, client: str | ClientProfile) -> ClientProfile:
        if isinstance(client, ClientProfile):
            return client
        profile = client_profile(client)
        return self._profile if profile.name == self._profile.name else profile

    def _check_client(self, profile: ClientProfile, signer: InnerTubeAuth | None) -> None:
        check_client(profile, signer, policy=self._unsupported_client, stacklevel=5)

    def _post(
        self,
        endpoint: str,
        payload: Mapping[str, Any],
        *,
        profile: ClientProfile,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        signer = self._auth
        call = build_call(
            endpoint,
            payload,
            profile=profile,
            settings=self._settings,
            signer=signer,
            account_index=self._account_index,
            base_url=self._base_url,
            po_token=self.po_token,
            po_token_providers=self.po_token_providers,
            signature_timestamp=lambda: self._player_cache().signature_timestamp(
                self._http, timeout=timeout or self._timeout
            ),
        )
        response = self._send(call, timeout)
        data = read_answer(response, call.endpoint, profile, signer)
        self._adopt_visitor_data(data)
        if signer is not None:  # session facts from the parsed answer: no body re-scan
            self._guarded(lambda: signer.observe_answer(data))
        return data

    # --- the web player's signatureTimestamp (ytsession.innertube.player) ----------------

    def current_player(self, *, timeout: Timeout | None = None) -> PlayerInfo:
        """The current web player's id and ``signatureTimestamp``, as ``player`` calls send
        it: cached beside the session data, asked again after
        :data:`~ytsession.innertube.player.PLAYER_TTL`.

        :param timeout: seconds, or (connect, read), for each fetch; the session's when
            ``None``.
        :raises NetworkError: the iframe API or the player script could not be fetched.
        :raises InnerTubeError: they answered an error or something unexpected.
        """
        player = self._player_cache()
        player.signature_timestamp(self._http, timeout=timeout or self._timeout)
        assert player.current is not None
        return player.current

    def _player_cache(self) -> PlayerCache:
        return self._data.player_cache(self._base_url or DEFAULT_BASE_URL)

    # --- PO tokens (ytsession.innertube.potoken) -----------------------------------------

    def _use_po_token_providers(self, providers: PoTokenProviders) -> None:
        from .innertube.potoken._session import session_chain

        cache = self._data.cache
        self.po_token_providers = session_chain(
            providers,
            cache_dir=cache.directory if cache is not None else None,
            host=self._base_url or DEFAULT_BASE_URL,
            transport=self._transport,
            user_agent=self._settings.user_agent or CLIENTS["WEB"].user_agent,
        )

    def po_token_for(
        self,
        context: PoTokenContext | str,
        *,
        video_id: str = "",
        client: str | ClientProfile | None = None,
        gvs_bound_to_video: bool = False,
    ) -> PoToken | None:
        """A PO token of this session, from its providers, bound as the rules say.

        Use it for stream URLs (``"gvs"``, with
        :func:`~ytsession.innertube.potoken.add_pot_to_stream_url`) and caption URLs
        (``"subs"``, with :func:`~ytsession.innertube.potoken.add_pot_to_caption_url`).

        :param context: ``"gvs"``, ``"player"`` or ``"subs"``.
        :param video_id: the video (``player``, ``subs``).
        :param client: the client the URLs came from; the session's when ``None``.
        :param gvs_bound_to_video: a stream token bound to ``video_id``, as YouTube wants
            it when the player's experiment flags hold ``html5_generate_content_po_token``
            (yt-dlp's rule; ``WEB_REMIX`` too).
        :return: the token, or ``None`` when the client uses none or every provider
            declined.
        :raises PoTokenError: the session has no providers, or they failed.
        :raises PoTokenBindingError: an id the binding needs is missing.
        """
        from .innertube.potoken._session import session_po_token

        profile = self._profile if client is None else self._resolve_client(client)
        return session_po_token(
            self.po_token_providers,
            context,
            client=profile.name,
            visitor_data=self._settings.visitor_data,
            auth=self._auth,
            video_id=video_id,
            gvs_bound_to_video=gvs_bound_to_video,
        )

    def _send(self, call: InnerTubeCall, timeout: Timeout | None) -> requests.Response:
        """Send through the seam: signed, refreshed once after a 401, re-sent after a
        failure the server may have seen only when the call is a read."""
        authorized = self._authorized
        return self._guarded(
            lambda: authorized.request(
                "POST",
                call.url,
                json=call.body,
                headers=call.headers,
                timeout=timeout if timeout is not None else self._timeout,
                idempotent=call.idempotent,
            )
        )

    def _guarded(self, action: Callable[[], _T]) -> _T:
        """Run ``action``; tell ``auth_error`` listeners about an auth failure in it."""
        try:
            return action()
        except AuthError as exc:
            self._emit("auth_error", exc)
            raise

    def _adopt_visitor_data(self, answer: Mapping[str, Any]) -> None:
        if self._data.adopt_visitor_data(answer) is not None:
            with self._lock:  # the keeper's latest, whichever thread adopted last
                visitor_data = self._data.data.visitor_data
                self._settings = dataclasses.replace(self._settings, visitor_data=visitor_data)

    # --- signing in and out --------------------------------------------------------------

    def sign_in(
        self,
        auth: OAuthToken | InnerTubeAuth | YouTubeCookies | Credentials,
        *,
        to_file: str | Path | None = None,
    ) -> None:
        """Sign the session's calls from now on.

        With :class:`~ytsession.auth.credentials.Credentials`, runs the device flow:
        ``auth_pending`` listeners get the code to show (``verification_url``,
        ``user_code``), then the call waits for approval. Without such a listener the
        code, URL and QR code are shown on standard error when it is a terminal; with
        neither, :class:`~ytsession.InteractionRequiredError` is raised at once rather
        than waiting for an approval nobody knows about. When the session's client does
        not accept the new auth and was not chosen explicitly, the session moves to the
        auth's default client (``TVHTML5`` for a token).

        :param auth: a token, an :class:`~ytsession.innertube.InnerTubeAuth`, or OAuth
            credentials to log in with.
        :param to_file: with credentials: store the new token there and keep it in step.
        :raises ClientNotSupportedError: the explicitly chosen client does not accept it.
        :raises AccessDeniedError: the user refused (device flow).
        :raises DeviceCodeExpiredError: the code expired (device flow).
        :raises InteractionRequiredError: a device flow with no listener and no terminal.
        """
        if isinstance(auth, Credentials):
            auth = self._device_login(auth, to_file)
        signer = _as_auth(auth)
        assert signer is not None
        with self._lock:
            profile = self._profile
            if not signer.accepts(profile):
                if self._client_chosen:
                    self._check_client(profile, signer)
                else:
                    profile = client_profile(signer.default_client)
            self._auth = signer
            self._authorized = self._authorized_for(signer)
            self._listen_to(signer)
            self._profile = profile
            self._rekey()
        self._emit("auth", _credentials_of(signer))

    def _device_login(
        self, credentials: Credentials, to_file: str | Path | None
    ) -> RefreshingToken:
        import sys

        from ._console import device_login, stderr_is_tty

        listened = bool(self._listeners["auth_pending"])
        if not listened and not stderr_is_tty():
            raise InteractionRequiredError(
                "sign_in(credentials) runs a device-flow login that a person must approve, "
                "but nobody would see the code: add an 'auth_pending' listener "
                "(session.on('auth_pending', show)) or run it at a terminal"
            )
        # The one device-login flow: the code to the listeners, else code and QR on stderr.
        show = (lambda code: self._emit("auth_pending", code)) if listened else None
        try:
            raw = device_login(credentials, out=sys.stderr, show=show)
        except YTSessionError as exc:
            self._emit("auth_error", exc)
            raise
        token = RefreshingToken.from_login_answer(credentials, raw, to_file=to_file)
        if not listened:
            saved = f"; the token is saved to {to_file}" if to_file is not None else ""
            print(f"Logged in{saved}", file=sys.stderr, flush=True)
        return token

    def sign_out(self) -> None:
        """Revoke the session's credentials at the server and stop signing calls.

        The client stays as it is. A token file is left on disk (``ytsession logout``
        deletes a profile); its refresh token no longer works.

        :raises NetworkError: the server could not be told; the session stays signed in.
        """
        signer = self._auth
        if signer is None:
            return
        self._guarded(lambda: signer.revoke(**self._refresh_via()))
        with self._lock:
            self._auth = None
            self._authorized = self._authorized_for(None)
            self._listen_to(None)
            self._rekey()

    def _refresh_via(self) -> dict[str, Any]:
        """``http=`` for refreshes and revokes: the session's own HTTP session when it was
        given transport options, else nothing (the credentials' own transport)."""
        return {"http": self._http} if self._transport_explicit else {}

    def _authorized_for(self, signer: InnerTubeAuth | None) -> AuthorizedSession:
        return AuthorizedSession(
            signer,
            transport=self._transport,
            base=self._http,
            refresh_http=self._http if self._transport_explicit else None,
        )

    def _listen_to(self, signer: InnerTubeAuth | None) -> None:
        """Tell ``update_credentials`` listeners about the refreshes ``signer`` announces
        (and stop listening to the signer before). The signer holds no reference to the
        session: one left unclosed is still collected, and stops listening then."""
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        if signer is None:
            return
        session = weakref.ref(self)

        def refreshed(credentials: object) -> None:
            alive = session()
            if alive is not None:
                alive._emit("update_credentials", credentials)

        signer.on_refresh(refreshed)
        self._unlisten = weakref.finalize(self, signer.off_refresh, refreshed)

    def _rekey(self) -> None:
        """After signing in or out: keep session data under the new account's cache key, and
        use what that account has cached."""
        cached = self._data.rekey(self._cache_key)
        if cached is not None:
            self._use_session_data(cached)

    # --- listeners -----------------------------------------------------------------------

    @overload
    def on(self, event: Event, listener: Listener) -> Listener: ...

    @overload
    def on(self, event: Event, listener: None = None) -> Callable[[Listener], Listener]: ...

    def on(
        self, event: Event, listener: Listener | None = None
    ) -> Listener | Callable[[Listener], Listener]:
        """Call ``listener`` on ``event``. Without ``listener``, a decorator::

            @session.on("auth_pending")
            def show(code): print(code["verification_url"], code["user_code"])

        - ``auth``: signed in; gets the token (or the auth's credentials).
        - ``auth_pending``: a device-flow login waits for the user; gets the code answer
          (``verification_url``, ``user_code``, ...) to show.
        - ``auth_error``: signing in or refreshing failed; gets the exception (which is
          raised too).
        - ``update_credentials``: the credentials were renewed (the token refreshed,
          by this session or anyone sharing it; the cookie jar rotated or read again);
          gets the token (or the cookie signer). The signer announces it
          (:meth:`~ytsession.auth.signing.Signer.on_refresh`).

        :raises ValueError: unknown event.
        """
        listeners = self._listeners_of(event)
        if listener is None:

            def decorate(function: Listener) -> Listener:
                listeners.append(function)
                return function

            return decorate
        listeners.append(listener)
        return listener

    def off(self, event: Event, listener: Listener) -> None:
        """Stop calling ``listener`` on ``event`` (a listener not added is fine)."""
        listeners = self._listeners_of(event)
        if listener in listeners:
            listeners.remove(listener)

    def _listeners_of(self, event: str) -> list[Listener]:
        if event not in self._listeners:
            raise ValueError(f"unknown event {event!r}; use one of {', '.join(EVENTS)}")
        return self._listeners[event]

    def _emit(self, event: str, value: object) -> None:
        for listener in list(self._listeners[event]):
            listener(value)

    # --- lifetime ------------------------------------------------------------------------

    def close(self) -> None:
        """Store renewed session data still waiting, and close the HTTP session (unless it
        was given to :meth:`create`)."""
        with self._lock:
            self._data.flush()
            self._listen_to(None)
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Session(client={self._profile.name!r}, version={self._profile.version!r}, "
            f"lang={self.lang!r}, location={self.location!r}, logged_in={self.logged_in})"
        )


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
    from .auth.kinds import YOUTUBE
    from .auth.profiles import Profile

    profile = Profile.named(name, home=home, store=store)
    settings = profile.load_settings()
    kind = profile.kind(settings)
    if kind.service != YOUTUBE:
        what = "PeerTube" if kind.service == "peertube" else settings.kind
        raise ProfileError(
            f"profile '{profile.name}' is a {what} login, not a YouTube one; name a YouTube "
            "profile (`ytsession profiles` lists them), or log in to YouTube under a new "
            f"name (logging in to '{profile.name}' would replace its {what} login)"
        )
    return kind.signer(profile, settings)


def _as_auth(auth: OAuthToken | InnerTubeAuth | YouTubeCookies | None) -> InnerTubeAuth | None:
    if auth is None or isinstance(auth, InnerTubeAuth):
        return auth
    if isinstance(auth, OAuthToken):
        return BearerAuth(auth)
    if isinstance(auth, YouTubeCookies):
        return CookieAuth(auth)
    raise TypeError(
        f"auth must be a RefreshingToken, an OAuthToken, YouTubeCookies or an InnerTubeAuth, not "
        f"{type(auth).__name__}"
    )


def _credentials_of(signer: InnerTubeAuth) -> object:
    return signer.token if isinstance(signer, BearerAuth) else signer
