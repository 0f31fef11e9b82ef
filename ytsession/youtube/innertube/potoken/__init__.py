"""Proof-of-origin (PO) tokens: binding rules, providers, a caching chain, URL helpers.

Names load lazily, like :mod:`ytsession`'s: importing this package imports neither an HTTP
library nor :mod:`subprocess`. See :doc:`/potokens` for when YouTube wants these tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...._lazy import lazy_getattr

if TYPE_CHECKING:
    from .binding import WEBPO_CLIENTS as WEBPO_CLIENTS
    from .binding import BindingKind as BindingKind
    from .binding import ContentBinding as ContentBinding
    from .binding import PoTokenContext as PoTokenContext
    from .binding import content_binding as content_binding
    from .binding import data_sync_session_id as data_sync_session_id
    from .binding import gvs_bound_to_video_by_experiments as gvs_bound_to_video_by_experiments
    from .botguard import BotGuardProvider as BotGuardProvider
    from .botguard import MintResult as MintResult
    from .botguard import default_node_dir as default_node_dir
    from .botguard import find_node as find_node
    from .botguard import install_node_packages as install_node_packages
    from .chain import ProviderChain as ProviderChain
    from .coldstart import ColdStartToken as ColdStartToken
    from .coldstart import decode_cold_start_token as decode_cold_start_token
    from .coldstart import encode_cold_start_token as encode_cold_start_token
    from .coldstart import is_cold_start_token as is_cold_start_token
    from .providers import ColdStartProvider as ColdStartProvider
    from .providers import PoToken as PoToken
    from .providers import PoTokenProvider as PoTokenProvider
    from .providers import PoTokenRequest as PoTokenRequest
    from .providers import StaticProvider as StaticProvider
    from .urls import add_pot_to_caption_url as add_pot_to_caption_url
    from .urls import add_pot_to_stream_url as add_pot_to_stream_url

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

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
