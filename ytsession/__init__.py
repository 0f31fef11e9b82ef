"""ytsession: authenticated, long-lived sessions for YouTube's InnerTube API and PeerTube.

Public names are imported lazily on first use, so ``import ytsession`` stays cheap for cron
jobs: it imports neither ``requests`` nor ``oauthlib``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import lazy_getattr
from ._version import __version__
from .errors import (
    AccessDeniedError,
    AuthError,
    AuthorizationPendingError,
    BadOAuthClientError,
    DeviceCodeExpiredError,
    DeviceFlowError,
    InteractionRequiredError,
    LoginRequiredError,
    NetworkError,
    NotLoggedInError,
    OAuthServerError,
    ProfileError,
    SlowDownError,
    TokenFileError,
    UnauthorizedOAuthClientError,
    YTSessionError,
)

if TYPE_CHECKING:
    from .auth.credentials import Credentials, OAuthCredentials, OAuthEndpoints
    from .auth.profiles import Profile, ProfileSettings
    from .auth.signing import BearerAuth
    from .auth.token import OAuthToken, RefreshingToken

_EXPORTS = {
    "Credentials": ".auth.credentials",
    "OAuthCredentials": ".auth.credentials",
    "OAuthEndpoints": ".auth.credentials",
    "OAuthToken": ".auth.token",
    "RefreshingToken": ".auth.token",
    "BearerAuth": ".auth.signing",
    "Profile": ".auth.profiles",
    "ProfileSettings": ".auth.profiles",
}

__all__ = [
    "AccessDeniedError",
    "AuthError",
    "AuthorizationPendingError",
    "BadOAuthClientError",
    "BearerAuth",
    "Credentials",
    "DeviceCodeExpiredError",
    "DeviceFlowError",
    "InteractionRequiredError",
    "LoginRequiredError",
    "NetworkError",
    "NotLoggedInError",
    "OAuthCredentials",
    "OAuthEndpoints",
    "OAuthServerError",
    "OAuthToken",
    "Profile",
    "ProfileError",
    "ProfileSettings",
    "RefreshingToken",
    "SlowDownError",
    "TokenFileError",
    "UnauthorizedOAuthClientError",
    "YTSessionError",
    "__version__",
]

__getattr__ = lazy_getattr(__name__, _EXPORTS)
