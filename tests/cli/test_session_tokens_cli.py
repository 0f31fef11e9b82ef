"""``ytsession session-tokens``: a trusted session for the user's other tools."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ytsession.cli import main
from ytsession.testing import Emulator
from ytsession.youtube.innertube.potoken import decode_cold_start_token
from ytsession.youtube.innertube.potoken.ytdlp_args import ytdlp_extractor_args

from tests._support.botguard_support import require_botguard_runtime
from tests._support.peers_support import require_yt_dlp, ytdlp_youtube_extractor

VIDEO = "dQw4w9WgXcQ"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("YTSESSION_CACHE_DIR", str(directory))
    return directory


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["session-tokens", *args])
    out, err = capsys.readouterr()
    return code, out, err


def tokens_json(capsys: pytest.CaptureFixture[str], emu: Emulator, *args: str) -> dict[str, Any]:
    code, out, err = run(capsys, "--base-url", emu.url, *args)
    assert code == 0, err
    data = json.loads(out)
    assert isinstance(data, dict)
    return data


def ytdlp_args(value: str) -> dict[str, str]:
    assert value.startswith("youtube:")
    return dict(part.split("=", 1) for part in value[len("youtube:") :].split(";"))


def test_json_names_visitor_data_rollout_token_and_bound_tokens(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    data = tokens_json(capsys, emu, "--provider", "coldstart", "--video-id", VIDEO)
    assert data["client"] == "WEB"
    assert data["visitor_data"] in emu.innertube.issued_visitor_data
    assert data["rollout_token"] in emu.innertube.issued_rollout_tokens
    assert data["po_token"] == data["tokens"]["gvs"]["po_token"]
    assert decode_cold_start_token(data["po_token"]).binding == data["visitor_data"]
    player = data["tokens"]["player"]
    assert (player["binding_kind"], player["binding"], player["placeholder"]) == (
        "video_id",
        VIDEO,
        True,
    )
    assert data["tokens"]["subs"] == player


def test_without_a_video_only_the_session_token(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    data = tokens_json(capsys, emu, "--provider", "coldstart")
    assert list(data["tokens"]) == ["gvs"] and data["video_id"] is None


def test_yt_dlp_format_is_the_extractor_args_value(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    code, out, err = run(
        capsys,
        "--base-url",
        emu.url,
        "--provider",
        "coldstart",
        "--video-id",
        VIDEO,
        "--format",
        "yt-dlp",
    )
    assert code == 0 and 'yt-dlp --extractor-args "' in err and "placeholder" in err
    args = ytdlp_args(out.strip())
    assert args["player_client"] == "web"
    assert args["player_skip"] == "webpage,configs"
    assert args["visitor_data"] in emu.innertube.issued_visitor_data
    pots = dict(item.split("+", 1) for item in args["po_token"].split(","))
    assert list(pots) == ["web.gvs", "web.player", "web.subs"]
    assert decode_cold_start_token(pots["web.gvs"]).binding == args["visitor_data"]
    assert decode_cold_start_token(pots["web.player"]).binding == VIDEO


@pytest.mark.slow
def test_botguard_is_the_default_and_one_run_mints_every_token(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    require_botguard_runtime()
    data = tokens_json(capsys, emu, "--video-id", VIDEO)
    assert {t["provider"] for t in data["tokens"].values()} == {"botguard"}
    assert emu.botguard.verify(data["po_token"]).binding == data["visitor_data"]
    assert emu.botguard.verify(data["tokens"]["player"]["po_token"]).binding == VIDEO
    assert emu.botguard.challenges_issued == 1
    # A second run within the TTL reuses the cached session data and tokens.
    again = tokens_json(capsys, emu, "--video-id", VIDEO)
    assert again == data and emu.botguard.challenges_issued == 1


def test_missing_node_says_what_to_install(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    code, out, err = run(capsys, "--base-url", emu.url, "--node", "/nonexistent/node-ytsession")
    assert code == 1 and out == ""
    assert "Node.js" in err and "botguard-setup" in err


def test_fallback_to_cold_start_when_botguard_fails(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    data = tokens_json(
        capsys, emu, "--provider", "botguard,coldstart", "--node", "/nonexistent/node-ytsession"
    )
    assert data["tokens"]["gvs"]["provider"] == "coldstart"


def test_static_token_is_printed_with_the_session(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    data = tokens_json(capsys, emu, "--provider", "static", "--po-token", "pasted-token")
    assert data["po_token"] == "pasted-token"


def test_signed_in_tokens_bind_to_the_data_sync_id(
    capsys: pytest.CaptureFixture[str], emu: Emulator
) -> None:
    data = tokens_json(capsys, emu, "--provider", "coldstart", "--data-sync-id", "12345||")
    assert data["tokens"]["gvs"]["binding_kind"] == "data_sync_id"
    assert decode_cold_start_token(data["po_token"]).binding == "12345||"
    code, out, _ = run(
        capsys,
        "--base-url",
        emu.url,
        "--provider",
        "coldstart",
        "--data-sync-id",
        "12345||",
        "--format",
        "yt-dlp",
    )
    assert code == 0
    args = ytdlp_args(out.strip())
    assert args["data_sync_id"] == "12345||" and "visitor_data" not in args


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "static"], "needs --po-token"),
        (["--provider", "magic"], "unknown --provider"),
        (["--client", "ANDROID", "--provider", "coldstart"], "uses no PO tokens"),
    ],
)
def test_usage_errors(
    capsys: pytest.CaptureFixture[str], emu: Emulator, args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--base-url", emu.url, *args)
    assert (code, out) == (2, "") and message in err


def test_ytdlp_value_for_other_clients() -> None:
    value = ytdlp_extractor_args(client="MWEB", tokens={"gvs": "AAA="}, visitor_data="VD%3D")
    assert value == (
        "youtube:player_client=mweb;player_skip=webpage,configs;visitor_data=VD%3D;"
        "po_token=mweb.gvs+AAA="
    )
    with pytest.raises(ValueError, match="yt-dlp has no client that uses PO tokens of ANDROID"):
        ytdlp_extractor_args(client="ANDROID", tokens={})


def test_botguard_setup_check_reports_missing_packages(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code = main(["botguard-setup", "--check", "--node-dir", str(tmp_path / "none")])
    _, err = capsys.readouterr()
    assert code == 1
    assert "ytsession botguard-setup" in err or "Node.js" in err


@pytest.mark.slow
def test_botguard_setup_check_passes_when_installed(capsys: pytest.CaptureFixture[str]) -> None:
    require_botguard_runtime()
    assert main(["botguard-setup", "--check"]) == 0
    assert "BotGuard provider ready" in capsys.readouterr().err


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.slow
def test_yt_dlp_reads_back_our_extractor_args_line(
    capsys: pytest.CaptureFixture[str], emu: Emulator, signed_in: bool
) -> None:
    require_yt_dlp()
    from yt_dlp.extractor.youtube.pot.provider import PoTokenContext as YtdlpContext

    extra = ["--data-sync-id", "1111111111||2222222222"] if signed_in else []
    args = ["--base-url", emu.url, "--provider", "coldstart", "--video-id", VIDEO, *extra]
    data = tokens_json(capsys, emu, *args[2:], "--compact")
    code, out, _ = run(capsys, *args, "--format", "yt-dlp")
    line = out.strip()
    assert code == 0

    ie = ytdlp_youtube_extractor(line)
    assert ie._configuration_arg("player_client") == ["web"]
    assert set(ie._configuration_arg("player_skip")) == {"webpage", "configs"}
    if signed_in:
        assert ie._configuration_arg("data_sync_id", casesense=True) == ["1111111111||2222222222"]
        assert ie._configuration_arg("visitor_data", casesense=True) == []
    else:
        assert ie._configuration_arg("visitor_data", casesense=True) == [data["visitor_data"]]
    for context in ("gvs", "player", "subs"):
        token = ie._get_config_po_token("web", YtdlpContext(context))
        assert token == data["tokens"][context]["po_token"], context
