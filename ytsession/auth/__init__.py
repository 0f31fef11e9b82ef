"""Authentication: browser cookies, profiles and signers (OAuth is :mod:`ytsession.oauth`).

Names load lazily: importing this package does not import ``requests``.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)

if TYPE_CHECKING:
    from .cookie_auth import CookieAuth
    from .cookies import YouTubeCookies
    from .profiles import Profile, ProfileSettings
    from .signing import BearerAuth

_EXPORTS = {
    "BearerAuth": ".signing",
    "CookieAuth": ".cookie_auth",
    "YouTubeCookies": ".cookies",
    "Profile": ".profiles",
    "ProfileSettings": ".profiles",
}

__all__ = [
    "BearerAuth",
    "CookieAuth",
    "Profile",
    "ProfileSettings",
    "YouTubeCookies",
]
__getattr__ = lazy_getattr(__name__, _EXPORTS)
