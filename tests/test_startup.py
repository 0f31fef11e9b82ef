"""Cron jobs start fast: what `import ytsession` and `ytsession token` load."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from redis_support import RedisServer

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


def test_token_fast_path_loads_no_parser_typing_or_regex(tmp_path: Path) -> None:
    """`ytsession token` with a fresh token is dispatched before anything heavy is loaded:
    no argparse, typing, pathlib, re or json beyond what the interpreter loaded already."""
    directory = tmp_path / "profiles" / "default"
    directory.mkdir(parents=True)
    (directory / "profile.json").write_text(json.dumps({"kind": "oauth", "client_id": "x"}))
    token = {"scope": "s", "token_type": "Bearer", "access_token": "ya29.fast"}
    token.update(refresh_token="1//r", expires_at=int(time.time()) + 3600, expires_in=3600)
    (directory / "oauth.json").write_text(json.dumps(token, indent=2))
    probe = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "from ytsession.cli import main\n"
        f"status = main(['token', '--home', {str(tmp_path)!r}])\n"
        "new = sorted(set(sys.modules) - before - {'__main__'})\n"
        "print(status, ' '.join(new), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=30, check=True
    )
    assert result.stdout == "ya29.fast\n"
    status, *loaded = result.stderr.split()
    assert status == "0"
    allowed = {"_json", "__future__", "ytsession", "ytsession._lazy", "ytsession._version"}
    allowed.add("ytsession.cli")
    assert set(loaded) <= allowed | {"ytsession.errors"}, loaded


def test_the_fast_path_refreshes_with_the_same_margin() -> None:
    from ytsession.auth import tokenfile
    from ytsession.cli import _FAST_REFRESH_MARGIN

    assert tokenfile.REFRESH_MARGIN == _FAST_REFRESH_MARGIN


def test_an_expiring_or_odd_token_file_takes_the_full_path(tmp_path: Path) -> None:
    from ytsession.cli import _fast_token

    directory = tmp_path / "profiles" / "default"
    directory.mkdir(parents=True)
    (directory / "profile.json").write_text("{}")
    home = ["--home", str(tmp_path)]
    for text in (
        json.dumps({"access_token": "a", "refresh_token": "r", "expires_at": int(time.time())}),
        json.dumps({"access_token": "a", "refresh_token": "r", "expires_at": "soon"}),
        '{"access_token": ',
        "[]",
    ):
        (directory / "oauth.json").write_text(text)
        assert _fast_token(home) is None, text
    assert _fast_token([*home, "--verbose"]) is None  # any other option: the full parser
    assert _fast_token(["--profile", "../etc"]) is None  # not a profile name


def test_token_command_with_a_fresh_token_in_redis_does_not_import_requests(
    redis_server: RedisServer,
) -> None:
    from ytsession import Profile
    from ytsession.auth.profiles import ProfileSettings

    profile = Profile.named("default", store=redis_server.url)
    fresh = {"access_token": "ya29.fresh", "refresh_token": "1//r", "expires_in": 3600}
    profile.save_login(
        ProfileSettings(kind="oauth", client_id="x"),
        token={**fresh, "expires_at": int(time.time()) + 3600},
    )
    code = (
        "import contextlib, io\n"
        "from ytsession.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    assert main(['token', '--store', {redis_server.url!r}]) == 0\n"
        "assert out.getvalue() == 'ya29.fresh\\n', out.getvalue()\n"
    )
    assert _loaded(code) == []
