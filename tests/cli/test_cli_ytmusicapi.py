"""A ytmusicapi user moves over in one command: `ytsession login --ytmusicapi oauth.json`,
with the file written by ytmusicapi's own classes and checked at the emulator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ytmusicapi import OAuthCredentials as YTMusicCredentials
from ytmusicapi.auth.oauth.token import RefreshingToken as YTMusicToken

from ytsession.testing import (
    EMULATED_ACCOUNT_NAME,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    Emulator,
)

from tests.cli.test_cli import cli_login, run
from tests.cli.test_cli_refresh import refreshes

pytestmark = pytest.mark.slow

GOOGLE = {
    "YTSESSION_CLIENT_ID": EMULATOR_CLIENT_ID,
    "YTSESSION_CLIENT_SECRET": EMULATOR_CLIENT_SECRET,
}


def ytmusicapi_file(emu: Emulator, tmp_path: Path) -> Path:
    """An ``oauth.json`` as ytmusicapi writes it, holding a login the emulator issued."""
    scratch = tmp_path / "elsewhere"
    assert cli_login(emu, scratch).returncode == 0
    issued = json.loads((scratch / "profiles" / "default" / "oauth.json").read_text())
    credentials = YTMusicCredentials(EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET)
    path = tmp_path / "oauth.json"
    YTMusicToken(credentials=credentials, **issued).store_token(str(path))
    emu.clear_log()
    return path


def test_a_ytmusicapi_login_is_imported_once_the_server_accepted_it(
    emu: Emulator, tmp_path: Path
) -> None:
    original = ytmusicapi_file(emu, tmp_path)
    before = original.read_bytes(), original.stat().st_mtime_ns
    home = tmp_path / "home"
    imported = run(
        home,
        "login",
        "--ytmusicapi",
        str(original),
        "--server",
        emu.url,
        "--client-id",
        EMULATOR_CLIENT_ID,
        "--client-secret",
        EMULATOR_CLIENT_SECRET,
    )
    assert imported.returncode == 0, imported.stderr
    assert f"Imported the ytmusicapi login from {original}" in imported.stderr
    assert EMULATED_ACCOUNT_NAME in imported.stderr
    assert len(refreshes(emu)) == 1  # the check at the server
    stored = json.loads((home / "profiles" / "default" / "oauth.json").read_text())
    assert stored["refresh_token"] == json.loads(before[0])["refresh_token"]
    assert (original.read_bytes(), original.stat().st_mtime_ns) == before  # only read
    token = run(home, "token")
    assert token.returncode == 0 and token.stdout == stored["access_token"] + "\n"
    assert emu.google.access_token_valid(stored["access_token"])


def test_a_dead_ytmusicapi_login_is_exit_3_and_nothing_is_kept(
    emu: Emulator, tmp_path: Path
) -> None:
    original = ytmusicapi_file(emu, tmp_path)
    before = original.read_bytes()
    emu.google.revoke_all()
    home = tmp_path / "home"
    result = run(home, "login", "--ytmusicapi", str(original), "--server", emu.url, **GOOGLE)
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert str(original) in line and "nothing was kept" in line
    assert "`ytsession login`" in line and "Traceback" not in line
    assert not (home / "profiles" / "default").exists()
    assert original.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ('{"access_token": ', "not valid JSON"),
        ('{"scope": "s", "access_token": 5, "refresh_token": "r"}', "access_token"),
        ('{"scope": "s", "access_token": "a"}', "refresh_token"),
        ('{"cookie": "SAPISID=x", "x-goog-authuser": "0"}', "ytsession login --cookies"),
    ],
)
def test_a_malformed_file_is_one_typed_line_and_nothing_is_sent(
    emu: Emulator, tmp_path: Path, content: str, words: str
) -> None:
    original = tmp_path / "oauth.json"
    original.write_text(content)
    home = tmp_path / "home"
    result = run(home, "login", "--ytmusicapi", str(original), "--server", emu.url, **GOOGLE)
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert f"ytmusicapi file {original}" in line and words in line, line
    assert "delete it" not in line  # the user's own file: never advised away
    assert emu.log == []
    assert not (home / "profiles" / "default").exists()
    assert original.read_text() == content


def test_the_ytmusicapi_import_needs_the_client_it_was_made_with(
    emu: Emulator, tmp_path: Path
) -> None:
    original = ytmusicapi_file(emu, tmp_path)
    home = tmp_path / "home"
    result = run(home, "login", "--ytmusicapi", str(original), "--server", emu.url)
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert "--client-id" in line and "YTSESSION_CLIENT_ID" in line
    assert emu.log == [] and not (home / "profiles" / "default").exists()
    both = run(home, "login", "--ytmusicapi", str(original), "--youtube-tv")
    assert both.returncode == 2 and "--ytmusicapi" in both.stderr
