"""Machines whose clocks disagree by seconds share one login through a real Redis: the
expiry of the shared token is measured against the store's clock, not each machine's.

Each "machine" is a process with its own home whose ``time.time()`` runs 10 s ahead of or
behind the true time (the test's, and the token server's). They take turns running
``ytsession token`` (the command line's own entry point: the fast path, then the library
when the token is expiring) on one login whose access tokens live 8 seconds.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from ytsession import OAuthCredentials
from ytsession.store import TOKEN, open_store
from ytsession.testing import Emulator

from tests._support.redis_support import RedisServer
from tests.fleet.test_fleet import again, fleet_login, go, warm
from tests.fleet.test_fleet import machine_env as env

pytestmark = pytest.mark.slow

#: Seconds an access token lives (so it is refreshed in its last 4 seconds).
LIFETIME = 8
#: How far each machine's clock is from the true time (seconds).
SKEWS = (10.0, -10.0)
#: Seconds between two turns, how many turns a machine takes in a row (longer than a
#: half lifetime: each machine both writes the expiry and reads what the other wrote), and
#: how many turns (about three lifetimes in all).
PAUSE = 0.25
BLOCK = 24
TURNS = 96

#: Run before anything else in a machine: its wall clock is shifted, nothing else is.
SHIFT = """
import time as _time
_true_time = _time.time
_time.time = lambda: _true_time() + {skew!r}
"""


def test_machines_with_skewed_clocks_hand_out_live_tokens_and_refresh_once_per_half_life(
    emu: Emulator, credentials: OAuthCredentials, redis_server: RedisServer, tmp_path: Path
) -> None:
    emu.google.token_lifetime = LIFETIME
    emu.google.rotate_refresh_tokens = True
    fleet_login(emu, credentials, redis_server.url)
    machines = [
        warm(env(tmp_path / f"machine{m}", redis_server.url), "token", prelude=SHIFT.format(skew=s))
        for m, s in enumerate(SKEWS)
    ]
    refreshes_before = emu.google.refresh_count
    started = time.monotonic()
    dead: list[tuple[int, float]] = []
    for turn in range(TURNS):
        m = turn // BLOCK % len(machines)
        code, out, err = again([machines[m]])[0]
        assert code == 0, err
        # The server knows the true time: the token handed out must be live there now.
        if not emu.google.access_token_valid(out.strip()):
            dead.append((turn, SKEWS[m]))
        time.sleep(PAUSE)
    elapsed = time.monotonic() - started
    results = go(machines)
    assert [code for code, _, _ in results] == [0] * len(machines)
    refreshes = emu.google.refresh_count - refreshes_before
    half_lives = elapsed / (LIFETIME / 2)
    print(f"{TURNS} turns: {refreshes} refreshes in {elapsed:.1f} s ({half_lives:.1f} half lives)")
    assert dead == [], f"expired tokens handed out (turn, clock skew): {dead}"
    # About one refresh per half lifetime; a machine that trusted its own clock refreshed on
    # nearly every turn (or never, handing out dead tokens).
    assert half_lives / 2 <= refreshes <= half_lives * 1.5 + 2, (refreshes, elapsed)
    assert emu.google.replay_count == 0


def test_a_store_user_refused_time_falls_back_to_the_machines_clock_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    users = {"worker": "on >pw-of-worker resetkeys ~ytsession:* -@all +hmget +hget"}
    server = RedisServer(tmp_path, users=users)
    server.start()
    try:
        url = f"redis://worker:pw-of-worker@127.0.0.1:{server.port}/0"
        with open_store(url) as store, caplog.at_level(logging.WARNING, "ytsession.store"):
            before = time.time()
            now = store.now()
            assert before <= now <= time.time()
            assert store.read("fleet", TOKEN) is None  # the rest works
        assert "refused TIME" in caplog.text and "+time" in caplog.text
        assert "pw-of-worker" not in caplog.text
    finally:
        server.stop()


def test_the_store_clock_is_redis_time(redis_server: RedisServer) -> None:
    with open_store(redis_server.url) as store:
        seconds, micros = redis_server.client().time()
        assert abs(store.now() - (seconds + micros / 1e6)) < 1.0
