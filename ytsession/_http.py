"""The one transport policy of ytsession: timeouts, an overall deadline, retries, proxies.

Every HTTP request ytsession makes (OAuth and PeerTube token requests, InnerTube calls,
visitor-data fetches) goes through a :class:`requests.Session` configured by a
:class:`Transport`. The policy lives in a mounted adapter (:class:`TransportAdapter`), so it
holds for whatever sends through the session: :meth:`Transport.send`, a plain
``session.post(...)``, or a :class:`requests_oauthlib.OAuth2Session` built on it.

The rules, in one place:

- **Deadline.** Each call has an overall deadline (:attr:`Transport.deadline` seconds, or
  the ``deadline=`` of :meth:`Transport.call`) that covers connecting, every retry, every
  ``Retry-After`` wait and the download of the body. Per-socket timeouts alone cannot bound
  a server that drips its answer a byte at a time, so a single watchdog thread shuts the
  connection's socket down when the deadline passes, during the wait for the headers and
  during the body; the call then ends with :class:`~ytsession.errors.DeadlineExceededError`.
  Calls made inside another call's context (a token refresh inside a signed call) get the
  earlier of the two deadlines.
- **Replay safety.** A request that is *not* safe to repeat (a refresh or password grant, a
  revoke, an InnerTube action) is re-sent only when it provably never reached the server:
  the connection was refused or could not be made. ``GET``/``HEAD``/``OPTIONS`` requests,
  and requests sent with ``idempotent=True`` (InnerTube read endpoints, a device-code
  poll), are also retried after read errors, resets and 5xx answers.
- **429 and Retry-After.** ``429`` (refused before processing) is retried for every request;
  ``500``, ``502``, ``503`` and ``504`` only for safe ones. A ``Retry-After`` that fits in
  what is left of the deadline is honoured; one that does not ends the call at once with
  :class:`~ytsession.errors.RetryLaterError`, which says when to try again. Any wait of
  :data:`ANNOUNCE_WAIT` seconds or more is logged (``WARNING``) on ``ytsession.transport``.
- **Environment read once.** Proxy settings (``HTTPS_PROXY``, ``NO_PROXY``, ...) and the CA
  bundle (``REQUESTS_CA_BUNDLE``) are read when the :class:`Transport` is made, not on every
  request as :mod:`requests` does; explicit ``proxies`` replace them.

Errors become :class:`~ytsession.errors.NetworkError` subclasses whose messages name the
host only, because a URL may carry a token. Use it like this::

    transport = Transport(proxies={"https": "http://proxy:3128"}, deadline=30)
    session = transport.new_session()
    answer = transport.send(session, "POST", url, data=body, idempotent=False)

    with transport.call(idempotent=False):      # e.g. around OAuth2Session.fetch_token
        token = oauth2_session.fetch_token(...)  # oauth2_session = transport.configure(...)
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import logging
import os
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import getproxies_environment

import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.retry import RequestHistory, Retry

from . import _debug, _validate
from ._watchdog import GUARD, GUARDED_POOLS, Guard
from .errors import DeadlineExceededError, NetworkError, RetryLaterError

__all__ = [
    "ANNOUNCE_WAIT",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "MAX_REFRESH_ATTEMPTS",
    "OUR_HEADERS",
    "REFRESH_STATUSES",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "UNSIGNED",
    "RetryPolicy",
    "Transport",
    "TransportAdapter",
    "host_of",
    "send",
]

log = logging.getLogger("ytsession.transport")

#: (connect, read) seconds for each attempt unless the caller says otherwise.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
#: Seconds one call may take in all: connecting, retries, waits and the body.
DEFAULT_DEADLINE = 60.0
#: Statuses that are transient and retried (429 always; the others for safe requests only).
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: Methods that are safe to repeat without being told.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: A wait of this many seconds or more is logged before it starts.
ANNOUNCE_WAIT = 3.0
#: How often a request is tried again after a transient failure.
RETRY_TOTAL = 3
#: Backoff base in seconds: 0.5, 1, 2, ... between tries when no Retry-After is given.
RETRY_BACKOFF = 0.5
#: The longest ``Retry-After`` that is read as a number (anything longer is "too long").
_RETRY_AFTER_CEILING = 366 * 24 * 3600.0

_S = TypeVar("_S", bound=requests.Session)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently a transient failure is retried.

    Which failures are retried is decided per request (see the module's rules); the
    deadline bounds the waits.

    :ivar total: retries after the first attempt.
    :ivar backoff: seconds before the first retry when the server names no ``Retry-After``;
        doubled for each later one.
    """

    total: int = RETRY_TOTAL
    backoff: float = RETRY_BACKOFF

    def __post_init__(self) -> None:
        if self.total < 0 or self.backoff < 0:
            raise ValueError("RetryPolicy needs total >= 0 and backoff >= 0")


@dataclass
class _Environment:
    """Proxy settings and CA bundle, read once."""

    proxies: dict[str, str]
    ca_bundle: str | None
    _by_host: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)

    @classmethod
    def read(cls, trust_env: bool) -> _Environment:
        if not trust_env:
            return cls({}, None)
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        return cls(dict(getproxies_environment()), bundle or None)

    def proxies_for(self, url: str) -> dict[str, str]:
        if not self.proxies:
            return {}
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        found = self._by_host.get(key)
        if found is None:
            found = {}
            if not _bypass(key[1], self.proxies):
                proxy = self.proxies.get(key[0]) or self.proxies.get("all")
                if proxy:
                    found = {key[0]: proxy}
            if len(self._by_host) > 256:
                self._by_host.clear()
            self._by_host[key] = found
        return found


def _bypass(host: str, proxies: dict[str, str]) -> bool:
    """Whether ``NO_PROXY`` (as read into ``proxies["no"]``) exempts ``host``."""
    import urllib.request

    check: Any = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009
    return bool(check(host, proxies))


@dataclass(frozen=True)
class Transport:
    """One transport configuration, shared by every HTTP path of a session.

    :ivar timeout: (connect, read) seconds for each attempt; a request's own ``timeout=``
        replaces it. Both are cut to what is left of the deadline.
    :ivar deadline: seconds one call may take in all (retries, waits and body included).
    :ivar retry: how often and how patiently transient failures are retried.
    :ivar proxies: proxies for every request (``{"https": "http://host:port"}``); ``None``
        reads them from the environment once (unless ``trust_env`` is false).
    :ivar user_agent: the ``User-Agent`` of requests that set none; ``None`` keeps
        requests' own.
    :ivar trust_env: whether the environment's proxies and CA bundle are used.
    """

    timeout: tuple[float, float] = DEFAULT_TIMEOUT
    deadline: float = DEFAULT_DEADLINE
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    proxies: Mapping[str, str] | None = field(default=None, hash=False, repr=False)
    user_agent: str | None = None
    trust_env: bool = True
    _environment: _Environment = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.deadline > 0:
            raise ValueError("the deadline must be a positive number of seconds")
        timeout: Any = self.timeout
        if isinstance(timeout, (int, float)):
            object.__setattr__(self, "timeout", (float(timeout), float(timeout)))
        environment = _Environment.read(self.trust_env and self.proxies is None)
        object.__setattr__(self, "_environment", environment)

    @classmethod
    def create(
        cls,
        *,
        timeout: float | tuple[float, float] | None = None,
        deadline: float | None = None,
        retry: RetryPolicy | None = None,
        proxies: Mapping[str, str] | None = None,
        user_agent: str | None = None,
    ) -> Transport:
        """Make a transport from optional settings; ``None`` keeps each default."""
        options: dict[str, Any] = {}
        if timeout is not None:
            options["timeout"] = timeout
        if deadline is not None:
            options["deadline"] = float(deadline)
        if retry is not None:
            options["retry"] = retry
        if proxies:
            options["proxies"] = dict(proxies)
        if user_agent:
            options["user_agent"] = user_agent
        return cls(**options)

    # --- sessions ------------------------------------------------------------------------

    def new_session(self) -> requests.Session:
        """:return: a new :class:`requests.Session` configured by :meth:`configure`."""
        return self.configure(requests.Session())

    def configure(self, session: _S) -> _S:
        """Make ``session`` send with this transport; use it on sessions you made.

        Mounts a :class:`TransportAdapter` for ``http://`` and ``https://``, sets the proxies
        and user agent, and stops :mod:`requests` from reading the environment on every
        request (the adapter uses the environment read when the transport was made). Works
        on any subclass, e.g. :class:`requests_oauthlib.OAuth2Session`.

        :return: ``session``.
        """
        adapter = TransportAdapter(self)
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        session.trust_env = False
        if self.proxies:
            session.proxies.update(self.proxies)
        if self._environment.ca_bundle and session.verify is True:
            session.verify = self._environment.ca_bundle
        if self.user_agent:
            session.headers["User-Agent"] = self.user_agent
        return session

    def adopt(self, session: _S) -> _S:
        """Like :meth:`configure`, for a session a user gave: only its default adapters are
        replaced (an adapter the user mounted is kept, with its own policy), and its
        environment handling and headers are left as they are.

        :return: ``session``.
        """
        for prefix in ("https://", "http://"):
            if type(session.adapters.get(prefix)) is HTTPAdapter:
                session.mount(prefix, TransportAdapter(self))
        if self.proxies:
            session.proxies.update(self.proxies)
        return session

    def proxy_for(self, url: str) -> str | None:
        """The proxy a request to ``url`` goes through: the given ``proxies``, else the
        environment's as read once.

        :return: the proxy URL, or ``None`` for none.
        """
        scheme = urlsplit(url).scheme
        if self.proxies:
            return self.proxies.get(scheme) or self.proxies.get("all") or None
        return self._environment.proxies_for(url).get(scheme)

    # --- calls ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def call(
        self, *, idempotent: bool | None = None, deadline: float | None = None
    ) -> Iterator[None]:
        """Everything sent inside the block is one call: one deadline, one replay rule.

        :param idempotent: ``True`` when the requests are safe to repeat (a read, a
            device-code poll), ``False`` when not (a refresh, an action); ``None`` decides
            by method (``GET``, ``HEAD``, ``OPTIONS`` are safe).
        :param deadline: seconds for the whole block; :attr:`deadline` when ``None``. Inside
            another call, the earlier deadline wins.
        """
        seconds = float(deadline) if deadline is not None else self.deadline
        ends = time.monotonic() + seconds
        outer = _CALL.get()
        if outer is not None and outer.ends < ends:
            ends, seconds = outer.ends, outer.seconds
        token = _CALL.set(_Call(ends=ends, seconds=seconds, idempotent=idempotent))
        try:
            yield
        finally:
            _CALL.reset(token)

    def send(
        self,
        session: requests.Session,
        method: str,
        url: str,
        *,
        idempotent: bool | None = None,
        deadline: float | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request through ``session`` as one call (see :meth:`call`).

        :param session: a session configured by this (or another) transport; a session
            without a :class:`TransportAdapter` still gets typed errors and timeouts.
        :param method: the HTTP method.
        :param url: the full URL.
        :param idempotent: see :meth:`call`.
        :param deadline: see :meth:`call`.
        :param kwargs: as for :meth:`requests.Session.request`.
        :return: the answer, whatever its status (after the retries the rules allow).
        :raises DeadlineExceededError: the deadline passed first.
        :raises RetryLaterError: the server asked to wait longer than the deadline allows.
        :raises NetworkError: the server could not be reached, or the connection failed.
        """
        kwargs.setdefault("timeout", self.timeout)
        with self.call(idempotent=idempotent, deadline=deadline):
            try:
                return session.request(method, url, **kwargs)
            except requests.RequestException as exc:
                raise network_error(exc, url) from None


#: The transport of sessions that have none mounted (and of :func:`send`).
DEFAULT_TRANSPORT = Transport()


def transport_of(session: requests.Session, url: str = "https://") -> Transport:
    """:return: the transport mounted on ``session`` for ``url``, else the default one."""
    try:
        adapter = session.get_adapter(url)
    except requests.exceptions.InvalidSchema:
        return DEFAULT_TRANSPORT
    return adapter.transport if isinstance(adapter, TransportAdapter) else DEFAULT_TRANSPORT


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    idempotent: bool | None = None,
    deadline: float | None = None,
    **kwargs: Any,
) -> requests.Response:
    """:meth:`Transport.send` with the transport mounted on ``session``.

    A ``timeout`` of ``None`` means the transport's.
    """
    transport = transport_of(session, url)
    if kwargs.get("timeout") is None:
        kwargs.pop("timeout", None)
    return transport.send(session, method, url, idempotent=idempotent, deadline=deadline, **kwargs)


def new_session(transport: Transport | None = None) -> requests.Session:
    """:return: a new session configured by ``transport`` (the default one when ``None``)."""
    return (transport or DEFAULT_TRANSPORT).new_session()


def host_of(url: str) -> str:
    """:return: ``scheme://host[:port]`` of ``url``, safe to show (no path, no query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


# --- what signing needs of the transport ----------------------------------------------------

#: The headers ytsession adds to a request (a signature, cookies, the account, the session's
#: identity): none of them follows a redirect to another host than the one they were made for.
OUR_HEADERS = (
    "Authorization",
    "Cookie",
    "Origin",
    "X-Origin",
    "X-Goog-AuthUser",
    "X-Goog-PageId",
    "X-Goog-Visitor-Id",
    "X-YouTube-Client-Name",
    "X-YouTube-Client-Version",
)


def strip_ours(request: requests.PreparedRequest) -> None:
    """Remove :data:`OUR_HEADERS` from ``request``: it is about to go to a host they were not
    made for. The one rule for redirects, used by the signers and the
    :class:`~ytsession.AuthorizedSession`."""
    for name in OUR_HEADERS:
        request.headers.pop(name, None)


#: Statuses after which a signer's flow (:mod:`ytsession.auth.signing`) refreshes the
#: credentials and re-sends.
REFRESH_STATUSES = frozenset({401})
#: How many refreshes one signed request may make.
MAX_REFRESH_ATTEMPTS = 1


class _Unsigned(AuthBase):
    """Leaves a request unsigned, whatever the session's ``auth`` says."""

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        return r

    def __repr__(self) -> str:
        return "UNSIGNED"


#: Pass as ``auth=`` so that a request is never signed, even by a session that signs (a
#: token refresh sent through a signed session would otherwise sign, and so refresh, itself).
UNSIGNED: AuthBase = _Unsigned()


# --- the adapter ---------------------------------------------------------------------------


@dataclass
class _Call:
    ends: float
    seconds: float
    idempotent: bool | None


_CALL: contextvars.ContextVar[_Call | None] = contextvars.ContextVar("ytsession_call", default=None)


class TransportAdapter(HTTPAdapter):
    """The :class:`requests.adapters.HTTPAdapter` that applies a :class:`Transport`.

    Mounted by :meth:`Transport.configure`. Outside a :meth:`Transport.call` block each
    request is its own call with the transport's deadline, and is safe to repeat only when
    its method is ``GET``, ``HEAD`` or ``OPTIONS``.
    """

    def __init__(self, transport: Transport) -> None:
        self.transport = transport
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = GUARDED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        known = proxy in self.proxy_manager
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not known and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = GUARDED_POOLS
        return manager

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send ``request`` under the transport's rules: retries, deadline, watchdog.

        :return: the answer, its body read unless ``stream`` is true.
        :raises DeadlineExceededError: the deadline passed first.
        :raises RetryLaterError: the server asked to wait longer than the deadline allows.
        :raises NetworkError: the connection failed and the rules allow no retry.
        """
        transport = self.transport
        call = _CALL.get()
        if call is None:
            call = _Call(
                ends=time.monotonic() + transport.deadline,
                seconds=transport.deadline,
                idempotent=None,
            )
        url = request.url or ""
        safe = call.idempotent if call.idempotent is not None else request.method in SAFE_METHODS
        if not proxies or not any(proxies.values()):
            proxies = transport._environment.proxies_for(url)
        connect, read = _split_timeout(timeout, transport.timeout)
        policy = transport.retry
        attempt = 0
        history: list[RequestHistory] = []  # what was retried, for `ytsession -v`
        started = time.monotonic()
        while True:
            left = call.ends - time.monotonic()
            if left <= 0:
                raise _deadline_error(url, call)
            guard = Guard(call.ends)
            token = GUARD.set(guard)
            try:
                try:
                    response = super().send(
                        request,
                        stream=True,
                        timeout=(min(connect, left), min(read, left)),
                        verify=verify,
                        cert=cert,
                        proxies=proxies,
                    )
                    retry_wait = self._retry_wait(response, call, safe=safe, attempt=attempt)
                    if retry_wait is None and not stream:
                        response.content  # noqa: B018  (read the body under the watchdog)
                except requests.RequestException as exc:
                    if guard.fired or time.monotonic() >= call.ends:
                        raise _deadline_error(url, call) from None
                    wait = policy.backoff * (2**attempt)
                    may_have_arrived = not _never_sent(exc)
                    retryable = safe or not may_have_arrived
                    if (
                        not retryable
                        or attempt >= policy.total
                        or wait >= call.ends - time.monotonic()
                        or isinstance(exc, requests.exceptions.SSLError)
                    ):
                        raise network_error(exc, url) from None
                    log.debug(
                        "retrying %s after %s (%s)", host_of(url), type(exc).__name__, attempt + 1
                    )
                    _wait(wait, url, "the connection failed")
                    history.append(RequestHistory(request.method, url, exc, None, url))
                    attempt += 1
                    continue
            finally:
                guard.disarm()
                GUARD.reset(token)
            if retry_wait is None:
                if history:
                    response.raw.retries = Retry(total=0, history=tuple(history))
                if _debug.log.isEnabledFor(logging.DEBUG):  # `-v`: one line per answer
                    response.elapsed = datetime.timedelta(seconds=time.monotonic() - started)
                    _debug.log_response(response)
                return response
            response.close()
            _wait(retry_wait, url, f"HTTP {response.status_code}")
            history.append(RequestHistory(request.method, url, None, response.status_code, url))
            attempt += 1

    def _retry_wait(
        self, response: requests.Response, call: _Call, *, safe: bool, attempt: int
    ) -> float | None:
        """:return: seconds to wait before a retry, or ``None`` to hand the answer out.

        :raises RetryLaterError: the server asks for a wait longer than the deadline allows.
        """
        status = response.status_code
        if status not in RETRY_STATUSES or (status != 429 and not safe):
            return None
        after = parse_retry_after(response.headers.get("Retry-After"))
        left = call.ends - time.monotonic()
        if after is not None and after > left:
            url = response.url or ""
            response.close()
            raise RetryLaterError(
                f"{host_of(url)} asks to wait {after:.0f} s before trying again (HTTP "
                f"{status}), more than the {max(left, 0):.0f} s left of the call's deadline; "
                f"try again after {_clock_in(after)}",
                retry_after=after,
                status=status,
            )
        if attempt >= self.transport.retry.total:
            return None
        wait = after if after is not None else self.transport.retry.backoff * (2**attempt)
        return wait if wait < left else None


def _wait(seconds: float, url: str, why: str) -> None:
    if seconds >= ANNOUNCE_WAIT:
        log.warning("waiting %.0f s before trying %s again (%s)", seconds, host_of(url), why)
    if seconds > 0:
        time.sleep(seconds)


def _clock_in(seconds: float) -> str:
    return time.strftime("%H:%M:%S UTC", time.gmtime(time.time() + seconds))


def parse_retry_after(value: str | None) -> float | None:
    """:return: the seconds a ``Retry-After`` header asks for (a number or an HTTP date),
    or ``None`` when it is absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    seconds = _validate.ascii_int(text)  # not isdigit(): "²" is a digit to it, not to int()
    if seconds is not None and seconds >= 0:
        return min(float(seconds), _RETRY_AFTER_CEILING)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return min(max(when.timestamp() - time.time(), 0.0), _RETRY_AFTER_CEILING)


def _split_timeout(given: Any, default: tuple[float, float]) -> tuple[float, float]:
    if given is None:
        return default
    if isinstance(given, tuple):
        connect, read = given
        return (
            float(connect) if connect is not None else default[0],
            float(read) if read is not None else default[1],
        )
    if isinstance(given, (int, float)):
        return float(given), float(given)
    return default  # a urllib3 Timeout object: keep ours


def _never_sent(exc: BaseException) -> bool:
    """Whether the request provably never reached the server: the connection was refused,
    not resolved, or not made in time (nothing was written)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        item = pending.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, (NewConnectionError, ConnectTimeoutError)):
            return True
        pending.extend(arg for arg in item.args if isinstance(arg, BaseException))
        pending.append(getattr(item, "reason", None))
        pending.append(item.__cause__)
        pending.append(item.__context__)
    return False


def _deadline_error(url: str, call: _Call) -> DeadlineExceededError:
    return DeadlineExceededError(
        f"{host_of(url)} did not answer within the deadline of {call.seconds:g} s; check "
        "your connection and try again (or allow more time with deadline=)",
        deadline=call.seconds,
    )


def network_error(exc: requests.RequestException, url: str) -> NetworkError:
    if isinstance(exc, requests.Timeout):
        return NetworkError(
            f"{host_of(url)} did not answer in time; check your connection and try again"
        )
    if isinstance(exc, requests.ConnectionError):
        if "timed out" in str(exc).lower():
            return NetworkError(
                f"{host_of(url)} did not answer in time; check your connection and try again"
            )
        reason = _reason(exc)
        if reason == "connection refused" and _is_loopback(url):
            # nothing listens on this machine's port: no connection to check
            return NetworkError(
                f"could not reach {host_of(url)} (connection refused); is the server at "
                f"{host_of(url)} running?"
            )
        return NetworkError(
            f"could not reach {host_of(url)} ({reason}); check your connection and try again"
        )
    return NetworkError(f"request to {host_of(url)} failed ({type(exc).__name__})")


def _is_loopback(url: str) -> bool:
    """Whether ``url`` names this machine (``localhost``, ``127.0.0.0/8`` or ``::1``)."""
    import ipaddress

    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _reason(exc: Exception) -> str:
    if _never_sent(exc) and "refused" in str(exc).lower():
        return "connection refused"
    text = str(exc).lower()
    if "reset" in text or "aborted" in text or "closed" in text or "broken" in text:
        return "connection lost"
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "resolve" in text:
        return "name not found"
    return type(exc).__name__
