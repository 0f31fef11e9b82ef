"""Which InnerTube endpoints only read: the one table of replay safety for InnerTube.

A call to an endpoint on :data:`READ_ENDPOINTS` may be sent again after a lost answer, a
reset or a 5xx answer. Every other endpoint acts (``like/like``,
``subscription/subscribe``, ``comment/create_comment``, ``browse/edit_playlist``, ...) and is
re-sent only when it provably never reached the server: an endpoint missing from this table
is treated as one that acts, so a new endpoint is safe until someone lists it here.
"""

from __future__ import annotations

__all__ = ["READ_ENDPOINTS", "is_read_endpoint"]

#: Endpoints that only read, named as
#: :func:`~ytsession.youtube.innertube.context.normalize_endpoint` gives them.
READ_ENDPOINTS = frozenset(
    {
        "account/account_menu",
        "account/accounts_list",
        "account/get_setting_values",
        "att/get",
        "browse",
        "config",
        "get_transcript",
        "guide",
        "live_chat/get_item_context_menu",
        "live_chat/get_live_chat",
        "live_chat/get_live_chat_replay",
        "music/get_queue",
        "music/get_search_suggestions",
        "navigation/resolve_url",
        "next",
        "notification/get_notification_menu",
        "notification/get_unseen_count",
        "player",
        "reel/reel_item_watch",
        "reel/reel_watch_sequence",
        "search",
        "updated_metadata",
        "visitor_id",
    }
)


def is_read_endpoint(name: str) -> bool:
    """Whether a call to the (normalized) endpoint ``name`` may be sent again after a
    failure the server may have seen.

    :return: ``True`` when ``name`` only reads.
    """
    return name in READ_ENDPOINTS
