"""Small things a newcomer reads on the way (issue 17): the command line's lines say one thing
each, in its own words. Real subprocesses against the emulator or a real redis-server."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path

import pytest
import requests

from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    Emulator,
)

from tests._support.redis_support import RedisServer
from tests._support.terminal_support import peertube_login
from tests._support.terminal_support import run_cli as run


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def google_login(
    emu: Emulator, home: Path, *args: str, secret: str = EMULATOR_CLIENT_SECRET
) -> subprocess.CompletedProcess[str]:
    def approve() -> None:
        code = emu.google.wait_for_user_code(timeout=30)
        requests.post(f"{emu.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    threading.Thread(target=approve, daemon=True).start()
    return run(
        home,
        "login",
        "--server",
        emu.url,
        *args,
        YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
        YTSESSION_CLIENT_SECRET=secret,
    )


@pytest.mark.slow
def test_the_logged_in_line_has_one_pair_of_brackets(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = google_login(emu, home)
    assert result.returncode == 0, result.stderr
    line = result.stderr.strip().splitlines()[-1]
    account = f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"
    assert line == f"Logged in as {account}; saved as profile default in {home}"
    assert line.count("(") == 1


@pytest.mark.slow
def test_peertube_status_says_hours_and_shows_no_empty_scope(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    peertube_login(home, emu.url)
    status = run(home, "status")
    assert status.returncode == 0, status.stderr
    rows = {}
    for line in status.stdout.splitlines():
        name, _, value = line.partition("  ")
        rows[name.strip()] = value.strip()
    assert "scope" not in rows
    assert re.search(r"\(23 h 5\d min left; renewed automatically\)", rows["access token"])
    assert all(value.strip() for value in rows.values()), rows  # no empty row at all


@pytest.mark.slow
def test_call_with_a_peertube_profile_does_not_suggest_replacing_it(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    peertube_login(home, emu.url, "pt")
    result = run(home, "call", "browse", "--profile", "pt")
    assert result.returncode == 1
    line = one_line(result)
    assert "PeerTube login, not a YouTube one" in line
    assert "ytsession login --profile pt" not in line  # that would replace the PeerTube login
    assert "`ytsession profiles`" in line and "new name" in line


@pytest.mark.slow
def test_a_refused_client_is_told_in_cli_words(emu: Emulator, tmp_path: Path) -> None:
    result = google_login(emu, tmp_path / "home", secret="not-the-secret")
    assert result.returncode == 1
    line = result.stderr.strip().splitlines()[-1]
    assert "client id or secret was refused" in line
    assert "OAuthEndpoints" not in result.stderr and "client_auth" not in result.stderr
    assert "ytsession login sends the secret in the request body" in line


@pytest.mark.slow
def test_the_redis_wrong_password_line_ends_cleanly(tmp_path: Path) -> None:
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory, password="right-password")
    server.start()
    try:
        wrong = f"redis://:wrong-password@127.0.0.1:{server.port}/0"
        result = run(tmp_path, "profiles", "--store", wrong)
    finally:
        server.stop()
    assert result.returncode == 1
    line = one_line(result)
    assert "refused" in line and "wrong-password" not in line
    assert ".)" not in line and not re.search(r"[.;,]\)", line), line
