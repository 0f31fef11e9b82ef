"""The binding rules: which id a proof-of-origin (PO) token is bound to.

A PO token is minted for one *content binding*, a string the server checks the token
against. Which string depends on the token's context, the client and whether the session is
signed in; :func:`content_binding` is the one place that decides it:

============================  ==========================  ===============================
context                       signed out                  signed in
============================  ==========================  ===============================
``GVS`` (stream URLs)         the visitor data (or, on    the whole data sync id, as the
                              request, the visitor id)    page gives it (``A||B``, ``A||``)
``GVS``, bound to the video   the video id                the video id
``PLAYER`` (``/player``)      the video id                the video id
``SUBS`` (caption URLs)       the video id                the video id
``PLAYER``/``SUBS`` on        like ``GVS``                like ``GVS``
``WEB_REMIX``
============================  ==========================  ===============================

The rules are checked in this order, so a ``WEB_REMIX`` stream token bound to the video is
bound to the video. They are yt-dlp's (``get_webpo_content_binding``), BgUtils' and the web
player's; the test suite judges this function with yt-dlp's own. Only the web-based clients
(:data:`WEBPO_CLIENTS`) use these tokens; for the others there is no binding and no token.
Nothing here does I/O.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ....errors import PoTokenBindingError

__all__ = [
    "GVS_VIDEO_BINDING_FLAG",
    "SESSION_BOUND_CLIENTS",
    "WEBPO_CLIENTS",
    "BindingKind",
    "ContentBinding",
    "PoTokenContext",
    "content_binding",
    "data_sync_session_id",
    "gvs_bound_to_video_by_experiments",
    "visitor_id_from_visitor_data",
]

#: The clients whose PO tokens are minted by the web BotGuard ("WebPO"), by ``clientName``.
WEBPO_CLIENTS = frozenset(
    {
        "WEB",
        "MWEB",
        "WEB_EMBEDDED_PLAYER",
        "WEB_CREATOR",
        "WEB_REMIX",
        "TVHTML5",
        "TVHTML5_SIMPLY",
        "TVHTML5_SIMPLY_EMBEDDED_PLAYER",
    }
)
#: Clients whose ``PLAYER`` and ``SUBS`` tokens are bound to the session (visitor data or data
#: sync id) instead of the video. Their stream tokens follow the ``GVS`` rules.
SESSION_BOUND_CLIENTS = frozenset({"WEB_REMIX"})

_VISITOR_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


class PoTokenContext(str, enum.Enum):
    """Where a PO token is used. The values are yt-dlp's spelling."""

    #: Stream URLs on Google Video servers (``pot=``).
    GVS = "gvs"
    #: The ``/youtubei/v1/player`` call (``serviceIntegrityDimensions.poToken``).
    PLAYER = "player"
    #: Caption (timed text) URLs (``pot=``, ``potc=1``, ``c=``).
    SUBS = "subs"

    @classmethod
    def parse(cls, value: str | PoTokenContext) -> PoTokenContext:
        """:return: the context named ``value`` (any case).

        :raises ValueError: no context has that name.
        """
        if isinstance(value, PoTokenContext):
            return value
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(c.value for c in cls)
            raise ValueError(f"unknown PO token context {value!r}; use one of {names}") from None


class BindingKind(str, enum.Enum):
    """What a content binding is."""

    VISITOR_DATA = "visitor_data"
    VISITOR_ID = "visitor_id"
    DATA_SYNC_ID = "data_sync_id"
    VIDEO_ID = "video_id"


@dataclass(frozen=True)
class ContentBinding:
    """The id a PO token is bound to.

    :ivar value: the id, e.g. the visitor data or ``"dQw4w9WgXcQ"``.
    :ivar kind: what the id is.
    """

    value: str
    kind: BindingKind

    @property
    def key(self) -> str:
        """``"<kind>:<value>"``: the cache key of tokens bound to this binding."""
        return f"{self.kind.value}:{self.value}"


def data_sync_session_id(data_sync_id: str) -> str:
    """:return: the session part of a data sync id: the part before ``||``.

    ``"A||B"`` is delegated session ``A`` (a brand account) of user session ``B``;
    ``"A||"`` is user session ``A`` alone; the session a request acts as is ``A`` in both.
    A value without ``||`` is returned as it is. A PO token is bound to the WHOLE data
    sync id, not to this part (see :func:`content_binding`).

    :raises PoTokenBindingError: the value is empty or has no session part.
    """
    session = data_sync_id.strip().partition("||")[0]
    if not session:
        raise PoTokenBindingError(
            f"the data sync id {data_sync_id!r} has no session part; pass the DATASYNC_ID "
            "of the signed-in page (e.g. '1234567890||')"
        )
    return session


#: The experiment flag with which the web player binds stream (GVS) tokens to the video.
GVS_VIDEO_BINDING_FLAG = "html5_generate_content_po_token"


def gvs_bound_to_video_by_experiments(ytcfg: Mapping[str, Any]) -> bool:
    """Whether a page's player config asks for stream tokens bound to the video.

    Read as yt-dlp reads it: the ``serializedExperimentFlags`` (a query string) of every
    ``WEB_PLAYER_CONTEXT_CONFIGS`` entry; the flag's last value in any of them being
    ``true`` decides. Pass the result as ``gvs_bound_to_video``.

    :param ytcfg: the page's ``ytcfg`` (anything else gives ``False``).
    """
    from urllib.parse import parse_qs

    configs = ytcfg.get("WEB_PLAYER_CONTEXT_CONFIGS") if isinstance(ytcfg, Mapping) else None
    if not isinstance(configs, Mapping):
        return False
    for config in configs.values():
        flags = config.get("serializedExperimentFlags") if isinstance(config, Mapping) else None
        if not isinstance(flags, str):
            continue
        values = parse_qs(flags).get(GVS_VIDEO_BINDING_FLAG)
        if values and values[-1] == "true":
            return True
    return False


def visitor_id_from_visitor_data(visitor_data: str) -> str | None:
    """The visitor id inside visitor data.

    :return: the 11-character id, or ``None`` when ``visitor_data`` does not decode.
    """
    from ..visitor import visitor_id_of

    visitor_id = visitor_id_of(visitor_data)
    return visitor_id if visitor_id is not None and _VISITOR_ID.match(visitor_id) else None


def content_binding(
    context: PoTokenContext | str,
    *,
    client: str = "WEB",
    logged_in: bool = False,
    visitor_data: str = "",
    data_sync_id: str = "",
    video_id: str = "",
    bind_to_visitor_id: bool = False,
    gvs_bound_to_video: bool = False,
) -> ContentBinding | None:
    """Decide what a PO token for one request is bound to.

    :param context: ``GVS``, ``PLAYER`` or ``SUBS``.
    :param client: the ``clientName``; clients outside :data:`WEBPO_CLIENTS` get ``None``.
    :param logged_in: whether the session is signed in (then streams bind to the data
        sync id instead of the visitor data).
    :param visitor_data: the session's visitor data (signed out).
    :param data_sync_id: the session's data sync id (signed in), e.g. ``"123||"``; the
        token is bound to all of it.
    :param video_id: the video the token is for (``PLAYER``, ``SUBS``).
    :param bind_to_visitor_id: signed out: bind to the 11-character visitor id inside the
        visitor data instead of the whole visitor data (the whole visitor data when it
        holds no visitor id, as yt-dlp does).
    :param gvs_bound_to_video: bind stream (``GVS``) tokens to the video id, as YouTube
        lately does for most of them.
    :return: the binding, or ``None`` when the client does not use PO tokens.
    :raises PoTokenBindingError: an id the rules need is missing (the message says which).
    :raises ValueError: the context is unknown.
    """
    ctx = PoTokenContext.parse(context)
    name = client.upper()
    if name not in WEBPO_CLIENTS:
        return None
    if ctx is PoTokenContext.GVS and gvs_bound_to_video:
        return _video_binding(video_id, "a stream token bound to the video")
    if ctx is PoTokenContext.GVS or name in SESSION_BOUND_CLIENTS:
        return _session_binding(
            logged_in=logged_in,
            visitor_data=visitor_data,
            data_sync_id=data_sync_id,
            bind_to_visitor_id=bind_to_visitor_id,
        )
    return _video_binding(video_id, f"a {ctx.value} token")


def _video_binding(video_id: str, what: str) -> ContentBinding:
    if not video_id.strip():
        raise PoTokenBindingError(f"{what} is bound to the video id: pass the video id")
    return ContentBinding(video_id.strip(), BindingKind.VIDEO_ID)


def _session_binding(
    *, logged_in: bool, visitor_data: str, data_sync_id: str, bind_to_visitor_id: bool
) -> ContentBinding:
    if logged_in:
        if not data_sync_id.strip():
            raise PoTokenBindingError(
                "a signed-in session's token is bound to its data sync id, which is not "
                "known: pass data_sync_id (DATASYNC_ID of the signed-in page)"
            )
        data_sync_session_id(data_sync_id)  # refuses an id without a session part
        return ContentBinding(data_sync_id.strip(), BindingKind.DATA_SYNC_ID)
    if not visitor_data.strip():
        raise PoTokenBindingError(
            "a signed-out session's token is bound to its visitor data, which is not known: "
            "create the session first or pass visitor_data"
        )
    if bind_to_visitor_id:
        visitor_id = visitor_id_from_visitor_data(visitor_data)
        if visitor_id is not None:
            return ContentBinding(visitor_id, BindingKind.VISITOR_ID)
    return ContentBinding(visitor_data.strip(), BindingKind.VISITOR_DATA)
