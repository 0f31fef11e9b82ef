"""A pseudo-terminal for command-line tests: ``ytsession ARGS`` as a person runs it.

Standard input, output and error are all the terminal (the child makes it its controlling
terminal, as a login shell would, so getpass reads /dev/tty and Ctrl-C is a SIGINT).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

_TAKE_THE_TERMINAL = "import fcntl, sys, termios\nfcntl.ioctl(0, termios.TIOCSCTTY, 0)\n"
_ON_A_TERMINAL = "from ytsession.cli import main\nsys.exit(main(sys.argv[1:]))\n"


def run_cli(
    home: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    """``ytsession ARGS`` without a terminal, as a script runs it: ``stdin`` piped in (none
    when ``None``), ``env`` added to :func:`clean_env`."""
    return subprocess.run(
        [sys.executable, "-m", "ytsession", *args],
        env=clean_env(home, **env),
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=60,
    )


def peertube_login(home: Path, url: str, profile: str = "default") -> None:
    """Log profile ``profile`` in to the emulated PeerTube instance at ``url`` as alice."""
    from ytsession.testing import PEERTUBE_PASSWORD, PEERTUBE_USERNAME

    args = ["--peertube", url, "--username", PEERTUBE_USERNAME, "--profile", profile]
    result = run_cli(home, "login", *args, stdin=PEERTUBE_PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment without the caller's ytsession settings, with a private home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTSESSION_")}
    env.pop("BROWSER", None)
    env["YTSESSION_HOME"] = str(home)
    env["TERM"] = "xterm"
    env.update(extra)
    return env


def login_without_a_terminal(emu: Emulator, home: Path, *args: str) -> None:
    """``ytsession login --server EMU ARGS`` with the emulator's client, approved over HTTP."""

    def approve() -> None:
        code = emu.google.wait_for_user_code(timeout=30)
        requests.post(f"{emu.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    approver = threading.Thread(target=approve, daemon=True)
    approver.start()
    result = subprocess.run(
        [sys.executable, "-m", "ytsession", "login", "--server", emu.url, *args],
        env=clean_env(
            home,
            YTSESSION_CLIENT_ID=EMULATOR_CLIENT_ID,
            YTSESSION_CLIENT_SECRET=EMULATOR_CLIENT_SECRET,
        ),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    approver.join(5)
    assert result.returncode == 0, result.stderr


class Terminal:
    """``ytsession ARGS`` (or other Python) on a pseudo-terminal the test reads and types into."""

    def __init__(self, home: Path, *args: str, code: str = _ON_A_TERMINAL, **env: str) -> None:
        """:param code: Python to run instead of the command line (e.g. a REPL session)."""
        self.master, slave = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-c", _TAKE_THE_TERMINAL + code, *args],
            env=clean_env(home, **env),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
        os.close(slave)
        self.screen = ""

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        if not chunk:
            return False
        self.screen += chunk.decode("utf-8", "replace")
        return True

    def expect(self, text: str, timeout: float = 30) -> None:
        """Read the terminal until ``text`` shows up."""
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"{text!r} never appeared; the terminal shows {self.screen!r}")

    def type(self, text: str) -> None:
        """Type ``text`` (add ``\\n`` for Enter; ``\\x04`` is Ctrl-D, ``\\x03`` Ctrl-C)."""
        os.write(self.master, text.encode())

    def finish(self, timeout: float = 60) -> int:
        """Wait for the command to end, reading what it still prints. :return: its status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None and time.monotonic() < deadline:
            self._read(0.1)
        status = self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        while self._read(0.1) and select.select([self.master], [], [], 0)[0]:
            pass
        os.close(self.master)
        return status
