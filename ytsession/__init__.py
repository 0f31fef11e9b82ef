"""ytsession: authenticated, long-lived sessions for YouTube's InnerTube API and PeerTube.

Public names are imported lazily on first use, so ``import ytsession`` stays cheap for cron
jobs: it does not import ``requests``.
"""

from __future__ import annotations

from ._lazy import lazy_getattr
from ._version import __version__
from .errors import (
    AccessDeniedError,
    AuthError,
    AuthorizationPendingError,
    BadOAuthClientError,
    BotGuardError,
    ClientNotSupportedError,
    ClientNotSupportedWarning,
    CookieError,
    CookieFileChangedError,
    CookiesRefusedError,
    CookiesRotatedOutError,
    CookiesRotatedOutWarning,
    DeadlineExceededError,
    DeviceCodeExpiredError,
    DeviceFlowError,
    InnerTubeError,
    InteractionRequiredError,
    InvalidTokenAnswerError,
    LoggedOutError,
    LoginRequiredError,
    NetworkError,
    NodeMissingError,
    NotLoggedInError,
    OAuthServerError,
    PoTokenBindingError,
    PoTokenError,
    ProfileError,
    RetryLaterError,
    SlowDownError,
    StoreAuthError,
    StoreDataError,
    StoreError,
    StoreLockLostError,
    StoreUnreachableError,
    TokenFileError,
    TokenWriteError,
    UnauthorizedOAuthClientError,
    UnknownClientError,
    YTSessionError,
)

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:
    from ._http import RetryPolicy, Transport
    from .auth.cookie_auth import CookieAuth
    from .auth.cookies import YouTubeCookies
    from .auth.credentials import Credentials, OAuthCredentials, OAuthEndpoints
    from .auth.profiles import Profile, ProfileSettings
    from .auth.signing import AuthorizedSession, BearerAuth
    from .auth.token import OAuthToken, RefreshingToken
    from .innertube.clients import ClientProfile
    from .innertube.potoken import (
        BotGuardProvider,
        ColdStartProvider,
        PoToken,
        PoTokenContext,
        PoTokenProvider,
        PoTokenRequest,
        ProviderChain,
        StaticProvider,
    )
    from .peertube.credentials import PeerTubeCredentials
    from .peertube.errors import (
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
    from .peertube.session import PeerTubeSession
    from .session import Session

_EXPORTS = {
    "AuthorizedSession": ".auth.signing",
    "RetryPolicy": "._http",
    "Transport": "._http",
    "Session": ".session",
    "ClientProfile": ".innertube.clients",
    "BotGuardProvider": ".innertube.potoken",
    "ColdStartProvider": ".innertube.potoken",
    "PoToken": ".innertube.potoken",
    "PoTokenContext": ".innertube.potoken",
    "PoTokenProvider": ".innertube.potoken",
    "PoTokenRequest": ".innertube.potoken",
    "ProviderChain": ".innertube.potoken",
    "StaticProvider": ".innertube.potoken",
    "Credentials": ".auth.credentials",
    "OAuthCredentials": ".auth.credentials",
    "OAuthEndpoints": ".auth.credentials",
    "OAuthToken": ".auth.token",
    "RefreshingToken": ".auth.token",
    "BearerAuth": ".auth.signing",
    "CookieAuth": ".auth.cookie_auth",
    "YouTubeCookies": ".auth.cookies",
    "Profile": ".auth.profiles",
    "ProfileSettings": ".auth.profiles",
    "PeerTubeCredentials": ".peertube.credentials",
    "PeerTubeSession": ".peertube.session",
    "DeviceFlowUnsupportedError": ".peertube.errors",
    "InvalidLoginError": ".peertube.errors",
    "InvalidTwoFactorError": ".peertube.errors",
    "PeerTubeAuthError": ".peertube.errors",
    "PeerTubeBadAnswerError": ".peertube.errors",
    "PeerTubeBadClientError": ".peertube.errors",
    "PeerTubeError": ".peertube.errors",
    "PeerTubeLoginRequiredError": ".peertube.errors",
    "PeerTubeRateLimitError": ".peertube.errors",
    "PeerTubeServerError": ".peertube.errors",
    "TwoFactorRequiredError": ".peertube.errors",
}

__all__ = [
    "AccessDeniedError",
    "AuthError",
    "AuthorizationPendingError",
    "AuthorizedSession",
    "BadOAuthClientError",
    "BearerAuth",
    "BotGuardError",
    "BotGuardProvider",
    "ClientNotSupportedError",
    "ClientNotSupportedWarning",
    "ClientProfile",
    "ColdStartProvider",
    "CookieAuth",
    "CookieError",
    "CookieFileChangedError",
    "CookiesRefusedError",
    "CookiesRotatedOutError",
    "CookiesRotatedOutWarning",
    "Credentials",
    "DeadlineExceededError",
    "DeviceCodeExpiredError",
    "DeviceFlowError",
    "DeviceFlowUnsupportedError",
    "InnerTubeError",
    "InteractionRequiredError",
    "InvalidLoginError",
    "InvalidTokenAnswerError",
    "InvalidTwoFactorError",
    "LoggedOutError",
    "LoginRequiredError",
    "NetworkError",
    "NodeMissingError",
    "NotLoggedInError",
    "OAuthCredentials",
    "OAuthEndpoints",
    "OAuthServerError",
    "OAuthToken",
    "PeerTubeAuthError",
    "PeerTubeBadAnswerError",
    "PeerTubeBadClientError",
    "PeerTubeCredentials",
    "PeerTubeError",
    "PeerTubeLoginRequiredError",
    "PeerTubeRateLimitError",
    "PeerTubeServerError",
    "PeerTubeSession",
    "PoToken",
    "PoTokenBindingError",
    "PoTokenContext",
    "PoTokenError",
    "PoTokenProvider",
    "PoTokenRequest",
    "Profile",
    "ProfileError",
    "ProfileSettings",
    "ProviderChain",
    "RefreshingToken",
    "RetryLaterError",
    "RetryPolicy",
    "Session",
    "SlowDownError",
    "StaticProvider",
    "StoreAuthError",
    "StoreDataError",
    "StoreError",
    "StoreLockLostError",
    "StoreUnreachableError",
    "TokenFileError",
    "TokenWriteError",
    "Transport",
    "TwoFactorRequiredError",
    "UnauthorizedOAuthClientError",
    "UnknownClientError",
    "YTSessionError",
    "YouTubeCookies",
    "__version__",
]

__getattr__ = lazy_getattr(__name__, _EXPORTS)

#: The module that registers each built-in login kind (see :mod:`ytsession.auth.kinds`),
#: imported when a profile of that kind is first used: the package root is the one place
#: that knows every layer, so ``auth`` names no module above it.
LOGIN_KIND_MODULES = {
    "oauth": "ytsession.youtube_kinds",
    "youtube-tv": "ytsession.youtube_kinds",
    "cookies": "ytsession.youtube_kinds",
    "peertube": "ytsession.peertube.kind",
}
