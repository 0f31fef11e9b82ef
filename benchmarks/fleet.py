"""A fleet's costs: a refresh through the Redis store against one through the file store,
and how long the others wait after a lock holder is killed mid-refresh.

- ``refresh``: the median wall time of a forced refresh (lock, token request to the
  emulator, fenced write, release) through a file store and through a Redis store, and
  their ratio;
- ``takeover``: a holder process is killed (``SIGKILL``) while the token server holds its
  refresh open; the time from the kill to another process's taking the lock (the lease,
  3 s by default, plus the waiter's polling).

Starts its own ``redis-server`` and emulator on loopback; every loop is bounded; printed,
not enforced. Usage: ``python benchmarks/fleet.py [--refreshes N]``.
"""

from __future__ import annotations

import argparse
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ytsession import OAuthCredentials, OAuthEndpoints, Profile, RefreshingToken
from ytsession.store import open_store
from ytsession.store.profiles import ProfileSettings
from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

#: A process that holds the profile's lock through a forced refresh (held open by the server).
HOLDER = """
import sys
from ytsession import Profile
Profile.named("bench", store=sys.argv[1]).refreshing_token().refresh(force=True)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def redis_server(directory: Path) -> Iterator[str]:
    """:return: the URL of a fresh ``redis-server`` (no persistence) on loopback."""
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("benchmarks/fleet.py needs redis-server (apt-get install redis-server)")
    port = _free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(directory)],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)


def logged_in(emu: Emulator, credentials: OAuthCredentials, store: str) -> Profile:
    code = credentials.get_code()
    emu.google.approve(code["user_code"])
    token = RefreshingToken.from_login_answer(
        credentials, credentials.token_from_code(code["device_code"])
    )
    profile = Profile.named("bench", store=store)
    profile.save_login(ProfileSettings.of_client(credentials), token=token.as_dict())
    return profile


def refresh_time(profile: Profile, refreshes: int) -> float:
    """:return: the median seconds of a forced refresh of ``profile``."""
    token = profile.refreshing_token()
    times = []
    for _ in range(refreshes):
        start = time.perf_counter()
        token.refresh(force=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def takeover_time(emu: Emulator, store: str) -> float:
    """:return: seconds from killing a holder mid-refresh to another's taking the lock."""
    emu.inject_delay("/token", 30)
    seen = len(emu.requests_to("/token"))
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, store], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while len(emu.requests_to("/token")) == seen and time.monotonic() < deadline:
        time.sleep(0.01)
    holder.send_signal(signal.SIGKILL)
    holder.wait(10)
    killed = time.monotonic()
    with open_store(store) as opened, opened.lock("bench", timeout=30):
        took = time.monotonic() - killed
    emu.clear_faults()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refreshes", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Emulator() as emu, redis_server(Path(tmp)) as url:
        emu.google.poll_interval = 0
        credentials = OAuthCredentials(
            EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, endpoints=OAuthEndpoints.under(emu.url)
        )
        files = refresh_time(logged_in(emu, credentials, str(Path(tmp) / "home")), args.refreshes)
        redis = refresh_time(logged_in(emu, credentials, url), args.refreshes)
        print(f"refresh, file store:  {files * 1000:7.1f} ms (median of {args.refreshes})")
        print(f"refresh, Redis store: {redis * 1000:7.1f} ms ({redis / files:.2f}x the file store)")
        took = takeover_time(emu, url)
        print(f"takeover after a killed holder: {took:.2f} s (lease 3 s; target < 5 s)")


if __name__ == "__main__":
    main()
