"""The transport: one policy for every HTTP request ytsession sends, and the one signing flow.

- :mod:`~ytsession.transport.policy`: the rules as values (timeouts, deadline, retries, the
  headers that are ours) and :class:`RetryPolicy`;
- :mod:`~ytsession.transport.adapter`: :class:`Transport` and the :class:`TransportAdapter`
  it mounts on a :class:`requests.Session`;
- :mod:`~ytsession.transport.failures`: what a failed request becomes (a typed
  :class:`~ytsession.errors.NetworkError`);
- :mod:`~ytsession.transport.watchdog`: the thread that ends a call at its deadline;
- :mod:`~ytsession.transport.signing`: :class:`Signer` (sign, send, refresh once, re-sign
  redirects) and :class:`AuthorizedSession`, which drives it.

The transport knows no credentials, no store and no YouTube: it sits just above
:mod:`ytsession.errors`, and everything else sends through it.
"""

from __future__ import annotations

from .adapter import DEFAULT_TRANSPORT, Transport, TransportAdapter, new_session, send, transport_of
from .failures import network_error
from .policy import (
    ANNOUNCE_WAIT,
    DEFAULT_DEADLINE,
    DEFAULT_TIMEOUT,
    MAX_REFRESH_ATTEMPTS,
    OUR_HEADERS,
    REFRESH_STATUSES,
    RETRY_STATUSES,
    SAFE_METHODS,
    UNSIGNED,
    RetryPolicy,
    host_of,
    parse_retry_after,
    strip_ours,
)
from .signing import MAX_REDIRECTS, AuthorizedSession, Signer

__all__ = [
    "ANNOUNCE_WAIT",
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "DEFAULT_TRANSPORT",
    "MAX_REDIRECTS",
    "MAX_REFRESH_ATTEMPTS",
    "OUR_HEADERS",
    "REFRESH_STATUSES",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "UNSIGNED",
    "AuthorizedSession",
    "RetryPolicy",
    "Signer",
    "Transport",
    "TransportAdapter",
    "host_of",
    "network_error",
    "new_session",
    "parse_retry_after",
    "send",
    "strip_ours",
    "transport_of",
]
