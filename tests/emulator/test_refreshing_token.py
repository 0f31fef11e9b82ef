"""RefreshingToken: when it refreshes, what it stores, and that it refreshes once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import requests

from ytsession import BearerAuth, LoginRequiredError, OAuthCredentials, RefreshingToken
from ytsession.testing import Emulator

from tests._support.support import logged_in_token, login, token_file


def test_refresh_happens_within_60_seconds_of_expiry_and_not_earlier(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "oauth.json"
    early = logged_in_token(emu, credentials, path, expires_in=65)
    first = early.access_token
    assert emu.google.refresh_count == 0, "refreshed more than 60 s before expiry"

    early.expires_at = int(time.time()) + 59
    early.store_token()  # the file agrees, as it would a few seconds later
    second = early.access_token
    assert emu.google.refresh_count == 1
    assert second != first
    assert early.expires_at >= time.time() + 3500
    assert json.loads(path.read_text())["access_token"] == second  # stored at once


def test_rotated_refresh_token_is_persisted(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    emu.google.rotate_refresh_tokens = True
    path = tmp_path / "oauth.json"
    token = logged_in_token(emu, credentials, path, expires_in=0)
    old_refresh = token.refresh_token

    token.access_token  # noqa: B018 - reading refreshes
    stored = json.loads(path.read_text())
    assert stored["refresh_token"] == token.refresh_token != old_refresh
    # the stored one keeps working; the old one is dead at the server (and, used again,
    # ends the grant as a replay)
    assert credentials.refresh_token(stored["refresh_token"])["access_token"]
    with pytest.raises(LoginRequiredError):
        credentials.refresh_token(old_refresh)
    assert emu.google.replay_count == 1


def test_invalid_grant_raises_login_required_and_leaves_the_file(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "oauth.json"
    token = logged_in_token(emu, credentials, path, expires_in=0)
    credentials.revoke(token.refresh_token)
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns

    with pytest.raises(LoginRequiredError, match="prompt_for_token") as caught:
        token.access_token  # noqa: B018
    assert caught.value.error == "invalid_grant"
    # advice in Python words for Python, the command's words for the command line
    assert "ytsession login" not in str(caught.value)
    assert caught.value.cli_message().endswith("; run `ytsession login` again")
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")] == ["oauth.json"]


def test_32_threads_reading_at_expiry_cause_one_refresh(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=0)
    emu.clear_log()
    start = threading.Barrier(32)
    seen: list[str] = []
    errors: list[BaseException] = []

    def read() -> None:
        start.wait()
        try:
            seen.append(token.access_token)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(seen) == 32 and len(set(seen)) == 1
    assert len(emu.requests_to("/token")) == 1
    assert emu.google.refresh_count == 1


_WORKER = textwrap.dedent(
    """
    import sys, time
    from ytsession import OAuthCredentials, OAuthEndpoints, RefreshingToken
    from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET

    url, path, start_at = sys.argv[1], sys.argv[2], float(sys.argv[3])
    credentials = OAuthCredentials(
        EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, endpoints=OAuthEndpoints.under(url)
    )
    token = RefreshingToken.from_file(path, credentials)
    time.sleep(max(0.0, start_at - time.time()))
    print(token.access_token)
    """
)


@pytest.mark.slow
def test_four_processes_sharing_a_token_file_refresh_once(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    emu.google.rotate_refresh_tokens = True  # the harsher case: a second refresh would fail
    path = tmp_path / "oauth.json"
    logged_in_token(emu, credentials, path, expires_in=0)
    emu.clear_log()
    start_at = time.time() + 2.0  # every process has loaded the stale token by then
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, emu.url, str(path), str(start_at)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    results = [worker.communicate(timeout=60) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0, 0, 0], [err for _, err in results]
    printed = {out.strip() for out, _ in results}
    assert len(printed) == 1
    assert emu.google.refresh_count == 1
    assert len(emu.requests_to("/token")) == 1
    stored = json.loads(path.read_text())
    assert stored["access_token"] == printed.pop()
    assert emu.google.access_token_valid(stored["access_token"])


def test_a_process_with_an_older_token_adopts_the_newer_one_in_the_file(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "oauth.json"
    stale = logged_in_token(emu, credentials, path, expires_in=0)
    other = RefreshingToken.from_file(path, credentials)
    fresh = other.access_token  # another "process" refreshed and stored
    assert emu.google.refresh_count == 1
    assert stale.access_token == fresh  # adopted from the file, no second refresh
    assert emu.google.refresh_count == 1


def test_bearer_auth_signs_a_users_own_session_and_refreshes_first(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)
    http = requests.Session()
    http.auth = BearerAuth(token)
    assert http.get(f"{emu.url}/oauth2/v3/userinfo", timeout=10).status_code == 200

    emu.google.expire_access_tokens()
    token.expires_at = int(time.time())
    token.store_token()
    answer = http.get(f"{emu.url}/oauth2/v3/userinfo", timeout=10)
    assert answer.status_code == 200
    assert emu.google.refresh_count == 1
    sent = emu.requests_to("/oauth2/v3/userinfo")[-1].headers["Authorization"]
    assert sent == f"Bearer {token.access_token}"


def test_a_users_own_session_with_bearer_auth_refreshes_once_after_a_401(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)
    refreshed: list[RefreshingToken] = []
    token.on_refresh(refreshed.append)
    http = requests.Session()
    http.auth = BearerAuth(token)
    old = token.access_token
    emu.google.expire_access_tokens()  # refused by the server, though the file says valid
    answer = http.get(f"{emu.url}/oauth2/v3/userinfo", timeout=10)
    assert answer.status_code == 200
    assert emu.google.refresh_count == 1
    assert refreshed == [token]
    sent = [r.header("Authorization") for r in emu.requests_to("/oauth2/v3/userinfo")]
    assert sent == [f"Bearer {old}", f"Bearer {token.access_token}"]
    emu.google.expire_access_tokens()
    emu.inject_error("/token", 400, {"error": "invalid_grant"})
    with pytest.raises(LoginRequiredError):  # a dead login is said, not answered 401
        http.get(f"{emu.url}/oauth2/v3/userinfo", timeout=10)


def test_token_without_a_file_refreshes_in_memory(
    emu: Emulator, credentials: OAuthCredentials
) -> None:
    raw = login(emu, credentials)
    token = RefreshingToken(
        credentials,
        access_token=raw["access_token"],
        refresh_token=raw["refresh_token"],
        expires_at=int(time.time()),
    )
    assert token.access_token != raw["access_token"]
    assert token.local_cache is None


def test_setting_local_cache_stores_the_token_privately(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    raw = login(emu, credentials)
    token = RefreshingToken(
        credentials,
        access_token=raw["access_token"],
        refresh_token=raw["refresh_token"],
        expires_at=int(time.time()) + 3600,
    )
    target = tmp_path / "new" / "dir" / "oauth.json"
    token.local_cache = target
    assert json.loads(target.read_text())["refresh_token"] == raw["refresh_token"]
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    token.store_token(tmp_path / "copy.json")
    assert token.local_cache == target  # store_token(path) does not move the cache
    assert (tmp_path / "copy.json").stat().st_mode & 0o777 == 0o600


def test_token_file_for_a_subprocess_is_not_readable_by_others(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = token_file(tmp_path / "t" / "oauth.json", login(emu, credentials), expires_in=0)
    os.chmod(path, 0o644)  # e.g. copied in by hand
    token = RefreshingToken.from_file(path, credentials)
    token.access_token  # noqa: B018 - refresh rewrites it
    assert path.stat().st_mode & 0o777 == 0o600
