"""Cookie write-back through a profile store, for each backend (files, a real Redis): the
rules of a cookie file (lock, the fresher copy wins, bursts, never a logged-out jar) hold
for a cookie login shared by several machines through Redis."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from ytsession import CookieAuth, Profile, Session, YouTubeCookies
from ytsession import store as stores
from ytsession.errors import StoreLockLostError
from ytsession.store import StoreItem
from ytsession.store.profiles import KIND_COOKIES, ProfileSettings
from ytsession.testing import Emulator
from ytsession.testing.services.cookies import ROTATING_COOKIES

from tests._support.redis_support import RedisServer
from tests._support.support import rotate_out_and_keep_calling

BROWSE = {"browseId": "FEwhat_to_watch"}
NAME = "browser"


@pytest.fixture
def cookie_profile(emu: Emulator, store_url: str) -> Iterator[Profile]:
    """A cookie login (``ytsession login --cookies``) in a store of each backend."""
    profile = Profile.named(NAME, store=store_url)
    settings = ProfileSettings(kind=KIND_COOKIES, extra={"account_index": 0})
    profile.save_login(settings, cookies=emu.innertube.cookies.cookies_txt())
    yield profile
    profile.store.close()


def stored_jar(store_url: str) -> YouTubeCookies:
    """What another machine reads from the store now (a connection of its own)."""
    with stores.open_store(store_url) as store:
        return YouTubeCookies.from_store(store, NAME, write_back=False)


def stored_text(store_url: str) -> str | None:
    with stores.open_store(store_url) as store:
        return store.read(NAME, stores.COOKIES)


def session_for(emu: Emulator, profile: Profile, **options: object) -> tuple[Session, CookieAuth]:
    cookies = profile.load_cookies()
    cookies.write_back_interval = 0.0
    auth = CookieAuth(
        cookies,
        host_aliases={f"127.0.0.1:{emu.port}": "www.youtube.com"},
        **options,  # type: ignore[arg-type]
    )
    return Session.create(auth=auth, base_url=emu.url, cache=False), auth


@pytest.mark.slow
def test_rotated_cookies_are_written_back_to_the_store(
    emu: Emulator, cookie_profile: Profile, store_url: str
) -> None:
    session, auth = session_for(emu, cookie_profile)
    with session:
        emu.innertube.cookies.rotate()
        session.call("browse", BROWSE)
    browser = emu.innertube.cookies.browser_cookies()
    rotated = [name for name in ROTATING_COOKIES if name in browser]
    assert rotated
    jar = stored_jar(store_url)
    assert jar.is_logged_in()
    for name in rotated:
        assert jar.get(name) == browser[name] == auth.cookies.get(name)
    assert not auth.cookies.changed_on_disk()  # what was written is what it holds


def test_a_redis_cookie_login_is_read_from_and_written_to_redis(
    emu: Emulator, redis_server: RedisServer
) -> None:
    profile = Profile.named(NAME, store=redis_server.url)
    settings = ProfileSettings(kind=KIND_COOKIES, extra={"account_index": 0})
    profile.save_login(settings, cookies=emu.innertube.cookies.cookies_txt())
    cookies = profile.load_cookies()
    assert isinstance(cookies.home, StoreItem) and cookies.path is None
    assert "field cookies" in cookies.home.describe()
    update = cookies.apply_set_cookie(
        "https://www.youtube.com/", ["SIDCC=rotated; Domain=.youtube.com; Path=/"]
    )
    assert update.saved
    stored = redis_server.client().hget("ytsession:profile:browser:data", "cookies")
    assert isinstance(stored, str) and "\tSIDCC\trotated" in stored
    profile.store.close()


_MACHINE_A = textwrap.dedent(
    """
    import sys
    from ytsession import CookieAuth, Profile, Session

    store, emulator, port = sys.argv[1:4]
    cookies = Profile.named("browser", store=store).load_cookies()
    cookies.write_back_interval = 0
    if emulator == "-":  # an answer that sets a cookie the server does not judge
        update = cookies.apply_set_cookie(
            "https://www.youtube.com/", ["PREF=machine-a; Domain=.youtube.com; Path=/"]
        )
        print("saved" if update.saved else "not saved")
    else:  # a signed call whose answer rotates the login cookies
        auth = CookieAuth(cookies, host_aliases={f"127.0.0.1:{port}": "www.youtube.com"})
        with Session.create(auth=auth, base_url=emulator, cache=False) as session:
            session.call("browse", {"browseId": "FEwhat_to_watch"})
        print("saved" if not cookies.changed_on_disk() else "not saved")
    """
)


def run_machine_a(store_url: str, emu: Emulator | None) -> None:
    """Another machine: a process of its own, with its own connection to the store."""
    args = [store_url, emu.url, str(emu.port)] if emu is not None else [store_url, "-", "0"]
    machine_a = subprocess.run(
        [sys.executable, "-c", _MACHINE_A, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert machine_a.returncode == 0, machine_a.stderr
    assert machine_a.stdout.strip() == "saved"


@pytest.mark.slow
def test_a_newer_jar_stored_by_another_machine_is_adopted_not_overwritten(
    emu: Emulator, cookie_profile: Profile, store_url: str
) -> None:
    session, auth = session_for(emu, cookie_profile)
    with session:
        session.call("browse", BROWSE)
        run_machine_a(store_url, None)  # machine A stores its jar meanwhile
        stored_by_a = stored_text(store_url)
        emu.innertube.cookies.rotate()
        update_count = emu.innertube.cookies.rotated
        session.call("browse", BROWSE)  # its write-back would clobber machine A's jar
        assert emu.innertube.cookies.rotated == update_count + 1
    assert stored_text(store_url) == stored_by_a
    assert auth.cookies.get("PREF") == "machine-a"  # adopted
    # from the adopted jar on, this machine's changes are stored again, on top of A's
    update = auth.cookies.apply_set_cookie(
        "https://www.youtube.com/", ["SIDCC=machine-b; Domain=.youtube.com; Path=/"]
    )
    assert update.saved and not update.adopted
    jar = stored_jar(store_url)
    assert (jar.get("SIDCC"), jar.get("PREF")) == ("machine-b", "machine-a")
    assert jar.is_logged_in()


@pytest.mark.slow
def test_cookies_another_machine_rotated_are_read_from_the_store(
    emu: Emulator, cookie_profile: Profile, store_url: str
) -> None:
    session, auth = session_for(emu, cookie_profile)
    with session:
        session.call("browse", BROWSE)
        emu.innertube.cookies.rotate()
        run_machine_a(store_url, emu)  # A's call rotated the login: ours are stale now
        refused = len(emu.innertube.cookies.refusals)
        session.call("browse", BROWSE)  # refused once, then signed with A's stored jar
        assert len(emu.innertube.cookies.refusals) == refused + 1
    browser = emu.innertube.cookies.browser_cookies()
    for name in ROTATING_COOKIES:
        if name in browser:
            assert auth.cookies.get(name) == browser[name] == stored_jar(store_url).get(name)


@pytest.mark.slow
def test_a_logged_out_answer_never_overwrites_the_stored_login(
    emu: Emulator, cookie_profile: Profile, store_url: str
) -> None:
    before = stored_text(store_url)
    session, _ = session_for(emu, cookie_profile, stale="warn")
    with session:
        rotate_out_and_keep_calling(emu, session, BROWSE)
    assert stored_text(store_url) == before
    assert stored_jar(store_url).is_logged_in()


def test_a_burst_is_stored_once_then_flushed(
    emu: Emulator, cookie_profile: Profile, store_url: str
) -> None:
    cookies = cookie_profile.load_cookies()
    cookies.write_back_interval = 3600
    url = "https://www.youtube.com/youtubei/v1/browse"
    results = []
    for number in range(4):
        update = cookies.apply_set_cookie(
            url, [f"SIDCC=burst-{number}; Domain=.youtube.com; Path=/"]
        )
        results.append((update.saved, update.pending))
    assert results == [(True, False)] + [(False, True)] * 3
    assert stored_jar(store_url).get("SIDCC") == "burst-0"
    assert cookies.flush() is True
    assert stored_jar(store_url).get("SIDCC") == "burst-3"


def test_a_stored_jar_that_is_logged_out_is_a_typed_error_and_left_alone(
    emu: Emulator, cookie_profile: Profile, store_url: str
) -> None:
    from ytsession.errors import CookieFileChangedError

    cookies = cookie_profile.load_cookies()
    cookies.write_back_interval = 0
    logged_out = "# Netscape HTTP Cookie File\n.youtube.com\tTRUE\t/\tFALSE\t0\tPREF\tf6=4\n"
    with stores.open_store(store_url) as other:
        other.write(NAME, {stores.COOKIES: logged_out})
    with pytest.raises(CookieFileChangedError, match="newer export") as caught:
        cookies.apply_set_cookie(
            "https://www.youtube.com/", ["SIDCC=late; Domain=.youtube.com; Path=/"]
        )
    assert "not logged in" in str(caught.value)
    assert stored_text(store_url) == logged_out


def test_a_cookie_write_back_under_a_lost_lock_never_clobbers_newer_cookies(
    redis_server: RedisServer,
) -> None:
    store = stores.open_store(redis_server.url)
    store.write("p", {stores.COOKIES: "old"})
    stale = stores.StoreLock(profile="p", fence=1, lease=1, owner="1:gone")
    # Nobody holds the lock and nobody wrote the cookies since: the write goes through.
    store.write(
        "p", {stores.COOKIES: "mine"}, lock=stale, expect_token="old", expect_item=stores.COOKIES
    )
    assert store.read("p", stores.COOKIES) == "mine"
    # Another machine stored newer cookies meanwhile: refused, the newer ones stay.
    store.write("p", {stores.COOKIES: "newer"})
    with pytest.raises(StoreLockLostError):
        store.write(
            "p",
            {stores.COOKIES: "stale"},
            lock=stale,
            expect_token="mine",
            expect_item=stores.COOKIES,
        )
    assert store.read("p", stores.COOKIES) == "newer"
    store.close()


_WRITER = textwrap.dedent(
    """
    import sys
    from ytsession import Profile

    store, me = sys.argv[1:3]
    cookies = Profile.named("browser", store=store).load_cookies()
    cookies.write_back_interval = 0
    print("ready", flush=True)
    sys.stdin.readline()  # every machine has read the same jar: go
    for n in range(5):
        update = cookies.apply_set_cookie(
            "https://www.youtube.com/", [f"SIDCC={me}-{n}; Domain=.youtube.com; Path=/"]
        )
        print(f"{me}-{n}", "saved" if update.saved else "adopted" if update.adopted else "kept")
    """
)


@pytest.mark.slow
def test_machines_writing_back_at_once_store_or_adopt_never_clobber(
    cookie_profile: Profile, store_url: str
) -> None:
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, store_url, f"m{number}"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for number in range(4)
    ]
    for writer in writers:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready"
    for writer in writers:  # all at once
        assert writer.stdin is not None
        writer.stdin.write("go\n")
        writer.stdin.flush()
    outcomes: dict[str, str] = {}
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
        assert "could not write" not in err  # no lock timeout, no refused write
        outcomes.update(line.split() for line in out.splitlines())
    assert len(outcomes) == 20 and set(outcomes.values()) <= {"saved", "adopted"}
    # all four read the same jar: the first to take the lock stores its change, the other
    # three find a newer jar stored and adopt it instead of writing over it
    firsts = sorted(outcomes[f"m{number}-0"] for number in range(4))
    assert firsts == ["adopted", "adopted", "adopted", "saved"]
    jar = stored_jar(store_url)
    assert jar.is_logged_in()
    assert outcomes[str(jar.get("SIDCC"))] == "saved"  # the last write, on a jar it had read
