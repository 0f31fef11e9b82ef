"""Signing requests: one flow for every signer, and the session that drives it.

Every signer (:class:`~ytsession.BearerAuth` for an OAuth token, :class:`~ytsession.CookieAuth` for
browser cookies) is a :class:`Signer`, and every signed request follows one flow,
:meth:`Signer.auth_flow`, written once:

1. sign the request for its host (a signer that does not sign that host sends it as it is);
2. send it, and read what the answer says about the credentials (``Set-Cookie``);
3. on a refused answer (HTTP 401), refresh the credentials once, through the HTTP session
   the caller passes in, sign again and re-send (only a body that can be sent twice);
4. on a redirect to a host the signer signs (between YouTube hosts), sign the next hop for
   its host and send it; on a redirect anywhere else, drop every header of ours
   (:func:`~ytsession.transport.strip_ours`) and leave the hop to :mod:`requests`.

Refreshes are announced to :meth:`Signer.on_refresh` listeners, never found by comparing
state before and after a call.

**Why a generator, as httpx's** ``Auth.auth_flow``, rather than google-auth's
``before_request`` plus ``refresh(transport)``: the whole story of one signed request
(sign, read the answer, refresh and re-send, re-sign a redirect) reads top to bottom in one
function, and a subclass supplies only its steps (:meth:`~Signer.sign`,
:meth:`~Signer.refresh`, :meth:`~Signer.observe`, :meth:`~Signer.signs_for`). With
``before_request`` the 401 loop lives in the session, ``Set-Cookie`` and redirects in
response hooks beside it: the three places this module replaces. And a generator runs
under any driver: :mod:`requests`' response hook drives it (so a user's own
:class:`requests.Session` with our auth object signs, refreshes once after a 401 and
re-signs redirects), and :class:`AuthorizedSession` is that same hook plus a deadline and
the HTTP session its refreshes go through. From google-auth we keep the one good idea the
flow needs: the transport is an argument of the refresh, never stored in the credentials,
so two sessions sharing one token each refresh through their own proxies and deadline.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urljoin

import requests
from requests.auth import AuthBase
from requests.sessions import REDIRECT_STATI

from .adapter import DEFAULT_TRANSPORT, Transport
from .failures import network_error
from .policy import MAX_REFRESH_ATTEMPTS, REFRESH_STATUSES, host_of, strip_ours

if TYPE_CHECKING:
    from requests import PreparedRequest, Response

__all__ = [
    "MAX_REDIRECTS",
    "AuthorizedSession",
    "Flow",
    "Listener",
    "Signer",
    "is_streamed",
]

log = logging.getLogger("ytsession.transport")

#: The most redirects between hosts it signs that a signer follows for one request.
MAX_REDIRECTS = 10
#: A flow: yields the requests to send, receives their answers.
Flow = Generator["PreparedRequest", "Response", None]
Listener = Callable[[Any], object]
_STREAMED = "_ytsession_streamed"


class Signer(AuthBase):
    """The base of every signer: the one signing flow, and its listeners.

    A :class:`requests.auth.AuthBase`, so it works on any :class:`requests.Session`
    (``session.auth = signer``): the request is signed, and the rest of the flow runs as a
    response hook on the same connection adapter, as requests' own digest auth answers its
    401s. Subclasses implement :meth:`sign` and, as they need, :meth:`signs_for`,
    :meth:`refresh` and :meth:`observe`.
    """

    #: The headers :meth:`sign` sets: removed before a redirect's next hop is signed anew.
    signed_headers: ClassVar[tuple[str, ...]] = ("Authorization",)
    #: Whether redirects to a host :meth:`signs_for` accepts are followed and re-signed by
    #: the flow (even when the caller said ``allow_redirects=False``, as a browser would);
    #: otherwise :mod:`requests` follows them.
    follows_redirects: ClassVar[bool] = False

    # --- the steps a subclass gives ---------------------------------------------------------

    def signs_for(self, url: str) -> str | None:
        """Where a request to ``url`` is signed for.

        :return: the URL it is signed as (``url`` itself by default), or ``None`` when this
            signer adds nothing to it.
        """
        return url

    def sign(self, request: PreparedRequest, target: str, http: requests.Session | None) -> None:
        """Add the credentials to ``request`` (whose URL is signed as ``target``).

        :param http: the session a refresh of expiring credentials goes through; their
            own when ``None``.
        """
        raise NotImplementedError

    def refresh(self, http: requests.Session | None = None) -> bool:
        """Renew the credentials after the server refused them; nothing by default.

        :param http: the unsigned session to send the refresh through (its transport's
            proxies, deadline and user agent); the credentials' own when ``None``.
        :return: whether the request should be signed and sent once more.
        """
        return False

    def observe(self, response: Response, target: str) -> None:
        """Read what an answer to a signed request says about the credentials (e.g.
        ``Set-Cookie``); nothing by default."""

    # --- listeners ------------------------------------------------------------------------

    def on_refresh(self, listener: Listener) -> Listener:
        """Call ``listener`` with the renewed credentials after each refresh (a token, or
        the signer for cookies).

        :return: ``listener``, so this works as a decorator.
        """
        self._refresh_listeners().append(listener)
        return listener

    def off_refresh(self, listener: Listener) -> None:
        """Stop calling ``listener`` (one not added is fine)."""
        with contextlib.suppress(ValueError):
            self._refresh_listeners().remove(listener)

    def _announce(self, credentials: object) -> None:
        for listener in list(self._refresh_listeners()):  # a copy: listeners may leave
            listener(credentials)

    def _refresh_listeners(self) -> list[Listener]:
        # Made on first use (atomically), so subclasses need not call a base constructor.
        listeners: list[Listener] = self.__dict__.setdefault("_refresh_listeners_", [])
        return listeners

    # --- the one flow -----------------------------------------------------------------------

    def auth_flow(self, request: PreparedRequest, http: requests.Session | None = None) -> Flow:
        """Sign, send, refresh once after a 401 and re-send, re-sign redirects between the
        hosts this signer signs; nothing of ours goes to any other host.

        :param request: the request to sign (signed in place, and sent first).
        :param http: the unsigned session a refresh goes through; the credentials' own
            when ``None``.
        """
        first = request
        target = self.signs_for(request.url or "")
        if target is None:
            yield request  # not a host of ours: sent as it is
            return
        self.sign(request, target, http)
        position = _body_position(request)
        refreshed = False
        hops = 0
        while True:
            response = yield request
            self.observe(response, target)
            if response.status_code in REFRESH_STATUSES and not refreshed:
                refreshed = True
                if position is not None:
                    log.debug("HTTP %d from %s: refreshing", response.status_code, target)
                    if self.refresh(http):
                        request = _again(request, position)
                        self.sign(request, target, http)
                        continue
            location = _redirect_target(response)
            if location is None:
                return
            following = self.signs_for(location) if self.follows_redirects else None
            if following is None or hops >= MAX_REDIRECTS:
                if host_of(location) != host_of(request.url or ""):
                    # requests copies the first request of the chain for the next hop
                    strip_ours(request)
                    strip_ours(first)
                return
            request = _next_hop(response, request, location, self.signed_headers)
            target, hops = following, hops + 1
            self.sign(request, target, http)
            position = _body_position(request)
            log.debug("following a redirect, signed for the next host")

    # --- the requests adapter ---------------------------------------------------------------

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        return self.start(r)

    def start(self, r: PreparedRequest, http: requests.Session | None = None) -> PreparedRequest:
        """Sign ``r`` and run the rest of its flow as a response hook.

        :param http: the unsigned session a refresh goes through (see :meth:`refresh`).
        :return: ``r``, signed.
        """
        flow = self.auth_flow(r, http)
        next(flow)
        r.hooks["response"].append(_Driver(flow))  # register_hook, without its type check
        return r


class _Driver:
    """Runs the rest of one flow as a response hook: each request the flow yields is sent
    through the connection adapter that answered the one before."""

    __slots__ = ("flow",)

    def __init__(self, flow: Flow) -> None:
        self.flow: Flow | None = flow

    def __call__(self, response: Response, **kwargs: Any) -> Response:
        flow = self.flow
        if flow is None:
            return response  # a later hop requests follows, outside the flow
        while True:
            if kwargs.get("stream"):
                setattr(response, _STREAMED, True)  # read by is_streamed
            try:
                following = flow.send(response)
            except StopIteration:
                self.flow = None
                return response
            except BaseException:
                self.flow = None
                response.close()
                raise
            adapter = response.connection
            response.content  # noqa: B018 (read the body so the connection can be reused)
            response.close()
            answer: Response = adapter.send(following, **kwargs)
            answer.history = [*response.history, response]
            answer.request = following
            response = answer


def is_streamed(response: Response) -> bool:
    """Whether the caller asked for ``response``'s body as a stream.

    :return: ``True`` when a signer must leave the body unread.
    """
    return bool(getattr(response, _STREAMED, False))


def _body_position(request: PreparedRequest) -> int | None:
    """:return: where the body starts (0 for bytes), or ``None`` when it cannot be sent
    twice (a stream that cannot seek, an iterator)."""
    body: Any = request.body
    if body is None or isinstance(body, (bytes, str)):
        return 0
    if hasattr(body, "seek") and hasattr(body, "tell"):
        try:
            return int(body.tell())
        except (OSError, ValueError):
            return None
    return None


def _again(request: PreparedRequest, position: int) -> PreparedRequest:
    """A copy of ``request`` to send once more, its body rewound."""
    copy = request.copy()
    body: Any = copy.body
    if body is not None and not isinstance(body, (bytes, str)):
        body.seek(position)
    return copy


def _redirect_target(response: Response) -> str | None:
    # the status first: most answers are no redirect, and the header lookup of
    # is_redirect costs a KeyError when there is no Location
    if response.status_code not in REDIRECT_STATI or not response.is_redirect:
        return None
    request_url = response.request.url if response.request is not None else response.url
    return urljoin(request_url or "", response.headers.get("Location", ""))


def _next_hop(
    response: Response, request: PreparedRequest, location: str, signed: tuple[str, ...]
) -> PreparedRequest:
    """The next hop of a redirect: ``request`` at ``location``, without its signature, and
    as ``GET`` without a body where the status says so (RFC 9110 §15.4)."""
    hop = request.copy()
    hop.url = location
    status, method = response.status_code, (hop.method or "GET").upper()
    if (status == 303 and method != "HEAD") or (status in (301, 302) and method == "POST"):
        hop.method = "GET"
        hop.body = None
        for name in ("Content-Length", "Content-Type", "Transfer-Encoding"):
            hop.headers.pop(name, None)
    for name in signed:
        hop.headers.pop(name, None)
    return hop


# --- InnerTube signers ------------------------------------------------------------------------


# --- the session that drives the flow -----------------------------------------------------------


class _Bound(AuthBase):
    """A signer bound, for one session, to the HTTP session its refreshes go through."""

    __slots__ = ("http", "signer")

    def __init__(self, signer: Signer, http: requests.Session | None) -> None:
        self.signer = signer
        self.http = http

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        return self.signer.start(r, self.http)


class AuthorizedSession(requests.Session):
    """A :class:`requests.Session` that signs every request, refreshes and re-sends.

    The one seam between credentials and HTTP, in the spirit of google-auth's
    ``AuthorizedSession``: each request (``.get``, ``.post``, ``.request``, ...) runs its
    signer's flow (:meth:`Signer.auth_flow`: signed, refreshed once after a 401 and re-sent,
    redirects re-signed or stripped of everything of ours), sent through the
    :class:`~ytsession.Transport` as one call: one deadline covers the request, a refresh
    and the re-send. A 401 means the server refused the request before acting on it, so the
    re-send is safe for any request. Bodies that cannot be sent twice (streams that cannot
    seek) are not re-sent.

    Refreshes never go through this session: they are sent unsigned, through
    ``refresh_http`` when given (the session a :class:`~ytsession.Session` made with
    transport options passes its own), else through the credentials' own session, so a
    refresh can neither sign nor recurse into itself.

    :param auth: the signer, e.g. a :class:`BearerAuth` or a
        :class:`~ytsession.CookieAuth`; any other :class:`requests.auth.AuthBase` signs
        without refreshing; ``None`` sends unsigned.
    :param transport: the transport policy; the default one when ``None``.
    :param base: a session to send through: its adapters, cookies, headers, proxies and
        TLS settings are shared (not its ``auth``); a new session of ``transport`` when
        ``None``.
    :param refresh_http: the unsigned session refreshes (and revokes) go through.
    :param refresh_statuses: the statuses that trigger a refresh (kept for compatibility:
        the flow refreshes after :data:`~ytsession.REFRESH_STATUSES`).
    :param max_refresh_attempts: the most refreshes per call (the flow makes one).
    """

    def __init__(
        self,
        auth: AuthBase | None,
        *,
        transport: Transport | None = None,
        base: requests.Session | None = None,
        refresh_http: requests.Session | None = None,
        refresh_statuses: frozenset[int] = REFRESH_STATUSES,
        max_refresh_attempts: int = MAX_REFRESH_ATTEMPTS,
    ) -> None:
        super().__init__()
        self.transport = transport if transport is not None else DEFAULT_TRANSPORT
        if base is None:
            self.transport.configure(self)
        else:
            self.adapters = base.adapters
            self.cookies = base.cookies
            self.headers = base.headers
            self.proxies = base.proxies
            self.verify = base.verify
            self.cert = base.cert
            self.trust_env = base.trust_env
            self.max_redirects = base.max_redirects
            self.hooks = base.hooks
        self.auth = auth
        self.refresh_http = refresh_http
        self._bound: _Bound | None = None
        self.refresh_statuses = refresh_statuses
        self.max_refresh_attempts = max_refresh_attempts

    def request(
        self,
        method: str | bytes,
        url: str | bytes,
        *args: Any,
        idempotent: bool | None = None,
        deadline: float | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Sign, send, refresh on a refused answer, re-send: the signer's flow, as one call.

        :param idempotent: ``True`` when the request is safe to repeat, ``False`` when not;
            by method when ``None`` (see :meth:`~ytsession.Transport.call`).
        :param deadline: seconds for the whole call, refreshes included.
        :param kwargs: as for :meth:`requests.Session.request`.
        :raises DeadlineExceededError: the deadline passed first.
        :raises RetryLaterError: the server asked to wait longer than the deadline allows.
        :raises NetworkError: the server could not be reached, or the connection failed.
        """
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.transport.timeout
        signer = kwargs.get("auth") or self.auth
        if isinstance(signer, Signer):
            kwargs["auth"] = self._bound_to(signer)
        text_url = url.decode() if isinstance(url, bytes) else url
        with self.transport.call(idempotent=idempotent, deadline=deadline):
            try:
                return super().request(method, url, *args, **kwargs)
            except requests.RequestException as exc:
                raise network_error(exc, text_url) from None

    def _bound_to(self, signer: Signer) -> _Bound:
        bound = self._bound
        if bound is None or bound.signer is not signer or bound.http is not self.refresh_http:
            bound = self._bound = _Bound(signer, self.refresh_http)
        return bound

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """A redirect that requests follows: to another host, nothing of ours goes along
        (:func:`~ytsession.strip_ours`), whatever hops came before."""
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]
        previous = response.request.url if response.request is not None else None
        if host_of(prepared_request.url or "") != host_of(previous or ""):
            strip_ours(prepared_request)

    def __repr__(self) -> str:
        return f"AuthorizedSession(auth={self.auth!r}, transport={self.transport!r})"
