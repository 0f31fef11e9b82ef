"""Visitor data, ``sw.js_data``, client ids and cold-start tokens judged by YouTube.js and BgUtils.

Each test runs the pinned npm peers' own code (``tests/peers/package.json``) in Node.js on
the same bytes as ytsession and compares: our emulator's ``sw.js_data`` body goes through
YouTube.js's own session set-up, our visitor data through its protobuf codec, our cold-start
tokens through BgUtils' decoder and theirs through ours.
"""

from __future__ import annotations

import time

import pytest
import requests

from ytsession.testing import Emulator
from ytsession.youtube.innertube import CLIENTS
from ytsession.youtube.innertube.potoken import decode_cold_start_token, encode_cold_start_token
from ytsession.youtube.innertube.visitor import (
    decode_visitor_data,
    encode_visitor_data,
    new_visitor_id,
    parse_sw_js_data,
)

from tests._support.peers_support import run_node

pytestmark = pytest.mark.slow

YOUTUBE_JS = ("youtubei.js",)
BGUTILS = ("bgutils-js",)

#: YouTube.js sets up a session from the body it is given for ``/sw.js_data``.
SW_JS_DATA_SCRIPT = """
import { Innertube } from 'youtubei.js';
const input = JSON.parse(await new Promise((ok) => {
  let s = ''; process.stdin.on('data', (d) => s += d); process.stdin.on('end', () => ok(s));
}));
const fetch = async (url) => {
  const path = new URL(url instanceof Request ? url.url : url).pathname;
  if (path === '/sw.js_data') return new Response(input.body, { status: 200 });
  throw new Error('the test serves only /sw.js_data, not ' + path);
};
const yt = await Innertube.create({
  fetch, retrieve_player: false, retrieve_innertube_config: false,
  enable_session_cache: false, fail_fast: true,
});
console.log(JSON.stringify({ client: yt.session.context.client, key: yt.session.key }));
"""

READ_STDIN = """
const input = JSON.parse(await new Promise((ok) => {
  let s = ''; process.stdin.on('data', (d) => s += d); process.stdin.on('end', () => ok(s));
}));
"""


def test_youtube_js_reads_our_emulators_sw_js_data_as_we_do(emu: Emulator) -> None:
    # YouTube.js 18 indexes the device info as a dense list (it throws on the sparse form
    # real servers send), so it is given the dense form.
    emu.innertube.sparse_sw_js_data = False
    body = requests.get(f"{emu.url}/sw.js_data", timeout=10).text
    theirs = run_node(SW_JS_DATA_SCRIPT, packages=YOUTUBE_JS, payload={"body": body})
    ours = parse_sw_js_data(body)
    client = theirs["client"]
    assert client["visitorData"] == ours.visitor_data
    assert client["clientVersion"] == ours.client_version == emu.innertube.web_client_version
    assert client["rolloutToken"] == ours.rollout_token
    assert client["deviceExperimentId"] == ours.device_experiment_id
    assert client["configInfo"]["appInstallData"] == ours.app_install_data
    assert client["remoteHost"] == ours.remote_host
    assert ours.app_install_data == emu.innertube.app_install_data


def test_visitor_data_both_ways_with_youtube_js() -> None:
    now = int(time.time())
    ours = [(new_visitor_id(), now - i * 86400) for i in range(20)]
    script = (
        "import { ProtoUtils } from 'youtubei.js';"
        + READ_STDIN
        + """
const encoded = input.pairs.map(([id, ts]) => ProtoUtils.encodeVisitorData(id, ts));
const decoded = input.ours.map((v) => { const d = ProtoUtils.decodeVisitorData(v);
  return [d.id, d.timestamp]; });
console.log(JSON.stringify({ encoded, decoded }));
"""
    )
    payload = {"pairs": ours, "ours": [encode_visitor_data(i, t) for i, t in ours]}
    theirs = run_node(script, packages=YOUTUBE_JS, payload=payload)
    assert theirs["decoded"] == [list(pair) for pair in ours]  # they read ours
    for (visitor_id, stamp), value in zip(ours, theirs["encoded"], strict=True):
        decoded = decode_visitor_data(value)  # we read theirs
        assert (decoded.visitor_id, decoded.timestamp) == (visitor_id, stamp)
        assert value == encode_visitor_data(visitor_id, stamp)  # byte for byte


def test_client_names_and_numbers_are_youtube_js_ones() -> None:
    script = (
        "import { Constants } from 'youtubei.js';"
        + "console.log(JSON.stringify({ clients: Constants.CLIENTS,"
        + " ids: Constants.CLIENT_NAME_IDS }));"
    )
    theirs = run_node(script, packages=YOUTUBE_JS)
    ids = {name.upper(): int(number) for name, number in theirs["ids"].items()}
    # YouTube.js says 74 for TVHTML5_SIMPLY; yt-dlp (and YouTube's own TV app) 75: yt-dlp's
    # number is checked in test_peer_ytdlp_clients.py, so here it is the one known difference.
    assert ids.pop("TVHTML5_SIMPLY") == 74
    assert CLIENTS["TVHTML5_SIMPLY"].number == 75
    for name, number in ids.items():
        assert name in CLIENTS, f"YouTube.js has {name}, the client table has not"
        assert CLIENTS[name].number == number, name
    # Versions taken from YouTube.js are its release's.
    by_key = theirs["clients"]
    for profile in CLIENTS.values():
        peer, _, key = profile.version_source.partition(": ")
        if peer.startswith("youtubei.js "):
            assert by_key[key]["NAME"].upper() == profile.name
            assert by_key[key]["VERSION"] == profile.version, profile.name


@pytest.mark.parametrize(
    "binding", ["dQw4w9WgXcQ", "1234567890||", "CgtBQUFBQUFBQUFBQSgA", "é ünïcödé", "x" * 118]
)
def test_cold_start_tokens_both_ways_with_bgutils(binding: str) -> None:
    script = (
        "import { createColdStartToken, decodeColdStartToken } from 'bgutils-js/webpo';"
        + READ_STDIN
        + """
const theirs = createColdStartToken(input.binding, 1);
const read = decodeColdStartToken(input.ours);
console.log(JSON.stringify({ theirs, read: { binding: read.contentBinding,
  timestamp: read.timestamp, clientState: read.clientState, keys: read.keys } }));
"""
    )
    ours = encode_cold_start_token(binding, keys=(0xA5, 0x3C), timestamp=1750000000)
    result = run_node(script, packages=BGUTILS, payload={"binding": binding, "ours": ours})
    assert result["read"] == {
        "binding": binding,
        "timestamp": 1750000000,
        "clientState": 1,
        "keys": [0xA5, 0x3C],
    }
    decoded = decode_cold_start_token(result["theirs"])
    assert decoded.binding == binding
    assert decoded.client_state == 1
    assert abs(decoded.timestamp - time.time()) < 600
