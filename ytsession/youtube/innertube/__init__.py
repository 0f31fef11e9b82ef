"""InnerTube: the client table, context builders, visitor data and the session data cache.

Names load lazily, like :mod:`ytsession`'s: importing this package imports no HTTP library.
Proof-of-origin tokens are in the :mod:`ytsession.youtube.innertube.potoken` subpackage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..._lazy import lazy_getattr

if TYPE_CHECKING:
    from ..signing import InnerTubeAuth
    from .auth import TokenAuth
    from .cache import CacheKey, SessionCache
    from .clients import CLIENTS, ClientProfile, client_profile
    from .context import (
        ContextSettings,
        SessionData,
        build_context,
        build_headers,
        endpoint_url,
        utc_offset_minutes,
    )
    from .visitor import (
        VisitorData,
        decode_visitor_data,
        encode_visitor_data,
        fetch_session_data,
        generate_visitor_data,
    )

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

__all__ = [
    "CLIENTS",
    "CacheKey",
    "ClientProfile",
    "ContextSettings",
    "InnerTubeAuth",
    "SessionCache",
    "SessionData",
    "TokenAuth",
    "VisitorData",
    "build_context",
    "build_headers",
    "client_profile",
    "decode_visitor_data",
    "encode_visitor_data",
    "endpoint_url",
    "fetch_session_data",
    "generate_visitor_data",
    "utc_offset_minutes",
]
__getattr__ = lazy_getattr(__name__, _EXPORTS)
