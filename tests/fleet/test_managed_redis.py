"""A fleet on a managed Redis: a server that speaks only TLS, with a certificate from its own
authority, requires a client certificate, and lets our worker (an ACL user) touch only our key
prefix and run only the commands the store needs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from ytsession import OAuthCredentials, ProfileError
from ytsession.cli.fast import fresh_token
from ytsession.errors import StoreAuthError
from ytsession.store import open_store
from ytsession.testing import Emulator

from tests._support.paths import REPO
from tests._support.redis_support import Authority, RedisServer
from tests.cli.test_cli import cli_login
from tests.fleet.test_fleet import fleet_login, machine_env, run

ADMIN_PASSWORD = "admin-pw-of-the-service-5150"
WORKER_PASSWORD = "worker/pw+of:the@fleet-8086"
KEY_PASSWORD = "key-pw-of-the-worker-6502"
SECRETS = (ADMIN_PASSWORD, WORKER_PASSWORD, quote(WORKER_PASSWORD, safe=""), KEY_PASSWORD)
PREFIX = "fleet:"


def documented_rules() -> str:
    """The worker's ACL rules as docs/fleet.rst gives them: every command the store sends,
    and those its Lua scripts run (they run under the caller's rights), and nothing else,
    only under our prefix."""
    text = (REPO / "docs" / "fleet.rst").read_text()
    (rules,) = re.findall(r"ACL SETUSER worker (on >PASSWORD .*)", text)
    assert "~reports:* " in rules and "-@all " in rules
    return rules.replace(">PASSWORD", f">{WORKER_PASSWORD}").replace("~reports:*", f"~{PREFIX}*")


class Managed:
    """A managed Redis and the worker's way in."""

    def __init__(self, directory: Path, **server: str) -> None:
        self.authority = Authority.make(directory / "ca", "test-ca-1")
        self.server = RedisServer(
            directory / "redis",
            password=ADMIN_PASSWORD,
            tls=self.authority,
            users={"worker": documented_rules()},
            **server,
        )
        self.worker_cert = self.authority.issue(
            directory / "ca", "worker", key_password=KEY_PASSWORD
        )

    def url(self, **query: str) -> str:
        """The worker's URL: its ACL user, its own client certificate with an encrypted key."""
        return self.server.user_url(
            f"worker:{quote(WORKER_PASSWORD, safe='')}@",
            prefix=PREFIX,
            ssl_certfile=str(self.worker_cert.cert),
            ssl_keyfile=str(self.worker_cert.key),
            ssl_password=KEY_PASSWORD,
            **query,
        )

    def stored_keys(self) -> list[str]:
        with self.server.client() as client:
            return sorted(client.keys("*"))


@pytest.fixture
def managed(tmp_path: Path) -> Iterator[Managed]:
    (tmp_path / "redis").mkdir()
    service = Managed(tmp_path)
    service.server.start()
    try:
        yield service
    finally:
        service.server.stop()


def shows_no_secret(*results: subprocess.CompletedProcess[str]) -> bool:
    said = "".join(result.stdout + result.stderr for result in results)
    return not any(secret in said for secret in SECRETS)


@pytest.mark.slow
def test_login_token_status_and_copy_through_tls_as_an_acl_user(
    emu: Emulator, managed: Managed, tmp_path: Path
) -> None:
    url = managed.url()
    env = machine_env(tmp_path / "m", url)
    login = cli_login(emu, tmp_path / "home", "--store", url, "--profile", "fleet")
    assert login.returncode == 0, login.stderr
    assert managed.stored_keys() == ["fleet:profile:fleet:data"]  # only under the worker's prefix
    outside = open_store(url.replace(f"prefix={PREFIX}", "prefix=other:"))
    with outside, pytest.raises(StoreAuthError, match="refused the request") as refused:
        outside.read("fleet", "token")  # the ACL user is limited to its prefix
    assert not any(secret in str(refused.value) for secret in SECRETS)

    token = run(env, "token")  # the fast path reads the store over TLS
    assert token.returncode == 0, token.stderr
    assert emu.google.access_token_valid(token.stdout.strip())
    assert fresh_token("fleet", store=url) == token.stdout.strip()
    full = run(dict(env, YTSESSION_DEBUG="1"), "token")  # the full command line, logging
    assert full.returncode == 0 and full.stdout == token.stdout, full.stderr

    status = run(env, "status", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["store"].startswith("rediss://worker:***@127.0.0.1:")

    laptop = tmp_path / "laptop"
    out = run(env, "profiles", "copy", "fleet", "--store", url, "--to", str(laptop))
    assert out.returncode == 0, out.stderr
    back = run(
        env, "profiles", "copy", "fleet", "--from", str(laptop), "--to", url, "--as", "spare"
    )
    assert back.returncode == 0, back.stderr
    listed = run(env, "profiles", "--json")
    assert sorted(row["profile"] for row in json.loads(listed.stdout)) == ["fleet", "spare"]
    assert all(key.startswith(PREFIX) for key in managed.stored_keys())
    assert shows_no_secret(login, token, full, status, out, back, listed)


@pytest.mark.slow
def test_a_certificate_from_another_authority_fails_in_one_line(
    emu: Emulator, credentials: OAuthCredentials, managed: Managed, tmp_path: Path
) -> None:
    fleet_login(emu, credentials, managed.url())
    other = Authority.make(tmp_path / "ca-2", "test-ca-2")
    url = managed.url(ssl_ca_certs=str(other.cert))
    env = machine_env(tmp_path / "m", url)
    before = managed.stored_keys()
    laptop = tmp_path / "laptop"
    fleet_login(emu, credentials, str(laptop))
    results = [
        run(env, "token"),
        run(env, "status"),
        run(env, "profiles", "copy", "fleet", "--from", str(laptop), "--to", url, "--as", "x"),
    ]
    for result in results:
        assert result.returncode == 4, result.stderr
        assert result.stdout == "" and result.stderr.count("\n") == 1, result.stderr
        assert "did not prove who it is over TLS" in result.stderr
        assert "ssl_ca_certs" in result.stderr and "Traceback" not in result.stderr
    assert shows_no_secret(*results)
    assert managed.stored_keys() == before  # nothing was written


@pytest.mark.slow
def test_a_certificate_for_another_name_fails_unless_the_url_turns_the_check_off(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    (tmp_path / "redis").mkdir()
    service = Managed(tmp_path, server_names="DNS:redis.invalid")
    service.server.start()
    try:
        env = machine_env(tmp_path / "m", service.url())
        laptop = tmp_path / "laptop"
        fleet_login(emu, credentials, str(laptop))
        refused = run(
            env, "profiles", "copy", "fleet", "--from", str(laptop), "--to", service.url()
        )
        assert refused.returncode == 4 and refused.stderr.count("\n") == 1, refused.stderr
        assert "did not prove who it is over TLS" in refused.stderr
        unchecked = service.url(ssl_check_hostname="false")
        copied = run(env, "profiles", "copy", "fleet", "--from", str(laptop), "--to", unchecked)
        assert copied.returncode == 0, copied.stderr
        assert shows_no_secret(refused, copied)
    finally:
        service.server.stop()


@pytest.mark.slow
def test_a_plain_url_to_the_tls_port_is_refused_and_nothing_is_accepted(
    emu: Emulator, credentials: OAuthCredentials, managed: Managed, tmp_path: Path
) -> None:
    laptop = tmp_path / "laptop"
    fleet_login(emu, credentials, str(laptop))
    plain = f"redis://worker:pw-sent-in-clear@127.0.0.1:{managed.server.port}/0?prefix={PREFIX}"
    env = machine_env(tmp_path / "m", plain)
    results = [
        run(env, "profiles", "copy", "fleet", "--from", str(laptop), "--to", plain),
        run(env, "token"),
    ]
    for result in results:
        assert result.returncode == 4, result.stderr
        assert result.stderr.count("\n") == 1 and "cannot be reached" in result.stderr
        assert "pw-sent-in-clear" not in result.stdout + result.stderr
    assert managed.stored_keys() == []
    with managed.server.client() as client:
        assert client.acl_log() == []  # not even a login attempt reached Redis


def test_tls_options_on_a_plain_url_and_unknown_options_are_refused() -> None:
    with pytest.raises(ProfileError, match="use rediss://") as tls:
        open_store("redis://u:hunter22@127.0.0.1:1/0?ssl_ca_certs=/ca.pem&ssl_password=k3y")
    with pytest.raises(ProfileError, match="unknown option 'ssl_ca_cert'") as typo:
        open_store("rediss://u:hunter22@127.0.0.1:1/0?ssl_ca_cert=/ca.pem&ssl_password=k3y")
    for error in (tls, typo):
        assert "hunter22" not in str(error.value) and "k3y" not in str(error.value)
        assert "ssl_password=***" in str(error.value)


@pytest.mark.slow
def test_no_password_shows_in_urls_reprs_or_errors(managed: Managed, tmp_path: Path) -> None:
    store = open_store(managed.url())
    try:
        assert store.profiles() == []
        shown = store.url + repr(store) + store.where("fleet", "token")
        assert "ssl_password=***" in store.url and "worker:***@" in store.url
        assert not any(secret in shown for secret in SECRETS)
    finally:
        store.close()
    wrong_user = managed.url().replace("worker%2Fpw", "worker%2Fwrong")
    assert wrong_user != managed.url()
    wrong_key = managed.url().replace(KEY_PASSWORD, "not-the-key-pw-1234")
    env = machine_env(tmp_path / "m", "")
    results = [
        run(env, "token", "--store", wrong_user),
        run(env, "status", "--store", wrong_user, "-v"),
        run(env, "token", "--store", wrong_key),
    ]
    assert results[0].returncode == 1 and "refused" in results[0].stderr
    assert results[2].returncode != 0 and "not-the-key-pw-1234" not in results[2].stderr
    for result in results:
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert shows_no_secret(*results)


@pytest.mark.slow
def test_status_and_profiles_show_the_store_the_lock_holder_and_the_fence(
    emu: Emulator, credentials: OAuthCredentials, managed: Managed, tmp_path: Path
) -> None:
    url = managed.url(lease="20")
    fleet_login(emu, credentials, url)
    env = machine_env(tmp_path / "m", url)
    before = json.loads(run(env, "status", "--offline", "--json").stdout)
    assert before["lock"] is None
    with open_store(url) as store, store.lock("fleet"):
        status = run(env, "status", "--offline", "--json")
        listed = run(env, "profiles", "--json")
        words = run(env, "status", "--offline")
    after = run(env, "status", "--offline", "--json")
    held = json.loads(status.stdout)
    assert held["store"].startswith("rediss://worker:***@127.0.0.1:")
    assert held["lock"]["host"] == socket.gethostname() and held["lock"]["pid"] == os.getpid()
    assert 10 < held["lock"]["lease_left"] <= 20 and held["fence"] == before["fence"] + 1
    (row,) = json.loads(listed.stdout)
    assert row["lock"]["pid"] == os.getpid() and row["fence"] == held["fence"]
    assert row["store"] == held["store"]
    assert f"held by {socket.gethostname()} pid {os.getpid()}, " in words.stdout
    assert f"s of lease left (fence {held['fence']})" in words.stdout
    assert json.loads(after.stdout)["lock"] is None
    assert json.loads(after.stdout)["fence"] == held["fence"]
    assert shows_no_secret(status, listed, words, after)

    laptop = tmp_path / "laptop"  # a file store records no holder: no lock fields
    fleet_login(emu, credentials, str(laptop))
    files = json.loads(run(env, "status", "--offline", "--json", "--home", str(laptop)).stdout)
    assert files["store"] and "lock" not in files and "fence" not in files
