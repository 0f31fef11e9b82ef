"""Authentication: OAuth clients, tokens, token files, browser cookies and profiles.

Names load lazily: importing this package does not import ``requests``.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)

if TYPE_CHECKING:
    from .cookie_auth import CookieAuth
    from .cookies import YouTubeCookies
    from .credentials import Credentials, OAuthCredentials, OAuthEndpoints
    from .profiles import Profile, ProfileSettings
    from .signing import BearerAuth
    from .token import OAuthToken, RefreshingToken

_EXPORTS = {
    "Credentials": ".credentials",
    "OAuthCredentials": ".credentials",
    "OAuthEndpoints": ".credentials",
    "OAuthToken": ".token",
    "RefreshingToken": ".token",
    "BearerAuth": ".signing",
    "CookieAuth": ".cookie_auth",
    "YouTubeCookies": ".cookies",
    "Profile": ".profiles",
    "ProfileSettings": ".profiles",
}

__all__ = [
    "BearerAuth",
    "CookieAuth",
    "Credentials",
    "OAuthCredentials",
    "OAuthEndpoints",
    "OAuthToken",
    "Profile",
    "ProfileSettings",
    "RefreshingToken",
    "YouTubeCookies",
]
__getattr__ = lazy_getattr(__name__, _EXPORTS)
