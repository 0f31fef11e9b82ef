"""``ytsession profiles use NAME``: the default profile, as ``gh auth switch`` sets the active
account; completion of profile names. Real subprocesses against the emulator."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ytsession.testing import Emulator

from tests._support.terminal_support import clean_env, peertube_login
from tests._support.terminal_support import run_cli as run

pytestmark = pytest.mark.slow

BIN = os.path.dirname(sys.executable)  # where the `ytsession` script is


def logged_in(emu: Emulator, home: Path, *names: str) -> None:
    for name in names:
        peertube_login(home, emu.url, name)


def access_token(home: Path, name: str) -> str:
    return str(json.loads((home / "profiles" / name / "oauth.json").read_text())["access_token"])


def test_profiles_use_sets_the_profile_of_commands_without_profile(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    logged_in(emu, home, "alpha", "beta")
    used = run(home, "profiles", "use", "beta")
    assert used.returncode == 0, used.stderr
    assert "profile 'beta'" in used.stderr
    assert (home / "default-profile").read_text() == "beta\n"
    whoami = run(home, "whoami", "--offline", "--json")
    assert json.loads(whoami.stdout)["profile"] == "beta"
    token = run(home, "token")  # the fast path reads the choice too
    assert token.returncode == 0 and token.stdout == access_token(home, "beta") + "\n"
    # --profile, then $YTSESSION_PROFILE, come first
    named = run(home, "whoami", "--offline", "--json", "--profile", "alpha")
    assert json.loads(named.stdout)["profile"] == "alpha"
    env = run(home, "token", YTSESSION_PROFILE="alpha")
    assert env.stdout == access_token(home, "alpha") + "\n"
    slow = run(home, "token", YTSESSION_PROFILE="alpha", YTSESSION_DEBUG="1")  # the full path
    assert slow.stdout == access_token(home, "alpha") + "\n"
    # the list marks it
    table = run(home, "profiles")
    lines = {line.split()[0]: line for line in table.stdout.splitlines()[1:]}
    assert "beta (default)" in lines["beta"] and "(default)" not in lines["alpha"]
    rows = {row["profile"]: row for row in json.loads(run(home, "profiles", "--json").stdout)}
    assert rows["beta"]["default"] is True and rows["alpha"]["default"] is False
    assert run(home, "profiles", "--names").stdout == "alpha\nbeta\n"
    # hints name the profile outright, since a bare command would not mean `default`
    logout = run(home, "logout")
    assert logout.returncode == 0, logout.stderr
    assert not (home / "profiles" / "beta").exists() and (home / "profiles" / "alpha").exists()


def test_profiles_use_refuses_a_profile_that_does_not_exist(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    logged_in(emu, home, "alpha")
    result = run(home, "profiles", "use", "nope")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "no profile 'nope'" in result.stderr and "ytsession profiles" in result.stderr
    assert not (home / "default-profile").exists()


def test_an_unusable_default_profile_file_is_one_line_naming_it(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    logged_in(emu, home, "alpha")
    (home / "default-profile").write_text("../etc\n")
    for command in (["token"], ["whoami", "--offline"]):
        result = run(home, *command)
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert str(home / "default-profile") in result.stderr
        assert "ytsession profiles use NAME" in result.stderr


def test_profiles_help_does_not_offer_profile(tmp_path: Path) -> None:
    for command in (["profiles"], ["profiles", "copy"], ["profiles", "use"]):
        result = run(tmp_path, *command, "--help")
        assert result.returncode == 0
        assert not re.search(r"^\s*--profile|\[--profile", result.stdout, re.M)
        assert "--store" in result.stdout
    assert re.search(r"^\s*--profile", run(tmp_path, "status", "--help").stdout, re.M)


# --- completion of profile names --------------------------------------------------------


def completion_env(home: Path) -> dict[str, str]:
    return clean_env(home, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")


def bash_complete(home: Path, words: list[str]) -> list[str]:
    script = run(home, "completion", "bash").stdout
    line = " ".join(f'"{w}"' for w in words)
    shell = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _ytsession; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    out = subprocess.run(
        ["bash", "-c", shell], env=completion_env(home), capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_bash_completes_profile_names(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    logged_in(emu, home, "alpha", "beta", "cron")
    assert bash_complete(home, ["ytsession", "status", "--profile", ""]) == [
        "alpha",
        "beta",
        "cron",
    ]
    assert bash_complete(home, ["ytsession", "token", "--profile", "b"]) == ["beta"]
    assert bash_complete(home, ["ytsession", "profiles", "use", "c"]) == ["cron"]


def test_zsh_completes_profile_names(emu: Emulator, tmp_path: Path) -> None:
    zsh = shutil.which("zsh")
    if zsh is None:
        pytest.skip("zsh is not installed here (CI installs it)")
    home = tmp_path / "home"
    logged_in(emu, home, "alpha", "beta")
    script = run(home, "completion", "zsh").stdout
    shell = (
        "autoload -U compinit && compinit -u\n"
        f"{script}\nCOMP_WORDS=(ytsession whoami --profile "
        "); COMP_CWORD=3; "
        "emulate sh -c _ytsession; "  # as bashcompinit's compgen -F calls it
        'print -l -- "${COMPREPLY[@]}"'
    )
    out = subprocess.run(
        [zsh, "-f", "-c", shell],
        env=completion_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    # zsh's own compadd filters the candidates by what was typed
    assert out.stdout.split() == ["alpha", "beta"], out.stderr


def test_fish_completes_profile_names(emu: Emulator, tmp_path: Path) -> None:
    fish = shutil.which("fish")
    if fish is None:
        pytest.skip("fish is not installed here (CI installs it)")
    home = tmp_path / "home"
    logged_in(emu, home, "alpha", "beta")
    script = tmp_path / "ytsession.fish"
    script.write_text(run(home, "completion", "fish").stdout)
    env = completion_env(home)
    for typed, expected in (
        ("ytsession status --profile ", ["alpha", "beta"]),
        ("ytsession profiles use b", ["beta"]),
    ):
        out = subprocess.run(
            [fish, "--no-config", "-c", f"source {script}; complete -C '{typed}'"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        assert [line.split("\t")[0] for line in out.stdout.splitlines()] == expected
