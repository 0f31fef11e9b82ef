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
    from .credentials import PeerTubeCredentials as PeerTubeCredentials
    from .credentials import fetch_local_client as fetch_local_client
    from .errors import DeviceFlowUnsupportedError as DeviceFlowUnsupportedError
    from .errors import InvalidLoginError as InvalidLoginError
    from .errors import InvalidTwoFactorError as InvalidTwoFactorError
    from .errors import PeerTubeAuthError as PeerTubeAuthError
    from .errors import PeerTubeBadAnswerError as PeerTubeBadAnswerError
    from .errors import PeerTubeBadClientError as PeerTubeBadClientError
    from .errors import PeerTubeError as PeerTubeError
    from .errors import PeerTubeLoginRequiredError as PeerTubeLoginRequiredError
    from .errors import PeerTubeRateLimitError as PeerTubeRateLimitError
    from .errors import PeerTubeServerError as PeerTubeServerError
    from .errors import TwoFactorRequiredError as TwoFactorRequiredError
    from .session import PeerTubeSession as PeerTubeSession

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

__all__ = sorted(_EXPORTS)

__getattr__ = lazy_getattr(__name__, _EXPORTS)
