"""Proof-of-origin (PO) tokens: binding rules, providers, a caching chain, URL helpers.

Names load lazily, like :mod:`ytsession`'s: importing this package imports neither an HTTP
library nor :mod:`subprocess`. See :doc:`/potokens` for when YouTube wants these tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...._lazy import lazy_getattr

if TYPE_CHECKING:
    from .binding import (
        WEBPO_CLIENTS,
        BindingKind,
        ContentBinding,
        PoTokenContext,
        content_binding,
        data_sync_session_id,
        gvs_bound_to_video_by_experiments,
    )
    from .botguard import (
        BotGuardProvider,
        MintResult,
        default_node_dir,
        find_node,
        install_node_packages,
    )
    from .chain import ProviderChain
    from .coldstart import (
        ColdStartToken,
        decode_cold_start_token,
        encode_cold_start_token,
        is_cold_start_token,
    )
    from .providers import (
        ColdStartProvider,
        PoToken,
        PoTokenProvider,
        PoTokenRequest,
        StaticProvider,
    )
    from .urls import add_pot_to_caption_url, add_pot_to_stream_url

_EXPORTS = {
    "WEBPO_CLIENTS": ".binding",
    "BindingKind": ".binding",
    "ContentBinding": ".binding",
    "PoTokenContext": ".binding",
    "content_binding": ".binding",
    "data_sync_session_id": ".binding",
    "gvs_bound_to_video_by_experiments": ".binding",
    "ColdStartToken": ".coldstart",
    "decode_cold_start_token": ".coldstart",
    "encode_cold_start_token": ".coldstart",
    "is_cold_start_token": ".coldstart",
    "ColdStartProvider": ".providers",
    "PoToken": ".providers",
    "PoTokenProvider": ".providers",
    "PoTokenRequest": ".providers",
    "ProviderChain": ".chain",
    "StaticProvider": ".providers",
    "BotGuardProvider": ".botguard",
    "MintResult": ".botguard",
    "default_node_dir": ".botguard",
    "find_node": ".botguard",
    "install_node_packages": ".botguard",
    "add_pot_to_caption_url": ".urls",
    "add_pot_to_stream_url": ".urls",
}

__all__ = [
    "WEBPO_CLIENTS",
    "BindingKind",
    "BotGuardProvider",
    "ColdStartProvider",
    "ColdStartToken",
    "ContentBinding",
    "MintResult",
    "PoToken",
    "PoTokenContext",
    "PoTokenProvider",
    "PoTokenRequest",
    "ProviderChain",
    "StaticProvider",
    "add_pot_to_caption_url",
    "add_pot_to_stream_url",
    "content_binding",
    "data_sync_session_id",
    "decode_cold_start_token",
    "default_node_dir",
    "encode_cold_start_token",
    "find_node",
    "gvs_bound_to_video_by_experiments",
    "install_node_packages",
    "is_cold_start_token",
]
__getattr__ = lazy_getattr(__name__, _EXPORTS)
