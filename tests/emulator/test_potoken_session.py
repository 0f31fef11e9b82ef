"""Sessions and PO tokens: `player` fails without a bound token and passes with one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ytsession import CookieAuth, PoTokenError, Session, YouTubeCookies
from ytsession.testing import EMULATED_USER_SESSION_ID, Emulator
from ytsession.youtube.innertube.potoken import (
    BindingKind,
    BotGuardProvider,
    ColdStartProvider,
    ProviderChain,
    StaticProvider,
    add_pot_to_stream_url,
    decode_cold_start_token,
    encode_cold_start_token,
)

from tests._support.botguard_support import require_botguard_runtime

VIDEO = "dQw4w9WgXcQ"


def session(emu: Emulator, **options: Any) -> Session:
    options.setdefault("cache", False)
    return Session.create(base_url=emu.url, **options)


def status(answer: dict[str, Any]) -> str:
    return str(answer["playabilityStatus"]["status"])


def sent_po_token(emu: Emulator) -> str | None:
    body = emu.requests_to("/youtubei/v1/player")[-1].json
    assert isinstance(body, dict)
    token = body.get("serviceIntegrityDimensions", {}).get("poToken")
    return token if isinstance(token, str) else None


@pytest.fixture
def strict(emu: Emulator) -> Emulator:
    """An emulator whose `player` wants a bound PO token from web clients."""
    emu.innertube.configure({"require_po_token": True})
    return emu


def test_player_without_a_token_is_taken_for_a_bot(strict: Emulator) -> None:
    with session(strict) as s:
        answer = s.call("player", {"videoId": VIDEO})
    assert status(answer) == "LOGIN_REQUIRED"
    assert (
        "PO token bound to the video_id is required" in answer["playabilityStatus"]["messages"][0]
    )
    assert sent_po_token(strict) is None


def test_player_asks_the_providers_and_passes(strict: Emulator) -> None:
    with session(strict, po_token_providers=[ColdStartProvider()]) as s:
        answer = s.call("player", {"videoId": VIDEO})
    assert status(answer) == "OK"
    token = sent_po_token(strict)
    assert token is not None and decode_cold_start_token(token).binding == VIDEO


def test_a_token_bound_to_another_video_is_refused(strict: Emulator) -> None:
    with session(strict, po_token=encode_cold_start_token("otherVideo1")) as s:
        answer = s.call("player", {"videoId": VIDEO})
    assert status(answer) == "LOGIN_REQUIRED"
    assert "bound to another video_id" in answer["playabilityStatus"]["messages"][0]


def test_a_token_in_the_payload_wins_over_the_providers(strict: Emulator) -> None:
    mine = encode_cold_start_token(VIDEO)
    provider = StaticProvider("never-used", binding=VIDEO)
    with session(strict, po_token_providers=[provider]) as s:
        payload = {"videoId": VIDEO, "serviceIntegrityDimensions": {"poToken": mine}}
        assert status(s.call("player", payload)) == "OK"
    assert sent_po_token(strict) == mine


def test_clients_without_po_tokens_need_none(strict: Emulator) -> None:
    with session(strict, client="ANDROID_VR", po_token_providers=[ColdStartProvider()]) as s:
        assert status(s.call("player", {"videoId": VIDEO})) == "OK"
    assert sent_po_token(strict) is None


def test_cold_start_is_not_enough_once_the_server_wants_minted_tokens(strict: Emulator) -> None:
    strict.innertube.configure({"accept_cold_start_po_token": False})
    with session(strict, po_token_providers=[ColdStartProvider()]) as s:
        answer = s.call("player", {"videoId": VIDEO})
    assert status(answer) == "LOGIN_REQUIRED"
    assert "cold-start" in answer["playabilityStatus"]["messages"][0]


@pytest.mark.slow
def test_botguard_minted_token_passes_where_cold_start_does_not(strict: Emulator) -> None:
    require_botguard_runtime()
    strict.innertube.configure({"accept_cold_start_po_token": False})
    providers = [BotGuardProvider(base_url=strict.url), ColdStartProvider()]
    with session(strict, po_token_providers=providers) as s:
        assert status(s.call("player", {"videoId": VIDEO})) == "OK"
        assert status(s.call("player", {"videoId": VIDEO})) == "OK"  # from the cache
    token = sent_po_token(strict)
    assert token is not None and strict.botguard.verify(token).binding == VIDEO
    assert strict.botguard.challenges_issued == 1


def test_stream_token_is_bound_to_the_visitor_data(emu: Emulator) -> None:
    with session(emu, po_token_providers=ColdStartProvider()) as s:
        token = s.po_token_for("gvs")
        assert token is not None and token.binding.kind is BindingKind.VISITOR_DATA
        assert decode_cold_start_token(token.token).binding == s.visitor_data
    url = add_pot_to_stream_url("https://rr1.googlevideo.com/videoplayback?itag=18", token)
    assert url.endswith("&pot=" + token.token.replace("=", "%3D"))


def test_po_token_for_without_providers_says_what_to_do(emu: Emulator) -> None:
    with session(emu) as s, pytest.raises(PoTokenError, match="po_token_providers="):
        s.po_token_for("gvs")


def test_tokens_are_kept_beside_the_session_cache(emu: Emulator, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    with session(emu, cache=True, cache_dir=cache_dir, po_token_providers=[ColdStartProvider()]):
        pass
    with session(
        emu, cache=True, cache_dir=cache_dir, po_token_providers=[ColdStartProvider()]
    ) as s:
        first = s.po_token_for("player", video_id=VIDEO)
    files = list(cache_dir.glob("potokens-*.json"))
    assert len(files) == 1 and first is not None
    stored = json.loads(files[0].read_text())["tokens"]
    assert [t["token"] for t in stored] == [first.token]
    with session(
        emu, cache=True, cache_dir=cache_dir, po_token_providers=[StaticProvider("other")]
    ) as s:
        assert s.po_token_for("player", video_id=VIDEO) == first  # from the file


def test_a_given_chain_is_used_as_it_is(emu: Emulator) -> None:
    chain = ProviderChain([ColdStartProvider()], ttl=60)
    with session(emu, po_token_providers=chain) as s:
        assert s.po_token_providers is chain


def test_a_stream_token_bound_to_the_video_when_the_experiment_says_so(emu: Emulator) -> None:
    with session(emu, po_token_providers=[ColdStartProvider()]) as s:
        plain = s.po_token_for("gvs", video_id=VIDEO)
        bound = s.po_token_for("gvs", video_id=VIDEO, gvs_bound_to_video=True)
        music = s.po_token_for("gvs", video_id=VIDEO, client="WEB_REMIX", gvs_bound_to_video=True)
    assert plain is not None and plain.binding.kind is BindingKind.VISITOR_DATA
    assert bound is not None and (bound.binding.kind, bound.binding.value) == (
        BindingKind.VIDEO_ID,
        VIDEO,
    )
    assert music is not None and music.binding.value == VIDEO


def test_cookie_session_binds_stream_tokens_to_the_data_sync_id(
    strict: Emulator, tmp_path: Path
) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(strict.innertube.cookies.cookies_txt())
    path.chmod(0o600)
    auth = CookieAuth(
        YouTubeCookies.from_file(path),
        host_aliases={f"127.0.0.1:{strict.port}": "www.youtube.com"},
    )
    with session(strict, auth=auth, po_token_providers=[ColdStartProvider()]) as s:
        s.call("browse", {"browseId": "FEwhat_to_watch"})  # learns the data sync id
        token = s.po_token_for("gvs")
        assert token is not None
        # the WHOLE data sync id, as yt-dlp, BgUtils and the web player bind it
        assert (token.binding.kind, token.binding.value) == (
            BindingKind.DATA_SYNC_ID,
            f"{EMULATED_USER_SESSION_ID}||",
        )
        # YouTube Music binds player tokens to the session too; the emulator checks it.
        music = s.call("player", {"videoId": VIDEO}, client="WEB_REMIX")
    assert status(music) == "OK"
    sent = sent_po_token(strict)
    assert sent is not None
    assert decode_cold_start_token(sent).binding == f"{EMULATED_USER_SESSION_ID}||"
