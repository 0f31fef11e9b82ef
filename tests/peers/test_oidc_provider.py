"""The whole device flow against a certified OAuth server, not our emulator.

oidc-provider (OpenID Certified, pinned in ``tests/peers/package.json``) runs in Node on
loopback; the user's approvals and denials go through its own pages. It refuses a
confidential client that does not authenticate at the device-authorization or revocation
endpoint, and records which client authentication each request carried: these tests show
that ytsession authenticates as RFC 6749 §2.3.1, RFC 8628 §3.1 and RFC 7009 §2.1 require,
with HTTP Basic, in the body, or as a public client.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from ytsession import (
    LoginRequiredError,
    OAuthCredentials,
    OAuthEndpoints,
    OAuthServerError,
    RefreshingToken,
)
from ytsession.errors import (
    AccessDeniedError,
    AuthorizationPendingError,
    BadOAuthClientError,
    SlowDownError,
)

from tests._support.oidc_peer import (
    BASIC_CLIENT,
    POST_CLIENT,
    PUBLIC_CLIENT_ID,
    SCOPE,
    OIDCServer,
    oidc_server,
)

pytestmark = pytest.mark.slow

# (client id, secret, the client authentication the server registered for it)
CLIENTS = {
    "basic": (*BASIC_CLIENT, "client_secret_basic"),
    "post": (*POST_CLIENT, "client_secret_post"),
    "public": (PUBLIC_CLIENT_ID, None, "none"),
}


@pytest.fixture
def oidc() -> Iterator[OIDCServer]:
    with oidc_server() as server:
        yield server


def _credentials(server: OIDCServer, kind: str) -> OAuthCredentials:
    client_id, secret, method = CLIENTS[kind]
    endpoints = OAuthEndpoints.discover(server.issuer, public=secret is None)
    assert endpoints.client_auth == ("none" if secret is None else "client_secret_basic")
    if endpoints.client_auth != method:
        endpoints = endpoints.with_client_auth(method)
    return OAuthCredentials(client_id, secret, endpoints=endpoints, scope=SCOPE)


def _login(server: OIDCServer, credentials: OAuthCredentials) -> dict[str, object]:
    """Ask for a code, see it pending, approve it on the server's pages, poll to the token."""
    code = credentials.get_code()
    with pytest.raises(AuthorizationPendingError):
        credentials.token_from_code(code["device_code"])
    server.approve(code["user_code"])
    return dict(credentials.wait_for_token(code))


def test_discovery_finds_the_device_flow_and_chooses_basic(oidc: OIDCServer) -> None:
    endpoints = OAuthEndpoints.discover(oidc.issuer)
    assert endpoints.device_code_url == f"{oidc.issuer}/device/auth"
    assert endpoints.token_url == f"{oidc.issuer}/token"
    assert endpoints.revoke_url == f"{oidc.issuer}/token/revocation"
    assert endpoints.client_auth == "client_secret_basic"
    assert endpoints.client_auth_at == ("device_code", "token", "revoke")
    assert OAuthEndpoints.discover(oidc.issuer, public=True).client_auth == "none"


@pytest.mark.parametrize("kind", sorted(CLIENTS))
def test_login_refresh_and_revoke_for_each_kind_of_client(oidc: OIDCServer, kind: str) -> None:
    credentials = _credentials(oidc, kind)
    token = _login(oidc, credentials)
    assert isinstance(token["access_token"], str) and isinstance(token["refresh_token"], str)
    assert _userinfo(oidc, token["access_token"]) == 200

    fresh = credentials.refresh_token(token["refresh_token"])
    assert fresh["refresh_token"] != token["refresh_token"]  # the server rotates
    assert _userinfo(oidc, fresh["access_token"]) == 200

    credentials.revoke(fresh["refresh_token"])  # RFC 7009, with the client's authentication
    with pytest.raises(LoginRequiredError):
        credentials.refresh_token(fresh["refresh_token"])
    stats = oidc.stats()
    assert (stats["deviceGrants"], stats["refreshes"], stats["revocations"]) == (1, 1, 1)
    sent = {"client_secret_basic": "basic", "client_secret_post": "post", "none": "none"}
    by_path = {(r["path"], r["sent"]) for r in stats["clientAuth"]}
    assert by_path == {
        (path, sent[CLIENTS[kind][2]]) for path in ("/device/auth", "/token", "/token/revocation")
    }


@pytest.mark.parametrize("kind", ["basic", "post"])
def test_google_style_authentication_is_refused_by_a_standard_server(
    oidc: OIDCServer, kind: str
) -> None:
    # Google's deviation (client authentication at the token endpoint only) is what a
    # standard server refuses: the reason OAuthEndpoints.client_auth_at exists.
    client_id, secret, method = CLIENTS[kind]
    endpoints = OAuthEndpoints.discover(oidc.issuer).with_client_auth(method, at=("token",))
    credentials = OAuthCredentials(client_id, secret, endpoints=endpoints, scope=SCOPE)
    with pytest.raises(BadOAuthClientError) as caught:
        credentials.get_code()
    assert caught.value.error == "invalid_client"
    assert secret is not None and secret not in str(caught.value)
    standard = _credentials(oidc, kind)
    token = _login(oidc, standard)
    with pytest.raises(OAuthServerError):
        credentials.revoke(str(token["refresh_token"]))
    standard.refresh_token(str(token["refresh_token"]))  # the grant was not revoked


def test_a_public_client_cannot_be_given_a_secret(oidc: OIDCServer) -> None:
    endpoints = OAuthEndpoints.discover(oidc.issuer, public=True)
    with pytest.raises(BadOAuthClientError):
        OAuthCredentials(PUBLIC_CLIENT_ID, "a-secret", endpoints=endpoints)
    with pytest.raises(BadOAuthClientError):
        OAuthCredentials(BASIC_CLIENT[0], None, endpoints=OAuthEndpoints.discover(oidc.issuer))


def test_polling_too_fast_gets_slow_down_and_the_login_still_succeeds(oidc: OIDCServer) -> None:
    credentials = _credentials(oidc, "basic")
    code = credentials.get_code()
    assert code["interval"] == 1
    with pytest.raises(AuthorizationPendingError):
        credentials.token_from_code(code["device_code"])
    with pytest.raises(SlowDownError):
        credentials.token_from_code(code["device_code"])  # at once: sooner than the interval
    oidc.approve(code["user_code"])
    token = credentials.wait_for_token(code)
    assert token["refresh_token"]
    assert oidc.stats()["slowDowns"] == 1


def test_a_denied_code_ends_the_login_with_access_denied(oidc: OIDCServer) -> None:
    credentials = _credentials(oidc, "public")
    code = credentials.get_code()
    oidc.deny(code["user_code"])
    with pytest.raises(AccessDeniedError) as caught:
        credentials.wait_for_token(code)
    assert caught.value.error == "access_denied"


def test_rotated_refresh_tokens_are_stored_and_the_old_one_is_never_replayed(
    oidc: OIDCServer, tmp_path: Path
) -> None:
    credentials = _credentials(oidc, "basic")
    path = tmp_path / "oauth.json"
    token = RefreshingToken.from_login_answer(credentials, _login(oidc, credentials), to_file=path)
    first = token.refresh_token

    token.refresh(force=True)
    second = json.loads(path.read_text())["refresh_token"]
    assert second == token.refresh_token != first  # the rotated token is stored
    token.refresh(force=True)  # spends the stored one: the old one was not used again
    third = json.loads(path.read_text())["refresh_token"]
    assert third not in (first, second)
    stats = oidc.stats()
    assert stats["refreshes"] == 2 and _refresh_errors(stats) == []

    # What a replay would cost: the server takes a reused rotated token for theft and
    # revokes the whole grant, so even the current refresh token dies.
    with pytest.raises(LoginRequiredError):
        credentials.refresh_token(first)
    assert oidc.stats()["revokedGrants"] == 1
    before = path.read_text()
    with pytest.raises(LoginRequiredError):
        token.refresh(force=True)
    assert path.read_text() == before  # the file is left as it was


_WORKER = textwrap.dedent(
    """
    import json, sys
    import requests
    from ytsession import OAuthCredentials, OAuthEndpoints, RefreshingToken

    issuer, client_id, secret, scope, path = sys.argv[1:6]
    endpoints = OAuthEndpoints.discover(issuer)
    credentials = OAuthCredentials(client_id, secret, endpoints=endpoints, scope=scope)
    token = RefreshingToken.from_file(path, credentials)
    print("ready", flush=True)
    sys.stdin.readline()  # every worker has loaded the expired token
    access = token.access_token
    me = requests.get(issuer + "/me", headers={"Authorization": "Bearer " + access}, timeout=30)
    print(json.dumps({"access_token": access, "userinfo": me.status_code}), flush=True)
    """
)


def test_four_processes_at_expiry_refresh_once_without_invalid_grant(tmp_path: Path) -> None:
    # 12-second access tokens: ytsession refreshes them in their last 6 seconds (half their
    # lifetime), so the token one process stores is fresh for the others.
    with oidc_server(accessTokenTtl=12) as oidc:
        client_id, secret, _ = CLIENTS["basic"]
        credentials = _credentials(oidc, "basic")
        path = tmp_path / "oauth.json"
        login = RefreshingToken.from_login_answer(
            credentials, _login(oidc, credentials), to_file=path
        )
        assert login.expires_in == 12
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _WORKER,
                    oidc.issuer,
                    client_id,
                    str(secret),
                    SCOPE,
                    str(path),
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(4)
        ]
        try:
            for worker in workers:
                assert worker.stdout is not None
                assert worker.stdout.readline().strip() == "ready", worker.stderr
            time.sleep(max(0.0, login.expires_at + 0.5 - time.time()))  # expired for real
            for worker in workers:  # all at once
                assert worker.stdin is not None
                worker.stdin.write("go\n")
                worker.stdin.flush()
            results = [worker.communicate(timeout=120) for worker in workers]
        finally:
            for worker in workers:
                if worker.poll() is None:
                    worker.kill()
        assert [w.returncode for w in workers] == [0, 0, 0, 0], [err for _, err in results]
        answers = [json.loads(out) for out, _ in results]
        assert {a["userinfo"] for a in answers} == {200}
        assert len({a["access_token"] for a in answers}) == 1
        stats = oidc.stats()
        assert stats["refreshes"] == 1
        assert _refresh_errors(stats) == []
        stored = json.loads(path.read_text())
        assert stored["access_token"] == answers[0]["access_token"]


def _userinfo(server: OIDCServer, access_token: object) -> int:
    answer = requests.get(
        f"{server.issuer}/me", headers={"Authorization": f"Bearer {access_token}"}, timeout=10
    )
    return answer.status_code


def _refresh_errors(stats: dict[str, Any]) -> list[Any]:
    return [e for e in stats["grantErrors"] if e["grant_type"] == "refresh_token"]
