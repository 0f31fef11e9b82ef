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

What it is made of is built in :mod:`ytsession.youtube.innertube.session_parts`, its session data is
kept by :mod:`ytsession.youtube.innertube.session_data`, its calls are built by
:mod:`ytsession.youtube.innertube.call`, and its listeners are told by
:mod:`ytsession.youtube.innertube.events`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from ..oauth.credentials import Credentials
from ..oauth.token import OAuthToken
from ..transport import RetryPolicy, Transport
from ..transport.signing import AuthorizedSession
from .cookies.jar import YouTubeCookies
from .innertube.cache import DEFAULT_TTL, SessionCache
from .innertube.call import (
    UnsupportedClientPolicy,
    build_call,
    check_client,
    read_answer,
    send_call,
)
from .innertube.clients import ClientProfile, client_profile
from .innertube.context import ContextSettings, SessionData, build_context
from .innertube.events import EVENTS, Event, Listener
from .innertube.session_parts import (
    SessionParts,
    as_auth,
    build_parts,
    profile_options,
    youtube_login,
)
from .signing import InnerTubeAuth

if TYPE_CHECKING:
    import requests

    from ..oauth.bearer import BearerAuth
    from ..store import ProfileStore
    from ..transport.signing import Signer
    from .innertube.player import PlayerInfo
    from .innertube.potoken import PoToken, PoTokenContext, ProviderChain
    from .innertube.potoken.chain import PoTokenProviders

__all__ = ["EVENTS", "Session", "youtube_login"]

log = logging.getLogger("ytsession.session")

Timeout = float | tuple[float, float]


class Session:
    """An InnerTube session. Make one with :meth:`create` (or :meth:`from_profile`).

    Thread-safe for calls: the visitor data adopted from answers is swapped under a lock,
    and the token refreshes once however many threads hit its expiry.
    """

    def __init__(self, parts: SessionParts) -> None:
        self._parts = parts
        self._data = parts.data
        self.po_token = parts.po_token
        #: The PO token providers ``player`` calls and :meth:`po_token_for` ask, or ``None``.
        self.po_token_providers: ProviderChain | None = parts.po_token_providers
        self._lock = threading.RLock()
        self._events = parts.events
        self._slot = parts.slot

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
        auth: OAuthToken | BearerAuth | InnerTubeAuth | YouTubeCookies | None = None,
        http: requests.Session | None = None,
        proxies: dict[str, str] | None = None,
        timeout: Timeout | None = None,
        retry: RetryPolicy | None = None,
        deadline: float | None = None,
        transport: Transport | None = None,
        base_url: str | None = None,
        unsupported_client: UnsupportedClientPolicy = "raise",
    ) -> Session:
        """Make a session: pick the client, fetch (or load) the session data. Every keyword
        is optional (:ref:`create-keywords` says what each does); the loose ones are
        shortcuts that build the ``transport`` and the ``cache``.

        :raises UnknownClientError: no client has that name.
        :raises ClientNotSupportedError: the client does not accept the auth.
        :raises NetworkError: the session data could not be fetched in time.
        :raises InnerTubeError: the server gave no usable session data.
        :raises ValueError: the time zone is unknown, or an option is invalid.
        """
        parts = build_parts(
            client=client,
            client_version=client_version,
            lang=lang,
            location=location,
            tz=tz,
            user_agent=user_agent,
            po_token=po_token,
            po_token_providers=po_token_providers,
            account_index=account_index,
            on_behalf_of_user=on_behalf_of_user,
            enable_safety_mode=enable_safety_mode,
            cache=cache,
            cache_dir=cache_dir,
            cache_ttl=cache_ttl,
            auth=auth,
            http=http,
            proxies=proxies,
            timeout=timeout,
            retry=retry,
            deadline=deadline,
            transport=transport,
            base_url=base_url,
            unsupported_client=unsupported_client,
        )
        session = cls(parts)
        try:
            session._start(visitor_data, generate_session_locally, retrieve_config)
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
        """Make a session signed with a stored login (``ytsession login``), talking to the
        server it was made on; ``options`` are :meth:`create`'s but ``auth`` (see
        :ref:`from-profile`).

        :param name: the profile (default: ``$YTSESSION_PROFILE``, else the one ``ytsession
            profiles use`` chose, else ``default``).
        :param home: the directory holding the profiles (the file store).
        :param store: the profile store: a store, a directory or a URL such as
            ``redis://host:6379/0`` (default ``$YTSESSION_STORE``, else the file store).
        :raises NotLoggedInError: the profile has no login.
        :raises ProfileError: the profile is not a YouTube login (a PeerTube one).
        :raises ServerMismatchError: ``base_url`` names another server than the profile's.
        :raises StoreError: the store failed (or could not be reached: ``NetworkError``).
        """
        auth, options = profile_options(name, home=home, store=store, options=options)
        return cls.create(auth=auth, **options)

    def _start(self, visitor_data: str | None, generate_locally: bool, with_config: bool) -> None:
        fetched = self._data.start(
            visitor_data=visitor_data,
            generate_locally=generate_locally,
            signer=self._slot.auth,
            http=self._parts.http,
            transport=self._parts.transport,
            timeout=self._parts.timeout,
        )
        if with_config and not self._data.data.has_config:
            self._data.use_config(self._post("config", {}, profile=self._data.profile))
            fetched = True
        if fetched:
            self._data.store()

    @property
    def client(self) -> ClientProfile:
        """The session's client profile."""
        return self._data.profile

    @property
    def client_name(self) -> str:
        """``clientName`` of the session's client, e.g. ``"TVHTML5"``."""
        return self._data.profile.name

    @property
    def client_version(self) -> str:
        """``clientVersion`` of the session's client."""
        return self._data.profile.version

    @property
    def lang(self) -> str:
        """``hl``, the interface language."""
        return self._data.settings.lang

    @property
    def location(self) -> str:
        """``gl``, the content region."""
        return self._data.settings.location

    @property
    def visitor_data(self) -> str:
        """The current visitor data (newer data from answers is adopted)."""
        return self._data.settings.visitor_data

    @property
    def rollout_token(self) -> str:
        """The rollout token, or ``""``."""
        return self._data.settings.rollout_token

    @property
    def session_data(self) -> SessionData:
        """The fetched, cached, generated or given session data."""
        return self._data.data

    @property
    def settings(self) -> ContextSettings:
        """Everything besides the client that the context is built from."""
        return self._data.settings

    @property
    def logged_in(self) -> bool:
        """Whether calls are signed."""
        return self._slot.auth is not None

    @property
    def auth(self) -> Signer | None:
        """What signs the calls (the signer given or made), or ``None``."""
        return self._slot.signer

    @property
    def http(self) -> requests.Session:
        """The unsigned :class:`requests.Session` of the session (visitor data)."""
        return self._parts.http

    @property
    def authorized(self) -> AuthorizedSession:
        """The :class:`~ytsession.AuthorizedSession` every call goes through, for requests
        of your own to YouTube (see :ref:`own-requests`)."""
        return self._slot.authorized

    @property
    def transport(self) -> Transport:
        """The transport policy of every request of the session."""
        return self._parts.transport

    @property
    def base_url(self) -> str:
        """Where the calls go when no client names another host."""
        return self._parts.base_url or self._data.profile.origin

    @property
    def context(self) -> dict[str, Any]:
        """The ``context`` the session's calls carry (a new dict each time)."""
        return build_context(self._data.profile, self._data.settings)

    def context_for(self, client: str | ClientProfile) -> dict[str, Any]:
        """:return: the ``context`` a call with ``client=client`` would carry."""
        return build_context(self._data.client_for(client), self._data.settings)

    def call(
        self,
        endpoint: str,
        payload: Mapping[str, Any] | None = None,
        *,
        client: str | ClientProfile | None = None,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        """POST to ``/youtubei/v1/<endpoint>?prettyPrint=false`` and return the parsed JSON:
        the body is ``{"context": ..., **payload}`` (see
        :func:`~ytsession.youtube.innertube.call.build_call`).

        :param endpoint: e.g. ``"browse"``, ``"player"``, ``"account/account_menu"``.
        :param payload: the request's own fields, e.g. ``{"browseId": "FEwhat_to_watch"}``.
        :param client: this call only: another client's context and headers.
        :param timeout: this call only: seconds, or (connect, read).
        :raises ClientNotSupportedError: the client does not accept the session's auth.
        :raises InnerTubeError: InnerTube answered an error (status, message, endpoint).
        :raises NetworkError: the server timed out or could not be reached after retries.
        :raises LoginRequiredError: the token could not be refreshed: log in again.
        """
        profile = self._data.client_for(client)
        self._check_client(profile, self._slot.auth)
        return self._post(endpoint, payload or {}, profile=profile, timeout=timeout)

    def _check_client(self, profile: ClientProfile, signer: InnerTubeAuth | None) -> None:
        check_client(profile, signer, policy=self._parts.unsupported_client, stacklevel=5)

    def _post(
        self,
        endpoint: str,
        payload: Mapping[str, Any],
        *,
        profile: ClientProfile,
        timeout: Timeout | None = None,
    ) -> dict[str, Any]:
        signer = self._slot.auth
        call = build_call(
            endpoint,
            payload,
            profile=profile,
            settings=self._data.settings,
            signer=signer,
            account_index=self._parts.account_index,
            base_url=self._parts.base_url,
            po_token=self.po_token,
            po_token_providers=self.po_token_providers,
            signature_timestamp=lambda: self.current_player(timeout=timeout).signature_timestamp,
        )
        each = timeout if timeout is not None else self._parts.timeout
        authorized = self._slot.authorized
        response = self._events.guarded(lambda: send_call(authorized, call, timeout=each))
        data = read_answer(response, call.endpoint, profile, signer)
        self._data.adopt_visitor_data(data)
        if signer is not None:  # session facts from the parsed answer: no body re-scan
            self._events.guarded(lambda: signer.observe_answer(data))
        return data

    def current_player(self, *, timeout: Timeout | None = None) -> PlayerInfo:
        """The current web player's id and ``signatureTimestamp``, as ``player`` calls send
        it (cached beside the session data).

        :param timeout: seconds, or (connect, read), per fetch; the session's when ``None``.
        :raises NetworkError: the iframe API or the player script could not be fetched.
        :raises InnerTubeError: they answered an error or something unexpected.
        """
        return self._data.current_player(self._parts.http, timeout=timeout or self._parts.timeout)

    def po_token_for(
        self,
        context: PoTokenContext | str,
        *,
        video_id: str = "",
        client: str | ClientProfile | None = None,
        gvs_bound_to_video: bool = False,
    ) -> PoToken | None:
        """A PO token of this session from its providers, bound as the rules say, e.g.
        for stream (``"gvs"``) or caption (``"subs"``) URLs; see :doc:`/potokens`.

        :param context: ``"gvs"``, ``"player"`` or ``"subs"``.
        :param video_id: the video (``player``, ``subs``; ``gvs`` with ``gvs_bound_to_video``).
        :param client: the client the URLs came from; the session's when ``None``.
        :return: the token, or ``None`` when the client uses none or every provider declined.
        :raises PoTokenError: the session has no providers, or they failed.
        :raises PoTokenBindingError: an id the binding needs is missing.
        """
        from .innertube.potoken._session import session_po_token

        profile = self._data.client_for(client)
        return session_po_token(
            self.po_token_providers,
            context,
            client=profile.name,
            visitor_data=self._data.settings.visitor_data,
            auth=self._slot.signer,
            video_id=video_id,
            gvs_bound_to_video=gvs_bound_to_video,
        )

    def sign_in(
        self,
        auth: OAuthToken | BearerAuth | InnerTubeAuth | YouTubeCookies | Credentials,
        *,
        to_file: str | Path | None = None,
    ) -> None:
        """Sign the session's calls from now on (see :ref:`repl`); credentials run the
        device flow. A client not chosen explicitly moves to the auth's default client
        (``TVHTML5`` for a token) when it does not accept the new auth.

        :param auth: a token, an :class:`~ytsession.youtube.signing.InnerTubeAuth`, or
            credentials.
        :param to_file: with credentials: store the new token there and keep it in step.
        :raises ClientNotSupportedError: the explicitly chosen client does not accept it.
        :raises AccessDeniedError: the user refused (device flow).
        :raises DeviceCodeExpiredError: the code expired (device flow).
        :raises InteractionRequiredError: a device flow with no listener and no terminal.
        """
        if isinstance(auth, Credentials):
            auth = self._events.device_login(auth, to_file)
        signing = as_auth(auth)
        assert signing is not None
        with self._lock:
            if self._parts.client_chosen:
                self._check_client(self._data.profile, signing)
            elif not signing.accepts(self._data.profile):
                self._data.profile = client_profile(signing.default_client)
            self._slot.use(signing)
            self._data.rekey(signing)
        self._events.emit("auth", self._slot.credentials)

    def sign_out(self) -> None:
        """Revoke the session's credentials at the server and stop signing calls; the
        client stays, a token file stays on disk (its refresh token no longer works).

        :raises NetworkError: the server could not be told; the session stays signed in.
        """
        if self._slot.auth is None:
            return
        self._slot.revoke()
        with self._lock:
            self._slot.use(None)
            self._data.rekey(None)

    @overload
    def on(self, event: Event, listener: Listener) -> Listener: ...

    @overload
    def on(self, event: Event, listener: None = None) -> Callable[[Listener], Listener]: ...

    def on(
        self, event: Event, listener: Listener | None = None
    ) -> Listener | Callable[[Listener], Listener]:
        """Call ``listener`` on ``event`` (:ref:`the events <session-events>`: ``auth``,
        ``auth_pending``, ``auth_error``, ``update_credentials``); without it, a decorator.

        :raises ValueError: unknown event.
        """
        return self._events.on(event, listener)

    def off(self, event: Event, listener: Listener) -> None:
        """Stop calling ``listener`` on ``event`` (a listener not added is fine)."""
        self._events.off(event, listener)

    def close(self) -> None:
        """Store renewed session data still waiting, and close the HTTP session (unless it
        was given to :meth:`create`)."""
        with self._lock:
            self._data.flush()
            self._events.follow(None, owner=self)
        if self._parts.owns_http:
            self._parts.http.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Session(client={self._data.profile.name!r}, version={self._data.profile.version!r}, "
            f"lang={self.lang!r}, location={self.location!r}, logged_in={self.logged_in})"
        )
