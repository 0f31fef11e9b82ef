"""The quickstart's first example runs as printed and reaches InnerTube in under ten lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests._support.paths import REPO, SUPPORT
from tests._support.terminal_support import clean_env

pytestmark = pytest.mark.slow

EXAMPLE = SUPPORT / "quickstart_call.py"


def test_the_quickstart_reaches_innertube_in_under_ten_lines(tmp_path: Path) -> None:
    code = [line for line in EXAMPLE.read_text().splitlines() if line.strip()]
    assert len(code) < 10
    assert "quickstart_call.py" in (REPO / "docs" / "quickstart.rst").read_text()
    result = subprocess.run(
        [sys.executable, str(EXAMPLE)],
        cwd=tmp_path,
        env=clean_env(tmp_path / "home", YTSESSION_CACHE_DIR=str(tmp_path / "cache")),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Logged in; the token is saved to oauth.json" in result.stderr
    assert "visitorData" in result.stdout  # the answer's responseContext
    assert (tmp_path / "oauth.json").stat().st_mode & 0o777 == 0o600
