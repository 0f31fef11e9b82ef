"""InnerTube: the client table, context builders, visitor data and the session data cache.

Names load lazily, like :mod:`ytsession`'s: importing this package imports no HTTP library.
Proof-of-origin tokens are in the :mod:`ytsession.youtube.innertube.potoken` subpackage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_getattr

if TYPE_CHECKING:
    from ..signing import InnerTubeAuth as InnerTubeAuth
    from .auth import TokenAuth as TokenAuth
    from .cache import CacheKey as CacheKey
    from .cache import SessionCache as SessionCache
    from .clients import CLIENTS as CLIENTS
    from .clients import ClientProfile as ClientProfile
    from .clients import client_profile as client_profile
    from .context import ContextSettings as ContextSettings
    from .context import SessionData as SessionData
    from .context import build_context as build_context
    from .context import build_headers as build_headers
    from .context import endpoint_url as endpoint_url
    from .context import utc_offset_minutes as utc_offset_minutes
    from .visitor import VisitorData as VisitorData
    from .visitor import decode_visitor_data as decode_visitor_data
    from .visitor import encode_visitor_data as encode_visitor_data
    from .visitor import fetch_session_data as fetch_session_data
    from .visitor import generate_visitor_data as generate_visitor_data

_EXPORTS = {
    "CLIENTS": ".clients",
    "ClientProfile": ".clients",
    "client_profile": ".clients",
    "ContextSettings": ".context",
    "SessionData": ".context",
    "build_context": ".context",
    "build_headers": ".context",
    "endpoint_url": ".context",
    "utc_offset_minutes": ".context",
    "VisitorData": ".visitor",
    "decode_visitor_data": ".visitor",
    "encode_visitor_data": ".visitor",
    "fetch_session_data": ".visitor",
    "generate_visitor_data": ".visitor",
    "CacheKey": ".cache",
    "SessionCache": ".cache",
    "InnerTubeAuth": "..signing",
    "TokenAuth": ".auth",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
