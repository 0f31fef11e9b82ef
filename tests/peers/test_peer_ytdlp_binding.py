"""PO-token content binding judged by yt-dlp's own ``get_webpo_content_binding``.

Every combination of signed in/out, context, client, the "stream token bound to the video"
experiment and the visitor-id option is asked of both: ytsession's :func:`content_binding`
must name the same id of the same kind as the yt-dlp release pinned in the ``test`` extra.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from ytsession.errors import PoTokenBindingError
from ytsession.youtube.innertube.potoken import BindingKind, PoTokenContext, content_binding
from ytsession.youtube.innertube.visitor import encode_visitor_data

from tests._support.peers_support import require_yt_dlp

VISITOR_DATA = encode_visitor_data("Vis1tor_Id-", 1750000000)
VIDEO = "dQw4w9WgXcQ"
#: Every client yt-dlp's WebPO rules know, plus clients that have none.
CLIENTS = (
    "WEB",
    "MWEB",
    "TVHTML5",
    "WEB_EMBEDDED_PLAYER",
    "WEB_CREATOR",
    "WEB_REMIX",
    "TVHTML5_SIMPLY",
    "TVHTML5_SIMPLY_EMBEDDED_PLAYER",
    "ANDROID",
    "IOS",
    "ANDROID_VR",
    "VISIONOS",
)
#: A primary account, a brand account of it, and an id with an empty user part.
DATA_SYNC_IDS = ("1234567890||", "1111111111||2222222222", "987654321")
#: Visitor data that decodes to a visitor id, and some that does not.
VISITORS = (VISITOR_DATA, "CgtOb3RBVmlzaXRvcg%3D%3D", "not-protobuf")

_KINDS = {
    "visitor_data": BindingKind.VISITOR_DATA,
    "datasync_id": BindingKind.DATA_SYNC_ID,
    "video_id": BindingKind.VIDEO_ID,
    "visitor_id": BindingKind.VISITOR_ID,
}


def _ytdlp_binding(
    *,
    context: str,
    client: str,
    logged_in: bool,
    visitor_data: str,
    data_sync_id: str,
    bind_to_video: bool,
    bind_to_visitor_id: bool,
) -> tuple[str | None, BindingKind | None]:
    from yt_dlp.extractor.youtube.pot.provider import PoTokenContext as YtdlpContext
    from yt_dlp.extractor.youtube.pot.provider import PoTokenRequest as YtdlpRequest
    from yt_dlp.extractor.youtube.pot.utils import get_webpo_content_binding

    request = YtdlpRequest(
        context=YtdlpContext(context),
        innertube_context={"client": {"clientName": client, "clientVersion": "1.0"}},
        is_authenticated=logged_in,
        visitor_data=visitor_data,
        data_sync_id=data_sync_id if logged_in else None,
        video_id=VIDEO,
        _gvs_bind_to_video_id=bind_to_video,
    )
    value, kind = get_webpo_content_binding(request, bind_to_visitor_id=bind_to_visitor_id)
    return value, (_KINDS[kind.value] if kind is not None else None)


CASES = list(
    itertools.product(
        ("gvs", "player", "subs"),
        CLIENTS,
        (False, True),  # logged in
        (False, True),  # the experiment that binds stream tokens to the video
        (False, True),  # bind_to_visitor_id
    )
)


@pytest.mark.parametrize(("context", "client", "logged_in", "bind_to_video", "to_id"), CASES)
@pytest.mark.parametrize("data_sync_id", DATA_SYNC_IDS)
@pytest.mark.parametrize("visitor_data", VISITORS)
@pytest.mark.slow
def test_content_binding_is_yt_dlps(
    context: str,
    client: str,
    logged_in: bool,
    bind_to_video: bool,
    to_id: bool,
    data_sync_id: str,
    visitor_data: str,
) -> None:
    require_yt_dlp()
    args: dict[str, Any] = {
        "context": context,
        "client": client,
        "logged_in": logged_in,
        "visitor_data": visitor_data,
        "data_sync_id": data_sync_id,
        "bind_to_video": bind_to_video,
        "bind_to_visitor_id": to_id,
    }
    expected = _ytdlp_binding(**args)
    ours = content_binding(
        PoTokenContext.parse(context),
        client=client,
        logged_in=logged_in,
        visitor_data=visitor_data,
        data_sync_id=data_sync_id,
        video_id=VIDEO,
        gvs_bound_to_video=bind_to_video,
        bind_to_visitor_id=to_id,
    )
    got = (ours.value, ours.kind) if ours is not None else (None, None)
    assert got == expected


def test_a_signed_in_token_without_a_data_sync_id_is_a_typed_error() -> None:
    """yt-dlp binds such a token to ``None`` (and warns); we stop and say what to pass."""
    require_yt_dlp()
    value, _ = _ytdlp_binding(
        context="gvs",
        client="WEB",
        logged_in=True,
        visitor_data=VISITOR_DATA,
        data_sync_id="",
        bind_to_video=False,
        bind_to_visitor_id=False,
    )
    assert not value
    with pytest.raises(PoTokenBindingError, match="data sync id"):
        content_binding("gvs", logged_in=True, visitor_data=VISITOR_DATA)


#: Player configs as pages carry them: the flag on, off, absent, repeated, in a second config.
YTCFGS: list[dict[str, Any]] = [
    {},
    {"WEB_PLAYER_CONTEXT_CONFIGS": {}},
    {"WEB_PLAYER_CONTEXT_CONFIGS": {"WEB_PLAYER_CONTEXT_CONFIG_ID_KEVLAR_WATCH": {}}},
    *(
        {
            "WEB_PLAYER_CONTEXT_CONFIGS": {
                "WEB_PLAYER_CONTEXT_CONFIG_ID_KEVLAR_WATCH": {"serializedExperimentFlags": first},
                "WEB_PLAYER_CONTEXT_CONFIG_ID_KEVLAR_SHORTS": {"serializedExperimentFlags": second},
            }
        }
        for first, second in [
            ("a=1&html5_generate_content_po_token=true&b=2", ""),
            ("html5_generate_content_po_token=false", "x=y"),
            ("html5_generate_content_po_token=true&html5_generate_content_po_token=false", ""),
            ("html5_generate_content_po_token=false&html5_generate_content_po_token=true", ""),
            ("html5_other_flag=true", "html5_generate_content_po_token=true"),
            ("html5_generate_content_po_token=TRUE", "html5_generate_content_po_token="),
        ]
    ),
]


@pytest.mark.parametrize("ytcfg", YTCFGS)
@pytest.mark.slow
def test_the_experiment_is_read_as_yt_dlp_reads_it(ytcfg: dict[str, Any]) -> None:
    """yt-dlp's own fetch_po_token decides whether to bind stream tokens to the video; we
    catch the request it hands to its PO-token director and compare."""
    require_yt_dlp()
    import yt_dlp
    from yt_dlp.extractor.youtube.pot.provider import PoTokenContext as YtdlpContext

    from ytsession.youtube.innertube.potoken import gvs_bound_to_video_by_experiments

    class Director:
        request: Any = None

        def get_po_token(self, request: Any) -> None:
            self.request = request

    ie = yt_dlp.YoutubeDL({"quiet": True, "no_warnings": True}).get_info_extractor("Youtube")
    director = Director()
    ie._pot_director = director
    ie.fetch_po_token(
        client="web",
        context=YtdlpContext.GVS,
        ytcfg={**ytcfg, "INNERTUBE_CONTEXT": {"client": {"clientName": "WEB"}}},
        visitor_data=VISITOR_DATA,
        player_url="https://www.youtube.com/s/player/00000000/player_ias.vflset/en_US/base.js",
        video_id=VIDEO,
        required=True,
    )
    assert director.request is not None
    assert gvs_bound_to_video_by_experiments(ytcfg) is director.request._gvs_bind_to_video_id
