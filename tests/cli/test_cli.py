"""The command line as a cron job or a person uses it: real subprocesses, real HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    Emulator,
)

CLI = [sys.executable, "-m", "ytsession"]


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTSESSION_")}
    env["YTSESSION_HOME"] = str(home)
    env.update(extra)
    return env


def run(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``ytsession ARGS`` with no standard input, as cron would."""
    return subprocess.run(
        [*CLI, *args],
        env=_env(home, **extra),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def cli_login(emu: Emulator, home: Path, *extra_args: str) -> subprocess.CompletedProcess[str]:
    """``ytsession login`` against the emulator, approved through its HTTP control call."""

    def approve() -> None:
        code = emu.google.wait_for_user_code(timeout=30)
        import requests

        requests.post(f"{emu.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    approver = threading.Thread(target=approve, daemon=True)
    approver.start()
    result = run(
        home,
        "login",
        "--server",
        emu.url,
        *extra_args,
        YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
        YTSESSION_CLIENT_SECRET=EMULATOR_CLIENT_SECRET,
    )
    approver.join(5)
    return result


@pytest.mark.slow
def test_login_token_status_logout(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    login = cli_login(emu, home)
    assert login.returncode == 0, login.stderr
    assert login.stdout == ""  # messages go to stderr
    assert f"Open {emu.url}/device and enter the code" in login.stderr
    assert "Logged in" in login.stderr
    token_path = home / "profiles" / "default" / "oauth.json"
    assert token_path.stat().st_mode & 0o777 == 0o600
    stored = json.loads(token_path.read_text())

    token = run(home, "token")
    assert token.returncode == 0, token.stderr
    assert token.stdout == stored["access_token"] + "\n"
    assert token.stderr == ""

    status = run(home, "status")
    assert status.returncode == 0
    assert "oauth" in status.stdout and EMULATOR_CLIENT_ID in status.stdout
    assert "min left" in status.stdout
    for secret in (stored["access_token"], stored["refresh_token"], EMULATOR_CLIENT_SECRET):
        assert secret not in status.stdout + status.stderr
    info = json.loads(run(home, "status", "--json").stdout)
    refreshed = json.loads(token_path.read_text())
    assert info["profile"] == "default"
    assert info["access_token_expires_at"] == refreshed["expires_at"]
    assert info["login_ok"] is True
    assert info["account"] == f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"

    logout = run(home, "logout")
    assert logout.returncode == 0, logout.stderr
    assert "Revoked" in logout.stderr
    assert not (home / "profiles" / "default").exists()
    assert not emu.google.access_token_valid(stored["access_token"])
    assert [r.form.get("token") for r in emu.requests_to("/revoke")] == [stored["refresh_token"]]


@pytest.mark.slow
def test_token_refreshes_when_expiring_and_stores_it(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli_login(emu, home, "--profile", "cron").returncode == 0
    token_path = home / "profiles" / "cron" / "oauth.json"
    stored = json.loads(token_path.read_text())
    stored["expires_at"] = int(time.time()) + 30
    token_path.write_text(json.dumps(stored))

    result = run(home, "token", YTSESSION_PROFILE="cron")
    assert result.returncode == 0, result.stderr
    fresh = result.stdout.strip()
    assert fresh != stored["access_token"]
    assert emu.google.refresh_count == 1
    assert json.loads(token_path.read_text())["access_token"] == fresh


def test_token_without_login_fails_with_one_line_and_status_3(tmp_path: Path) -> None:
    result = run(tmp_path, "token", "--profile", "nightly")
    assert result.returncode == 3
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "ytsession login --profile nightly" in lines[0]


@pytest.mark.slow
def test_dead_login_fails_with_status_3_and_keeps_the_file(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli_login(emu, home).returncode == 0
    token_path = home / "profiles" / "default" / "oauth.json"
    stored = json.loads(token_path.read_text())
    stored["expires_at"] = 0
    token_path.write_text(json.dumps(stored))
    before = token_path.read_bytes()
    emu.google.revoke_all()

    result = run(home, "token")
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "log in" in result.stderr or "login" in result.stderr
    assert token_path.read_bytes() == before


@pytest.mark.slow
def test_corrupt_token_file_is_a_one_line_error(tmp_path: Path) -> None:
    directory = tmp_path / "profiles" / "default"
    directory.mkdir(parents=True)
    (directory / "oauth.json").write_text('{"access_token": ')
    result = run(tmp_path, "token")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(directory / "oauth.json") in result.stderr
    assert (directory / "oauth.json").read_text() == '{"access_token": '


@pytest.mark.slow
def test_login_without_a_terminal_or_secret_does_not_wait(tmp_path: Path) -> None:
    result = run(tmp_path, "login", "--client-id", "x.apps.googleusercontent.com")
    assert result.returncode == 1
    assert "YTSESSION_CLIENT_SECRET" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_denied_login_exits_non_zero(emu: Emulator, tmp_path: Path) -> None:
    def deny() -> None:
        emu.google.deny(emu.google.wait_for_user_code(timeout=30))

    threading.Thread(target=deny, daemon=True).start()
    result = run(
        tmp_path,
        "login",
        "--server",
        emu.url,
        YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
        YTSESSION_CLIENT_SECRET=EMULATOR_CLIENT_SECRET,
    )
    assert result.returncode == 1
    assert "denied" in result.stderr.strip().splitlines()[-1]
    assert not (tmp_path / "profiles" / "default").exists()


@pytest.mark.slow
def test_youtube_tv_login(emu: Emulator, tmp_path: Path) -> None:
    def approve() -> None:
        emu.google.approve(emu.google.wait_for_user_code(timeout=30))

    threading.Thread(target=approve, daemon=True).start()
    result = run(tmp_path, "login", "--youtube-tv", "--server", emu.url)
    assert result.returncode == 0, result.stderr
    settings = json.loads((tmp_path / "profiles" / "default" / "profile.json").read_text())
    assert settings["kind"] == "youtube-tv"
    assert settings["endpoints"]["token_url"] == f"{emu.url}/o/oauth2/token"
    assert run(tmp_path, "token").returncode == 0


@pytest.mark.slow
def test_logout_keeps_the_profile_when_the_server_fails(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert cli_login(emu, home).returncode == 0
    emu.inject_error("/revoke", 400, {"error": "invalid_request"}, count=None)
    result = run(home, "logout")
    assert result.returncode == 1
    assert "--local" in result.stderr
    assert (home / "profiles" / "default" / "oauth.json").exists()
    forced = run(home, "logout", "--local")
    assert forced.returncode == 0
    assert not (home / "profiles" / "default").exists()


@pytest.mark.slow
def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run(tmp_path).returncode == 2
    assert run(tmp_path, "token", "--profile", "../x").returncode == 1


@pytest.mark.parametrize("entry", ["module", "script"])
@pytest.mark.slow
def test_version_from_both_entry_points(tmp_path: Path, entry: str) -> None:
    command = CLI if entry == "module" else [str(Path(sys.executable).with_name("ytsession"))]
    result = subprocess.run(
        [*command, "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout.startswith("ytsession ")


@pytest.mark.slow
def test_demo_runs_on_its_own_and_exits_0(tmp_path: Path) -> None:
    result = run(tmp_path, "demo")
    assert result.returncode == 0, result.stderr
    assert "the demo approves" in result.stderr
    assert "1 refresh request" in result.stderr
    assert "HTTP 401" in result.stderr  # the revoked token is refused
    assert not (tmp_path / "profiles").exists()  # the demo used a temporary profile


@pytest.mark.slow
def test_youtube_tv_identity_is_cached_in_the_profile(emu: Emulator, tmp_path: Path) -> None:
    def approve_twice() -> None:
        for _ in range(2):
            code = emu.google.wait_for_user_code(timeout=30)
            emu.google.approve(code)

    threading.Thread(target=approve_twice, daemon=True).start()
    assert run(tmp_path, "login", "--youtube-tv", "--server", emu.url).returncode == 0
    assert len(emu.requests_to("/tv")) == 1
    again = run(tmp_path, "login", "--youtube-tv", "--server", emu.url)
    assert again.returncode == 0, again.stderr
    assert "cached in the profile" in again.stderr
    assert len(emu.requests_to("/tv")) == 1  # not read again


def test_login_refuses_to_overwrite_a_corrupt_token_file(tmp_path: Path) -> None:
    directory = tmp_path / "profiles" / "default"
    directory.mkdir(parents=True)
    (directory / "oauth.json").write_text("[]")
    result = run(
        tmp_path,
        "login",
        YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
        YTSESSION_CLIENT_SECRET=EMULATOR_CLIENT_SECRET,
    )
    assert result.returncode == 1
    assert "delete it" in result.stderr
    assert (directory / "oauth.json").read_text() == "[]"


@pytest.mark.slow
def test_emulator_command_serves_until_interrupted(tmp_path: Path) -> None:
    import signal

    import requests

    server = subprocess.Popen(
        [*CLI, "emulator", "--port", "0"],
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        assert first.startswith("# ytsession emulator listening on http://127.0.0.1:")
        url = first.split()[-1]
        answer = requests.post(
            f"{url}/device/code",
            data={"client_id": EMULATOR_CLIENT_ID, "scope": "s"},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.json()["user_code"]
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=20)
    assert server.returncode in (0, 130)


def test_main_called_again_adds_no_second_log_handler(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A script, a REPL or a test suite may call main() many times in one process: every
    # message must still be printed once, and a later -v must still show the debug lines.
    import logging

    from ytsession.cli import main

    logger = logging.getLogger("ytsession")
    home = str(tmp_path / "home")
    for _ in range(3):
        main(["status", "--home", home])
    capsys.readouterr()
    logger.warning("said once")
    logger.debug("debug hidden")
    assert capsys.readouterr().err.splitlines() == ["ytsession: said once"]

    main(["status", "-v", "--home", home])
    capsys.readouterr()
    logger.debug("debug shown")
    assert capsys.readouterr().err.splitlines() == ["ytsession: debug shown"]
    main(["status", "--home", home])
    capsys.readouterr()
    logger.debug("debug hidden again")
    assert capsys.readouterr().err == ""
