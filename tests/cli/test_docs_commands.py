"""The README's and the quickstart's shell commands run as printed against ``ytsession emulator``.

A newcomer pastes them into two terminals: one runs the emulator, the other logs in, checks
the login, hands the token to curl, calls InnerTube and logs out. The test does the same in
bash, with one change: the emulator's port 8765 becomes a free one. The emulator approves
the login by itself (a person would click Allow on its ``/device`` page).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from ytsession.testing import EMULATED_ACCOUNT_NAME, EMULATED_USER_EMAIL, Emulator

from tests._support.paths import REPO
from tests._support.terminal_support import clean_env, login_without_a_terminal

ROOT = REPO
README = ROOT / "README.md"
QUICKSTART = ROOT / "docs" / "quickstart.rst"
CLI_PAGE = ROOT / "docs" / "cli.rst"
PRINTED_PORT = "8765"

#: The README's blocks this module does not run, and why: the "two commands on a fresh
#: clone" make a venv and install from PyPI (CI's .ci/run runs the test command,
#: tests/cli/test_cli.py the demo); the commands against YouTube need a Google OAuth client.
TWO_COMMANDS = [
    ["python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/ytsession demo"],
    [
        'python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]"'
        " && .venv/bin/python -m pytest"
    ],
]
#: The optional fast lane: a part of the test command above, not run from inside the suite.
FAST_LANE = ['.venv/bin/python -m pytest -m "not slow"']
AGAINST_YOUTUBE = "unset YTSESSION_HOME YTSESSION_SERVER"


def readme_blocks() -> list[list[str]]:
    """The README's ``console`` blocks, as lines."""
    blocks = re.findall(r"^```console\n(.*?)^```", README.read_text(), re.M | re.S)
    return [block.splitlines() for block in blocks]


def rst_console_blocks(page: Path) -> list[list[str]]:
    """A page's ``.. code-block:: console`` blocks: the commands after ``$``."""
    blocks: list[list[str]] = []
    lines = iter(page.read_text().splitlines())
    for line in lines:
        if line.strip() == ".. code-block:: console":
            block: list[str] = []
            for body in lines:
                if body and not body.startswith(" "):
                    break
                if body.strip().startswith("$ "):
                    block.append(body.strip()[2:])
            blocks.append(block)
    return blocks


def the_block(blocks: list[list[str]], line: str) -> list[str]:
    """The one block that holds ``line`` (up to a comment)."""
    found = [block for block in blocks if line in (cmd.split("  #")[0].strip() for cmd in block)]
    assert len(found) == 1, f"expected one block with {line!r}, found {found}"
    return found[0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A directory whose ``.venv`` is the virtual environment running the suite."""
    if sys.prefix == sys.base_prefix:
        pytest.skip("the printed commands use the checkout's .venv; run the suite from a venv")
    if shutil.which("curl") is None:
        message = "the printed commands use curl, which is not installed"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    path = tmp_path / "checkout"
    path.mkdir()
    (path / ".venv").symlink_to(sys.prefix)
    return path


def _env(tmp_path: Path) -> dict[str, str]:
    env = clean_env(tmp_path / "own-home", TMPDIR=str(tmp_path))
    env["PATH"] = "/usr/bin:/bin"  # the venv comes from `. .venv/bin/activate`, as printed
    return env


class PrintedEmulator:
    """A document's emulator command, running in a terminal of its own."""

    def __init__(self, lines: list[str], checkout: Path, tmp_path: Path) -> None:
        self.port = str(_free_port())
        self.process = subprocess.Popen(
            [
                "bash",
                "-e",
                "-c",
                "\n".join(line.replace(PRINTED_PORT, self.port) for line in lines),
            ],
            cwd=checkout,
            env=_env(tmp_path),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        settings = {"google": {"auto_approve": True, "poll_interval": 1}}
        while True:
            try:
                url = f"http://127.0.0.1:{self.port}/_emulator/config"
                requests.post(url, json=settings, timeout=5).raise_for_status()
                return
            except requests.ConnectionError:
                assert self.process.poll() is None, "the printed emulator command ended"
                assert time.monotonic() < deadline, "the emulator never listened"
                time.sleep(0.1)

    def stop(self) -> None:
        """Ctrl-C, as a person stops it."""
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(timeout=30)


def _bash(
    lines: list[str], port: str, cwd: Path, tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    """Paste ``lines`` into one bash, stopping at the first failure (of any pipe stage)."""
    script = "\n".join(line.replace(PRINTED_PORT, port) for line in lines)
    return subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", script],
        cwd=cwd,
        env=_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _assert_the_whole_session_worked(
    result: subprocess.CompletedProcess[str], tmp_path: Path
) -> None:
    assert result.returncode == 0, result.stderr
    assert f"Logged in as {EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})" in result.stderr
    assert "login         valid" in result.stdout  # status asked the server
    assert f'"email": "{EMULATED_USER_EMAIL}"' in result.stdout  # curl got the token on stdin
    assert '"responseContext"' in result.stdout  # the InnerTube call
    assert "Deleted profile 'default'" in result.stderr  # logout
    assert not (tmp_path / "own-home").exists()  # the scratch home took the profile
    scratch = [path for path in tmp_path.glob("tmp.*") if path.is_dir()]
    assert len(scratch) == 1 and not (scratch[0] / "profiles" / "default").exists()


def _run_the_session(
    emulator: list[str], session: list[str], checkout: Path, tmp_path: Path
) -> None:
    assert any(PRINTED_PORT in line for line in emulator)
    server = PrintedEmulator(emulator, checkout, tmp_path)
    try:
        result = _bash(session, server.port, checkout, tmp_path)
    finally:
        server.stop()
    _assert_the_whole_session_worked(result, tmp_path)


@pytest.mark.slow
def test_the_readme_commands_run_as_printed(checkout: Path, tmp_path: Path) -> None:
    blocks = readme_blocks()
    emulator = the_block(blocks, ".venv/bin/ytsession emulator --port 8765")
    session = the_block(blocks, "export YTSESSION_SERVER=http://127.0.0.1:8765")
    logout = the_block(blocks, "ytsession logout")
    _run_the_session(emulator, session + logout, checkout, tmp_path)


@pytest.mark.slow
def test_the_quickstart_commands_run_as_printed(checkout: Path, tmp_path: Path) -> None:
    blocks = rst_console_blocks(QUICKSTART)
    activate = [". .venv/bin/activate"]
    assert activate in blocks  # the page says to activate the venv first
    emulator = the_block(blocks, "ytsession emulator --port 8765")
    session = the_block(blocks, "export YTSESSION_SERVER=http://127.0.0.1:8765")
    assert session[0] == activate[0] and session[-1] == "ytsession logout"
    _run_the_session(activate + emulator, session, checkout, tmp_path)


def test_every_readme_command_is_run_here_or_said_why_not() -> None:
    blocks = readme_blocks()
    run_here = [
        [". .venv/bin/activate"],
        the_block(blocks, ".venv/bin/ytsession emulator --port 8765"),
        the_block(blocks, "export YTSESSION_SERVER=http://127.0.0.1:8765"),
        the_block(blocks, "ytsession logout"),
    ]
    not_run = [*TWO_COMMANDS, FAST_LANE, the_block(blocks, AGAINST_YOUTUBE)]
    for block in blocks:
        assert block in run_here or block in not_run, f"the README's {block} is not run"


def _rows(text: str) -> list[tuple[str, str]]:
    """``status``'s rows: a label, two or more spaces, a value."""
    rows = []
    for line in text.splitlines():
        label, _, value = line.strip().partition("  ")
        rows.append((label, value.strip()))
    return rows


@pytest.mark.slow
def test_the_status_example_is_what_status_prints(emu: Emulator, tmp_path: Path) -> None:
    page = CLI_PAGE.read_text()
    start = page.index("   $ ytsession status --profile cron\n")
    example = page[start:].split("\n\n", 1)[0].splitlines()[1:]
    printed = _rows("\n".join(example).replace(f"127.0.0.1:{PRINTED_PORT}", emu.url[7:]))
    home = tmp_path / "home"
    login_without_a_terminal(emu, home, "--profile", "cron")
    status = subprocess.run(
        [sys.executable, "-m", "ytsession", "status", "--profile", "cron"],
        env=clean_env(home),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert status.returncode == 0, status.stderr
    real = _rows(status.stdout)
    assert [label for label, _ in printed] == [label for label, _ in real]  # the same order
    varies = {"store", "token file", "access token", "last refresh"}  # the home and the clock
    assert [row for row in printed if row[0] not in varies] == [
        row for row in real if row[0] not in varies
    ]
