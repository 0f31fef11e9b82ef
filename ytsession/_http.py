"""Transport policy shared by every ytsession HTTP client.

One place decides timeouts and retries: a :class:`requests.Session` with an
:class:`~requests.adapters.HTTPAdapter` whose :class:`urllib3.util.Retry` retries 429, 5xx and
connection failures with exponential backoff and honours ``Retry-After`` (capped, so nothing
waits for hours). Errors from ``requests`` become :class:`~ytsession.errors.NetworkError`
messages that name the host only, because a URL may carry a token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from .errors import NetworkError

#: (connect, read) seconds for every request unless the caller says otherwise.
DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 30.0)
#: Statuses that are transient and retried.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
#: How often a request is tried again after a transient failure.
RETRY_TOTAL = 3
#: Backoff base in seconds: 0.5, 1, 2, ... between tries when no Retry-After is given.
RETRY_BACKOFF = 0.5
#: The longest ``Retry-After`` that is honoured; a longer one is capped to this.
RETRY_AFTER_MAX = 60


@dataclass(frozen=True)
class RetryPolicy:
    """How a session retries. ``read_errors`` is 0 where a request must not be repeated once
    the server may have acted on it (a PeerTube refresh destroys the old refresh token)."""

    total: int = RETRY_TOTAL
    backoff: float = RETRY_BACKOFF
    read_errors: int = 1
    retry_after_max: int = RETRY_AFTER_MAX

    def build(self) -> Retry:
        """:return: the urllib3 ``Retry`` object for this policy."""
        return Retry(
            total=self.total,
            connect=self.total,
            read=self.read_errors,
            status=self.total,
            other=0,
            allowed_methods=None,  # POST too: InnerTube and OAuth calls are POSTs
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff,
            backoff_max=float(self.retry_after_max),
            respect_retry_after_header=True,
            retry_after_max=self.retry_after_max,
            raise_on_status=False,
            raise_on_redirect=False,
        )


def mount_retries(session: requests.Session, policy: RetryPolicy | None = None) -> None:
    """Mount the retry policy on ``session`` for http and https.

    :param session: the session to configure (a user's own session works too).
    :param policy: the policy; the default one when ``None``.
    """
    adapter = HTTPAdapter(max_retries=(policy or RetryPolicy()).build())
    session.mount("https://", adapter)
    session.mount("http://", adapter)


def new_session(
    policy: RetryPolicy | None = None, proxies: dict[str, str] | None = None
) -> requests.Session:
    """:return: a :class:`requests.Session` with the retry policy mounted."""
    session = requests.Session()
    mount_retries(session, policy)
    if proxies:
        session.proxies.update(proxies)
    from ._debug import log_response  # `-v`: one line per answer, in one place

    session.hooks["response"].append(log_response)
    return session


def host_of(url: str) -> str:
    """:return: ``scheme://host[:port]`` of ``url``, safe to show (no path, no query)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    timeout: float | tuple[float, float] | None = None,
    **kwargs: Any,
) -> requests.Response:
    """Send one request with a timeout; turn transport failures into ``NetworkError``.

    :param session: the session to send with.
    :param method: HTTP method.
    :param url: full URL.
    :param timeout: seconds, or (connect, read); :data:`DEFAULT_TIMEOUT` when ``None``.
    :raises NetworkError: the server timed out, was unreachable, or kept failing.
    """
    try:
        return session.request(method, url, timeout=timeout or DEFAULT_TIMEOUT, **kwargs)
    except requests.Timeout:
        raise NetworkError(
            f"{host_of(url)} did not answer in time; check your connection and try again"
        ) from None
    except requests.ConnectionError as exc:
        if "timed out" in str(exc).lower():  # read timeouts that exhausted the retries
            raise NetworkError(
                f"{host_of(url)} did not answer in time, even after retries; "
                "check your connection and try again"
            ) from None
        raise NetworkError(
            f"could not reach {host_of(url)} ({_reason(exc)}); check your connection and try again"
        ) from None
    except requests.RequestException as exc:
        raise NetworkError(f"request to {host_of(url)} failed ({type(exc).__name__})") from None


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "Max retries exceeded" in text or "too many" in text.lower():
        return "retries exhausted"
    if "reset" in text.lower() or "aborted" in text.lower():
        return "connection reset"
    if "refused" in text.lower():
        return "connection refused"
    return type(exc).__name__
