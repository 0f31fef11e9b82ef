"""YouTube's sign-in: browser cookies and the signers (OAuth is :mod:`ytsession.oauth`, profiles
:mod:`ytsession.store`).

Names load lazily: importing this package does not import ``requests``.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)

if TYPE_CHECKING:
    from .cookie_auth import CookieAuth
    from .cookies import YouTubeCookies
    from .signing import BearerAuth

_EXPORTS = {
    "BearerAuth": ".signing",
    "CookieAuth": ".cookie_auth",
    "YouTubeCookies": ".cookies",
}

__all__ = [
    "BearerAuth",
    "CookieAuth",
    "YouTubeCookies",
]
__getattr__ = lazy_getattr(__name__, _EXPORTS)
