"""Token files: private, atomic, strict, and interchangeable with ytmusicapi's."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest
import ytmusicapi
from ytmusicapi.auth.oauth import OAuthToken as YTMusicOAuthToken
from ytmusicapi.auth.oauth import RefreshingToken as YTMusicRefreshingToken

from ytsession import (
    OAuthCredentials,
    OAuthToken,
    Profile,
    ProfileError,
    RefreshingToken,
    TokenFileError,
    _files,
)
from ytsession.errors import NotLoggedInError
from ytsession.oauth import tokenfile
from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

from tests._support.support import logged_in_token, login, token_file

VALID = {
    "scope": "https://www.googleapis.com/auth/youtube",
    "token_type": "Bearer",
    "access_token": "ya29.a0-valid-access",
    "refresh_token": "1//0g-valid-refresh",
    "expires_at": 1_900_000_000,
    "expires_in": 3599,
}


def test_written_files_are_0600_in_a_0700_directory(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "oauth.json"
    OAuthToken.from_dict(VALID).store(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.parent.stat().st_mode) == 0o700
    assert json.loads(path.read_text()) == VALID  # exactly ytmusicapi's keys
    assert [p.name for p in path.parent.iterdir()] == ["oauth.json"]  # no temp file left


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path: Path) -> None:
    path = tmp_path / "oauth.json"
    OAuthToken.from_dict(VALID).store(path)
    before = path.read_bytes()
    with pytest.raises(TypeError):
        _files.atomic_write_json(path, {"access_token": object()})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["oauth.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "is empty"),
        ("   \n", "is empty"),
        (json.dumps(VALID)[:40], "not valid JSON"),  # truncated
        ("{not json", "not valid JSON"),
        ("[1, 2]", "JSON array, not an object"),
        ('"ya29"', "JSON string, not an object"),
        (
            json.dumps({**VALID, "access_token": 42}),
            "'access_token' that is a number, not a string",
        ),
        (json.dumps({**VALID, "expires_at": "tomorrow"}), "'expires_at' that is a string, not a"),
        (json.dumps({**VALID, "expires_at": True}), "'expires_at' that is a boolean, not a"),
        (json.dumps({k: v for k, v in VALID.items() if k != "refresh_token"}), "refresh_token"),
    ],
    ids=[
        "empty",
        "blank",
        "truncated",
        "garbage",
        "list",
        "string",
        "int-token",
        "str-expiry",
        "bool-expiry",
        "no-refresh",
    ],
)
def test_bad_files_raise_a_typed_error_naming_the_file(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = tmp_path / "oauth.json"
    path.write_text(content)
    with pytest.raises(TokenFileError, match=problem) as caught:
        OAuthToken.from_json(path)
    assert caught.value.path == str(path)
    assert str(path) in str(caught.value)
    assert "log in again" in str(caught.value)


def test_non_utf8_file_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "oauth.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(TokenFileError, match="not UTF-8"):
        OAuthToken.from_json(path)


def test_a_corrupt_file_is_never_overwritten_by_a_refresh(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "oauth.json"
    token = logged_in_token(emu, credentials, path, expires_in=0)
    path.write_text('{"access_token": "half')  # another program broke it
    with pytest.raises(TokenFileError):
        token.access_token  # noqa: B018
    assert path.read_text() == '{"access_token": "half'
    assert emu.google.refresh_count == 0


def test_profile_layout_and_errors(tmp_path: Path) -> None:
    profile = Profile.named("music", home=tmp_path)
    assert profile.token_path == tmp_path / "profiles" / "music" / "oauth.json"
    with pytest.raises(NotLoggedInError, match=r"Profile\('music'\)\.save_login") as caught:
        profile.load_settings()
    assert "ytsession login" not in str(caught.value)
    assert "`ytsession login --profile music`" in caught.value.cli_message()
    with pytest.raises(NotLoggedInError):
        profile.load_token()
    for bad in ("../etc", ".hidden", "a/b", "", "x" * 65):
        with pytest.raises(ProfileError):
            Profile.named(bad or "-", home=tmp_path)


def test_home_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("YTSESSION_HOME", str(tmp_path / "env-home"))
    monkeypatch.setenv("YTSESSION_PROFILE", "cron")
    profile = Profile.named()
    assert profile.name == "cron"
    assert profile.directory == tmp_path / "env-home" / "profiles" / "cron"
    assert Profile.named("x", home=tmp_path).directory == tmp_path / "profiles" / "x"


# --- ytmusicapi, both directions ---------------------------------------------------------


def _ytmusicapi_credentials(emu: Emulator) -> ytmusicapi.OAuthCredentials:
    return ytmusicapi.OAuthCredentials(EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET)


def test_a_ytmusicapi_oauth_json_loads_including_extra_keys(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    raw = login(emu, credentials)
    # what ytmusicapi's own RefreshingToken.store_token writes
    theirs = YTMusicRefreshingToken(
        credentials=_ytmusicapi_credentials(emu),
        access_token=raw["access_token"],
        refresh_token=raw["refresh_token"],
        scope=raw["scope"],
        token_type=raw["token_type"],
        expires_at=int(time.time()) + 3600,
        expires_in=3600,
    )
    path = tmp_path / "oauth.json"
    theirs.store_token(str(path))
    ours = RefreshingToken.from_file(path, credentials)
    assert ours.access_token == raw["access_token"]
    assert ours.refresh_token == raw["refresh_token"]

    # older files carry extra keys
    older = {**json.loads(path.read_text()), "filepath": str(path)}
    older["refresh_token_expires_in"] = 604799
    path.write_text(json.dumps(older))
    assert RefreshingToken.from_file(path, credentials).refresh_token == raw["refresh_token"]


def test_our_token_file_loads_in_ytmusicapi(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "oauth.json"
    token = logged_in_token(emu, credentials, path, expires_in=0)
    token.access_token  # noqa: B018 - refreshed and stored by ytsession

    loaded = YTMusicOAuthToken.from_json(path)
    assert loaded.access_token == token.access_token
    assert loaded.refresh_token == token.refresh_token
    assert loaded.expires_at == token.expires_at
    assert not loaded.is_expiring

    ytm = ytmusicapi.YTMusic(str(path), oauth_credentials=_ytmusicapi_credentials(emu))
    assert ytm._token.access_token == token.access_token  # type: ignore[attr-defined]
    assert ytm._token.local_cache == path  # type: ignore[attr-defined]


def test_token_file_helper_round_trip(tmp_path: Path) -> None:
    path = token_file(tmp_path / "x.json", dict(VALID), expires_in=100)
    loaded = tokenfile.load_token(path)
    assert loaded["access_token"] == VALID["access_token"]
    assert 95 <= loaded["expires_at"] - time.time() <= 100
