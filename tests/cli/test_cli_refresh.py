"""No refresh that nobody needed: what `whoami`, `status` and `token [--check]` send to the
server, counted in the emulator's request log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from ytsession.testing import EMULATED_ACCOUNT_NAME, EMULATED_USER_EMAIL, Emulator
from ytsession.testing.kit import LoggedRequest

from tests.cli.test_cli import cli_login, run

pytestmark = pytest.mark.slow

ACCOUNT = f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"
#: Where an OAuth login's account is asked (as the TV client, like YouTube.js).
ACCOUNT_QUESTION = "/youtubei/v1/account/accounts_list"


def refreshes(emu: Emulator) -> list[LoggedRequest]:
    """The refresh requests the emulator's token endpoints received."""
    return [
        entry
        for path in ("/token", "/o/oauth2/token")
        for entry in emu.requests_to(path, "POST")
        if entry.form.get("grant_type") == "refresh_token"
    ]


def logged_in(emu: Emulator, home: Path) -> dict[str, object]:
    """Log in against the emulator; forget what the login sent. :return: the stored token."""
    login = cli_login(emu, home)
    assert login.returncode == 0, login.stderr
    emu.clear_log()
    stored: dict[str, object] = json.loads(_token_file(home).read_text())
    return stored


def _token_file(home: Path) -> Path:
    return home / "profiles" / "default" / "oauth.json"


def test_whoami_on_a_fresh_login_sends_no_refresh(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    stored = logged_in(emu, home)
    whoami = run(home, "whoami")
    assert whoami.returncode == 0, whoami.stderr
    assert whoami.stdout == ACCOUNT + "\n"
    assert refreshes(emu) == []
    [asked] = emu.requests_to(ACCOUNT_QUESTION)
    assert asked.header("Authorization") == f"Bearer {stored['access_token']}"
    assert json.loads(_token_file(home).read_text()) == stored


def test_status_checks_the_login_with_the_current_access_token(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    stored = logged_in(emu, home)
    status = run(home, "status", "--json")
    assert status.returncode == 0, status.stderr
    info = json.loads(status.stdout)
    assert info["login_ok"] is True and info["account"] == ACCOUNT
    assert refreshes(emu) == []
    [asked] = emu.requests_to(ACCOUNT_QUESTION)  # one cheap authenticated call
    assert asked.header("Authorization") == f"Bearer {stored['access_token']}"
    assert info["access_token_expires_at"] == stored["expires_at"]

    emu.clear_log()  # an expiring token is refreshed first, once
    _token_file(home).write_text(json.dumps({**stored, "expires_at": int(time.time()) + 20}))
    status = run(home, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["login_ok"] is True
    assert len(refreshes(emu)) == 1
    renewed = json.loads(_token_file(home).read_text())
    assert renewed["access_token"] != stored["access_token"]
    [asked] = emu.requests_to(ACCOUNT_QUESTION)
    assert asked.header("Authorization") == f"Bearer {renewed['access_token']}"


def test_status_refreshes_once_when_the_server_refuses_the_token(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    stored = logged_in(emu, home)
    emu.google.expire_access_tokens()  # the file still says an hour: only the server knows
    status = run(home, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["login_ok"] is True
    assert len(refreshes(emu)) == 1
    refused, accepted = emu.requests_to(ACCOUNT_QUESTION)
    assert (refused.status, accepted.status) == (401, 200)
    renewed = json.loads(_token_file(home).read_text())
    assert refused.header("Authorization") == f"Bearer {stored['access_token']}"
    assert accepted.header("Authorization") == f"Bearer {renewed['access_token']}"


def test_token_check_asks_the_server_and_plain_token_stays_local(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    stored = logged_in(emu, home)
    checked = run(home, "token", "--check")
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout == f"{stored['access_token']}\n"
    assert len(emu.requests_to(ACCOUNT_QUESTION)) == 1 and refreshes(emu) == []

    emu.google.revoke_all()
    emu.clear_log()
    plain = run(home, "token")
    assert plain.returncode == 0 and plain.stdout == f"{stored['access_token']}\n"
    assert emu.log == []  # local: the revocation cannot be seen from here
    dead = run(home, "token", "--check")
    assert dead.returncode == 3, dead.stdout + dead.stderr
    assert dead.stdout == ""
    [line] = dead.stderr.strip().splitlines()
    assert "`ytsession login`" in line and "Traceback" not in line
    assert json.loads(_token_file(home).read_text()) == stored  # nothing dropped
