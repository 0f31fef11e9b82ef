"""The cron page's shell job runs as printed: the token reaches the server on stdin, not argv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ytsession.testing import (
    EMULATED_USER_EMAIL,
    Emulator,
)

from tests._support.paths import REPO, SUPPORT
from tests._support.terminal_support import clean_env, login_without_a_terminal

JOB = SUPPORT / "cron_report.sh"
DOCS = REPO / "docs"
YTSESSION = Path(sys.executable).with_name("ytsession")  # the venv's console script
PRINTED_YTSESSION = "/home/me/ytsession/.venv/bin/ytsession"
PRINTED_URL = "https://www.googleapis.com/youtube/v3/channels?part=id&mine=true"


def _job(tmp_path: Path, emu: Emulator) -> Path:
    """The printed job, with this machine's install and the emulator's protected resource."""
    text = JOB.read_text()
    assert PRINTED_YTSESSION in text and PRINTED_URL in text
    job = tmp_path / "youtube-report"
    text = text.replace(PRINTED_YTSESSION, str(YTSESSION))
    job.write_text(text.replace(PRINTED_URL, f"{emu.url}/oauth2/v3/userinfo"))
    return job


def _run(job: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """Run the job as cron does: sh, no terminal, a bare PATH (and a curl that notes its argv)."""
    spy = job.parent / "spy"
    spy.mkdir(exist_ok=True)
    (spy / "curl").write_text(
        f'#!/bin/sh\nprintf "%s\\n" "$@" >> {spy}/argv\nexec /usr/bin/curl "$@"\n'
    )
    (spy / "curl").chmod(0o755)
    env = clean_env(home)
    env["PATH"] = f"{spy}:/usr/bin:/bin"
    return subprocess.run(
        ["/bin/sh", str(job)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_cron_page_shows_the_job_and_its_absolute_paths() -> None:
    page = (DOCS / "cron.rst").read_text()
    assert "../tests/_support/cron_report.sh" in page
    assert "*/10 *  *   *   *    /home/me/bin/youtube-report" in page


@pytest.mark.slow
def test_the_cron_job_hands_the_token_to_curl_on_stdin(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    login_without_a_terminal(emu, home, "--profile", "cron")
    result = _run(_job(tmp_path, emu), home)
    assert result.returncode == 0, result.stderr
    assert EMULATED_USER_EMAIL in result.stdout  # the server accepted the Bearer token
    sent = emu.requests_to("/oauth2/v3/userinfo")
    assert len(sent) == 1 and sent[0].header("Authorization", "").startswith("Bearer ")
    token = sent[0].header("Authorization", "").removeprefix("Bearer ")
    argv = (tmp_path / "spy" / "argv").read_text()
    assert "--header" in argv and token not in argv  # nothing in ps or /proc/*/cmdline


def test_the_cron_job_without_a_login_exits_3_and_sends_nothing(
    emu: Emulator, tmp_path: Path
) -> None:
    result = _run(_job(tmp_path, emu), tmp_path / "nobody")
    assert result.returncode == 3
    assert "ytsession login --profile cron" in result.stderr
    assert emu.requests_to("/oauth2/v3/userinfo") == []
