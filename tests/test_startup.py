"""Cron jobs start fast: what `import ytsession` and `ytsession token` load."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

HEAVY = ("requests", "urllib3")


def _loaded(code: str, env: dict[str, str] | None = None) -> list[str]:
    report = f"print(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    probe = f"{code}\nimport sys, json\n{report}"
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=True,
    ).stdout
    return list(json.loads(out.strip().splitlines()[-1]))


def test_import_ytsession_loads_no_http_or_oauth_library() -> None:
    assert _loaded("import ytsession; ytsession.YTSessionError; ytsession.Profile") == []


def test_names_still_load_on_first_use() -> None:
    loaded = _loaded("import ytsession; ytsession.OAuthCredentials")
    assert "requests" in loaded


def test_token_command_with_a_fresh_token_does_not_import_requests(tmp_path: Path) -> None:
    directory = tmp_path / "profiles" / "default"
    directory.mkdir(parents=True)
    (directory / "profile.json").write_text(json.dumps({"kind": "oauth", "client_id": "x"}))
    (directory / "oauth.json").write_text(
        json.dumps(
            {
                "scope": "s",
                "token_type": "Bearer",
                "access_token": "ya29.fresh",
                "refresh_token": "1//r",
                "expires_at": int(time.time()) + 3600,
                "expires_in": 3600,
            }
        )
    )
    code = (
        "import contextlib, io\n"
        "from ytsession.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    assert main(['token', '--home', {str(tmp_path)!r}]) == 0\n"
        "assert out.getvalue() == 'ya29.fresh\\n', out.getvalue()\n"
    )
    assert _loaded(code) == []
