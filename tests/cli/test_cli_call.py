"""``ytsession call``: a script's one-liner to InnerTube, against the loopback emulator."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from ytsession import OAuthCredentials, Profile, ProfileSettings
from ytsession.cli import main
from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    Emulator,
)

from tests._support.support import logged_in_token


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("YTSESSION_CACHE_DIR", str(directory))
    return directory


def stored_login(emu: Emulator, credentials: OAuthCredentials, name: str = "default") -> Profile:
    """A profile holding a real emulator login, as `ytsession login --server` leaves it."""
    profile = Profile.named(name)
    logged_in_token(emu, credentials, profile.token_path, expires_in=3600)
    profile.save_settings(
        ProfileSettings(
            kind="oauth",
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            endpoints=credentials.endpoints.as_dict(),
            scope=credentials.scope,
        )
    )
    return profile


def call(capsys: pytest.CaptureFixture[str], emu: Emulator, *args: str) -> tuple[int, Any, str]:
    status = main(["call", *args, "--base-url", emu.url])
    out, err = capsys.readouterr()
    answer = json.loads(out) if status == 0 else None
    return status, answer, err


def test_an_anonymous_call_prints_the_json_answer(
    emu: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, answer, err = call(
        capsys, emu, "--anonymous", "browse", "--data", '{"browseId": "FEwhat_to_watch"}'
    )
    assert status == 0, err
    assert answer["responseContext"]["mainAppWebResponseContext"]["loggedOut"] is True
    (made,) = emu.innertube.calls
    assert (made.endpoint, made.client_name, made.signed_in) == ("browse", "WEB", False)
    assert made.body["browseId"] == "FEwhat_to_watch"


@pytest.mark.slow
def test_data_comes_from_a_file_or_standard_input(
    emu: Emulator,
    home: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    request = tmp_path / "request.json"
    request.write_text('{"videoId": "dQw4w9WgXcQ"}')
    status, answer, err = call(capsys, emu, "--anonymous", "player", "--data", f"@{request}")
    assert status == 0, err
    assert answer["videoDetails"]["videoId"] == "dQw4w9WgXcQ"

    monkeypatch.setattr(sys, "stdin", io.StringIO('{"query": "cats"}'))
    status, answer, err = call(capsys, emu, "--anonymous", "search", "--data", "@-", "--compact")
    assert status == 0, err
    assert emu.innertube.calls[-1].body["query"] == "cats"


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", "@/no/such/file.json"])
def test_bad_data_is_a_usage_error_before_any_request(
    emu: Emulator, home: Path, capsys: pytest.CaptureFixture[str], data: str
) -> None:
    status, _, err = call(capsys, emu, "browse", "--data", data)
    assert status == 2
    assert "--data" in err
    assert emu.log == []


def test_a_stored_login_signs_the_call_with_the_tv_client(
    emu: Emulator,
    home: Path,
    credentials: OAuthCredentials,
    capsys: pytest.CaptureFixture[str],
) -> None:
    profile = stored_login(emu, credentials)
    status, answer, err = call(capsys, emu, "account/account_menu")
    assert status == 0, err
    header = answer["actions"][0]["openPopupAction"]["popup"]["multiPageMenuRenderer"]["header"]
    assert header["activeAccountHeaderRenderer"]["accountName"]["simpleText"] == (
        EMULATED_ACCOUNT_NAME
    )
    made = emu.innertube.calls[-1]
    assert (made.client_name, made.signed_in) == ("TVHTML5", True)
    token = json.loads(profile.token_path.read_text())
    assert token["access_token"] not in err


def test_a_login_on_a_non_tv_client_is_refused_with_the_way_out(
    emu: Emulator,
    home: Path,
    credentials: OAuthCredentials,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stored_login(emu, credentials)
    status, _, err = call(capsys, emu, "browse", "--client", "WEB")
    assert status == 1
    assert "does not accept OAuth" in err and "TVHTML5" in err
    assert "with --client, or leave --client out" in err  # CLI words, not Python's
    assert "unsupported_client" not in err
    assert len(err.strip().splitlines()) == 1
    assert emu.innertube.calls == []


def test_anonymous_skips_the_stored_login(
    emu: Emulator,
    home: Path,
    credentials: OAuthCredentials,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stored_login(emu, credentials)
    status, _, err = call(capsys, emu, "browse", "--anonymous", "--client", "WEB")
    assert status == 0, err
    assert emu.innertube.calls[-1].signed_in is False


def test_a_named_profile_that_does_not_exist_says_to_log_in(
    emu: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = call(capsys, emu, "browse", "--profile", "nobody")
    assert status == 3
    assert "ytsession login --profile nobody" in err


def test_errors_from_innertube_are_one_line_with_status_and_message(
    emu: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.inject_error(
        "/youtubei/v1/browse",
        403,
        {
            "error": {
                "code": 403,
                "message": "The caller does not have permission",
                "status": "PERMISSION_DENIED",
            }
        },
    )
    status, _, err = call(capsys, emu, "--anonymous", "browse")
    assert status == 1
    assert err.strip() == (
        "ytsession: InnerTube browse failed with HTTP 403 PERMISSION_DENIED: "
        "The caller does not have permission"
    )


def test_an_unknown_client_or_time_zone_is_reported_in_one_line(
    emu: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = call(capsys, emu, "--anonymous", "browse", "--client", "NOKIA_3310")
    assert status == 1 and "unknown InnerTube client" in err
    status, _, err = call(capsys, emu, "--anonymous", "browse", "--tz", "Mars/Olympus_Mons")
    assert status == 2 and "time zone" in err


@pytest.mark.slow
def test_a_cron_job_logs_in_once_then_calls_from_a_subprocess(
    emu: Emulator, home: Path, cache_dir: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTSESSION_")}
    env.update(
        YTSESSION_HOME=str(home),
        YTSESSION_CACHE_DIR=str(cache_dir),
        YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
        YTSESSION_CLIENT_SECRET=EMULATOR_CLIENT_SECRET,
    )

    def approve() -> None:
        emu.google.approve(emu.google.wait_for_user_code(timeout=30))

    threading.Thread(target=approve, daemon=True).start()
    login = subprocess.run(
        [sys.executable, "-m", "ytsession", "login", "--server", emu.url],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert login.returncode == 0, login.stderr

    for _ in range(2):  # the second run takes its session data from the cache
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ytsession",
                "call",
                "account/account_menu",
                "--base-url",
                emu.url,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        assert EMULATED_ACCOUNT_NAME in result.stdout
    assert len(emu.requests_to("/sw.js_data")) == 1
    for secret in emu.google.issued_tokens():
        assert secret not in result.stdout + result.stderr


def test_a_peertube_profile_is_not_used_for_youtube(
    emu: Emulator, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    Profile.named("tube").save_settings(ProfileSettings(kind="peertube"))
    status, _, err = call(capsys, emu, "browse", "--profile", "tube")
    assert status == 1
    assert "not a YouTube one" in err
    assert emu.log == []
