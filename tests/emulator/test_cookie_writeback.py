"""Writing rotated cookies back: the user's fresher export, logged-out jars, bursts, locks,
redirects between YouTube hosts, and session facts read from the parsed answer."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from ytsession import CookieAuth, Session, YouTubeCookies, _files
from ytsession.errors import CookieFileChangedError, CookiesRefusedError
from ytsession.store import FileItem
from ytsession.testing import Emulator

from tests._support.support import rotate_out_and_keep_calling

BROWSE = {"browseId": "FEwhat_to_watch"}


def auth_for(emu: Emulator, path: Path, **options: object) -> CookieAuth:
    interval = options.pop("interval", 0.0)
    return CookieAuth(
        YouTubeCookies.from_file(path, write_back_interval=interval),  # type: ignore[arg-type]
        host_aliases={f"127.0.0.1:{emu.port}": "www.youtube.com"},
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture
def open_sessions() -> Iterator[list[Session]]:
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        session.close()


def session_for(emu: Emulator, auth: CookieAuth, sessions: list[Session]) -> Session:
    session = Session.create(auth=auth, base_url=emu.url, cache=False)
    sessions.append(session)
    return session


def test_a_logged_out_jar_is_never_written_over_the_export_even_when_warned(
    emu: Emulator, cookie_file: Path, open_sessions: list[Session]
) -> None:
    before = cookie_file.read_bytes()
    session = session_for(emu, auth_for(emu, cookie_file, stale="warn"), open_sessions)
    rotate_out_and_keep_calling(emu, session, BROWSE)
    assert cookie_file.read_bytes() == before


def test_a_fresher_export_on_disk_is_adopted_not_overwritten(
    emu: Emulator, cookie_file: Path, open_sessions: list[Session]
) -> None:
    auth = auth_for(emu, cookie_file)
    session = session_for(emu, auth, open_sessions)
    session.call("browse", BROWSE)
    # the user exports again while the job runs (the browser has moved on meanwhile)
    emu.innertube.cookies.rotate()
    session.call("browse", BROWSE)  # our jar rotated and wrote the file
    pref = ".youtube.com\tTRUE\t/\tFALSE\t0\tPREF\tfresh-export\n"
    fresh = emu.innertube.cookies.cookies_txt() + pref
    cookie_file.write_text(fresh)
    emu.innertube.cookies.rotate()
    session.call("browse", BROWSE)  # the old jar's write-back would clobber the export
    assert cookie_file.read_text() == fresh
    assert auth.cookies.get("PREF") == "fresh-export"  # adopted


def test_a_newer_file_that_cannot_be_used_is_a_typed_error_and_left_alone(
    emu: Emulator, cookie_file: Path, open_sessions: list[Session]
) -> None:
    session = session_for(emu, auth_for(emu, cookie_file), open_sessions)
    session.call("browse", BROWSE)
    logged_out_export = ".youtube.com\tTRUE\t/\tFALSE\t0\tPREF\tf6=4\n"
    cookie_file.write_text("# Netscape HTTP Cookie File\n" + logged_out_export)
    emu.innertube.cookies.rotate()
    with pytest.raises(CookieFileChangedError, match="newer export") as caught:
        session.call("browse", BROWSE)
    assert "not logged in" in str(caught.value)
    assert cookie_file.read_text().endswith(logged_out_export)


def test_a_burst_of_rotations_is_written_once_then_flushed(tmp_path: Path, emu: Emulator) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(emu.innertube.cookies.cookies_txt())
    cookies = YouTubeCookies.from_file(path, write_back_interval=3600)
    writes = []
    url = "https://www.youtube.com/youtubei/v1/browse"
    for number in range(5):
        update = cookies.apply_set_cookie(
            url, [f"SIDCC=value-{number}; Domain=.youtube.com; Path=/"]
        )
        writes.append((update.saved, update.pending))
        if number == 0:
            first = path.read_text()
    assert writes == [(True, False)] + [(False, True)] * 4
    assert path.read_text() == first  # one write for the burst
    assert YouTubeCookies.from_file(path).get("SIDCC") == "value-0"
    assert cookies.flush() is True
    assert YouTubeCookies.from_file(path).get("SIDCC") == "value-4"
    assert cookies.flush() is False  # nothing waits any more


def test_a_pending_write_back_is_done_when_the_interval_ends(tmp_path: Path, emu: Emulator) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(emu.innertube.cookies.cookies_txt())
    cookies = YouTubeCookies.from_file(path, write_back_interval=0.2)
    url = "https://www.youtube.com/"
    cookies.apply_set_cookie(url, ["SIDCC=first; Domain=.youtube.com; Path=/"])
    assert cookies.apply_set_cookie(url, ["SIDCC=second; Domain=.youtube.com; Path=/"]).pending
    timer = cookies._written.timer
    assert timer is not None
    timer.join(timeout=30)
    assert YouTubeCookies.from_file(path).get("SIDCC") == "second"


def _assert_the_write_back_waits(path: Path, value: str, release: Callable[[], None]) -> None:
    """While another holder has the file's lock, a write-back waits without writing; once
    ``release()`` frees the lock, it writes."""
    cookies = YouTubeCookies.from_file(path, write_back_interval=0)
    before = path.read_text()
    done = threading.Event()

    def rotate() -> None:
        cookies.apply_set_cookie(
            "https://www.youtube.com/", [f"SIDCC={value}; Domain=.youtube.com; Path=/"]
        )
        done.set()

    writer = threading.Thread(target=rotate)
    writer.start()
    assert not done.wait(0.5)  # it waits for the lock ...
    assert path.read_text() == before  # ... without writing
    release()
    assert done.wait(30)
    writer.join(30)
    assert YouTubeCookies.from_file(path).get("SIDCC") == value


@pytest.mark.slow
def test_the_write_back_waits_for_another_writers_lock(tmp_path: Path, emu: Emulator) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(emu.innertube.cookies.cookies_txt())
    held, release = threading.Event(), threading.Event()

    def other_writer() -> None:
        with FileItem.foreign(path).locked():  # what another process's write-back takes
            held.set()
            release.wait(30)

    holder = threading.Thread(target=other_writer)
    holder.start()
    assert held.wait(30)
    _assert_the_write_back_waits(path, "locked", release.set)
    holder.join(30)


def test_a_write_back_leaves_only_the_users_file_in_their_folder(
    tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = tmp_path / "cache"
    monkeypatch.setenv(_files.CACHE_DIR_ENV, str(ours))
    folder = tmp_path / "exports"
    folder.mkdir()
    path = folder / "cookies.txt"
    path.write_text(emu.innertube.cookies.cookies_txt())
    cookies = YouTubeCookies.from_file(path, write_back_interval=0)
    update = cookies.apply_set_cookie(
        "https://www.youtube.com/", ["SIDCC=rotated; Domain=.youtube.com; Path=/"]
    )
    assert update.saved and YouTubeCookies.from_file(path).get("SIDCC") == "rotated"
    assert sorted(p.name for p in folder.iterdir()) == ["cookies.txt"]  # no cookies.txt.lock
    (lock,) = (ours / "locks").iterdir()  # the lock lives in our cache directory
    assert lock.name.endswith(".lock") and "cookies" not in lock.name


_LOCK_HOLDER = """
import sys, time
from ytsession.store import FileItem

with FileItem.foreign(sys.argv[1]).locked():
    print("held", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.slow
def test_two_processes_serialize_on_the_lock_of_the_files_real_path(
    tmp_path: Path, emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_files.CACHE_DIR_ENV, str(tmp_path / "cache"))
    path = tmp_path / "cookies.txt"
    path.write_text(emu.innertube.cookies.cookies_txt())
    link = tmp_path / "link-to-cookies.txt"
    link.symlink_to(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", _LOCK_HOLDER, str(link)],  # locks the file through a link
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "held"
        stdin = holder.stdin
        _assert_the_write_back_waits(path, "after", lambda: stdin.write("\n") and stdin.flush())
    finally:
        holder.kill()
        holder.wait()


def test_a_redirect_to_another_youtube_host_is_signed_for_that_host(
    emu: Emulator, cookie_file: Path
) -> None:
    with Emulator() as music:
        auth = CookieAuth(
            YouTubeCookies.from_file(cookie_file),
            host_aliases={
                f"127.0.0.1:{emu.port}": "www.youtube.com",
                f"127.0.0.1:{music.port}": "music.youtube.com",
            },
        )
        music.innertube.cookies.set_cookies(emu.innertube.cookies.browser_cookies())
        http = requests.Session()
        http.auth = auth
        target = f"{music.url}/youtubei/v1/browse"
        emu.inject_error("/go", 307, "", headers={"Location": target})
        body = {"context": {"client": {"clientName": "WEB_REMIX", "clientVersion": "1.0"}}}
        headers = {"X-YouTube-Client-Name": "67", "X-YouTube-Client-Version": "1.0"}
        answer = http.post(f"{emu.url}/go", json=body, headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        assert [r.status_code for r in answer.history] == [307]
        (hop,) = music.requests_to("/youtubei/v1/browse")
        assert hop.header("Cookie") and "SAPISID=" in (hop.header("Cookie") or "")
        assert (hop.header("Authorization") or "").startswith("SAPISIDHASH ")
        assert hop.header("X-Origin") == "https://music.youtube.com"
        assert music.innertube.cookies.refusals == []


def test_session_facts_come_from_the_answers_response_context(
    emu: Emulator, cookie_file: Path, open_sessions: list[Session]
) -> None:
    session = session_for(emu, auth_for(emu, cookie_file), open_sessions)
    session.call("browse", BROWSE)
    # a field elsewhere in the answer that happens to be called loggedOut is not a fact
    emu.inject_error(
        "/youtubei/v1/browse",
        200,
        {
            "responseContext": {"mainAppWebResponseContext": {"loggedOut": False}},
            "contents": {"loggedOut": True, "datasyncId": "999||"},
        },
    )
    session.call("browse", BROWSE)
    assert session.auth is not None
    assert str(session.auth.datasync_id) != "999||"  # type: ignore[attr-defined]
    emu.inject_error(
        "/youtubei/v1/browse",
        200,
        {"responseContext": {"mainAppWebResponseContext": {"loggedOut": True}}},
    )
    with pytest.raises(CookiesRefusedError, match="as logged out"):
        session.call("browse", BROWSE)
