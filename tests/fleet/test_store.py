"""One profile store interface, two backends: the same story against files and real Redis."""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from ytsession import (
    NetworkError,
    OAuthCredentials,
    Profile,
    RefreshingToken,
    Session,
    TokenFileError,
)
from ytsession import store as stores
from ytsession.cli.commands.profiles import profile_rows
from ytsession.errors import (
    LockTimeoutError,
    NotLoggedInError,
    StoreAuthError,
    StoreDataError,
    StoreLockLostError,
    StoreUnreachableError,
)
from ytsession.store.profiles import ProfileSettings, list_profiles
from ytsession.testing import Emulator

from tests._support.redis_support import RedisServer, free_port
from tests._support.support import login
from tests.fleet.test_fleet import machine_env, run


def _stored_login(emu: Emulator, credentials: OAuthCredentials, profile: Profile) -> dict[str, Any]:
    token = RefreshingToken.from_login_answer(credentials, login(emu, credentials))
    profile.save_login(ProfileSettings.of_client(credentials), token=token.as_dict())
    return dict(token.as_dict())


def test_a_login_is_stored_listed_read_and_deleted(
    emu: Emulator, credentials: OAuthCredentials, store_url: str
) -> None:
    profile = Profile.named("cron", store=store_url)
    assert not profile.exists() and list_profiles(store=store_url) == []
    with pytest.raises(NotLoggedInError, match="cron"):
        profile.load_settings()
    stored = _stored_login(emu, credentials, profile)

    again = Profile.named("cron", store=store_url)  # another process, in effect
    assert again.exists() and list_profiles(store=store_url) == ["cron"]
    assert again.load_token() == stored
    assert again.load_settings().client_id == credentials.client_id
    assert again.kind().name == "oauth"

    again.delete()
    assert list_profiles(store=store_url) == [] and not profile.exists()


def test_items_are_written_together_and_removed_by_none(store_url: str) -> None:
    with stores.open_store(store_url) as store:
        store.write("p", {stores.PO_TOKENS: '{"tokens": []}', stores.SESSION_CACHE: "{}"})
        assert store.profiles() == []  # no settings: not a profile yet
        store.write("p", {stores.SETTINGS: '{"kind": "cookies"}'})
        assert store.profiles() == ["p"]
        assert store.read_many("p", (stores.PO_TOKENS, stores.TOKEN)) == {
            stores.PO_TOKENS: '{"tokens": []}',
            stores.TOKEN: None,
        }
        store.write("p", {stores.PO_TOKENS: None})
        assert store.read("p", stores.PO_TOKENS) is None
        assert store.read("p", stores.SESSION_CACHE) == "{}"


@pytest.mark.slow
def test_two_processes_refreshing_at_once_refresh_once_with_rotation(
    emu: Emulator, credentials: OAuthCredentials, store_url: str
) -> None:
    emu.google.rotate_refresh_tokens = True
    profile = Profile.named("cron", store=store_url)
    stored = _stored_login(emu, credentials, profile)
    stored["expires_at"] = int(time.time()) + 10  # within the refresh margin
    profile.store.write("cron", {stores.TOKEN: json.dumps(stored)})
    results: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            # Each worker opens its own store, as a separate process on another machine would.
            token = Profile.named("cron", store=store_url).refreshing_token()
            results.append(token.access_token)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert len(set(results)) == 1 and emu.google.access_token_valid(results[0])
    assert emu.google.refresh_count == 1 and emu.google.replay_count == 0
    stored = Profile.named("cron", store=store_url).load_token()
    assert stored["access_token"] == results[0]


@pytest.mark.slow
def test_status_and_profiles_show_when_the_token_was_last_refreshed_and_by_which_host(
    emu: Emulator, credentials: OAuthCredentials, store_url: str, tmp_path: Path
) -> None:
    profile = Profile.named("fleet", store=store_url)
    _stored_login(emu, credentials, profile)
    env = machine_env(tmp_path / "m", store_url)
    logged_in = json.loads(run(env, "status", "--offline", "--json").stdout)
    time.sleep(1.1)  # shown to the second
    before = time.time()
    profile.refreshing_token().refresh(force=True)
    after = time.time()
    status = json.loads(run(env, "status", "--offline", "--json").stdout)
    (row,) = json.loads(run(env, "profiles", "--json").stdout)
    words = run(env, "status", "--offline").stdout
    at = datetime.fromisoformat(status["refreshed_at"]).timestamp()
    assert before - 1 <= at <= after + 1
    assert at > datetime.fromisoformat(logged_in["refreshed_at"]).timestamp()
    # Redis records the writer's host with the token; a file store has no host to record
    host = socket.gethostname() if store_url.startswith("redis") else None
    assert status["refreshed_by"] == host
    assert (row["refreshed_at"], row["refreshed_by"]) == (status["refreshed_at"], host)
    shown = datetime.fromtimestamp(at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    by = f" by {host}" if host else ""
    assert re.search(rf"^last refresh +{re.escape(shown + by)}$", words, re.M), words


def test_a_corrupt_token_is_reported_and_never_overwritten(
    emu: Emulator, credentials: OAuthCredentials, store_url: str
) -> None:
    profile = Profile.named("cron", store=store_url)
    _stored_login(emu, credentials, profile)
    profile.store.write("cron", {stores.TOKEN: '{"access_token": '})
    with pytest.raises(TokenFileError, match="not valid JSON"):
        profile.load_token()
    with pytest.raises(TokenFileError):
        profile.check_replaceable()
    assert profile.store.read("cron", stores.TOKEN) == '{"access_token": '


@pytest.mark.slow
def test_the_lock_excludes_other_holders(store_url: str) -> None:
    first, second = stores.open_store(store_url), stores.open_store(store_url)
    order: list[str] = []
    with first.lock("p"):
        waiter = threading.Thread(target=lambda: _hold(second, order))
        waiter.start()
        time.sleep(0.3)
        order.append("first done")
    waiter.join(10)
    assert order == ["first done", "second"]
    with (
        pytest.raises(LockTimeoutError, match="held the lock"),
        first.lock("p"),
        second.lock("p", timeout=0.2),
    ):
        pass


def _hold(store: stores.ProfileStore, order: list[str]) -> None:
    with store.lock("p"):
        order.append("second")


@pytest.mark.slow
def test_session_from_profile_takes_a_store(
    emu: Emulator, credentials: OAuthCredentials, store_url: str
) -> None:
    _stored_login(emu, credentials, Profile.named("tv", store=store_url))
    with Session.from_profile("tv", store=store_url, base_url=emu.url) as session:
        answer = session.call("account/account_menu")
    assert answer


# --- Redis only -------------------------------------------------------------------------


@pytest.mark.slow
def test_a_killed_holder_loses_the_lock_after_its_lease(redis_server: RedisServer) -> None:
    store = stores.open_store(redis_server.url + "?lease=1")
    client = redis_server.client()
    client.set("ytsession:profile:p:lock", "7:dead-holder", px=1000)  # never renewed
    started = time.monotonic()
    with store.lock("p") as held:
        waited = time.monotonic() - started
        assert held.fence >= 1 and held.lease == 1
    assert 0.5 <= waited <= 2.5
    assert client.get("ytsession:profile:p:lock") is None  # released


@pytest.mark.slow
def test_a_live_holder_keeps_its_lock_past_the_lease(redis_server: RedisServer) -> None:
    first = stores.open_store(redis_server.url + "?lease=0.5")
    second = stores.open_store(redis_server.url + "?lease=0.5")
    with first.lock("p") as held:
        time.sleep(1.5)  # three leases: renewed meanwhile
        with pytest.raises(LockTimeoutError, match="held the lock"), second.lock("p", timeout=0.3):
            pass
        first.write("p", {stores.TOKEN: "{}"}, lock=held, expect_token=None)
    assert first.read("p", stores.TOKEN) == "{}"


def test_a_write_under_a_lost_lock_never_clobbers_a_newer_token(
    redis_server: RedisServer,
) -> None:
    store = stores.open_store(redis_server.url)
    client = redis_server.client()
    store.write("p", {stores.TOKEN: "old"})
    stale = stores.StoreLock(profile="p", fence=1, lease=1, owner="1:gone")
    # Nobody holds the lock and nobody wrote since: the holder's answer is kept.
    store.write("p", {stores.TOKEN: "mine"}, lock=stale, expect_token="old")
    assert store.read("p", stores.TOKEN) == "mine"
    # Another process wrote a newer token meanwhile: refused, the newer one stays.
    store.write("p", {stores.TOKEN: "newer"})
    with pytest.raises(StoreLockLostError, match="lock ran out"):
        store.write("p", {stores.TOKEN: "stale"}, lock=stale, expect_token="mine")
    # Another process holds the lock now: refused too.
    client.set("ytsession:profile:p:lock", "2:other", px=10_000)
    with pytest.raises(StoreLockLostError):
        store.write("p", {stores.TOKEN: "stale"}, lock=stale, expect_token="newer")
    assert store.read("p", stores.TOKEN) == "newer"
    # The record of the last refresh went with the newer token; the refused writes left it.
    stamp = client.hget("ytsession:profile:p:data", "refreshed")
    store.write("p", {stores.TOKEN: "newer"})
    assert client.hget("ytsession:profile:p:data", "refreshed") != stamp
    stamp = client.hget("ytsession:profile:p:data", "refreshed")
    with pytest.raises(StoreLockLostError):
        store.write("p", {stores.TOKEN: "stale"}, lock=stale, expect_token="newer")
    assert client.hget("ytsession:profile:p:data", "refreshed") == stamp


def test_a_key_of_the_wrong_shape_is_a_typed_error_and_left_alone(
    redis_server: RedisServer,
) -> None:
    client = redis_server.client()
    client.set("ytsession:profile:p:data", "not a hash")
    store = stores.open_store(redis_server.url)
    with pytest.raises(StoreDataError, match="ytsession:profile:p:data"):
        store.read("p", stores.TOKEN)
    with pytest.raises(StoreDataError):
        store.write("p", {stores.TOKEN: "{}"})
    assert client.get("ytsession:profile:p:data") == "not a hash"


def test_refused_credentials_and_an_unreachable_store_are_typed(tmp_path: Path) -> None:
    server = RedisServer(tmp_path, password="s3cret-redis-pw")
    server.start()
    try:
        wrong = server.url.replace("s3cret-redis-pw", "wrong-pw-4711")
        store = stores.open_store(wrong)
        with pytest.raises(StoreAuthError) as refused:
            store.read("p", stores.TOKEN)
        assert "wrong-pw-4711" not in str(refused.value) and "***" in str(refused.value)
        assert "wrong-pw-4711" not in repr(store)
        good = stores.open_store(server.url)
        assert good.read("p", stores.TOKEN) is None
        assert "s3cret-redis-pw" not in repr(good) + good.url
    finally:
        server.stop()
    with pytest.raises(StoreUnreachableError) as unreachable:
        stores.open_store(server.url).read("p", stores.TOKEN)
    assert isinstance(unreachable.value, NetworkError)
    assert "s3cret-redis-pw" not in str(unreachable.value)


def test_a_password_given_as_a_query_parameter_is_never_shown(tmp_path: Path) -> None:
    """redis-py also takes the password as ``?password=``: it works, and stays out of the
    URL, repr and errors like one in the user part."""
    server = RedisServer(tmp_path, password="q-s3cret/pw")
    server.start()
    try:
        base = f"redis://127.0.0.1:{server.port}/0?prefix=q:&password="
        good = stores.open_store(base + "q-s3cret%2Fpw")
        good.write("p", {stores.TOKEN: "{}"})
        assert good.read("p", stores.TOKEN) == "{}"
        assert good.url == f"redis://127.0.0.1:{server.port}/0?prefix=q:&password=***"
        assert "s3cret" not in repr(good) + good.where("p", stores.TOKEN)
        wrong = stores.open_store(base + "wrong-q-pw-4711")
        with pytest.raises(StoreAuthError) as refused:
            wrong.read("p", stores.TOKEN)
        assert "wrong-q-pw-4711" not in str(refused.value) + repr(wrong)
        assert "password=***" in str(refused.value)
    finally:
        server.stop()


def test_store_urls() -> None:
    assert isinstance(stores.open_store("/tmp/x"), stores.FileStore)
    assert stores.open_store("file:///tmp/x").url == "file:///tmp/x"
    port = free_port()
    redis_store = stores.open_store(f"rediss://me:pw@127.0.0.1:{port}/3?prefix=fleet:&lease=5")
    assert redis_store.url == f"rediss://me:***@127.0.0.1:{port}/3?prefix=fleet:&lease=5"
    assert "pw" not in repr(redis_store).replace("***", "")
    with pytest.raises(Exception, match="not usable"):
        stores.open_store("ftp://example.org/")
    with pytest.raises(Exception, match="lease"):
        stores.open_store("redis://127.0.0.1:1/0?lease=-1")


def test_everything_of_a_profile_is_under_one_prefix(
    emu: Emulator, credentials: OAuthCredentials, redis_server: RedisServer
) -> None:
    url = redis_server.url + "?prefix=fleet:"
    profile = Profile.named("cron", store=url)
    _stored_login(emu, credentials, profile)
    token = profile.refreshing_token()
    token.refresh(force=True)
    keys = sorted(redis_server.client().keys("*"))
    assert keys == ["fleet:profile:cron:data", "fleet:profile:cron:fence"]
    data = redis_server.client().hgetall("fleet:profile:cron:data")
    assert set(data) == {"settings", "token", "refreshed"}  # the record of the last refresh
    assert json.loads(data["token"])["access_token"] == token.access_token


def test_a_shared_store_shares_the_session_data_and_caches(
    emu: Emulator, credentials: OAuthCredentials, redis_server: RedisServer
) -> None:
    _stored_login(emu, credentials, Profile.named("tv", store=redis_server.url))
    with Session.from_profile("tv", store=redis_server.url, base_url=emu.url) as first:
        visitor = first.visitor_data
    fetches = len(emu.requests_to("/sw.js_data"))
    # Another machine: nothing on its disk, the session data comes from Redis.
    with Session.from_profile("tv", store=redis_server.url, base_url=emu.url) as second:
        assert second.visitor_data == visitor
    assert len(emu.requests_to("/sw.js_data")) == fetches == 1
    cached = json.loads(redis_server.client().hget("ytsession:profile:tv:data", "session-cache"))
    assert len(cached) == 1


def test_a_json_item_is_updated_by_many_writers_without_losing_entries(
    redis_server: RedisServer,
) -> None:
    def add(n: int) -> None:
        item = stores.StoreItem(stores.open_store(redis_server.url), "shared", stores.PO_TOKENS)
        item.update(lambda data: {**data, f"binding-{n}": {"token": f"t{n}"}})

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    item = stores.StoreItem(stores.open_store(redis_server.url), "shared", stores.PO_TOKENS)
    assert sorted(item.load() or {}) == sorted(f"binding-{n}" for n in range(8))
    redis_server.client().hset("ytsession:profile:shared:data", "po-tokens", "[1, 2]")
    assert item.load() is None  # a cache is never an error


@pytest.mark.slow
def test_a_peertube_login_in_a_store_refreshes_its_rotating_token_once(
    emu: Emulator, store_url: str
) -> None:
    from ytsession.peertube import PeerTubeCredentials, PeerTubeSession
    from ytsession.testing import PEERTUBE_PASSWORD, PEERTUBE_USERNAME

    peertube = PeerTubeCredentials(emu.url)
    token = peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    profile = Profile.named("tube", store=store_url)
    stored = dict(token.as_dict())
    stored["expires_at"] = int(time.time())  # expired: the next use refreshes (and rotates)
    profile.save_login(peertube.profile_settings(PEERTUBE_USERNAME), token=stored)
    names: list[str] = []

    def use() -> None:
        with PeerTubeSession.from_profile("tube", store=store_url) as session:
            names.append(str(session.me()["username"]))

    threads = [threading.Thread(target=use) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert names == [PEERTUBE_USERNAME] * 3  # a second use of a rotated token would fail
    assert profile.load_token()["refresh_token"] != stored["refresh_token"]
    (row,) = [r for r in profile_rows(profile.store) if r["profile"] == "tube"]
    assert row["kind"] == "peertube" and row["account"] == PEERTUBE_USERNAME
    assert row["server"] == emu.url


def test_a_redis_store_marks_an_unsaved_rotated_token_the_way_files_do(
    emu: Emulator, redis_server: RedisServer
) -> None:
    """A refresh whose rotated refresh token cannot be written leaves the "unsaved" mark in
    Redis (as `oauth.json.unsaved` beside a file): other processes refuse to spend the
    stored refresh token, and the next successful write removes the mark."""
    from ytsession import PeerTubeCredentials, StoreError
    from ytsession.testing import PEERTUBE_PASSWORD, PEERTUBE_USERNAME

    peertube = PeerTubeCredentials(emu.url)
    raw = dict(peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD))
    expiring = {**raw, "expires_at": int(time.time()), "expires_in": 3600}
    admin = stores.open_store(redis_server.url)
    admin.write("p", {stores.TOKEN: json.dumps(tokenfile_keys(expiring))})
    # A user who may read everything but write only the lock keys and the marks: every
    # write of the token fails in Redis itself, as on a store out of memory.
    redis_server.client().execute_command(
        "ACL", "SETUSER", "jobs", "on", ">jobs-pw", "+@all", "%R~*",
        "%RW~ytsession:profile:p:lock", "%RW~ytsession:profile:p:fence",
        "%RW~ytsession:profile:p:unsaved",
    )  # fmt: skip
    limited = stores.open_store(redis_server.url.replace("redis://", "redis://jobs:jobs-pw@"))
    token = RefreshingToken(
        peertube, stores.StoreTokenCache(limited, "p"), **tokenfile_keys(expiring)
    )
    with pytest.raises(StoreError):
        token.refresh()
    assert emu.peertube.refresh_count == 1
    assert admin.is_unsaved("p", stores.TOKEN)
    assert redis_server.client().hget("ytsession:profile:p:unsaved", stores.TOKEN) == "1"

    other = RefreshingToken(
        PeerTubeCredentials(emu.url),
        stores.StoreTokenCache(admin, "p"),
        **tokenfile_keys(expiring),
    )
    with pytest.raises(TokenFileError, match="unsaved"):
        other.refresh()  # does not replay the maybe-revoked refresh token
    assert emu.peertube.refresh_count == 1

    redis_server.client().execute_command("ACL", "SETUSER", "jobs", "%RW~*")
    spent = token.refresh_token  # memory keeps the old token until the new one is stored
    assert token.access_token  # writes the kept token: no second refresh
    assert emu.peertube.refresh_count == 1
    assert not admin.is_unsaved("p", stores.TOKEN)
    stored = json.loads(admin.read("p", stores.TOKEN) or "{}")
    assert stored["refresh_token"] != raw["refresh_token"]
    assert stored["refresh_token"] == token.refresh_token != spent
    limited.close()
    admin.close()


def tokenfile_keys(data: dict[str, Any]) -> dict[str, Any]:
    """:return: the keys of a token file, as the store holds them."""
    keys = ("scope", "token_type", "access_token", "refresh_token", "expires_at", "expires_in")
    return {key: data.get(key, "") for key in keys}
