"""``ytsession emulator``'s banner is a script a newcomer pastes: every line that is not a
``#`` comment runs as printed, and the suite runs each one, as printed, through ``bash -c``."""

from __future__ import annotations

import itertools
import os
import re
import select
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from ytsession.testing import EMULATED_ACCOUNT_NAME

from tests._support.botguard_support import _missing, require_botguard_runtime
from tests._support.paths import REPO
from tests._support.terminal_support import Terminal, clean_env

CLI = [sys.executable, "-m", "ytsession"]
BIN = os.path.dirname(sys.executable)  # where `ytsession` is installed
RUN_IN_BASH = "import subprocess\nsys.exit(subprocess.call(['bash', '-c', sys.argv[1]]))\n"


def read_banner(server: subprocess.Popen[bytes]) -> list[str]:
    """What the emulator printed before it went quiet (it prints its banner at once)."""
    assert server.stdout is not None
    fd = server.stdout.fileno()
    out = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1.0 if out else 30)
        if not ready:
            if out:
                break
            continue
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        out += chunk
    return out.decode().splitlines()


class Approver:
    """The person at the browser: approves each device code shown, on the /device page."""

    def __init__(self, url: str) -> None:
        self.url, self.stop = url, threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                pending = requests.get(f"{self.url}/_emulator/pending", timeout=10).json()
                for code in pending:
                    form = {"user_code": code, "action": "allow"}
                    requests.post(f"{self.url}/device", data=form, timeout=10)
            except requests.ConnectionError:
                return  # the emulator was stopped


def typed(notes: list[str]) -> str:
    """What the banner's comment says to type: the comment line after one ending "type:"."""
    return next(after for before, after in itertools.pairwise(notes) if before.endswith("type:"))


def bash(
    line: str, env: dict[str, str], cwd: Path, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", line],
        env=env,
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
def test_the_banner_pasted_whole_is_valid_shell_and_says_ctrl_c_only_on_a_terminal(
    tmp_path: Path,
) -> None:
    server = subprocess.Popen(
        [*CLI, "emulator"],
        env=clean_env(tmp_path),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    try:
        banner = read_banner(server)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert banner[0].startswith("# ytsession emulator listening on http://127.0.0.1:")
    check = subprocess.run(
        ["bash", "-n"], input="\n".join(banner) + "\n", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    assert not any("Ctrl-C" in line for line in banner)  # no terminal: nobody presses it
    text = "\n".join(banner)
    assert "a phone on this machine" not in text and "QR code it draws holds that loopback" in text
    terminal = Terminal(tmp_path, "emulator")
    terminal.expect("# Press Ctrl-C to stop.")
    terminal.type("\x03")
    assert terminal.finish() in (0, 130)


@pytest.mark.slow
def test_every_command_of_the_banner_runs_as_printed(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    env = clean_env(home, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    server = subprocess.Popen(
        [*CLI, "emulator"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    ran: list[str] = []
    approver: Approver | None = None
    try:
        banner = read_banner(server)
        url = banner[0].split()[-1]
        requests.post(f"{url}/_emulator/config", json={"google": {"poll_interval": 1}}, timeout=10)
        approver = Approver(url)
        notes: list[str] = []
        printed = ""  # what the last command printed (the two-factor code)
        for line in banner:
            if not line.strip():
                notes = []
                continue
            if line.startswith("#"):
                notes.append(line[1:].strip())
                continue
            said = " ".join(notes)
            if line == "ytsession botguard-setup":
                # it runs npm against the registry, as the banner says: the suite never
                # touches the internet (CI runs the same command before the suite)
                assert "needs the internet" in said
                continue
            if line.startswith("ytsession session-tokens") and _missing():
                continue  # the BotGuard packages are not installed here: said at the end
            if line.startswith("export "):
                result = bash(line, env, work)
                for word in shlex.split(line)[1:]:
                    name, _, value = word.partition("=")
                    env[name] = value
            elif "--peertube" in line and "two-factor code" in said:
                # asked on a terminal: the password the comment names, then a wrong code
                # (asked again, the password is not), then the code the curl line printed
                password = typed(notes)
                terminal = Terminal(home, line, code=RUN_IN_BASH, **env)
                terminal.expect("Password")
                terminal.type(password + "\n")
                terminal.expect("Two-factor code")
                wrong = "000000" if printed.strip() != "000000" else "111111"
                terminal.type(wrong + "\n")
                terminal.expect("try again")
                terminal.expect("left).\r\nTwo-factor code: ")  # typed before it, it is lost
                terminal.type(printed.strip() + "\n")
                try:
                    status = terminal.finish()
                except subprocess.TimeoutExpired:
                    raise AssertionError(f"{line} did not end: {terminal.screen!r}") from None
                assert status == 0, terminal.screen
                assert "Logged in as" in terminal.screen
                ran.append(line)
                continue
            elif "--peertube" in line:
                # no terminal: the password is read as one line from standard input
                result = bash(line, env, work, stdin=typed(notes) + "\n")
            else:
                result = bash(line, env, work)
            assert result.returncode == 0, (line, result.stderr)
            assert "Traceback" not in result.stderr
            printed = result.stdout
            ran.append(line)
            if line.startswith("ytsession whoami"):
                assert EMULATED_ACCOUNT_NAME in printed
            if line.startswith("curl") and line.endswith("/otp"):
                assert re.fullmatch(r"\d{6}\n", printed), printed  # digits, not JSON
    finally:
        if approver is not None:
            approver.stop.set()
        server.terminate()
        server.wait(timeout=10)
    commands = {line.split("ytsession ")[1].split()[0] for line in ran if "ytsession " in line}
    assert {"login", "call", "token", "status", "whoami", "logout"} <= commands
    assert sum("ytsession login" in line for line in ran) == 5
    require_botguard_runtime()  # skips (fails in CI) when session-tokens could not run


def test_the_docs_show_the_banner_as_it_is_printed() -> None:
    from ytsession.testing.emulator import banner

    docs = (REPO / "docs" / "emulator.rst").read_text(encoding="utf-8")
    printed = "\n".join(
        f"   {line}" if line else "" for line in banner("http://127.0.0.1:8765", terminal=True)
    )
    assert printed in docs
