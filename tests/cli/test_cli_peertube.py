"""``ytsession login --peertube`` and friends, as a person at a terminal or a script uses them:
real subprocesses, a real pseudo-terminal, real HTTP to the emulated instance."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from ytsession.peertube.models import CLIENT_PATH, ME_PATH, REVOKE_PATH, TOKEN_PATH
from ytsession.testing import (
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    PEERTUBE_2FA_PASSWORD,
    PEERTUBE_2FA_USERNAME,
    PEERTUBE_CLIENT_ID,
    PEERTUBE_CLIENT_SECRET,
    PEERTUBE_EMAIL,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
    Emulator,
)

CLI = [sys.executable, "-m", "ytsession"]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTSESSION_")}
    env["YTSESSION_HOME"] = str(home)
    return env


def run(
    home: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``ytsession ARGS`` without a terminal; ``stdin`` is piped in (as a script would),
    ``env`` is added to the environment."""
    return subprocess.run(
        [*CLI, *args],
        env={**_env(home), **(env or {})},
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=60,
    )


def login(
    emu: Emulator,
    home: Path,
    *extra: str,
    username: str = PEERTUBE_USERNAME,
    stdin: str | None = PEERTUBE_PASSWORD + "\n",
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``ytsession login --peertube <the emulator> --username USERNAME EXTRA``; the
    password (and whatever else ``stdin`` holds) is piped in."""
    return run(
        home, "login", "--peertube", emu.url, "--username", username, *extra, stdin=stdin, env=env
    )


def _profile_dir(home: Path, name: str = "default") -> Path:
    return home / "profiles" / name


# The child makes the pseudo-terminal its controlling terminal, as a login shell would, so
# that getpass reads from /dev/tty with echo off.
_ON_A_TERMINAL = (
    "import fcntl, sys, termios\n"
    "fcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
    "from ytsession.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


class Terminal:
    """``ytsession ARGS`` running on a pseudo-terminal that the test types into."""

    def __init__(self, home: Path, *args: str) -> None:
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _ON_A_TERMINAL, *args],
            env=_env(home),
            stdin=slave,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
            text=True,
        )
        os.close(slave)
        self.screen = ""

    def expect(self, text: str, timeout: float = 30) -> None:
        """Read the terminal until ``text`` shows up."""
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} never appeared; the terminal shows {self.screen!r}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 4096)
                except OSError:  # the child closed the terminal
                    chunk = b""
                if not chunk:
                    raise AssertionError(f"{text!r} never appeared; got {self.screen!r}")
                self.screen += chunk.decode("utf-8", "replace")

    def type(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\n")

    def finish(self) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=60)
        try:
            while select.select([self.master], [], [], 0.1)[0]:
                chunk = os.read(self.master, 4096)
                if not chunk:
                    break
                self.screen += chunk.decode("utf-8", "replace")
        except OSError:
            pass
        os.close(self.master)
        return self.process.returncode, out, err


@pytest.mark.slow
def test_login_token_status_logout_with_the_password_on_stdin(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    result = login(emu, home)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # messages go to stderr
    line = f"Logged in as {PEERTUBE_USERNAME} on {emu.url}; saved as profile default in {home}"
    assert line in result.stderr
    assert PEERTUBE_PASSWORD not in result.stderr
    token_path = _profile_dir(home) / "oauth.json"
    assert token_path.stat().st_mode & 0o777 == 0o600
    stored = json.loads(token_path.read_text())
    settings = json.loads((_profile_dir(home) / "profile.json").read_text())
    assert settings["kind"] == "peertube"
    assert settings["client_id"] == PEERTUBE_CLIENT_ID
    assert settings["endpoints"]["instance_url"] == emu.url
    assert settings["extra"]["username"] == PEERTUBE_USERNAME
    assert PEERTUBE_PASSWORD not in (_profile_dir(home) / "profile.json").read_text()

    token = run(home, "token")
    assert token.returncode == 0, token.stderr
    assert token.stdout == stored["access_token"] + "\n"
    assert emu.peertube.access_token_valid(token.stdout.strip())

    status = run(home, "status")
    assert status.returncode == 0, status.stderr
    assert "peertube" in status.stdout
    assert emu.url in status.stdout  # the instance
    assert PEERTUBE_USERNAME in status.stdout  # the user
    # the expiry of a day-long token in hours and minutes, not "1439 min"
    assert re.search(r"\(23 h 5\d min left; renewed automatically\)", status.stdout)
    assert not any(row.split() == ["scope"] for row in status.stdout.splitlines())
    for secret in (stored["access_token"], stored["refresh_token"], PEERTUBE_CLIENT_SECRET):
        assert secret not in status.stdout + status.stderr
    info = json.loads(run(home, "status", "--json").stdout)
    assert info["instance"] == emu.url
    assert info["user"] == PEERTUBE_USERNAME
    assert info["access_token_expires_at"] == stored["expires_at"]
    assert info["login_ok"] is True and info["account"] == PEERTUBE_USERNAME

    logout = run(home, "logout")
    assert logout.returncode == 0, logout.stderr
    assert "Revoked" in logout.stderr
    assert not _profile_dir(home).exists()
    (revoke,) = emu.requests_to(REVOKE_PATH)
    assert revoke.header("Authorization") == f"Bearer {stored['access_token']}"
    assert not emu.peertube.access_token_valid(stored["access_token"])
    assert not emu.peertube.refresh_token_valid(stored["refresh_token"])


@pytest.mark.slow
def test_login_through_a_terminal_asks_for_password_and_two_factor_code(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    terminal = Terminal(home, "login", "--peertube", emu.url, "--username", PEERTUBE_2FA_USERNAME)
    terminal.expect(f"Password for {PEERTUBE_2FA_USERNAME}: ")
    terminal.type(PEERTUBE_2FA_PASSWORD)
    terminal.expect("Two-factor code: ")
    otp = emu.peertube.current_otp(PEERTUBE_2FA_USERNAME)
    terminal.type(otp)
    status, out, err = terminal.finish()
    assert status == 0, err
    assert out == ""  # messages and prompts never go to stdout
    assert PEERTUBE_2FA_PASSWORD not in terminal.screen  # not echoed
    assert otp not in terminal.screen
    assert "Logged in" in err
    logins = emu.requests_to(TOKEN_PATH)
    assert [entry.status for entry in logins] == [401, 200]
    assert logins[-1].header("x-peertube-otp") == otp
    assert run(home, "token").returncode == 0


@pytest.mark.slow
def test_login_by_email_with_the_two_factor_code_on_stdin(emu: Emulator, tmp_path: Path) -> None:
    emu.peertube.user(PEERTUBE_USERNAME).otp_secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    otp = emu.peertube.current_otp(PEERTUBE_USERNAME)
    result = login(
        emu, tmp_path, "--otp-stdin", username=PEERTUBE_EMAIL, stdin=f"{PEERTUBE_PASSWORD}\n{otp}\n"
    )
    assert result.returncode == 0, result.stderr
    assert emu.peertube.login_count == 1


@pytest.mark.slow
def test_two_factor_without_a_terminal_explains_what_to_do(emu: Emulator, tmp_path: Path) -> None:
    result = login(
        emu, tmp_path, username=PEERTUBE_2FA_USERNAME, stdin=PEERTUBE_2FA_PASSWORD + "\n"
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert "--otp-stdin" in lines[-1]
    assert not _profile_dir(tmp_path).exists()


@pytest.mark.slow
def test_wrong_password_fails_with_one_line_and_no_profile(emu: Emulator, tmp_path: Path) -> None:
    result = login(emu, tmp_path, stdin="not-the-password\n")
    assert result.returncode == 1
    assert "password were refused" in result.stderr
    assert "not-the-password" not in result.stderr
    assert not _profile_dir(tmp_path).exists()


def _wrong_codes(emu: Emulator, count: int) -> list[str]:
    good = int(emu.peertube.current_otp(PEERTUBE_2FA_USERNAME))
    return [str((good + 300_000 * n) % 1_000_000).zfill(6) for n in range(1, count + 1)]


@pytest.mark.slow
def test_wrong_two_factor_code_fails_after_three_tries(emu: Emulator, tmp_path: Path) -> None:
    wrong = _wrong_codes(emu, 3)
    result = login(
        emu,
        tmp_path,
        "--otp-stdin",
        username=PEERTUBE_2FA_USERNAME,
        stdin=f"{PEERTUBE_2FA_PASSWORD}\n" + "".join(f"{code}\n" for code in wrong),
    )
    assert result.returncode == 1
    assert "two-factor code was refused" in result.stderr
    assert "try again (2 left)" in result.stderr and "try again (1 left)" in result.stderr
    assert not any(code in result.stderr for code in wrong)
    sent = [r.header("x-peertube-otp") for r in emu.requests_to(TOKEN_PATH)]
    assert sent == [None, *wrong]  # no fourth try


@pytest.mark.slow
def test_a_wrong_two_factor_code_is_asked_again_not_the_password(
    emu: Emulator, tmp_path: Path
) -> None:
    wrong = _wrong_codes(emu, 2)
    good = emu.peertube.current_otp(PEERTUBE_2FA_USERNAME)
    result = login(
        emu,
        tmp_path,
        "--otp-stdin",
        username=PEERTUBE_2FA_USERNAME,
        # the password once: a second password line would be taken for a code
        stdin=f"{PEERTUBE_2FA_PASSWORD}\n{wrong[0]}\n{wrong[1]}\n{good}\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("try again") == 2
    assert (_profile_dir(tmp_path) / "oauth.json").exists()


def test_the_password_is_never_an_argument(emu: Emulator, tmp_path: Path) -> None:
    result = login(emu, tmp_path, "--password", PEERTUBE_PASSWORD, stdin=None)
    assert result.returncode == 2
    assert emu.requests_to(TOKEN_PATH) == []


@pytest.mark.slow
def test_no_password_on_stdin_fails_without_waiting(emu: Emulator, tmp_path: Path) -> None:
    result = login(emu, tmp_path, stdin=None)
    assert result.returncode == 1
    assert "password" in result.stderr
    assert emu.requests_to(TOKEN_PATH) == []


def _logged_in(emu: Emulator, home: Path, *extra: str) -> dict[str, Any]:
    result = login(emu, home, *extra)
    assert result.returncode == 0, result.stderr
    name = extra[extra.index("--profile") + 1] if "--profile" in extra else "default"
    return dict(json.loads((_profile_dir(home, name) / "oauth.json").read_text()))


@pytest.mark.slow
def test_token_refreshes_an_expiring_peertube_token_and_stores_the_rotation(
    emu: Emulator, tmp_path: Path
) -> None:
    stored = _logged_in(emu, tmp_path, "--profile", "cron")
    token_path = _profile_dir(tmp_path, "cron") / "oauth.json"
    token_path.write_text(json.dumps({**stored, "expires_at": int(time.time()) + 30}))

    result = run(tmp_path, "token", "--profile", "cron")
    assert result.returncode == 0, result.stderr
    fresh = result.stdout.strip()
    assert fresh != stored["access_token"]
    assert emu.peertube.refresh_count == 1
    now_stored = json.loads(token_path.read_text())
    assert now_stored["access_token"] == fresh
    assert now_stored["refresh_token"] != stored["refresh_token"]  # the rotation is kept


@pytest.mark.slow
def test_dead_session_exits_3_and_keeps_the_file(emu: Emulator, tmp_path: Path) -> None:
    stored = _logged_in(emu, tmp_path)
    token_path = _profile_dir(tmp_path) / "oauth.json"
    token_path.write_text(json.dumps({**stored, "expires_at": 0}))
    before = token_path.read_bytes()
    emu.peertube.revoke_all()
    result = run(tmp_path, "token")
    assert result.returncode == 3
    assert "ytsession login --peertube" in result.stderr
    assert token_path.read_bytes() == before


@pytest.mark.slow
def test_logout_with_an_expired_access_token_refreshes_then_revokes(
    emu: Emulator, tmp_path: Path
) -> None:
    stored = _logged_in(emu, tmp_path)
    token_path = _profile_dir(tmp_path) / "oauth.json"
    token_path.write_text(json.dumps({**stored, "expires_at": 0}))
    emu.peertube.expire_access_tokens()
    result = run(tmp_path, "logout")
    assert result.returncode == 0, result.stderr
    assert emu.peertube.refresh_count == 1
    assert emu.peertube.revoke_count == 1
    assert emu.peertube.issued_tokens() == []
    assert not _profile_dir(tmp_path).exists()


@pytest.mark.slow
def test_logout_of_a_session_ended_elsewhere_still_deletes_the_profile(
    emu: Emulator, tmp_path: Path
) -> None:
    stored = _logged_in(emu, tmp_path)
    emu.peertube.revoke_all()
    result = run(tmp_path, "logout")
    assert result.returncode == 0, result.stderr
    assert not _profile_dir(tmp_path).exists()
    assert emu.requests_to(REVOKE_PATH)[-1].status == 401
    assert stored["access_token"] not in result.stderr
    assert "already ended" in result.stderr
    assert "Revoked the token" not in result.stderr  # it was not: the session was gone


@pytest.mark.slow
def test_logging_in_again_ends_the_previous_session_first(emu: Emulator, tmp_path: Path) -> None:
    old = _logged_in(emu, tmp_path)
    again = login(emu, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "Ended the previous session" in again.stderr
    assert not emu.peertube.access_token_valid(old["access_token"])
    assert not emu.peertube.refresh_token_valid(old["refresh_token"])
    new = json.loads((_profile_dir(tmp_path) / "oauth.json").read_text())
    assert new["access_token"] != old["access_token"]
    assert emu.peertube.access_token_valid(new["access_token"])
    live = sorted([new["access_token"], new["refresh_token"]])
    assert sorted(emu.peertube.issued_tokens()) == live  # one session at the server


@pytest.mark.slow
def test_logging_in_again_when_the_old_session_is_gone_says_so(
    emu: Emulator, tmp_path: Path
) -> None:
    _logged_in(emu, tmp_path)
    emu.peertube.revoke_all()
    again = login(emu, tmp_path)
    assert again.returncode == 0, again.stderr
    assert "previous session" in again.stderr and "already ended" in again.stderr


@pytest.mark.slow
def test_google_only_options_are_refused_with_peertube(emu: Emulator, tmp_path: Path) -> None:
    result = login(emu, tmp_path, "--youtube-tv")
    assert result.returncode == 2
    assert emu.log == []


@pytest.mark.slow
def test_a_client_given_by_flags_skips_discovery(emu: Emulator, tmp_path: Path) -> None:
    result = login(
        emu,
        tmp_path,
        "--client-id",
        PEERTUBE_CLIENT_ID,
        "--client-secret",
        PEERTUBE_CLIENT_SECRET,
    )
    assert result.returncode == 0, result.stderr
    assert [entry.path for entry in emu.log] == [TOKEN_PATH, ME_PATH]  # ME: the account


@pytest.mark.slow
def test_the_google_client_in_the_environment_is_not_sent_to_peertube(
    emu: Emulator, tmp_path: Path
) -> None:
    google = {
        "YTSESSION_CLIENT_ID": EMULATOR_CLIENT_ID,
        "YTSESSION_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
    }
    result = login(emu, tmp_path, env=google)
    assert result.returncode == 0, result.stderr
    assert [entry.path for entry in emu.log] == [CLIENT_PATH, TOKEN_PATH, ME_PATH]
    assert emu.requests_to(TOKEN_PATH)[0].form["client_id"] == PEERTUBE_CLIENT_ID


@pytest.mark.slow
def test_a_peertube_profile_opens_a_signed_session(emu: Emulator, tmp_path: Path) -> None:
    from ytsession import PeerTubeSession

    _logged_in(emu, tmp_path, "--profile", "pt")
    with PeerTubeSession.from_profile("pt", home=tmp_path) as session:
        assert session.get(ME_PATH)["username"] == PEERTUBE_USERNAME
