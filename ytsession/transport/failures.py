"""What a failed request becomes: a typed :class:`~ytsession.errors.NetworkError`.

Messages name the host only, because a URL may carry a token.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from ..errors import DeadlineExceededError, NetworkError
from .policy import Call, host_of

__all__ = ["deadline_error", "network_error", "never_sent"]


def never_sent(exc: BaseException) -> bool:
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


def deadline_error(url: str, call: Call) -> DeadlineExceededError:
    return DeadlineExceededError(
        f"{host_of(url)} did not answer within the deadline of {call.seconds:g} s; check "
        "your connection and try again (or allow more time with deadline=)",
        deadline=call.seconds,
    )


def network_error(exc: requests.RequestException, url: str) -> NetworkError:
    """:return: the typed error for ``exc``, raised by a request to ``url``."""
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
    if never_sent(exc) and "refused" in str(exc).lower():
        return "connection refused"
    text = str(exc).lower()
    if "reset" in text or "aborted" in text or "closed" in text or "broken" in text:
        return "connection lost"
    if "refused" in text:
        return "connection refused"
    if "name or service" in text or "resolve" in text:
        return "name not found"
    return type(exc).__name__
