"""A fleet of processes sharing one short-lived, rotating PeerTube token: the refresh margin
relative to the lifetime lets every call succeed with a few refreshes per lifetime.

The tokens live 6 seconds instead of 30 so that the run takes seconds, not minutes; every
other proportion (margin = half the lifetime, calls spread over two lifetimes) is the same.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ytsession import PeerTubeCredentials
from ytsession.testing import PEERTUBE_PASSWORD, PEERTUBE_USERNAME, Emulator

pytestmark = pytest.mark.slow

LIFETIME = 6.0
PROCESSES = 8
CALLS = 50
PAUSE = 2 * LIFETIME / CALLS  # each process calls over about two lifetimes

_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ytsession import PeerTubeCredentials, PeerTubeSession, RefreshingToken, YTSessionError

    url, client_id, client_secret, path, barrier, index, calls, pause = sys.argv[1:]
    token = RefreshingToken.from_file(path, PeerTubeCredentials(url, client_id, client_secret))
    Path(barrier, f"ready-{index}").touch()
    deadline = time.time() + 60
    while len(list(Path(barrier).iterdir())) < 8 and time.time() < deadline:
        time.sleep(0.01)
    ok, failed = 0, []
    with PeerTubeSession(token) as session:
        for _ in range(int(calls)):
            try:
                session.me()
                ok += 1
            except YTSessionError as exc:
                failed.append(f"{type(exc).__name__}: {exc}")
            time.sleep(float(pause))
    print(json.dumps({"ok": ok, "failed": failed}))
    """
)


def test_eight_processes_share_a_short_lived_rotating_token_without_a_failed_call(
    emu: Emulator, tmp_path: Path
) -> None:
    emu.peertube.access_token_lifetime = LIFETIME
    peertube = PeerTubeCredentials(emu.url)
    path = tmp_path / "peertube.json"
    peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD, to_file=path)
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    refreshes_before = emu.peertube.refresh_count
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [
                *(sys.executable, "-c", _WORKER, emu.url),
                *(peertube.client_id, peertube.client_secret, str(path), str(barrier)),
                *(str(index), str(CALLS), str(PAUSE)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(PROCESSES)
    ]
    results = [worker.communicate(timeout=150) for worker in workers]
    elapsed = time.monotonic() - started
    assert [w.returncode for w in workers] == [0] * PROCESSES, [err for _, err in results]
    answers = [json.loads(out) for out, _ in results]
    assert [a["failed"] for a in answers] == [[]] * PROCESSES
    assert sum(a["ok"] for a in answers) == PROCESSES * CALLS
    refreshes = emu.peertube.refresh_count - refreshes_before
    lifetimes = elapsed / LIFETIME
    print(
        f"{PROCESSES}x{CALLS} calls: {refreshes} refreshes in {elapsed:.1f} s "
        f"({lifetimes:.1f} lifetimes)"
    )
    # Half-life margin: about two refreshes per lifetime, whatever the number of processes
    # (a fixed 60-s margin refreshed on every call: 400 refreshes here).
    assert 1 <= refreshes <= 3 * (lifetimes + 1), (refreshes, elapsed)
    stored = json.loads(path.read_text())
    assert emu.peertube.refresh_token_valid(stored["refresh_token"])
