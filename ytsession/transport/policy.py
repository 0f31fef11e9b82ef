"""The transport's rules as values: timeouts, deadline, retries, the headers that are ours.

The package :mod:`ytsession.transport` is the one transport policy of ytsession: timeouts,
an overall deadline, retries, proxies.

Every HTTP request ytsession makes (OAuth and PeerTube token requests, InnerTube calls,
visitor-data fetches) goes through a :class:`requests.Session` configured by a
:class:`~ytsession.transport.Transport`. The policy lives in a mounted adapter
(:class:`~ytsession.transport.TransportAdapter`), so it holds for whatever sends through the
session: :meth:`~ytsession.transport.Transport.send`, a plain ``session.post(...)``, or a
:class:`requests_oauthlib.OAuth2Session` built on it.

The rules, in one place:

- **Deadline.** Each call has an overall deadline (:attr:`Transport.deadline` seconds, or the
  ``deadline=`` of :meth:`~ytsession.transport.Transport.call`) that covers connecting, every
  retry, every ``Retry-After`` wait and the download of the body. Per-socket timeouts alone
  cannot bound a server that drips its answer a byte at a time, so a single watchdog thread
  shuts the connection's socket down when the deadline passes, during the wait for the headers
  and during the body; the call then ends with :class:`~ytsession.errors.DeadlineExceededError`.
  Calls made inside another call's context (a token refresh inside a signed call) get the
  earlier of the two deadlines.
- **Replay safety.** A request that is *not* safe to repeat (a refresh or password grant, a
  revoke, an InnerTube action) is re-sent only when it provably never reached the server: the
  connection was refused or could not be made. ``GET``/``HEAD``/``OPTIONS`` requests, and
  requests sent with ``idempotent=True`` (InnerTube read endpoints, a device-code poll), are
  also retried after read errors, resets and 5xx answers.
- **429 and Retry-After.** ``429`` (refused before processing) is retried for every request;
  ``500``, ``502``, ``503`` and ``504`` only for safe ones. A ``Retry-After`` that fits in what
  is left of the deadline is honoured; one that does not ends the call at once with
  :class:`~ytsession.errors.RetryLaterError`, which says when to try again. Any wait of
  :data:`~ytsession.transport.ANNOUNCE_WAIT` seconds or more is logged (``WARNING``) on
  ``ytsession.transport``.
- **Environment read once.** Proxy settings (``HTTPS_PROXY``, ``NO_PROXY``, ...) and the CA
  bundle (``REQUESTS_CA_BUNDLE``) are read when the :class:`~ytsession.transport.Transport` is
  made, not on every request as :mod:`requests` does; explicit ``proxies`` replace them.

Errors become :class:`~ytsession.errors.NetworkError` subclasses whose messages name the
host only, because a URL may carry a token. Use it like this::

    transport = Transport(proxies={"https": "http://proxy:3128"}, deadline=30)
    session = transport.new_session()
    answer = transport.send(session, "POST", url, data=body, idempotent=False)

    with transport.call(idempotent=False):      # e.g. around OAuth2Session.fetch_token
        token = oauth2_session.fetch_token(...)  # oauth2_session = transport.configure(...)
"""

from __future__ import annotations

import contextvars
import logging
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
from requests.auth import AuthBase

from .. import _validate

__all__ = [
    "ANNOUNCE_WAIT",
    "CALL",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "MAX_REFRESH_ATTEMPTS",
    "OUR_HEADERS",
    "REFRESH_STATUSES",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "UNSIGNED",
    "Call",
    "RetryPolicy",
    "host_of",
    "parse_retry_after",
    "strip_ours",
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
RETRY_AFTER_CEILING = 366 * 24 * 3600.0


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


#: Statuses after which a signer's flow (:mod:`ytsession.transport.signing`) refreshes the
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


# --- the call under way --------------------------------------------------------------------


@dataclass
class Call:
    """One call: its deadline (monotonic ``ends``, ``seconds`` in all) and replay rule."""

    ends: float
    seconds: float
    idempotent: bool | None


CALL: contextvars.ContextVar[Call | None] = contextvars.ContextVar("ytsession_call", default=None)


def parse_retry_after(value: str | None) -> float | None:
    """Read a ``Retry-After`` header (a number of seconds or an HTTP date).

    :return: the seconds it asks for, or ``None`` when it is absent or unreadable.
    """
    if not value:
        return None
    text = value.strip()
    seconds = _validate.ascii_int(text)  # not isdigit(): "²" is a digit to it, not to int()
    if seconds is not None and seconds >= 0:
        return min(float(seconds), RETRY_AFTER_CEILING)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return min(max(when.timestamp() - time.time(), 0.0), RETRY_AFTER_CEILING)
