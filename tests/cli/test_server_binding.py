"""A stored login talks only to the server it was made on.

Two emulators: a login is made on A, then every command (and the library) is pointed at B
with ``--server``, ``$YTSESSION_SERVER`` or ``base_url=``. B must receive nothing: no
request at all, so no Authorization header carrying the token and no refresh token.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ytsession import PeerTubeSession, Session
from ytsession.errors import ServerMismatchError
from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
    Emulator,
)

from tests._support.terminal_support import clean_env

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-m", "ytsession"]
GOOGLE = {
    "YTSESSION_CLIENT_ID": EMULATOR_CLIENT_ID,
    "YTSESSION_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
}
ACCOUNT = f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"
BROWSE = '{"browseId": "FEwhat_to_watch"}'


@pytest.fixture
def other() -> Iterator[Emulator]:
    """Emulator B: a second server, which must never see A's login."""
    with Emulator() as emulator:
        yield emulator
        assert emulator.internal_errors == []


def run(
    home: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=clean_env(home, YTSESSION_CACHE_DIR=str(home / "cache"), **env),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def google_login(emu: Emulator, home: Path, *args: str, **env: str) -> dict[str, str]:
    """``ytsession login`` on ``emu``, approved through its control API.

    :return: the stored token.
    """

    def approve() -> None:
        code = emu.google.wait_for_user_code(timeout=30)
        requests.post(f"{emu.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    approver = threading.Thread(target=approve, daemon=True)
    approver.start()
    result = run(home, "login", *args, **{**GOOGLE, **env})
    approver.join(5)
    assert result.returncode == 0, result.stderr
    profile = next(iter(args[i + 1] for i, a in enumerate(args) if a == "--profile"), "default")
    stored: dict[str, str] = json.loads((home / "profiles" / profile / "oauth.json").read_text())
    return stored


def carrying(emu: Emulator, *secrets: str) -> list[str]:
    """The requests ``emu`` received that carry any of ``secrets`` (headers, form, query or
    body)."""
    return [
        f"{entry.method} {entry.path}"
        for entry in emu.log
        if any(secret in json.dumps(entry.to_json()) for secret in secrets)
    ]


def asked_account(emu: Emulator) -> list[str]:
    """The account questions ``emu`` answered (InnerTube's account endpoints)."""
    return [entry.path for entry in emu.log if entry.path.startswith("/youtubei/v1/account/")]


def nothing_reached(emu: Emulator, stored: dict[str, str]) -> None:
    assert carrying(emu, stored["access_token"], stored["refresh_token"]) == []
    assert emu.log == []


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [("status",), ("whoami",), ("call", "browse", "--data", BROWSE)],
    ids=["status", "whoami", "call"],
)
def test_another_server_flag_for_a_stored_login_is_a_usage_error_naming_both(
    emu: Emulator, other: Emulator, tmp_path: Path, command: tuple[str, ...]
) -> None:
    home = tmp_path / "home"
    stored = google_login(emu, home, "--server", emu.url)
    emu.clear_log()
    result = run(home, *command, "--server", other.url)
    assert result.returncode == 2, result.stderr
    line = one_line(result)
    assert emu.url in line and other.url in line and "--server" in line
    assert result.stdout == ""
    nothing_reached(other, stored)
    assert emu.log == []  # refused before anything was sent

    same = run(home, *command, "--server", emu.url + "/")  # the profile's own: fine
    assert same.returncode == 0, same.stderr
    assert same.stderr == ""  # no notice


def test_another_server_in_the_environment_is_ignored_with_a_notice(
    emu: Emulator, other: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    stored = google_login(emu, home, "--server", emu.url)
    pointed = {"YTSESSION_SERVER": other.url}

    emu.clear_log()
    status = run(home, "status", **pointed)
    assert status.returncode == 0, status.stderr
    rows = dict(line.split(None, 1) for line in status.stdout.splitlines() if " " in line)
    assert rows["server"].strip() == emu.url and rows["login"].startswith("valid")
    notice = one_line(status)
    assert "$YTSESSION_SERVER" in notice and other.url in notice and emu.url in notice
    assert "ignored" in notice
    assert asked_account(emu)  # the check went to A

    whoami = run(home, "whoami", **pointed)
    assert whoami.returncode == 0, whoami.stderr
    assert whoami.stdout == ACCOUNT + "\n"
    assert "$YTSESSION_SERVER" in one_line(whoami)

    emu.clear_log()
    call = run(home, "call", "account/account_menu", "--compact", **pointed)
    assert call.returncode == 0, call.stderr
    assert EMULATED_ACCOUNT_NAME in call.stdout
    assert "$YTSESSION_SERVER" in one_line(call)
    assert emu.innertube.calls[-1].signed_in  # signed, at A

    # `token` refreshes where the token was issued
    token_path = home / "profiles" / "default" / "oauth.json"
    current = json.loads(token_path.read_text())
    token_path.write_text(json.dumps({**current, "expires_at": 1}))
    emu.clear_log()
    token = run(home, "token", **pointed)
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip() == json.loads(token_path.read_text())["access_token"]
    assert [r.form.get("grant_type") for r in emu.requests_to("/token")] == ["refresh_token"]
    checked = run(home, "token", "--check", **pointed)  # asks the server: A
    assert checked.returncode == 0, checked.stderr
    assert "$YTSESSION_SERVER" in one_line(checked)
    assert asked_account(emu)

    nothing_reached(other, {**stored, "refresh_token": current["refresh_token"]})

    same = run(home, "whoami", YTSESSION_SERVER=emu.url)
    assert same.returncode == 0 and same.stderr == ""  # the profile's own: no notice


def test_a_youtube_login_goes_to_no_emulator(other: Emulator, tmp_path: Path) -> None:
    """A login made on YouTube itself (no server) is never sent to the server named."""
    home = tmp_path / "home"
    directory = home / "profiles" / "default"
    directory.mkdir(parents=True)
    (directory / "profile.json").write_text(
        json.dumps(
            {
                "version": 1,
                "kind": "oauth",
                "client_id": "1234-abc.apps.googleusercontent.com",
                "client_secret": "GOCSPX-not-sent-anywhere",
                "endpoints": {
                    "device_code_url": "https://oauth2.googleapis.com/device/code",
                    "token_url": "https://oauth2.googleapis.com/token",
                    "revoke_url": "https://oauth2.googleapis.com/revoke",
                },
            }
        )
    )
    stored = {
        "scope": "https://www.googleapis.com/auth/youtube",
        "token_type": "Bearer",
        "access_token": "ya29.a-google-access-token",
        "refresh_token": "1//a-google-refresh-token",
        "expires_at": 4_000_000_000,
        "expires_in": 3600,
    }
    (directory / "oauth.json").write_text(json.dumps(stored))
    for command in (("status",), ("whoami",), ("call", "browse")):
        result = run(home, *command, "--server", other.url)
        assert result.returncode == 2, (command, result.stderr)
        assert "YouTube (https://www.youtube.com)" in one_line(result)
        nothing_reached(other, stored)


def test_cookies_go_only_to_the_server_they_were_logged_in_on(
    emu: Emulator, other: Emulator, cookie_file: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    login = run(home, "login", "--cookies", str(cookie_file), "--server", emu.url)
    assert login.returncode == 0, login.stderr
    secrets = {"access_token": "SAPISID", "refresh_token": "LOGIN_INFO"}

    call = run(home, "call", "account/account_menu", "--compact", YTSESSION_SERVER=other.url)
    assert call.returncode == 0, call.stderr
    assert EMULATED_ACCOUNT_NAME in call.stdout and emu.innertube.calls[-1].signed_in
    assert "$YTSESSION_SERVER" in one_line(call)
    refused = run(home, "call", "browse", "--server", other.url)
    assert refused.returncode == 2 and other.url in one_line(refused)
    nothing_reached(other, secrets)


def test_a_login_on_another_server_replaces_the_binding(
    emu: Emulator, other: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    first = google_login(emu, home, "--server", emu.url)
    settings = home / "profiles" / "default" / "profile.json"

    def approve() -> None:
        code = other.google.wait_for_user_code(timeout=30)
        requests.post(f"{other.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    approver = threading.Thread(target=approve, daemon=True)
    approver.start()
    again = run(home, "login", "--server", other.url, **GOOGLE)
    approver.join(5)
    assert again.returncode == 0, again.stderr
    assert (
        f"Profile 'default' was logged in on {emu.url}; this login on {other.url} replaces it."
        in again.stderr
    )
    assert json.loads(settings.read_text())["extra"]["server"] == other.url
    assert carrying(other, first["access_token"], first["refresh_token"]) == []

    emu.clear_log()
    call = run(home, "call", "account/account_menu", "--compact")
    assert call.returncode == 0, call.stderr
    assert other.innertube.calls[-1].signed_in and emu.log == []


def test_peertube_status_names_its_instance_only(
    emu: Emulator, other: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    login = run(
        home,
        "login",
        "--peertube",
        emu.url,
        "--username",
        PEERTUBE_USERNAME,
        stdin=PEERTUBE_PASSWORD + "\n",
    )
    assert login.returncode == 0, login.stderr
    stored = json.loads((home / "profiles" / "default" / "oauth.json").read_text())
    status = run(home, "status", "--server", other.url)
    assert status.returncode == 2 and other.url in one_line(status)
    whoami = run(home, "whoami", YTSESSION_SERVER=other.url)
    assert whoami.returncode == 0 and whoami.stdout == PEERTUBE_USERNAME + "\n"
    assert "$YTSESSION_SERVER" in one_line(whoami)
    nothing_reached(other, stored)


# --- the library ---------------------------------------------------------------------------


def test_session_from_profile_sends_to_the_profiles_server(
    emu: Emulator,
    other: Emulator,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    home = tmp_path / "home"
    stored = google_login(emu, home, "--server", emu.url)
    monkeypatch.setenv("YTSESSION_HOME", str(home))
    monkeypatch.setenv("YTSESSION_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("YTSESSION_PROFILE", raising=False)
    monkeypatch.setenv("YTSESSION_SERVER", other.url)
    emu.clear_log()

    with (
        caplog.at_level(logging.WARNING, logger="ytsession"),
        Session.from_profile("default") as session,
    ):
        session.call("browse", {"browseId": "FEwhat_to_watch"})
    assert emu.innertube.calls[-1].endpoint == "browse" and emu.innertube.calls[-1].signed_in
    notices = [r.getMessage() for r in caplog.records if "YTSESSION_SERVER" in r.getMessage()]
    assert len(notices) == 1 and other.url in notices[0] and emu.url in notices[0]

    with pytest.raises(ServerMismatchError) as refused:
        Session.from_profile("default", base_url=other.url)
    assert other.url in str(refused.value) and emu.url in str(refused.value)
    assert "base_url" in str(refused.value)
    with Session.from_profile("default", base_url=emu.url, cache=False) as same:
        assert same.base_url == emu.url
    nothing_reached(other, stored)


def test_peertube_session_from_profile_sends_to_its_instance(
    emu: Emulator, other: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    login = run(
        home,
        "login",
        "--peertube",
        emu.url,
        "--username",
        PEERTUBE_USERNAME,
        stdin=PEERTUBE_PASSWORD + "\n",
    )
    assert login.returncode == 0, login.stderr
    stored = json.loads((home / "profiles" / "default" / "oauth.json").read_text())
    monkeypatch.setenv("YTSESSION_HOME", str(home))
    monkeypatch.setenv("YTSESSION_SERVER", other.url)

    with pytest.raises(ServerMismatchError, match="instance_url"):
        PeerTubeSession.from_profile("default", instance_url=other.url)
    with PeerTubeSession.from_profile("default") as peertube:
        assert peertube.me()["username"] == PEERTUBE_USERNAME
    nothing_reached(other, stored)
