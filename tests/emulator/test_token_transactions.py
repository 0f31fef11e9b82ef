"""Token updates are transactions: validate, write, then adopt. A failed write, an unusable
answer or a killed writer never loses a rotated refresh token, never leaves memory ahead of
the file, and never leaves a copy of a live token behind. Real processes, loopback only."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from ytsession import (
    OAuthCredentials,
    OAuthServerError,
    OAuthToken,
    PeerTubeCredentials,
    RefreshingToken,
    TokenFileError,
    _files,
)
from ytsession.errors import InvalidTokenAnswerError
from ytsession.testing import PEERTUBE_PASSWORD, PEERTUBE_USERNAME, Emulator


def _expiring_file(path: Path, raw: dict[str, Any], *, expires_in: int = 3600) -> Path:
    """A token file whose access token is at its expiry, as a cron job would find it."""
    data = {
        "scope": raw.get("scope", ""),
        "token_type": raw.get("token_type", "Bearer"),
        "access_token": raw["access_token"],
        "refresh_token": raw["refresh_token"],
        "expires_at": int(time.time()),
        "expires_in": expires_in,
    }
    path.write_text(json.dumps(data))
    return path


def _temps(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


# --- a failed write ------------------------------------------------------------------------

_FULL_DISK = textwrap.dedent(
    """
    import json, os, resource, signal, sys
    from ytsession import PeerTubeCredentials, RefreshingToken
    from ytsession.errors import TokenWriteError

    url, client_id, client_secret, path = sys.argv[1:]
    token = RefreshingToken.from_file(path, PeerTubeCredentials(url, client_id, client_secret))
    before = token.as_dict()
    # The file-size limit makes every write past 64 bytes fail with EFBIG, as a full disk
    # fails with ENOSPC; the signal the kernel also sends is ignored, as a daemon would.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (64, hard))
    out = {}
    try:
        token.refresh()
    except TokenWriteError as exc:
        out["error"] = type(exc).__name__
        out["message"] = str(exc)
        out["rotated"] = exc.rotated
        out["memory_unchanged"] = token.as_dict() == before
        with open(path) as f:
            out["file_unchanged"] = json.load(f) == before
        out["temps"] = [n for n in os.listdir(os.path.dirname(path)) if n.endswith(".tmp")]
        out["unsaved_refresh_token"] = exc.token.refresh_token
        out["old_refresh_token"] = before["refresh_token"]
    print(json.dumps(out), flush=True)
    sys.stdin.readline()  # the test lets another process try the file meanwhile
    out = {}
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    out["access_token"] = token.access_token  # writes the kept token: no second refresh
    with open(path) as f:
        out["stored"] = json.load(f)
    print(json.dumps(out))
    """
)


@pytest.mark.slow
def test_a_failed_write_changes_neither_file_nor_memory_and_keeps_the_rotated_token(
    emu: Emulator, tmp_path: Path
) -> None:
    peertube = PeerTubeCredentials(emu.url)
    path = _expiring_file(
        tmp_path / "peertube.json", dict(peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD))
    )
    writer = subprocess.Popen(
        [
            *(sys.executable, "-c", _FULL_DISK, emu.url),
            *(peertube.client_id, peertube.client_secret, str(path)),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdin is not None
    out = json.loads(writer.stdout.readline() or "{}")
    # Meanwhile another process finds the file marked: it does not replay the old refresh
    # token (which a replay-detecting server would punish by ending the whole session).
    other = RefreshingToken.from_file(path, PeerTubeCredentials(emu.url))
    with pytest.raises(TokenFileError, match=r"\.unsaved"):
        other.refresh()
    assert emu.peertube.refresh_count == 1
    rest, err = writer.communicate("go\n", timeout=60)
    assert writer.returncode == 0, err
    out.update(json.loads(rest))
    assert not (tmp_path / "peertube.json.unsaved").exists()
    assert out["error"] == "TokenWriteError"
    assert out["memory_unchanged"] and out["file_unchanged"]
    assert out["temps"] == []
    assert out["rotated"] is True
    assert "rotated the refresh token" in out["message"] and ".unsaved" in out["message"]
    new_refresh = out["unsaved_refresh_token"]
    assert new_refresh != out["old_refresh_token"]
    assert new_refresh not in out["message"] and out["old_refresh_token"] not in out["message"]
    # The rotated token was not lost: once the disk had room, it was written without
    # spending a refresh token again, and the instance honours it.
    assert emu.peertube.refresh_count == 1
    assert out["stored"]["refresh_token"] == new_refresh
    assert out["stored"]["access_token"] == out["access_token"]
    assert emu.peertube.refresh_token_valid(new_refresh)
    assert not emu.peertube.refresh_token_valid(out["old_refresh_token"])


# --- unusable answers ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        {"access_token": "at-new-0001", "expires_in": "soon", "refresh_token": "rt-rotated-0001"},
        {"access_token": "at\r\nX-Evil: 1", "expires_in": 60, "refresh_token": "rt-rotated-0001"},
        {"access_token": 42, "refresh_token": "rt-rotated-0001"},
        {"expires_in": 3600, "refresh_token": "rt-rotated-0001"},
        {"access_token": "at-new-0001", "expires_in": 1e300, "refresh_token": "rt-rotated-0001"},
    ],
    ids=["str-lifetime", "header-injection", "int-token", "no-access-token", "huge-lifetime"],
)
@pytest.mark.slow
def test_an_unusable_answer_changes_nothing_but_keeps_a_rotated_refresh_token(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path, answer: dict[str, Any]
) -> None:
    raw = {"access_token": "at-old-0001", "refresh_token": "rt-old-00001", "scope": "s"}
    path = _expiring_file(tmp_path / "oauth.json", raw)
    before = json.loads(path.read_text())
    token = RefreshingToken.from_file(path, credentials)
    emu.inject_error("/token", 200, answer)
    with pytest.raises(InvalidTokenAnswerError) as caught:
        token.refresh()
    assert "127.0.0.1" in str(caught.value)
    stored = json.loads(path.read_text())
    # The access token and its expiry did not change; only the new refresh token is stored,
    # so the next read (still at expiry) refreshes with the NEW refresh token.
    assert stored == {**before, "refresh_token": "rt-rotated-0001"}
    assert token.as_dict() == stored
    assert "rt-rotated-0001" not in str(caught.value)
    assert _temps(tmp_path) == []


def test_an_unusable_answer_without_rotation_changes_nothing(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    raw = {"access_token": "at-old-0001", "refresh_token": "rt-old-00001"}
    path = _expiring_file(tmp_path / "oauth.json", raw)
    before = path.read_bytes()
    token = RefreshingToken.from_file(path, credentials)
    memory = token.as_dict()
    emu.inject_error("/token", 200, b'{"access_token": "a", "expires_in": NaN}')
    with pytest.raises(OAuthServerError, match=r"127\.0\.0\.1.*NaN"):
        token.refresh()
    assert path.read_bytes() == before
    assert token.as_dict() == memory


def test_update_is_all_or_nothing() -> None:
    token = OAuthToken(access_token="at-old-0001", refresh_token="rt-old-00001", expires_in=3600)
    before = token.as_dict()
    with pytest.raises(InvalidTokenAnswerError):
        token.update({"access_token": "at-new-0001", "expires_in": float("inf")})
    assert token.as_dict() == before
    token.update({"access_token": "at-new-0001", "expires_in": 30, "refresh_token": "rt-2-0001"})
    assert (token.access_token, token.refresh_token, token.expires_in) == (
        "at-new-0001",
        "rt-2-0001",
        30,
    )


# --- temporary files of killed writers -----------------------------------------------------


def test_a_stale_temporary_file_is_removed_by_the_next_write(
    credentials: OAuthCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "oauth.json"
    token = RefreshingToken(
        credentials, path, access_token="at-0000001", refresh_token="rt-0000001"
    )
    # What a writer killed between creating and renaming its temporary file leaves behind.
    leftover = tmp_path / ".oauth.json.k1ll3d.tmp"
    leftover.write_text(json.dumps(token.as_dict()))
    os.chmod(leftover, 0o600)
    unrelated = tmp_path / ".cookies.txt.k1ll3d.tmp"
    unrelated.write_text("not ours")
    token.store_token()
    assert not leftover.exists()
    assert unrelated.exists()
    assert json.loads(path.read_text())["refresh_token"] == "rt-0000001"


_STALLED_WRITER = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from ytsession import _files

    def stall(fd):  # test hook: the writer stops where a crash leaves a temporary file
        print("writing", flush=True)
        time.sleep(120)

    os.fsync = stall
    _files.atomic_write_json(Path(sys.argv[1]), {"access_token": "from-the-killed-writer"})
    """
)


def test_a_killed_writers_temporary_file_is_gone_after_the_next_write(tmp_path: Path) -> None:
    path = tmp_path / "oauth.json"
    writer = subprocess.Popen(
        [sys.executable, "-c", _STALLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "writing"
        (temp,) = _temps(tmp_path)
        assert (tmp_path / temp).stat().st_mode & 0o777 == 0o600
        # A live writer's temporary file is left alone by another writer.
        _files.atomic_write_json(path, {"access_token": "second"})
        assert _temps(tmp_path) == [temp]
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert _temps(tmp_path) == [temp]  # what the killed writer left
    _files.atomic_write_json(path, {"access_token": "third"})
    assert _temps(tmp_path) == []
    assert json.loads(path.read_text()) == {"access_token": "third"}


# --- refresh margin and the constructor ----------------------------------------------------


@pytest.mark.parametrize(("lifetime", "margin"), [(3600, 60), (120, 60), (30, 15), (4, 2), (0, 60)])
def test_the_refresh_margin_is_relative_to_the_lifetime(lifetime: int, margin: float) -> None:
    token = OAuthToken(access_token="at-0000001", refresh_token="rt-0000001", expires_in=lifetime)
    assert token.refresh_margin == margin
    token.expires_at = int(time.time()) + margin + 2
    assert not token.is_expiring
    token.expires_at = int(time.time()) + margin - 1
    assert token.is_expiring


def test_the_cache_path_is_positional_as_in_ytmusicapi(
    credentials: OAuthCredentials, tmp_path: Path
) -> None:
    import inspect

    from ytmusicapi.auth.oauth.token import RefreshingToken as YTMusicToken

    theirs = list(inspect.signature(YTMusicToken).parameters)[:2]
    ours = list(inspect.signature(RefreshingToken).parameters)[:2]
    assert theirs == ["credentials", "_local_cache"] and ours[0] == "credentials"
    fields = {"access_token": "at-0000001", "refresh_token": "rt-0000001", "expires_at": 1}
    for token in (
        RefreshingToken(credentials, tmp_path / "a.json", **fields),
        RefreshingToken(credentials, local_cache=tmp_path / "a.json", **fields),
        RefreshingToken(credentials=credentials, _local_cache=tmp_path / "a.json", **fields),
    ):
        assert token.local_cache == tmp_path / "a.json"
