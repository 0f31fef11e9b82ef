"""YouTube: browser cookies, the signers, InnerTube and the :class:`Session`.

- :mod:`ytsession.youtube.cookies`: browser cookies (parsing, the jar, write-back), the
  SAPISIDHASH and the cookie signer;
- :mod:`ytsession.youtube.signing`: what an InnerTube session asks of its auth, and the
  answers for the Bearer signer (which is OAuth's: :class:`~ytsession.oauth.bearer.BearerAuth`);
- :mod:`ytsession.youtube.innertube`: the client table, contexts, visitor data, the player,
  PO tokens (:mod:`ytsession.youtube.innertube.potoken`);
- :mod:`ytsession.youtube.session`: :class:`Session`, which sends InnerTube calls;
- :mod:`ytsession.youtube.kinds`: the YouTube login kinds of the profile store.

OAuth is :mod:`ytsession.oauth`, profiles :mod:`ytsession.store`. Names load lazily:
importing this package does not import ``requests``.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)

if TYPE_CHECKING:
    from ..oauth.bearer import BearerAuth as BearerAuth
    from .cookies.jar import YouTubeCookies as YouTubeCookies
    from .cookies.signer import CookieAuth as CookieAuth
    from .session import Session as Session
    from .signing import InnerTubeAuth as InnerTubeAuth

_EXPORTS = {
    "BearerAuth": "..oauth.bearer",
    "InnerTubeAuth": ".signing",
    "CookieAuth": ".cookies.signer",
    "YouTubeCookies": ".cookies.jar",
    "Session": ".session",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
