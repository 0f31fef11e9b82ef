"""A logged-in browser's cookies: what users have (:mod:`._formats`), the jar
(:mod:`.jar`: :class:`YouTubeCookies`; its contents and login rules in :mod:`._live`),
where it is written back (:mod:`._home`), which account it speaks for (:mod:`.accounts`),
the ``SAPISIDHASH`` (:mod:`.sapisidhash`) and the signer (:mod:`.signer`:
:class:`CookieAuth`).

Names load lazily: importing this package does not import ``requests``.
"""

from __future__ import annotations

from ..._lazy import lazy_getattr

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)

if TYPE_CHECKING:
    from .jar import YouTubeCookies as YouTubeCookies
    from .signer import CookieAuth as CookieAuth

_EXPORTS = {
    "CookieAuth": ".signer",
    "YouTubeCookies": ".jar",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
