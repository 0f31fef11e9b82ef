"""The README's Python example runs exactly as printed, on a login made against the emulator."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

from tests._support.paths import REPO
from tests._support.terminal_support import clean_env

pytestmark = pytest.mark.slow

README = REPO / "README.md"


def readme_python() -> str:
    """The ```python block of the README's "Use it" section, as printed."""
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Use it\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section is not None, "the README has no 'Use it' section"
    blocks = re.findall(r"^```python\n(.*?)^```$", section.group(1), re.M | re.S)
    assert len(blocks) == 1, "the 'Use it' section should hold one Python example"
    return str(blocks[0])


def test_the_readme_python_example_runs_on_an_emulator_login(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = clean_env(home, YTSESSION_CACHE_DIR=str(tmp_path / "cache"))

    def approve() -> None:
        code = emu.google.wait_for_user_code(timeout=30)
        requests.post(f"{emu.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    approver = threading.Thread(target=approve, daemon=True)
    approver.start()
    login = subprocess.run(
        [sys.executable, "-m", "ytsession", "login", "--server", emu.url],
        env={
            **env,
            "YTSESSION_CLIENT_ID": EMULATOR_CLIENT_ID,
            "YTSESSION_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
        },
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    approver.join(5)
    assert login.returncode == 0, login.stderr
    emu.clear_log()

    example = readme_python()
    result = subprocess.run(
        [sys.executable, "-c", example],
        cwd=tmp_path,
        env=env,  # no YTSESSION_SERVER: the profile knows its server
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    (call,) = [c for c in emu.innertube.calls if c.endpoint == "browse"]
    assert call.signed_in and call.client_name == "TVHTML5"  # "a TV client, signed"
    assert call.body["browseId"] == "FEwhat_to_watch"
