"""The binding rules: one function decides what every PO token is bound to."""

from __future__ import annotations

import pytest

from ytsession.errors import PoTokenBindingError
from ytsession.youtube.innertube.potoken import (
    BindingKind,
    ContentBinding,
    PoTokenContext,
    content_binding,
    data_sync_session_id,
)
from ytsession.youtube.innertube.visitor import encode_visitor_data

VISITOR_DATA = encode_visitor_data("Vis1tor_Id-", 1750000000)
VIDEO = "dQw4w9WgXcQ"


def test_signed_out_stream_token_is_bound_to_the_visitor_data() -> None:
    binding = content_binding("gvs", visitor_data=VISITOR_DATA, video_id=VIDEO)
    assert binding == ContentBinding(VISITOR_DATA, BindingKind.VISITOR_DATA)
    assert binding.key == f"visitor_data:{VISITOR_DATA}"


def test_signed_out_stream_token_may_be_bound_to_the_visitor_id() -> None:
    binding = content_binding("gvs", visitor_data=VISITOR_DATA, bind_to_visitor_id=True)
    assert binding == ContentBinding("Vis1tor_Id-", BindingKind.VISITOR_ID)


def test_visitor_id_binding_falls_back_to_the_visitor_data_without_an_id() -> None:
    binding = content_binding("gvs", visitor_data="garbage", bind_to_visitor_id=True)
    assert binding == ContentBinding("garbage", BindingKind.VISITOR_DATA)


def test_visitor_id_is_read_from_visitor_data_without_a_timestamp() -> None:
    only_the_id = "CgtOb3RBVmlzaXRvcg%3D%3D"  # field 1 alone
    binding = content_binding("gvs", visitor_data=only_the_id, bind_to_visitor_id=True)
    assert binding == ContentBinding("NotAVisitor", BindingKind.VISITOR_ID)


def test_signed_in_stream_token_is_bound_to_the_whole_data_sync_id() -> None:
    binding = content_binding(
        "gvs", logged_in=True, visitor_data=VISITOR_DATA, data_sync_id="111||"
    )
    assert binding == ContentBinding("111||", BindingKind.DATA_SYNC_ID)


def test_brand_account_binds_to_the_whole_data_sync_id() -> None:
    binding = content_binding("gvs", logged_in=True, data_sync_id="222||111")
    assert binding == ContentBinding("222||111", BindingKind.DATA_SYNC_ID)


@pytest.mark.parametrize("value", ["||B", "  "])
def test_signed_in_binding_refuses_a_data_sync_id_without_a_session(value: str) -> None:
    with pytest.raises(PoTokenBindingError):
        content_binding("gvs", logged_in=True, data_sync_id=value)


@pytest.mark.parametrize(("value", "session"), [("A||B", "A"), ("A||", "A"), ("A", "A")])
def test_data_sync_session_part(value: str, session: str) -> None:
    assert data_sync_session_id(value) == session


@pytest.mark.parametrize("value", ["", "||B", "   "])
def test_data_sync_id_without_a_session_part_is_refused(value: str) -> None:
    with pytest.raises(PoTokenBindingError, match="no session part"):
        data_sync_session_id(value)


@pytest.mark.parametrize("context", [PoTokenContext.PLAYER, PoTokenContext.SUBS, "PLAYER", "subs"])
@pytest.mark.parametrize("logged_in", [False, True])
def test_player_and_subtitle_tokens_are_bound_to_the_video(
    context: PoTokenContext | str, logged_in: bool
) -> None:
    binding = content_binding(
        context,
        logged_in=logged_in,
        visitor_data=VISITOR_DATA,
        data_sync_id="111||",
        video_id=VIDEO,
    )
    assert binding == ContentBinding(VIDEO, BindingKind.VIDEO_ID)


def test_stream_token_bound_to_the_video_when_asked() -> None:
    binding = content_binding(
        "gvs", visitor_data=VISITOR_DATA, video_id=VIDEO, gvs_bound_to_video=True
    )
    assert binding == ContentBinding(VIDEO, BindingKind.VIDEO_ID)


@pytest.mark.parametrize("context", ["gvs", "player", "subs"])
def test_youtube_music_binds_every_context_to_the_session(context: str) -> None:
    signed_out = content_binding(
        context, client="WEB_REMIX", visitor_data=VISITOR_DATA, video_id=VIDEO
    )
    assert signed_out == ContentBinding(VISITOR_DATA, BindingKind.VISITOR_DATA)
    signed_in = content_binding(
        context, client="web_remix", logged_in=True, data_sync_id="9||", video_id=VIDEO
    )
    assert signed_in == ContentBinding("9||", BindingKind.DATA_SYNC_ID)


@pytest.mark.parametrize("logged_in", [False, True])
def test_youtube_music_stream_token_bound_to_the_video_when_asked(logged_in: bool) -> None:
    binding = content_binding(
        "gvs",
        client="WEB_REMIX",
        logged_in=logged_in,
        visitor_data=VISITOR_DATA,
        data_sync_id="9||",
        video_id=VIDEO,
        gvs_bound_to_video=True,
    )
    assert binding == ContentBinding(VIDEO, BindingKind.VIDEO_ID)


@pytest.mark.parametrize("client", ["ANDROID", "IOS", "ANDROID_VR", "VISIONOS"])
def test_clients_without_web_po_tokens_have_no_binding(client: str) -> None:
    assert content_binding("player", client=client, video_id=VIDEO) is None
    assert content_binding("gvs", client=client) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"context": "player"}, "pass the video id"),
        ({"context": "subs", "video_id": "  "}, "pass the video id"),
        ({"context": "gvs"}, "visitor data"),
        ({"context": "gvs", "logged_in": True, "visitor_data": VISITOR_DATA}, "data sync id"),
        ({"context": "gvs", "gvs_bound_to_video": True}, "pass the video id"),
    ],
)
def test_missing_ids_say_what_to_pass(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(PoTokenBindingError, match=message):
        content_binding(**kwargs)  # type: ignore[arg-type]


def test_unknown_context_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="use one of gvs, player, subs"):
        content_binding("streams", video_id=VIDEO)
