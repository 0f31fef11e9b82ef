"""How a :class:`~ytsession.Session` asks its PO token providers (kept out of session.py)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ....errors import PoTokenBindingError, PoTokenError
from ....store import StoredItem
from ..context import DEFAULT_BASE_URL
from .binding import PoTokenContext
from .cache import po_token_cache
from .chain import PoTokenProviders, ProviderChain
from .providers import PoToken, PoTokenProvider, PoTokenRequest

if TYPE_CHECKING:
    from ....transport import Transport

__all__ = ["as_chain", "player_po_token", "session_chain", "session_po_token", "session_request"]

log = logging.getLogger("ytsession.potoken")


def as_chain(
    providers: PoTokenProviders,
    *,
    cache: StoredItem | None,
) -> ProviderChain:
    """:return: ``providers`` as a chain; a list (or one provider) gets a chain that keeps
    its tokens in ``cache``, the item :func:`.po_token_cache` chose (``None``: in memory
    only)."""
    if isinstance(providers, ProviderChain):
        return providers
    if isinstance(providers, PoTokenProvider):
        providers = [providers]
    return ProviderChain(providers, cache_item=cache)


def session_chain(
    providers: PoTokenProviders,
    *,
    cache_dir: Path | None,
    host: str,
    transport: Transport,
    user_agent: str,
) -> ProviderChain:
    """:return: the chain a session of ``host`` asks: ``providers`` as a chain whose
    tokens are kept beside the session data in ``cache_dir`` (``None``: in memory only).
    A BotGuard runner without its own proxy and user agent gets the transport's proxy and
    ``user_agent``, so that its requests leave the way the session's do."""
    from .botguard import BotGuardProvider

    where = None if cache_dir is None else po_token_cache(directory=cache_dir, host=host)
    chain = as_chain(providers, cache=where)
    for provider in chain.providers:
        if not isinstance(provider, BotGuardProvider):
            continue
        if provider.proxy is None:
            provider.proxy = transport.proxy_for(provider.base_url or DEFAULT_BASE_URL)
        if provider.user_agent is None:
            provider.user_agent = user_agent
    return chain


def session_request(
    context: PoTokenContext | str,
    *,
    client: str,
    visitor_data: str,
    auth: object,
    video_id: str = "",
    gvs_bound_to_video: bool = False,
) -> PoTokenRequest:
    """:return: the request for a token of a session's call. Signed in, the data sync id
    comes from the auth when it knows one (cookie sign-in)."""
    datasync = getattr(auth, "datasync_id", None) if auth is not None else None
    return PoTokenRequest(
        context=PoTokenContext.parse(context),
        client=client,
        visitor_data=visitor_data,
        data_sync_id=str(datasync or ""),
        video_id=video_id,
        logged_in=auth is not None,
        gvs_bound_to_video=gvs_bound_to_video,
    )


def player_po_token(
    chain: ProviderChain,
    body: Mapping[str, Any],
    *,
    client: str,
    visitor_data: str,
    auth: object,
) -> str | None:
    """:return: the token a ``player`` call with ``body`` should carry, or ``None`` when
    the body has one already, names no video, or its client uses none.

    :raises PoTokenError: the providers failed.
    """
    dimensions = body.get("serviceIntegrityDimensions")
    if isinstance(dimensions, Mapping) and dimensions.get("poToken"):
        return None
    video_id = body.get("videoId")
    if not isinstance(video_id, str) or not video_id:
        return None
    request = session_request(
        PoTokenContext.PLAYER,
        client=client,
        visitor_data=visitor_data,
        auth=auth,
        video_id=video_id,
    )
    try:
        token = chain.get(request)
    except PoTokenBindingError as exc:
        log.debug("player call without a PO token: %s", exc)
        return None
    return token.token if token is not None else None


def session_po_token(
    chain: ProviderChain | None,
    context: PoTokenContext | str,
    *,
    client: str,
    visitor_data: str,
    auth: object,
    video_id: str = "",
    gvs_bound_to_video: bool = False,
) -> PoToken | None:
    """:return: a token of the session for ``context`` (see
    :meth:`ytsession.Session.po_token_for`).

    :raises PoTokenError: the session has no providers, or they failed.
    :raises PoTokenBindingError: an id the binding needs is missing.
    """
    if chain is None:
        raise PoTokenError(
            "this session has no PO token providers: pass po_token_providers= to "
            "Session.create (e.g. [BotGuardProvider(), ColdStartProvider()])"
        )
    request = session_request(
        context,
        client=client,
        visitor_data=visitor_data,
        auth=auth,
        video_id=video_id,
        gvs_bound_to_video=gvs_bound_to_video,
    )
    return chain.get(request)
