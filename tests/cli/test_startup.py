"""Cron jobs start fast: what `import ytsession` and `ytsession token` load."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests._support.paths import REPO
from tests._support.redis_support import RedisServer

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


@pytest.mark.slow
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
    allowed |= {"ytsession.cli", "ytsession.errors", "ytsession.youtube"}
    allowed |= {"ytsession.cli.fast", "ytsession._rules"}  # the library's rules
    allowed |= {"ytsession.oauth", "ytsession.oauth.rules"}  # (the refresh margin's)
    assert set(loaded) <= allowed, loaded


def test_the_ytsession_script_answers_a_fresh_token_without_the_command_line_module(
    tmp_path: Path,
) -> None:
    _write_profile(tmp_path, left=3600, lifetime=3600)
    script = REPO / "bin" / "ytsession"
    env = {k: v for k, v in os.environ.items() if not k.startswith("YTSESSION_")}
    env["YTSESSION_HOME"] = str(tmp_path)

    def imports(*args: str) -> tuple[str, set[str]]:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        lines = result.stderr.splitlines()
        return result.stdout, {line.rsplit("|", 1)[-1].strip() for line in lines}

    out, imported = imports(str(script), "token")
    assert out == "ya29.default\n"
    imported -= imports("-c", "pass")[1]  # what the interpreter's start-up loads anyway
    assert "ytsession.cli.fast" in imported
    rest = {"ytsession.cli.app", "ytsession.cli.parser", "ytsession.cli.commands"}
    assert not imported & {*rest, "argparse", "typing", "re", "pathlib", "json"}


def _write_profile(home: Path, *, left: float, lifetime: int, name: str = "default") -> None:
    directory = home / "profiles" / name
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "profile.json").write_text(json.dumps({"kind": "oauth", "client_id": "x"}))
    token = {"scope": "s", "token_type": "Bearer", "access_token": f"ya29.{name}"}
    token.update(refresh_token="1//r", expires_at=int(time.time() + left), expires_in=lifetime)
    (directory / "oauth.json").write_text(json.dumps(token))


@pytest.mark.parametrize(
    ("lifetime", "left"), [(3600, 63), (3600, 57), (30, 18), (30, 12), (0, 63), (0, 57)]
)
def test_the_fast_path_and_the_library_agree_on_expiring(
    tmp_path: Path, lifetime: int, left: float
) -> None:
    """Whether a token is fresh enough to print is decided by the library's own margin
    (min(60 s, lifetime / 2)): the fast path prints exactly what the library would not
    refresh."""
    from ytsession import Profile
    from ytsession.cli.fast import fresh_token
    from ytsession.oauth.token import OAuthToken

    _write_profile(tmp_path, left=left, lifetime=lifetime)
    stored = Profile.named("default", home=tmp_path).load_token()
    expiring = OAuthToken(**stored).is_expiring
    assert (fresh_token(home=tmp_path) is None) == expiring
    assert expiring == (left < 60 if lifetime != 30 else left < 15)


def test_the_fast_path_and_the_library_find_the_same_default_home(tmp_path: Path) -> None:
    """No --home and no $YTSESSION_HOME: `ytsession token` reads the profile the library
    reads, also when $XDG_DATA_HOME is relative (platformdirs then ignores it)."""
    _write_profile(tmp_path / "home" / ".local" / "share" / "ytsession", left=3600, lifetime=3600)
    relative = tmp_path / "cwd" / "data" / "ytsession"
    _write_profile(relative, left=3600, lifetime=3600, name="default")
    (relative / "profiles" / "default" / "oauth.json").write_text(
        (relative / "profiles" / "default" / "oauth.json").read_text().replace("ya29.", "ya29.x")
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("YTSESSION_", "XDG_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_DATA_HOME="data")
    probe = (
        "import contextlib, io\n"
        "from ytsession import Profile\n"
        "from ytsession.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    assert main(['token']) == 0\n"
        "print(out.getvalue().strip(), Profile.named().load_token()['access_token'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=tmp_path / "cwd",
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    printed, library = result.stdout.split()
    assert printed == library == "ya29.default"


@pytest.mark.skipif(sys.platform != "linux", reason="the rule written out is Linux's")
@pytest.mark.parametrize("xdg", [None, "/srv/data"])
def test_the_default_home_is_platformdirs_user_data_dir(
    monkeypatch: pytest.MonkeyPatch, xdg: str | None
) -> None:
    from platformdirs import user_data_dir

    from ytsession._rules import default_home

    monkeypatch.delenv("YTSESSION_HOME", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert default_home() == user_data_dir("ytsession", appauthor=False)


@pytest.mark.parametrize("name", ["cron\n", "-x", ".hidden", "a" * 65, "ü", ""])
def test_a_profile_name_is_checked_the_same_way_everywhere(tmp_path: Path, name: str) -> None:
    from ytsession import Profile, ProfileError
    from ytsession.cli.fast import token_command

    with pytest.raises(ProfileError, match="not usable"):
        Profile.named(name or ".", home=tmp_path)
    assert token_command(["token", "--profile", name, "--home", str(tmp_path)]) is None


def test_an_expiring_or_odd_token_file_takes_the_full_path(tmp_path: Path) -> None:
    from ytsession.cli.fast import token_command

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
        assert token_command(["token", *home]) is None, text
    assert token_command(["token", *home, "--verbose"]) is None  # another option: the parser
    assert token_command(["token", "--profile", "../etc"]) is None  # not a profile name


@pytest.mark.slow
def test_token_command_with_a_fresh_token_in_redis_does_not_import_requests(
    redis_server: RedisServer,
) -> None:
    from ytsession import Profile
    from ytsession.store.profiles import ProfileSettings

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
