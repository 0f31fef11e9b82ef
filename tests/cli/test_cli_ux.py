"""Recovery paths of the command line, as subprocesses against the emulator: one way to name
a server, re-login, honest exit codes, hints that name the profile, CLI words, ``-v``,
completion (the emulator's banner: test_emulator_banner.py)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests

from ytsession import OAuthCredentials
from ytsession.errors import BadOAuthClientError
from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    Emulator,
)

from tests._support.terminal_support import clean_env

CLI = [sys.executable, "-m", "ytsession"]
GOOGLE = {
    "YTSESSION_CLIENT_ID": EMULATOR_CLIENT_ID,
    "YTSESSION_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
}
ACCOUNT = f"{EMULATED_ACCOUNT_NAME} ({EMULATED_USER_EMAIL})"
BROWSE = '{"browseId": "FEwhat_to_watch"}'


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args],
        env=clean_env(home, **env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def login(emu: Emulator, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``ytsession login ARGS``, approved through the emulator's control API."""

    def approve() -> None:
        code = emu.google.wait_for_user_code(timeout=30)
        requests.post(f"{emu.url}/_emulator/approve", data={"user_code": code}, timeout=10)

    approver = threading.Thread(target=approve, daemon=True)
    approver.start()
    result = run(home, "login", *args, **env)
    approver.join(5)
    return result


# --- one way to point at a server ---------------------------------------------------------


@pytest.mark.slow
def test_a_profile_remembers_its_server_and_login_again_reuses_its_client(
    emu: Emulator, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    first = login(emu, home, "--server", emu.url, "--profile", "cron", **GOOGLE)
    assert first.returncode == 0, first.stderr
    assert f"Logged in as {ACCOUNT}; saved as profile cron in {home}" in first.stderr
    settings = json.loads((home / "profiles" / "cron" / "profile.json").read_text())
    assert settings["extra"]["server"] == emu.url
    assert settings["extra"]["account"] == ACCOUNT  # for `profiles`/`status --offline`

    # `call` goes to the emulator with no --server: the profile remembers it
    emu.clear_log()
    call = run(home, "call", "account/account_menu", "--profile", "cron", "--compact")
    assert call.returncode == 0, call.stderr
    assert EMULATED_ACCOUNT_NAME in call.stdout
    assert emu.innertube.calls[-1].signed_in

    # logging in again needs neither the client nor the server: the profile has them
    again = login(emu, home, "--profile", "cron")
    assert again.returncode == 0, again.stderr
    assert "own OAuth client" in again.stderr
    assert f"Logged in as {ACCOUNT}; saved as profile cron in {home}" in again.stderr


@pytest.mark.slow
def test_the_server_from_the_environment(emu: Emulator, tmp_path: Path) -> None:
    result = run(
        tmp_path, "call", "browse", "--anonymous", "--data", BROWSE, YTSESSION_SERVER=emu.url
    )
    assert result.returncode == 0, result.stderr
    assert emu.requests_to("/youtubei/v1/browse")


@pytest.mark.slow
def test_a_loopback_server_without_scheme_gets_http(emu: Emulator, tmp_path: Path) -> None:
    bare = emu.url.removeprefix("http://")
    result = run(tmp_path, "call", "browse", "--anonymous", "--server", bare, "--data", BROWSE)
    assert result.returncode == 0, result.stderr
    old = run(tmp_path, "call", "browse", "--anonymous", "--base-url", emu.url)  # old spelling
    assert old.returncode == 0, old.stderr


@pytest.mark.parametrize(
    ("server", "words"),
    [
        ("youtube.example:8765", "has no scheme"),
        ("ftp://127.0.0.1:21", "not an http:// or https:// URL"),
        ("http://127.0.0.1:99999", "invalid port"),
        ("http://", "not an http:// or https:// URL"),
        ("http://[::1", "is not a URL"),
    ],
)
@pytest.mark.slow
def test_an_unusable_server_is_a_usage_error(tmp_path: Path, server: str, words: str) -> None:
    for args in (
        ("call", "browse", "--anonymous", "--server", server),
        ("session-tokens", "--provider", "coldstart", "--server", server),
        ("status", "--server", server),
    ):
        result = run(tmp_path, *args)
        assert result.returncode == 2, (args, result.stderr)
        assert words in one_line(result)
    env_result = run(tmp_path, "call", "browse", "--anonymous", YTSESSION_SERVER=server)
    assert env_result.returncode == 2 and "$YTSESSION_SERVER" in one_line(env_result)


# --- honest exit codes and hints ----------------------------------------------------------


@pytest.mark.slow
def test_call_without_a_login_exits_3_unless_anonymous(emu: Emulator, tmp_path: Path) -> None:
    result = run(tmp_path, "call", "browse", "--server", emu.url)
    assert result.returncode == 3
    assert "--anonymous" in one_line(result) and "`ytsession login`" in result.stderr
    named = run(tmp_path, "call", "browse", "--server", emu.url, "--profile", "cron")
    assert named.returncode == 3 and "`ytsession login --profile cron`" in one_line(named)
    assert emu.requests_to("/youtubei/v1/browse") == []


@pytest.mark.slow
def test_a_failed_logout_names_the_profile_in_its_hint(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert login(emu, home, "--server", emu.url, "--profile", "cron", **GOOGLE).returncode == 0
    emu.inject_error("/revoke", 500, count=None)
    result = run(home, "logout", "--profile", "cron")
    assert result.returncode in (1, 4)
    line = one_line(result)
    assert "`ytsession logout --local --profile cron`" in line
    assert (home / "profiles" / "cron").exists()


@pytest.mark.slow
def test_a_dead_login_hint_names_the_profile(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert login(emu, home, "--server", emu.url, "--profile", "cron", **GOOGLE).returncode == 0
    emu.google.revoke_all()
    status = run(home, "status", "--profile", "cron", "--json")
    assert status.returncode == 3
    info = json.loads(status.stdout)
    assert info["login_ok"] is False and "--profile cron" in info["login"]
    assert info["login"].count("`ytsession login") == 1  # one hint, the right one
    assert "not renewed" in info["access_token"]  # no "59 min left" for a dead login
    whoami = run(home, "whoami", "--profile", "cron")
    assert whoami.returncode == 3 and "`ytsession login --profile cron`" in one_line(whoami)
    assert whoami.stderr.count("`ytsession login") == 1
    token_file = home / "profiles" / "cron" / "oauth.json"
    stored = json.loads(token_file.read_text())
    token_file.write_text(json.dumps({**stored, "expires_at": 1}))  # so `token` refreshes
    token = run(home, "token", "--profile", "cron")
    assert token.returncode == 3  # the library's message names no profile; the CLI adds it
    assert "`ytsession login --profile cron`" in one_line(token)
    by_env = run(home, "token", YTSESSION_PROFILE="cron")
    assert by_env.returncode == 3 and "`ytsession login --profile cron`" in one_line(by_env)


@pytest.mark.slow
def test_whoami_and_status_offline(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert login(emu, home, "--server", emu.url, **GOOGLE).returncode == 0
    whoami = run(home, "whoami")
    assert whoami.returncode == 0 and whoami.stdout == ACCOUNT + "\n"
    as_json = json.loads(run(home, "whoami", "--json").stdout)
    assert as_json == {"profile": "default", "kind": "oauth", "account": ACCOUNT}
    emu.clear_log()
    offline = run(home, "status", "--offline", "--json")
    assert offline.returncode == 0
    info = json.loads(offline.stdout)
    assert info["account"] == ACCOUNT and info["login_ok"] is None
    assert run(home, "whoami", "--offline").stdout == ACCOUNT + "\n"
    assert emu.log == []  # --offline asked nothing


@pytest.mark.slow
def test_status_of_a_revoked_peertube_login_exits_3(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = subprocess.run(
        [*CLI, "login", "--peertube", emu.url, "--username", "alice"],
        input="correct horse battery staple\n",
        env=clean_env(home),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert run(home, "whoami").stdout == "alice\n"
    emu.peertube.revoke_all()
    status = run(home, "status")
    assert status.returncode == 3, status.stdout + status.stderr
    assert "DEAD" in status.stdout


@pytest.mark.slow
def test_the_emulator_port_busy_or_invalid(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        busy = run(tmp_path, "emulator", "--port", str(port))
    assert busy.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in one_line(busy)
    for bad in ("99999", "-1", "http"):
        invalid = run(tmp_path, "emulator", "--port", bad)
        assert invalid.returncode == 2 and "--port" in one_line(invalid)


@pytest.mark.slow
def test_unreadable_files_are_one_line(tmp_path: Path) -> None:
    data = run(tmp_path, "call", "browse", "--anonymous", "--data", f"@{tmp_path}/missing.json")
    assert data.returncode == 2 and "cannot read --data file" in one_line(data)
    cookies = run(tmp_path, "login", "--cookies", str(tmp_path / "missing.txt"))
    assert cookies.returncode == 1 and "missing.txt" in one_line(cookies)
    directory = run(tmp_path, "login", "--cookies", str(tmp_path))
    assert directory.returncode == 1 and "Traceback" not in directory.stderr


@pytest.mark.slow
def test_cli_errors_speak_cli(emu: Emulator, tmp_path: Path) -> None:
    for path in ("/sw.js_data", "/embed/jNQXAC9IVRw"):
        emu.inject_error(path, 404, count=None)
    result = run(tmp_path, "call", "browse", "--anonymous", "--server", emu.url, "--no-cache")
    line = one_line(result)
    assert "--generate-session-locally" in line
    assert "generate_session_locally=True" not in line


def test_an_error_gives_its_advice_in_python_words_and_the_cli_in_cli_words() -> None:
    """The library's message says what to call; the command line shows the same error's
    hint in its own words, with no Python name left (no rewriting of the message)."""
    with pytest.raises(BadOAuthClientError) as caught:
        OAuthCredentials("an-id", "")
    error = caught.value
    assert error.hint is not None
    assert str(error).endswith(error.hint.python)
    assert "OAuthCredentials.from_youtube_tv()" in str(error)
    cli = error.cli_message()
    assert cli.endswith(", or use `ytsession login --youtube-tv`")
    assert "from_youtube_tv" not in cli and "client_auth" not in cli
    assert cli.startswith("both a client id and a client secret are needed")


@pytest.mark.slow
def test_the_missing_node_error_is_printed_once(emu: Emulator, tmp_path: Path) -> None:
    result = run(
        tmp_path,
        "session-tokens",
        "--server",
        emu.url,
        "--node",
        str(tmp_path / "no-node-here"),
        "--no-cache",
    )
    assert result.returncode == 1
    line = one_line(result)
    assert "Node.js" in line and "--node PATH" in line and "node=" not in line


# --- -v, completion, banner ---------------------------------------------------------------


@pytest.mark.slow
def test_verbose_logs_one_line_per_request_without_secrets(emu: Emulator, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert login(emu, home, "--server", emu.url, **GOOGLE).returncode == 0
    stored = json.loads((home / "profiles" / "default" / "oauth.json").read_text())
    result = run(home, "-v", "call", "browse", "--data", BROWSE, "--no-cache")
    assert result.returncode == 0, result.stderr
    host = emu.url.removeprefix("http://")
    lines = result.stderr.strip().splitlines()
    assert any(
        re.fullmatch(rf"ytsession: GET {host}/sw\.js_data -> 200 \(\d+ ms\)", line)
        for line in lines
    )
    assert any(
        re.fullmatch(rf"ytsession: POST {host}/youtubei/v1/browse -> 200 \(\d+ ms\)", line)
        for line in lines
    ), lines
    debug = run(home, "call", "browse", "--no-cache", YTSESSION_DEBUG="1")
    assert f"POST {host}/youtubei/v1/browse -> 200" in debug.stderr
    for secret in (stored["access_token"], stored["refresh_token"], EMULATOR_CLIENT_SECRET):
        assert secret not in result.stderr + debug.stderr
    quiet = run(home, "call", "browse", "--no-cache")
    assert quiet.stderr == ""


@pytest.mark.slow
def test_verbose_shows_retries(emu: Emulator, tmp_path: Path) -> None:
    emu.inject_error("/youtubei/v1/browse", 503, count=1)
    result = run(tmp_path, "-v", "call", "browse", "--anonymous", "--server", emu.url, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert re.search(
        r"POST \S+/youtubei/v1/browse -> 200 \(\d+ ms\) after 1 retry \(503\)", result.stderr
    )


def _complete(words: list[str], script: str) -> list[str]:
    line = " ".join(f'"{w}"' for w in words)
    shell = (
        f"{script}\nCOMP_WORDS=({line}); COMP_CWORD={len(words) - 1}; _ytsession; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    out = subprocess.run(
        ["bash", "-c", shell], capture_output=True, text=True, timeout=30, check=True
    )
    return out.stdout.split()


def test_bash_completion_follows_the_parser(tmp_path: Path) -> None:
    script = run(tmp_path, "completion", "bash").stdout
    assert _complete(["ytsession", "lo"], script) == ["login", "logout"]
    assert "--no-browser" in _complete(["ytsession", "login", "--no"], script)
    assert _complete(["ytsession", "session-tokens", "--format", ""], script) == ["json", "yt-dlp"]
    assert _complete(["ytsession", "completion", "f"], script) == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
@pytest.mark.slow
def test_zsh_and_fish_completion_name_every_command(tmp_path: Path, shell: str) -> None:
    result = run(tmp_path, "completion", shell)
    assert result.returncode == 0
    for command in ("login", "status", "whoami", "call", "emulator", "completion"):
        assert command in result.stdout
    assert "--no-browser" in result.stdout or "-l no-browser" in result.stdout
    executable = shutil.which(shell)
    if executable:  # check the syntax where the shell is installed (CI installs both)
        check = subprocess.run(
            [executable, "-n"], input=result.stdout, capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


@pytest.mark.slow
def test_a_refused_loopback_server_is_asked_about_not_the_connection(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result = run(tmp_path, "call", "browse", "--anonymous", "--server", url, "--no-cache")
    assert result.returncode == 4
    line = one_line(result)
    assert f"is the server at {url} running?" in line
    assert "check your connection" not in line


def test_a_device_code_with_a_terminal_escape_never_reaches_the_terminal(
    emu: Emulator, tmp_path: Path
) -> None:
    emu.inject_error(
        "/device/code",
        200,
        {
            "device_code": "device-code",
            "user_code": "ABCD-EFGH\x1b]0;pwned\x07\x1b[2K\rWXYZ-0000",
            "verification_url": "https://www.google.com/device",
            "expires_in": 1800,
            "interval": 5,
        },
    )
    result = run(tmp_path, "login", "--server", emu.url, "--no-browser", **GOOGLE)
    assert result.returncode != 0
    shown = result.stdout + result.stderr
    assert "\x1b" not in shown and "\r" not in shown and "\x07" not in shown
    assert "'user_code' with a control character" in one_line(result)


@pytest.mark.slow
def test_sign_in_without_listener_or_terminal_does_not_wait(emu: Emulator, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from ytsession import OAuthCredentials, OAuthEndpoints\n"
        "from ytsession.errors import InteractionRequiredError\n"
        "from ytsession import Session\n"
        f"c = OAuthCredentials({EMULATOR_CLIENT_ID!r}, {EMULATOR_CLIENT_SECRET!r}, "
        f"endpoints=OAuthEndpoints.under({emu.url!r}))\n"
        f"s = Session.create(base_url={emu.url!r}, cache=False, generate_session_locally=True)\n"
        "try:\n"
        "    s.sign_in(c)\n"
        "except InteractionRequiredError as exc:\n"
        "    print('refused:', exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(tmp_path),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.startswith("refused:") and "auth_pending" in result.stdout
    assert emu.requests_to("/device/code") == []  # no code nobody would see


@pytest.mark.slow
def test_prompt_for_token_says_where_the_token_went_and_when_no_browser_opens(
    emu: Emulator, tmp_path: Path
) -> None:
    code = (
        "from ytsession import OAuthCredentials, OAuthEndpoints, RefreshingToken\n"
        f"c = OAuthCredentials({EMULATOR_CLIENT_ID!r}, {EMULATOR_CLIENT_SECRET!r}, "
        f"endpoints=OAuthEndpoints.under({emu.url!r}))\n"
        f"t = {str(tmp_path / 't.json')!r}\n"
        "RefreshingToken.prompt_for_token(c, open_browser=True, to_file=t)\n"
    )
    emu.google.auto_approve = True
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=clean_env(tmp_path, BROWSER="false %s"),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Could not open a browser here" in result.stderr
    assert f"Logged in; the token is saved to {tmp_path / 't.json'}" in result.stderr
    assert os.path.exists(tmp_path / "t.json")


def test_a_bug_is_one_line_and_the_traceback_is_behind_v(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "import ytsession.cli as cli\n"
        "import ytsession.cli.commands.status as status\n"
        "def broken(args):\n"
        "    raise ZeroDivisionError('division by zero')\n"
        "status.cmd_status = broken\n"
        "sys.exit(cli.main(sys.argv[1:]))\n"
    )
    for args, traceback in ((["status"], False), (["-v", "status"], True)):
        result = subprocess.run(
            [sys.executable, "-c", code, *args],
            env=clean_env(tmp_path),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 1
        if traceback:
            assert "Traceback" in result.stderr
        else:
            line = one_line(result)
            assert "unexpected ZeroDivisionError: division by zero" in line and "-v" in line


@pytest.mark.slow
def test_an_unusable_peertube_url_is_a_usage_error(tmp_path: Path) -> None:
    for url in ("ftp://peertube.example", "http://[::1"):
        result = run(tmp_path, "login", "--peertube", url, "--username", "alice")
        assert result.returncode == 2 and "--peertube" in one_line(result)


def _shell(name: str) -> str:
    """:return: the path of shell ``name``; without it the test skips, or fails in CI
    (which installs it), so a broken CI install cannot hide behind a skip."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (CI installs it)"
        if os.environ.get("CI", "").lower() not in ("", "0", "false"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def test_fish_completes_commands_and_choices(tmp_path: Path) -> None:
    fish = _shell("fish")
    script = tmp_path / "ytsession.fish"
    script.write_text(run(tmp_path, "completion", "fish").stdout)
    probe = f"source {script}; complete -C 'ytsession lo'; complete -C 'ytsession call --no'"
    out = subprocess.run([fish, "-c", probe], capture_output=True, text=True, timeout=30).stdout
    words = [line.split("\t")[0] for line in out.splitlines()]
    assert {"login", "logout", "--no-cache"} <= set(words), out


@pytest.mark.slow
def test_zsh_loads_the_completion(tmp_path: Path) -> None:
    zsh = _shell("zsh")
    script = tmp_path / "ytsession.zsh"
    script.write_text(run(tmp_path, "completion", "zsh").stdout)
    probe = f"autoload -U compinit && compinit -u -D; source {script}; print $_comps[ytsession]"
    out = subprocess.run([zsh, "-f", "-c", probe], capture_output=True, text=True, timeout=30)
    assert "_ytsession" in out.stdout, out.stdout + out.stderr


@pytest.mark.slow
def test_a_long_wait_is_announced_on_stderr(emu: Emulator, tmp_path: Path) -> None:
    emu.inject_error("/sw.js_data", 429, headers={"Retry-After": "3"}, count=1)
    result = run(tmp_path, "call", "browse", "--anonymous", "--server", emu.url, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert re.search(r"^ytsession: waiting 3 s before trying \S+ again", result.stderr, re.M), (
        result.stderr
    )
