"""Shared fixtures: a loopback emulator per test, private profile homes, a Redis server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from ytsession import OAuthCredentials, OAuthEndpoints, _secrets
from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

from tests._support.redis_support import RedisServer

# Property-based tests (tests/unit/test_parsers_fuzz.py): a quick run locally; in CI
# (HYPOTHESIS_PROFILE=ci, set by .ci/run) at least 10,000 examples across the parsers,
# derandomized so that every CI run tries the same inputs.
_FUZZ_HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "ci",
    max_examples=900,
    deadline=None,
    derandomize=True,
    print_blob=True,
    database=None,
    suppress_health_check=_FUZZ_HEALTH,
)
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=_FUZZ_HEALTH)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _secrets_of_this_test_only() -> Iterator[None]:
    """Forget the secrets a test registered once it ends.

    The registry that scrubs messages is process-wide by design; without this, a value one
    test registers (a fuzzed token, a CLI argument taken for a secret) hides that text in the
    messages of every later test, and what a test sees depends on the order the tests run in.
    """
    with _secrets._lock:
        before = list(_secrets._known)
    yield
    with _secrets._lock:
        _secrets._known.clear()
        _secrets._known.update(dict.fromkeys(before))
        _secrets._dirty = True


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator on 127.0.0.1 that answers device-code polls at once."""
    with Emulator() as emulator:
        emulator.google.poll_interval = 0
        yield emulator
        assert emulator.internal_errors == [], "the emulator itself failed"


@pytest.fixture
def cookie_file(tmp_path: Path, emu: Emulator) -> Path:
    """The emulated browser's cookies, exported as a cookies.txt by an extension."""
    path = tmp_path / "export" / "cookies.txt"
    path.parent.mkdir()
    path.write_text(emu.innertube.cookies.cookies_txt())
    path.chmod(0o600)
    return path


@pytest.fixture
def credentials(emu: Emulator) -> OAuthCredentials:
    """OAuth credentials of the emulator's test client."""
    return OAuthCredentials(
        EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, endpoints=OAuthEndpoints.under(emu.url)
    )


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private YTSESSION_HOME for the test (and its subprocesses)."""
    directory = tmp_path / "home"
    monkeypatch.setenv("YTSESSION_HOME", str(directory))
    monkeypatch.delenv("YTSESSION_PROFILE", raising=False)
    return directory


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server on a free loopback port, in a temporary directory."""
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["file", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A store URL of each backend: a directory, and a real redis-server."""
    if request.param == "file":
        yield (tmp_path / "store").as_uri()
        return
    directory = tmp_path / "redis"
    directory.mkdir()
    server = RedisServer(directory)
    server.start()
    try:
        yield server.url + "?lease=2"
    finally:
        server.stop()
