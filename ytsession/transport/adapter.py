"""A :class:`Transport` and the adapter that applies it to a :class:`requests.Session`.

The rules themselves are described in :mod:`ytsession.transport.policy`.
"""

from __future__ import annotations

import contextvars
import datetime
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import getproxies_environment

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import RequestHistory, Retry

from .. import _debug
from ..errors import RetryLaterError
from .failures import deadline_error, network_error, never_sent
from .policy import (
    ANNOUNCE_WAIT,
    CALL,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    RETRY_STATUSES,
    SAFE_METHODS,
    Call,
    RetryPolicy,
    host_of,
    parse_retry_after,
)
from .watchdog import GUARD, GUARDED_POOLS, Guard

__all__ = [
    "DEFAULT_TRANSPORT",
    "CallBlock",
    "Transport",
    "TransportAdapter",
    "new_session",
    "send",
    "transport_of",
]

log = logging.getLogger("ytsession.transport")

_S = TypeVar("_S", bound=requests.Session)


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

    def call(self, *, idempotent: bool | None = None, deadline: float | None = None) -> CallBlock:
        """Everything sent inside the block is one call: one deadline, one replay rule.

        :param idempotent: ``True`` when the requests are safe to repeat (a read, a
            device-code poll), ``False`` when not (a refresh, an action); ``None`` decides
            by method (``GET``, ``HEAD``, ``OPTIONS`` are safe).
        :param deadline: seconds for the whole block; :attr:`deadline` when ``None``. Inside
            another call, the earlier deadline wins.
        :return: the block, a context manager (``with transport.call(): ...``).
        """
        seconds = float(deadline) if deadline is not None else self.deadline
        return CallBlock(seconds, idempotent)

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


class CallBlock:
    """The block of :meth:`Transport.call`: on entry its deadline starts (the earlier of
    its own and an enclosing call's), on exit the enclosing call is back.

    A small class rather than a generator-based context manager: every signed request
    enters one, so it is kept cheap.
    """

    __slots__ = ("_idempotent", "_seconds", "_tokens")

    def __init__(self, seconds: float, idempotent: bool | None) -> None:
        self._seconds = seconds
        self._idempotent = idempotent
        self._tokens: list[contextvars.Token[Call | None]] = []

    def __enter__(self) -> None:
        seconds = self._seconds
        ends = time.monotonic() + seconds
        outer = CALL.get()
        if outer is not None and outer.ends < ends:
            ends, seconds = outer.ends, outer.seconds
        self._tokens.append(CALL.set(Call(ends=ends, seconds=seconds, idempotent=self._idempotent)))

    def __exit__(self, *exc_info: object) -> None:
        CALL.reset(self._tokens.pop())


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
        call = CALL.get()
        if call is None:
            call = Call(
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
                raise deadline_error(url, call)
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
                        raise deadline_error(url, call) from None
                    wait = policy.backoff * (2**attempt)
                    may_have_arrived = not never_sent(exc)
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
        self, response: requests.Response, call: Call, *, safe: bool, attempt: int
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
