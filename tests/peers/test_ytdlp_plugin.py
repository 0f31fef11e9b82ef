"""yt-dlp loads ytsession's PO token provider plugin and gets tokens bound as it says.

yt-dlp's own plugin loader, registry, request objects and content-binding rules are the
judges; cold-start tokens are decoded by BgUtils and minted ones verified by the
emulator's BotGuard. Nothing leaves the loopback interface.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ytsession.store.profiles import ProfileSettings
from ytsession.testing import Emulator
from ytsession.youtube.innertube.potoken.cache import default_cache_file
from ytsession.youtube.innertube.visitor import encode_visitor_data

from tests._support.paths import REPO
from tests._support.peers_support import require_yt_dlp, run_node

VISITOR_DATA = encode_visitor_data("Vis1tor_Id-", 1750000000)
VIDEO = "dQw4w9WgXcQ"
DATA_SYNC_IDS = ("1122334455||", "9988776655||1122334455")

DECODE = """
import { decodeColdStartToken } from 'bgutils-js/webpo';
let data = '';
for await (const chunk of process.stdin) data += chunk;
const tokens = JSON.parse(data);
console.log(JSON.stringify(tokens.map((t) => decodeColdStartToken(t).contentBinding)));
"""


YTSESSION = [sys.executable, "-m", "ytsession"]
OTHER_PROCESS = """
import json, sys, yt_dlp
from yt_dlp.extractor.youtube.pot._director import initialize_pot_director
from yt_dlp.extractor.youtube.pot.provider import PoTokenContext, PoTokenRequest
args = {k: [v] for k, v in json.loads(sys.argv[1]).items()}
video = sys.argv[2]
ydl = yt_dlp.YoutubeDL({"quiet": True, "extractor_args": {"youtubepot-ytsession": args}})
director = initialize_pot_director(ydl.get_info_extractor("Youtube"))
print(director.get_po_token(PoTokenRequest(
    context=PoTokenContext.PLAYER, video_id=video,
    innertube_context={"client": {"clientName": "WEB", "clientVersion": "2.2026"}})))
"""


def player_token_of_another_process(
    args: dict[str, str], *, env: dict[str, str] | None = None
) -> str:
    """:return: the player token for ``VIDEO`` a new yt-dlp process gets with ``args``."""
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, json.dumps(args), VIDEO],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    return other.stdout.strip()


@pytest.fixture(autouse=True)
def _yt_dlp() -> Iterator[None]:
    require_yt_dlp()
    from yt_dlp.extractor.youtube.pot._registry import _pot_memory_cache

    # yt-dlp's own memory cache lives as long as the process: empty it between tests.
    _pot_memory_cache.value.get("cache", {}).clear()
    yield
    _pot_memory_cache.value.get("cache", {}).clear()


class Lines:
    """A yt-dlp ``logger``: keeps what yt-dlp (and the plugin through it) writes."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def debug(self, message: str) -> None:
        self.lines.append(message)

    info = warning = error = debug

    def text(self) -> str:
        return "\n".join(self.lines)


class YtDlp:
    """One yt-dlp run: a ``YoutubeDL`` with its PO token director, as the extractor
    makes it."""

    def __init__(self, args: dict[str, str], *, verbose: bool = False) -> None:
        import yt_dlp
        from yt_dlp.extractor.youtube.pot._director import initialize_pot_director

        self.log = Lines()
        self.ydl = yt_dlp.YoutubeDL(
            {
                "quiet": not verbose,
                "verbose": verbose,
                "logger": self.log,
                "extractor_args": {"youtubepot-ytsession": {k: [v] for k, v in args.items()}},
            }
        )
        self.ie = self.ydl.get_info_extractor("Youtube")
        self.director = initialize_pot_director(self.ie)
        self.provider = self.director.providers["YTSession"]

    def request(self, context: str, client: str = "WEB", **fields: Any) -> Any:
        from yt_dlp.extractor.youtube.pot.provider import PoTokenContext, PoTokenRequest

        return PoTokenRequest(
            context=PoTokenContext(context),
            innertube_context={"client": {"clientName": client, "clientVersion": "2.2026"}},
            **fields,
        )

    def close(self) -> None:
        self.ydl.close()


PROFILE = "fleet"


def make_profile(store: str) -> None:
    from ytsession.store.profiles import Profile, ProfileSettings

    Profile.named(PROFILE, store=store).save_settings(ProfileSettings(kind="cookies"))


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A file profile store holding the profile the plugin keeps its tokens in."""
    directory = tmp_path / "store"
    make_profile(str(directory))
    return directory


def at(store: Path, **args: str) -> dict[str, str]:
    return {"store": str(store), "profile": PROFILE, **args}


@pytest.fixture
def ytdlp(store: Path) -> Iterator[YtDlp]:
    run = YtDlp(at(store, provider="coldstart"), verbose=True)
    yield run
    run.close()


def binding_of(request: Any) -> str:
    from yt_dlp.extractor.youtube.pot.utils import get_webpo_content_binding

    value, _kind = get_webpo_content_binding(request)
    assert isinstance(value, str) and value
    return value


def decoded(tokens: list[str]) -> list[str]:
    result = run_node(DECODE, packages=("bgutils-js",), payload=tokens)
    assert isinstance(result, list)
    return [str(v) for v in result]


def test_yt_dlp_lists_the_provider_and_its_cache_spec(ytdlp: YtDlp) -> None:
    from yt_dlp.extractor.youtube.pot._registry import _pot_pcs_providers, _pot_providers
    from yt_dlp.plugins import directories

    assert any(Path(d, "extractor", "getpot_ytsession.py").is_file() for d in directories())
    assert _pot_providers.value["YTSession"].PROVIDER_NAME == "ytsession"
    assert "YTSession" in _pot_pcs_providers.value
    text = ytdlp.log.text()
    providers = next(line for line in ytdlp.log.lines if "PO Token Providers:" in line)
    assert "ytsession" in providers and "(external)" in providers, text
    specs = next(line for line in ytdlp.log.lines if "Cache Spec Providers:" in line)
    assert "ytsession" in specs, text


def requests_of_every_kind(ytdlp: YtDlp) -> list[Any]:
    made = []
    for client in ("WEB", "MWEB", "WEB_EMBEDDED_PLAYER", "TVHTML5"):
        made.append(ytdlp.request("gvs", client, visitor_data=VISITOR_DATA, video_id=VIDEO))
        made.append(ytdlp.request("player", client, visitor_data=VISITOR_DATA, video_id=VIDEO))
        made.append(ytdlp.request("subs", client, visitor_data=VISITOR_DATA, video_id=VIDEO))
        made.append(
            ytdlp.request(
                "gvs", client, visitor_data=VISITOR_DATA, video_id=VIDEO, _gvs_bind_to_video_id=True
            )
        )
        for data_sync_id in DATA_SYNC_IDS:
            for context in ("gvs", "player", "subs"):
                made.append(
                    ytdlp.request(
                        context,
                        client,
                        is_authenticated=True,
                        data_sync_id=data_sync_id,
                        visitor_data=VISITOR_DATA,
                        video_id=VIDEO,
                    )
                )
    made.append(ytdlp.request("gvs", "WEB_REMIX", visitor_data=VISITOR_DATA))
    made.append(
        ytdlp.request(
            "gvs",
            "WEB_REMIX",
            visitor_data=VISITOR_DATA,
            video_id=VIDEO,
            _gvs_bind_to_video_id=True,
        )
    )
    made.append(
        ytdlp.request(
            "player", "WEB_REMIX", is_authenticated=True, data_sync_id="1||", video_id=VIDEO
        )
    )
    return made


@pytest.mark.slow
def test_tokens_are_bound_exactly_as_yt_dlp_says(ytdlp: YtDlp) -> None:
    requests = requests_of_every_kind(ytdlp)
    tokens = [ytdlp.director.get_po_token(request) for request in requests]
    assert all(isinstance(t, str) and t for t in tokens)
    assert decoded([str(t) for t in tokens]) == [binding_of(r) for r in requests]
    assert "from coldstart" in ytdlp.log.text()


def test_what_it_cannot_serve_is_rejected_so_yt_dlp_moves_on(ytdlp: YtDlp) -> None:
    from yt_dlp.extractor.youtube.pot.provider import PoTokenProviderRejectedRequest

    refused = {
        "not a web client": ytdlp.request("gvs", "ANDROID", visitor_data=VISITOR_DATA),
        "player without a video": ytdlp.request("player", visitor_data=VISITOR_DATA),
        "stream without visitor data": ytdlp.request("gvs"),
        "signed in without a data sync id": ytdlp.request(
            "gvs", is_authenticated=True, visitor_data=VISITOR_DATA
        ),
    }
    for what, request in refused.items():
        with pytest.raises(PoTokenProviderRejectedRequest):
            ytdlp.provider.request_pot(request)
        assert ytdlp.director.get_po_token(request) is None, what
    with pytest.raises(PoTokenProviderRejectedRequest, match="ANDROID"):
        ytdlp.provider.request_pot(refused["not a web client"])


@pytest.mark.slow
def test_tokens_are_shared_with_session_tokens_and_other_processes(
    tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("YTSESSION_CACHE_DIR", str(cache_dir))
    env = {**os.environ, "YTSESSION_HOME": str(tmp_path)}
    # `ytsession session-tokens` makes the session's stream token in its own process ...
    done = subprocess.run(
        [
            *YTSESSION,
            "session-tokens",
            "--provider",
            "coldstart",
            "--base-url",
            emu.url,
            "--visitor-data",
            VISITOR_DATA,
            "--compact",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    pasted = json.loads(done.stdout)["po_token"]
    # ... and yt-dlp gets that very token from the shared store (cold-start tokens differ
    # on every mint, so equal tokens mean the cache answered).
    args = {"base_url": emu.url, "provider": "coldstart"}
    run = YtDlp(args, verbose=True)
    request = run.request("gvs", visitor_data=VISITOR_DATA)
    assert run.director.get_po_token(request) == pasted
    assert run.provider.request_pot(request).po_token == pasted
    assert "from ytsession's cache" in run.log.text()
    player = run.provider.request_pot(run.request("player", video_id=VIDEO)).po_token
    run.close()
    cache = default_cache_file(cache_dir, host=emu.url)
    assert oct(cache.stat().st_mode & 0o777) == "0o600"
    # Another yt-dlp process finds the player token this one made.
    assert player_token_of_another_process(args, env=env) == player


def test_bypass_cache_mints_again_and_keeps_the_new_token(ytdlp: YtDlp) -> None:
    request = ytdlp.request("player", video_id=VIDEO)
    token = ytdlp.provider.request_pot(request).po_token
    fresh = ytdlp.provider.request_pot(ytdlp.request("player", video_id=VIDEO, bypass_cache=True))
    assert fresh.po_token != token
    assert ytdlp.provider.request_pot(request).po_token == fresh.po_token
    assert decoded([fresh.po_token]) == [VIDEO]
    assert fresh.expires_at is not None


def test_proxy_headers_and_bad_settings(store: Path, emu: Emulator) -> None:
    from yt_dlp.extractor.youtube.pot.provider import (
        PoTokenProviderError,
        PoTokenProviderRejectedRequest,
    )

    botguard = YtDlp({**at(store), "provider": "botguard", "base_url": emu.url})
    proxied = botguard.request(
        "gvs", visitor_data=VISITOR_DATA, request_proxy="socks5://127.0.0.1:9"
    )
    with pytest.raises(PoTokenProviderRejectedRequest, match="socks5"):
        botguard.provider.request_pot(proxied)
    assert emu.log == []  # nothing went around the proxy
    botguard.close()
    # Cold-start tokens need no network, so a proxy is no obstacle.
    cold = YtDlp({**at(store), "provider": "coldstart"})
    assert cold.provider.request_pot(proxied).po_token
    cold.close()
    wrong = YtDlp({**at(store), "provider": "nonsense"})
    with pytest.raises(PoTokenProviderError, match="provider=nonsense"):
        wrong.provider.request_pot(wrong.request("gvs", visitor_data=VISITOR_DATA))
    wrong.close()


@pytest.mark.slow
def test_the_node_argument_chooses_node_and_auto_falls_back_to_cold_start(
    store: Path, tmp_path: Path
) -> None:
    from yt_dlp.extractor.youtube.pot.provider import PoTokenProviderError

    absent = str(tmp_path / "no-such-node")
    strict = YtDlp({**at(store), "provider": "botguard", "node": absent})
    request = strict.request("gvs", visitor_data=VISITOR_DATA)
    with pytest.raises(PoTokenProviderError, match=r"Node\.js"):
        strict.provider.request_pot(request)
    strict.close()
    auto = YtDlp({**at(store), "node": absent}, verbose=True)
    token = auto.provider.request_pot(request).po_token
    assert decoded([token]) == [VISITOR_DATA]
    assert "from coldstart" in auto.log.text()
    auto.close()


def test_bind_to_visitor_id_binds_as_yt_dlp_does_with_it(store: Path) -> None:
    from yt_dlp.extractor.youtube.pot.utils import get_webpo_content_binding

    run = YtDlp({**at(store), "provider": "coldstart", "bind_to_visitor_id": "true"})
    request = run.request("gvs", visitor_data=VISITOR_DATA)
    expected, _kind = get_webpo_content_binding(request, bind_to_visitor_id=True)
    assert expected == "Vis1tor_Id-"
    assert decoded([run.provider.request_pot(request).po_token]) == [expected]
    run.close()


def test_an_unknown_profile_is_a_clear_error(store: Path) -> None:
    from yt_dlp.extractor.youtube.pot.provider import PoTokenProviderError

    run = YtDlp({"store": str(store), "profile": "nobody", "provider": "coldstart"})
    with pytest.raises(PoTokenProviderError, match="ytsession login"):
        run.provider.request_pot(run.request("gvs", visitor_data=VISITOR_DATA))
    run.close()


@pytest.mark.slow
def test_a_fleet_shares_tokens_through_a_redis_store(redis_server: Any) -> None:
    make_profile(redis_server.url)
    args = {"store": redis_server.url, "profile": PROFILE, "provider": "coldstart"}
    run = YtDlp(args, verbose=True)
    request = run.request("player", video_id=VIDEO)
    token = run.provider.request_pot(request).po_token
    assert run.provider.request_pot(request).po_token == token
    hit = next(line for line in run.log.lines if "from ytsession's cache" in line)
    assert "redis" in hit and PROFILE in hit
    run.close()
    # A yt-dlp process on another machine (here: another process) finds it in Redis.
    assert player_token_of_another_process(args) == token


def test_cache_spec_keeps_a_store_password_out_of_the_traced_bindings() -> None:
    url = "redis://:pw-of-the-cache-4711@127.0.0.1:6399/0"
    run = YtDlp({"store": url, "profile": PROFILE})
    spec_provider = run.director.cache.cache_spec_providers["YTSession"]
    request = run.request("gvs", is_authenticated=True, data_sync_id="7||8")
    spec = spec_provider.generate_cache_spec(request)
    assert spec.key_bindings["store"] == "redis://:***@127.0.0.1:6399/0"
    assert "pw-of-the-cache-4711" not in repr(spec.key_bindings)
    run.close()


def test_cache_spec_names_the_binding_the_token_has(ytdlp: YtDlp, store: Path) -> None:
    from yt_dlp.extractor.youtube.pot.cache import CacheProviderWritePolicy

    spec_provider = ytdlp.director.cache.cache_spec_providers["YTSession"]
    signed_in = ytdlp.request("gvs", is_authenticated=True, data_sync_id="7||8")
    spec = spec_provider.generate_cache_spec(signed_in)
    assert spec.key_bindings["cb"] == "7||8" == binding_of(signed_in)
    assert spec.key_bindings["store"] == str(store)
    assert spec.write_policy is CacheProviderWritePolicy.WRITE_ALL
    video = spec_provider.generate_cache_spec(ytdlp.request("subs", video_id=VIDEO))
    assert video.key_bindings["cb"] == VIDEO
    assert video.write_policy is CacheProviderWritePolicy.WRITE_FIRST
    assert spec_provider.generate_cache_spec(ytdlp.request("gvs", "IOS")) is None


@pytest.mark.slow
def test_botguard_mints_from_the_emulators_challenge(store: Path, emu: Emulator) -> None:
    from tests._support.botguard_support import require_botguard_runtime

    require_botguard_runtime()
    node = shutil.which("node")
    assert node is not None
    run = YtDlp({**at(store), "base_url": emu.url, "node": node}, verbose=True)
    requests = [
        run.request("gvs", visitor_data=VISITOR_DATA, request_timeout=60),
        run.request("player", video_id=VIDEO, request_timeout=60),
    ]
    tokens = [run.director.get_po_token(r) for r in requests]
    verified = [emu.botguard.verify(str(t)) for t in tokens]
    assert [(v.kind, v.binding) for v in verified] == [
        ("botguard", VISITOR_DATA),
        ("botguard", VIDEO),
    ]
    assert "Minting a gvs PO token for WEB" in run.log.text()
    # Cached: a new run asks BotGuard no more.
    challenges = emu.botguard.challenges_issued
    again = YtDlp({**at(store), "base_url": emu.url})
    assert again.director.get_po_token(requests[0]) == tokens[0]
    assert emu.botguard.challenges_issued == challenges
    again.close()
    run.close()


@pytest.mark.slow
def test_a_wheel_ships_the_plugin_where_yt_dlp_looks(tmp_path: Path) -> None:
    import zipfile

    root = REPO
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(tmp_path / "dist"),
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    wheel = next((tmp_path / "dist").glob("ytsession-*.whl"))
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        archive.extractall(site)
    assert "yt_dlp_plugins/extractor/getpot_ytsession.py" in names
    assert not any(n.startswith("yt_dlp_plugins/") and n.endswith("__init__.py") for n in names)
    # A plain install directory on sys.path is where yt-dlp's loader finds plugins.
    script = (
        "import yt_dlp; from yt_dlp.plugins import directories; yt_dlp.YoutubeDL({'quiet': True});"
        "from yt_dlp.extractor.youtube.pot._registry import _pot_providers;"
        "print(directories()); print(list(_pot_providers.value))"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    found, providers = done.stdout.strip().splitlines()
    assert str(site / "yt_dlp_plugins") in found and "YTSession" in providers


@pytest.mark.slow
def test_botguard_goes_through_yt_dlps_proxy_with_its_user_agent(
    store: Path, emu: Emulator
) -> None:
    from tests._support.botguard_support import require_botguard_runtime
    from tests._support.faulty_server import RecordingProxy

    require_botguard_runtime()
    agent = "Mozilla/5.0 (yt-dlp plugin test)"
    run = YtDlp(at(store, base_url=emu.url, provider="botguard"))
    with RecordingProxy() as proxy:
        request = run.request(
            "gvs",
            visitor_data=VISITOR_DATA,
            request_proxy=proxy.url,
            request_headers={"User-Agent": agent},
            request_timeout=60,
        )
        token = run.provider.request_pot(request).po_token
        relayed = proxy.to("/api/jnn/v1/Create") + proxy.to("/api/jnn/v1/GenerateIT")
    run.close()
    assert emu.botguard.verify(token).binding == VISITOR_DATA
    assert len(relayed) == 2
    assert all(seen.headers.get("user-agent") == agent for seen in relayed)


@pytest.mark.slow
def test_a_profile_sessions_tokens_are_the_plugins_and_back(
    emu: Emulator, credentials: Any, store_url: str
) -> None:
    from ytsession import Profile, RefreshingToken, Session
    from ytsession import store as stores
    from ytsession.youtube.innertube.potoken import ColdStartProvider

    from tests._support.support import login

    profile = Profile.named(PROFILE, store=store_url)
    token = RefreshingToken.from_login_answer(credentials, login(emu, credentials))
    profile.save_login(ProfileSettings.of_client(credentials), token=token.as_dict())

    def session() -> Session:
        return Session.from_profile(
            PROFILE, store=store_url, base_url=emu.url, po_token_providers=[ColdStartProvider()]
        )

    # A session of the profile mints a token: it lands in the profile's PO-token item ...
    with session() as first:
        minted = first.po_token_for("player", video_id=VIDEO, client="WEB")
    assert minted is not None
    with stores.open_store(store_url) as store:
        item = stores.JsonItem(store, PROFILE, stores.PO_TOKENS).load()
    assert item is not None and minted.token in json.dumps(item)
    # ... and yt-dlp, in another process, is served that very token (cold-start tokens
    # differ on every mint, so equal tokens mean the store answered).
    args = {"store": store_url, "profile": PROFILE, "provider": "coldstart"}
    assert player_token_of_another_process(args) == minted.token
    # The other way: the plugin mints, a new session of the profile reuses its token.
    run = YtDlp(args)
    request = run.request("player", video_id="aqz-KE-bpKQ")
    from_plugin = run.provider.request_pot(request).po_token
    run.close()
    with session() as second:
        again = second.po_token_for("player", video_id="aqz-KE-bpKQ", client="WEB")
    assert again is not None and again.token == from_plugin
    assert decoded([from_plugin]) == ["aqz-KE-bpKQ"]
