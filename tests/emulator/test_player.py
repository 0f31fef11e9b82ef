"""``player`` calls carry the current web player's signatureTimestamp.

The session asks the emulator's iframe API which player is current and reads the
timestamp out of that player's script, once per TTL; YouTube.js, reading the same
script, is the judge of where the timestamp sits.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ytsession import InnerTubeError, Session
from ytsession.testing import Emulator
from ytsession.youtube.innertube.player import (
    PLAYER_TTL,
    parse_player_id,
    parse_signature_timestamp,
)

VIDEO = "dQw4w9WgXcQ"
IFRAME_API = "/iframe_api"


def script_path(emu: Emulator) -> str:
    return f"/s/player/{emu.innertube.player_id}/player_ias.vflset/en_US/base.js"


def session(emu: Emulator, cache_dir: Path | None, **options: Any) -> Session:
    if cache_dir is None:
        return Session.create(base_url=emu.url, cache=False, **options)
    return Session.create(base_url=emu.url, cache_dir=cache_dir, **options)


def sent_timestamp(emu: Emulator) -> object:
    body = emu.innertube.calls[-1].body
    return (
        body.get("playbackContext", {}).get("contentPlaybackContext", {}).get("signatureTimestamp")
    )


@pytest.mark.slow
def test_player_calls_carry_the_players_signature_timestamp(emu: Emulator, tmp_path: Path) -> None:
    emu.innertube.signature_timestamp = 20417
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
        assert sent_timestamp(emu) == 20417
        s.call("player", {"videoId": VIDEO}, client="MWEB")
        assert sent_timestamp(emu) == 20417
        assert (s.current_player().player_id, s.current_player().signature_timestamp) == (
            emu.innertube.player_id,
            20417,
        )
        s.call("browse", {"browseId": "FEwhat_to_watch"})
        assert "playbackContext" not in emu.innertube.calls[-1].body
    # Another session (another process) shares what was learnt.
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
        assert sent_timestamp(emu) == 20417
    assert len(emu.requests_to(IFRAME_API)) == 1
    assert len(emu.requests_to(script_path(emu))) == 1


def test_the_callers_own_timestamp_is_kept(emu: Emulator) -> None:
    with session(emu, None) as s:
        s.call(
            "player",
            {
                "videoId": VIDEO,
                "playbackContext": {"contentPlaybackContext": {"signatureTimestamp": 19999}},
            },
        )
        assert sent_timestamp(emu) == 19999
        assert emu.requests_to(IFRAME_API) == []
        # Other playbackContext fields of the caller stay beside the timestamp.
        s.call(
            "player",
            {
                "videoId": VIDEO,
                "playbackContext": {
                    "contentPlaybackContext": {"html5Preference": "HTML5_PREF_WANTS"}
                },
            },
        )
        sent = emu.innertube.calls[-1].body["playbackContext"]["contentPlaybackContext"]
        assert sent == {
            "html5Preference": "HTML5_PREF_WANTS",
            "signatureTimestamp": emu.innertube.signature_timestamp,
        }


def age_the_cache(directory: Path, seconds: float) -> None:
    (path,) = directory.glob("player-*.json")
    data = json.loads(path.read_text())
    data["checked_at"] -= seconds
    path.write_text(json.dumps(data))


@pytest.mark.slow
def test_the_player_is_asked_again_once_per_ttl(emu: Emulator, tmp_path: Path) -> None:
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
    age_the_cache(tmp_path, PLAYER_TTL + 1)
    # Still the same player: the iframe API is asked, its script is not fetched again.
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
        s.call("player", {"videoId": VIDEO})
    assert len(emu.requests_to(IFRAME_API)) == 2
    assert len(emu.requests_to(script_path(emu))) == 1
    # A new player: after the TTL its script is fetched and its timestamp sent.
    known = emu.innertube.signature_timestamp
    emu.innertube.player_id, emu.innertube.signature_timestamp = "0b1ea8f2", 20500
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
        assert sent_timestamp(emu) == known != 20500  # within the TTL the known player is used
    age_the_cache(tmp_path, PLAYER_TTL + 1)
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
        assert sent_timestamp(emu) == 20500
    assert len(emu.requests_to(script_path(emu))) == 1


@pytest.mark.parametrize(
    ("setting", "value"),
    [("signature_timestamp", 123), ("player_id", "no")],
)
def test_garbage_from_the_player_is_a_typed_error(
    emu: Emulator, setting: str, value: object
) -> None:
    setattr(emu.innertube, setting, value)
    with session(emu, None) as s, pytest.raises(InnerTubeError, match="update ytsession"):
        s.call("player", {"videoId": VIDEO})
    assert emu.requests_to("/youtubei/v1/player") == []


def test_a_corrupt_player_cache_is_refetched(emu: Emulator, tmp_path: Path) -> None:
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
    (path,) = tmp_path.glob("player-*.json")
    path.write_text('{"format": "ytsession.player", "version": 1, "player_id": "../x"')
    with session(emu, tmp_path) as s:
        s.call("player", {"videoId": VIDEO})
        assert sent_timestamp(emu) == emu.innertube.signature_timestamp
    assert json.loads(path.read_text())["player_id"] == emu.innertube.player_id


@pytest.mark.parametrize("value", ["", "a/b", "x" * 40, None, 3])
def test_player_ids_are_validated(value: object) -> None:
    with pytest.raises(InnerTubeError):
        parse_player_id(value)


@pytest.mark.parametrize("value", ["", "1234", "123456", "2o358", True, 9999, 100000, None])
def test_signature_timestamps_are_validated(value: object) -> None:
    with pytest.raises(InnerTubeError):
        parse_signature_timestamp(value)


@pytest.mark.slow
def test_youtube_js_reads_the_same_player_as_the_session(emu: Emulator) -> None:
    from tests._support.peers_support import run_node

    script = """
import { Player } from 'youtubei.js';
let data = '';
for await (const chunk of process.stdin) data += chunk;
const base = JSON.parse(data);
// YouTube.js fetches youtube.com; route its requests to the emulator.
const routed = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return fetch(base + url.pathname + url.search, init);
};
const player = await Player.create(undefined, routed);
console.log(JSON.stringify([player.player_id, player.signature_timestamp]));
"""
    found = run_node(script, packages=("youtubei.js",), payload=emu.url)
    with session(emu, None) as s:
        info = s.current_player()
    assert found == [info.player_id, info.signature_timestamp]
