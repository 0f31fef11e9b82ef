"""PeerTube sessions on ytsession's token machinery.

:class:`PeerTubeCredentials` logs in with a password (and two-factor code) against an
instance's own OAuth client and refreshes rotating refresh tokens through
:class:`~ytsession.oauth.token.RefreshingToken`; :class:`PeerTubeSession` signs REST calls.

Names load lazily: importing this package imports no HTTP library.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

if TYPE_CHECKING:
    from .credentials import PeerTubeCredentials, fetch_local_client
    from .errors import (
        DeviceFlowUnsupportedError,
        InvalidLoginError,
        InvalidTwoFactorError,
        PeerTubeAuthError,
        PeerTubeBadAnswerError,
        PeerTubeBadClientError,
        PeerTubeError,
        PeerTubeLoginRequiredError,
        PeerTubeRateLimitError,
        PeerTubeServerError,
        TwoFactorRequiredError,
    )
    from .session import PeerTubeSession

_EXPORTS = {
    "PeerTubeCredentials": ".credentials",
    "fetch_local_client": ".credentials",
    "PeerTubeSession": ".session",
    "DeviceFlowUnsupportedError": ".errors",
    "InvalidLoginError": ".errors",
    "InvalidTwoFactorError": ".errors",
    "PeerTubeAuthError": ".errors",
    "PeerTubeBadAnswerError": ".errors",
    "PeerTubeBadClientError": ".errors",
    "PeerTubeError": ".errors",
    "PeerTubeLoginRequiredError": ".errors",
    "PeerTubeRateLimitError": ".errors",
    "PeerTubeServerError": ".errors",
    "TwoFactorRequiredError": ".errors",
}

__all__ = [
    "DeviceFlowUnsupportedError",
    "InvalidLoginError",
    "InvalidTwoFactorError",
    "PeerTubeAuthError",
    "PeerTubeBadAnswerError",
    "PeerTubeBadClientError",
    "PeerTubeCredentials",
    "PeerTubeError",
    "PeerTubeLoginRequiredError",
    "PeerTubeRateLimitError",
    "PeerTubeServerError",
    "PeerTubeSession",
    "TwoFactorRequiredError",
    "fetch_local_client",
]

__getattr__ = lazy_getattr(__name__, _EXPORTS)
