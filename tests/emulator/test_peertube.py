"""PeerTube sessions: discovery, password and two-factor logins, rotating refresh tokens shared
by processes, revoke, rate limits and the signed REST session, all over loopback HTTP."""

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
    NetworkError,
    OAuthServerError,
    PeerTubeCredentials,
    PeerTubeError,
    PeerTubeSession,
    RefreshingToken,
)
from ytsession.peertube import (
    DeviceFlowUnsupportedError,
    InvalidLoginError,
    InvalidTwoFactorError,
    PeerTubeAuthError,
    PeerTubeBadAnswerError,
    PeerTubeLoginRequiredError,
    PeerTubeRateLimitError,
    TwoFactorRequiredError,
)
from ytsession.peertube.kind import NAME as KIND_PEERTUBE
from ytsession.peertube.models import CLIENT_PATH, ME_PATH, REVOKE_PATH, TOKEN_PATH
from ytsession.store.profiles import ProfileSettings, credentials_for
from ytsession.testing import (
    PEERTUBE_2FA_PASSWORD,
    PEERTUBE_2FA_USERNAME,
    PEERTUBE_CLIENT_ID,
    PEERTUBE_CLIENT_SECRET,
    PEERTUBE_EMAIL,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
    Emulator,
)
from ytsession.transport import RetryPolicy, Transport


@pytest.fixture
def peertube(emu: Emulator) -> PeerTubeCredentials:
    """The emulated instance's credentials, its client discovered over HTTP."""
    return PeerTubeCredentials(emu.url)


@pytest.fixture
def session(peertube: PeerTubeCredentials) -> Iterator[PeerTubeSession]:
    """A REST session of the account without two-factor authentication, just logged in."""
    with PeerTubeSession(peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)) as session:
        yield session


def _expiring_file(path: Path, raw: dict[str, Any]) -> Path:
    """A token file whose access token is at its expiry, as a cron job would find it."""
    data = {
        "scope": "",
        "token_type": raw.get("token_type", "Bearer"),
        "access_token": raw["access_token"],
        "refresh_token": raw["refresh_token"],
        "expires_at": int(time.time()),
        "expires_in": raw["expires_in"],
    }
    path.write_text(json.dumps(data))
    return path


# --- discovery ----------------------------------------------------------------------------


def test_credentials_discover_the_instance_client(emu: Emulator) -> None:
    peertube = PeerTubeCredentials(emu.url + "/")
    assert peertube.client_id == PEERTUBE_CLIENT_ID
    assert peertube.client_secret == PEERTUBE_CLIENT_SECRET
    assert peertube.instance_url == emu.url
    (asked,) = emu.requests_to(CLIENT_PATH, "GET")
    assert asked.header("Host") == emu.url.split("://")[1]


def test_given_client_skips_discovery(emu: Emulator) -> None:
    peertube = PeerTubeCredentials(emu.url, PEERTUBE_CLIENT_ID, PEERTUBE_CLIENT_SECRET)
    assert peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)["access_token"]
    assert emu.requests_to(CLIENT_PATH) == []


def test_local_client_is_refused_to_another_host_name(emu: Emulator) -> None:
    wrong = requests.get(emu.url + CLIENT_PATH, headers={"Host": "evil.example"}, timeout=10)
    assert wrong.status_code == 403
    assert wrong.headers["Content-Type"].startswith("application/problem+json")
    assert "client_secret" not in wrong.text

    emu.peertube.instance_host = "peertube.example"  # the emulator is now an alias
    with pytest.raises(PeerTubeError) as caught:
        PeerTubeCredentials(emu.url)
    assert caught.value.status == 403
    assert "own URL" in str(caught.value)


def test_a_site_that_is_not_peertube_is_named(emu: Emulator) -> None:
    emu.inject_error(CLIENT_PATH, 404, "<html>not here</html>")
    with pytest.raises(PeerTubeError, match="is it a PeerTube instance"):
        PeerTubeCredentials(emu.url)


# --- logging in ---------------------------------------------------------------------------


@pytest.mark.parametrize("login_name", [PEERTUBE_USERNAME, PEERTUBE_EMAIL, PEERTUBE_EMAIL.upper()])
def test_login_by_username_or_email(
    emu: Emulator, peertube: PeerTubeCredentials, login_name: str
) -> None:
    token = peertube.login(login_name, PEERTUBE_PASSWORD)
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 86400
    assert token["expires_at"] >= time.time() + 86000
    assert emu.peertube.access_token_valid(token["access_token"])
    assert emu.peertube.refresh_token_valid(token["refresh_token"])

    (sent,) = emu.requests_to(TOKEN_PATH)
    assert sent.header("Content-Type") == "application/x-www-form-urlencoded"
    assert sent.form["grant_type"] == "password"
    assert sent.form["client_id"] == PEERTUBE_CLIENT_ID
    assert sent.form["username"] == login_name
    assert sent.query == {}  # nothing secret in the URL


def test_two_factor_is_asked_for_then_satisfied(
    emu: Emulator, peertube: PeerTubeCredentials
) -> None:
    with pytest.raises(TwoFactorRequiredError) as caught:
        peertube.login(PEERTUBE_2FA_USERNAME, PEERTUBE_2FA_PASSWORD)
    assert caught.value.code == "missing_two_factor"
    assert caught.value.status == 401
    assert caught.value.methods == ("app",)
    assert emu.peertube.login_count == 0

    otp = emu.peertube.current_otp(PEERTUBE_2FA_USERNAME)
    token = peertube.login(PEERTUBE_2FA_USERNAME, PEERTUBE_2FA_PASSWORD, otp=otp)
    assert emu.peertube.access_token_valid(token["access_token"])
    assert emu.requests_to(TOKEN_PATH)[-1].header("x-peertube-otp") == otp


def test_wrong_two_factor_code_is_a_typed_error(
    emu: Emulator, peertube: PeerTubeCredentials
) -> None:
    good = emu.peertube.current_otp(PEERTUBE_2FA_USERNAME)
    wrong = str((int(good) + 500_000) % 1_000_000).zfill(6)
    with pytest.raises(InvalidTwoFactorError) as caught:
        peertube.login(PEERTUBE_2FA_USERNAME, PEERTUBE_2FA_PASSWORD, otp=wrong)
    assert caught.value.code == "invalid_two_factor"
    assert caught.value.status == 400
    assert wrong not in str(caught.value)
    assert PEERTUBE_2FA_PASSWORD not in str(caught.value)


def test_wrong_password_is_a_typed_error_without_the_password(
    peertube: PeerTubeCredentials,
) -> None:
    with pytest.raises(InvalidLoginError) as caught:
        peertube.login(PEERTUBE_USERNAME, "hunter2-wrong")
    error = caught.value
    assert error.code == "invalid_grant"
    assert error.status == 400
    assert error.detail == "Invalid grant: user credentials are invalid"
    assert not isinstance(error, LoginRequiredError)  # a typo, not a dead session
    assert "hunter2-wrong" not in f"{error} {error!r}"


def test_wrong_password_with_two_factor_does_not_reveal_two_factor(
    peertube: PeerTubeCredentials,
) -> None:
    with pytest.raises(InvalidLoginError):
        peertube.login(PEERTUBE_2FA_USERNAME, "not-the-password")


def test_older_servers_error_bodies_are_understood(
    emu: Emulator, peertube: PeerTubeCredentials
) -> None:
    emu.peertube.legacy_errors = True
    with pytest.raises(InvalidLoginError) as caught:
        peertube.login(PEERTUBE_USERNAME, "wrong")
    assert caught.value.detail == "Invalid grant: user credentials are invalid"
    assert emu.requests_to(TOKEN_PATH)[-1].status == 400


@pytest.mark.parametrize(
    ("flag", "code"),
    [
        ("blocked", "account_blocked"),
        ("email_verified", "email_not_verified"),
        ("approved", "account_waiting_for_approval"),
    ],
)
def test_accounts_that_cannot_log_in_say_why(
    emu: Emulator, peertube: PeerTubeCredentials, flag: str, code: str
) -> None:
    carol = emu.peertube.add_user("carol", "carol-password")
    setattr(carol, flag, flag == "blocked")  # blocked, or not verified, or not approved
    with pytest.raises(PeerTubeAuthError) as caught:
        peertube.login("carol", "carol-password")
    assert caught.value.code == code


def test_external_auth_token_logs_in_once(emu: Emulator, peertube: PeerTubeCredentials) -> None:
    external = emu.peertube.external_auth_token(PEERTUBE_USERNAME)
    token = peertube.login_external(PEERTUBE_USERNAME, external)
    assert emu.peertube.access_token_valid(token["access_token"])
    assert emu.requests_to(TOKEN_PATH)[-1].form["externalAuthToken"] == external
    with pytest.raises(InvalidLoginError) as caught:
        peertube.login_external(PEERTUBE_USERNAME, external)  # single use
    assert external not in str(caught.value)


def test_there_is_no_device_flow(peertube: PeerTubeCredentials) -> None:
    with pytest.raises(DeviceFlowUnsupportedError, match="username"):
        peertube.get_code()
    with pytest.raises(DeviceFlowUnsupportedError):
        RefreshingToken.prompt_for_token(peertube)


def test_prompt_login_asks_for_the_code_only_when_needed(
    emu: Emulator, peertube: PeerTubeCredentials, tmp_path: Path
) -> None:
    asked: list[str] = []

    def ask_password(prompt: str) -> str:
        asked.append(prompt)
        return PEERTUBE_2FA_PASSWORD

    def ask_otp(prompt: str) -> str:
        asked.append(prompt)
        return emu.peertube.current_otp(PEERTUBE_2FA_USERNAME)

    path = tmp_path / "peertube.json"
    token = peertube.prompt_login(
        PEERTUBE_2FA_USERNAME, to_file=path, ask_password=ask_password, ask_otp=ask_otp
    )
    assert asked == [f"Password for {PEERTUBE_2FA_USERNAME}: ", "Two-factor code: "]
    assert json.loads(path.read_text())["refresh_token"] == token.refresh_token
    assert path.stat().st_mode & 0o777 == 0o600


# --- refresh and rotation -----------------------------------------------------------------


def test_refresh_rotates_and_the_rotation_is_persisted(
    emu: Emulator, peertube: PeerTubeCredentials, tmp_path: Path
) -> None:
    path = _expiring_file(
        tmp_path / "peertube.json", dict(peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD))
    )
    old = json.loads(path.read_text())
    token = RefreshingToken.from_file(path, peertube)

    fresh = token.access_token  # at expiry: refreshes
    stored = json.loads(path.read_text())
    assert emu.peertube.refresh_count == 1
    assert stored["access_token"] == fresh != old["access_token"]
    assert stored["refresh_token"] == token.refresh_token != old["refresh_token"]
    assert stored["expires_at"] >= time.time() + 86000
    # the old pair died with the refresh; the new one lives
    assert not emu.peertube.access_token_valid(old["access_token"])
    assert emu.peertube.refresh_token_valid(stored["refresh_token"])


def test_the_old_refresh_token_is_refused_after_rotation(
    emu: Emulator, peertube: PeerTubeCredentials, tmp_path: Path
) -> None:
    raw = peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    assert peertube.refresh_token(raw["refresh_token"])["refresh_token"] != raw["refresh_token"]
    with pytest.raises(PeerTubeLoginRequiredError) as caught:
        peertube.refresh_token(raw["refresh_token"])
    assert isinstance(caught.value, LoginRequiredError)
    assert caught.value.code == "invalid_grant"
    assert raw["refresh_token"] not in str(caught.value)

    # a token file holding the dead refresh token is left exactly as it was
    path = _expiring_file(tmp_path / "peertube.json", dict(raw))
    before = path.read_bytes()
    with pytest.raises(LoginRequiredError, match=r"PeerTubeCredentials\.login") as again:
        RefreshingToken.from_file(path, peertube).access_token  # noqa: B018
    assert "ytsession login" not in str(again.value)
    assert "`ytsession login --peertube URL --username NAME`" in again.value.cli_message()
    assert path.read_bytes() == before


def test_a_refresh_is_never_sent_twice(emu: Emulator, peertube: PeerTubeCredentials) -> None:
    raw = peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    emu.clear_log()
    emu.inject_reset(TOKEN_PATH)  # the answer is lost: the server may have rotated
    with pytest.raises(NetworkError):
        peertube.refresh_token(raw["refresh_token"])
    assert len(emu.requests_to(TOKEN_PATH)) == 1


_WORKER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    from ytsession import LoginRequiredError, PeerTubeCredentials, RefreshingToken

    url, client_id, client_secret, path, barrier, index = sys.argv[1:]
    token = RefreshingToken.from_file(path, PeerTubeCredentials(url, client_id, client_secret))
    Path(barrier, f"ready-{index}").touch()
    deadline = time.time() + 30
    while len(list(Path(barrier).iterdir())) < 4 and time.time() < deadline:
        time.sleep(0.005)
    try:
        print(json.dumps({"access_token": token.access_token}))
    except LoginRequiredError as exc:
        print(json.dumps({"error": type(exc).__name__, "code": exc.error}))
    """
)


@pytest.mark.slow
def test_four_cron_jobs_sharing_one_token_at_expiry_refresh_exactly_once(
    emu: Emulator, peertube: PeerTubeCredentials, tmp_path: Path
) -> None:
    path = _expiring_file(
        tmp_path / "peertube.json", dict(peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD))
    )
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    emu.clear_log()
    # The first refresh answers slowly, so the others are sure to overlap it: without the
    # lock and re-read they would spend the destroyed refresh token and get invalid_grant.
    emu.inject_delay(TOKEN_PATH, 0.5)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                _WORKER,
                emu.url,
                peertube.client_id,
                peertube.client_secret,
                str(path),
                str(barrier),
                str(index),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(4)
    ]
    results = [worker.communicate(timeout=90) for worker in workers]
    assert [w.returncode for w in workers] == [0, 0, 0, 0], [err for _, err in results]
    answers = [json.loads(out) for out, _ in results]
    assert all("error" not in answer for answer in answers), answers
    assert len({answer["access_token"] for answer in answers}) == 1
    assert emu.peertube.refresh_count == 1
    assert len(emu.requests_to(TOKEN_PATH)) == 1
    stored = json.loads(path.read_text())
    assert stored["access_token"] == answers[0]["access_token"]
    assert emu.peertube.access_token_valid(stored["access_token"])
    assert emu.peertube.refresh_token_valid(stored["refresh_token"])


# --- revoke -------------------------------------------------------------------------------


def test_revoke_ends_the_session_and_users_me_is_refused(
    emu: Emulator, peertube: PeerTubeCredentials
) -> None:
    token = peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    access = token.access_token
    session = PeerTubeSession(token)
    assert session.get(ME_PATH)["username"] == PEERTUBE_USERNAME

    peertube.revoke(access)
    (revoke,) = emu.requests_to(REVOKE_PATH)
    assert revoke.header("Authorization") == f"Bearer {access}"
    assert revoke.status == 200
    assert emu.peertube.revoke_count == 1

    raw = requests.get(emu.url + ME_PATH, headers={"Authorization": f"Bearer {access}"}, timeout=10)
    assert raw.status_code == 401
    assert raw.json()["code"] == "invalid_token"
    # the session tries its one refresh, but the refresh token died with the session
    with pytest.raises(LoginRequiredError):
        session.get(ME_PATH)
    peertube.revoke(access)  # a session already gone is not an error


def test_logout_refreshes_an_expired_access_token_first(
    emu: Emulator, peertube: PeerTubeCredentials, tmp_path: Path
) -> None:
    path = _expiring_file(
        tmp_path / "peertube.json", dict(peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD))
    )
    emu.peertube.expire_access_tokens()
    token = RefreshingToken.from_file(path, peertube)
    peertube.logout(token)
    assert emu.peertube.refresh_count == 1
    assert emu.peertube.revoke_count == 1
    assert emu.peertube.issued_tokens() == []
    peertube.logout(token)  # once more: the session is gone, nothing to do


# --- rate limits --------------------------------------------------------------------------


@pytest.mark.slow
def test_rate_limited_login_waits_for_retry_after_then_succeeds(
    emu: Emulator, peertube: PeerTubeCredentials
) -> None:
    emu.peertube.token_rate_limit = 1
    emu.peertube.token_rate_window = 1
    peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    started = time.monotonic()
    token = peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    waited = time.monotonic() - started
    assert emu.peertube.access_token_valid(token["access_token"])
    statuses = [entry.status for entry in emu.requests_to(TOKEN_PATH)]
    assert statuses[0] == 200 and statuses[-1] == 200 and 429 in statuses
    assert emu.peertube.rate_limited_count >= 1
    assert waited >= 0.8  # Retry-After: 1 was honoured, not a fast backoff


def test_rate_limit_that_does_not_lift_is_a_typed_error(emu: Emulator) -> None:
    emu.peertube.token_rate_limit = 0
    emu.peertube.token_rate_window = 1
    impatient = Transport(retry=RetryPolicy(total=0))
    peertube = PeerTubeCredentials(emu.url, transport=impatient)
    with pytest.raises(PeerTubeRateLimitError) as caught:
        peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    assert isinstance(caught.value, NetworkError)  # transient: the CLI exits 4
    assert caught.value.status == 429
    assert caught.value.retry_after == 1
    assert PEERTUBE_PASSWORD not in str(caught.value)


@pytest.mark.slow
def test_rest_calls_retry_429_with_retry_after(emu: Emulator, session: PeerTubeSession) -> None:
    emu.inject_error(
        ME_PATH,
        429,
        {"status": 429, "detail": "Too many requests"},
        headers={"Retry-After": "1", "Content-Type": "application/problem+json"},
    )
    assert session.me()["username"] == PEERTUBE_USERNAME
    assert [e.status for e in emu.requests_to(ME_PATH)] == [429, 200]


# --- the REST session ---------------------------------------------------------------------


def test_session_refreshes_once_on_401_and_stores_the_rotation(
    emu: Emulator, peertube: PeerTubeCredentials, tmp_path: Path
) -> None:
    path = tmp_path / "peertube.json"
    token = peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD, to_file=path)
    emu.peertube.expire_access_tokens()  # the server ends it early; the client cannot know
    with PeerTubeSession(token) as session:
        assert session.get(ME_PATH)["email"] == PEERTUBE_EMAIL
    assert [e.status for e in emu.requests_to(ME_PATH)] == [401, 200]
    assert emu.peertube.refresh_count == 1
    assert json.loads(path.read_text())["access_token"] == token.access_token


def test_session_posts_and_puts_json(session: PeerTubeSession) -> None:
    answer = session.post("/api/v1/videos/abc123/comment-threads", json={"text": "Nice!"})
    assert answer["comment"]["text"] == "Nice!"
    assert answer["comment"]["videoId"] == "abc123"
    assert session.put(ME_PATH, json={"displayName": "Alice A."}) is None  # 204
    assert session.me()["account"]["displayName"] == "Alice A."


def test_session_errors_carry_code_and_detail(session: PeerTubeSession) -> None:
    with pytest.raises(PeerTubeError) as caught:
        session.post("/api/v1/videos/abc123/comment-threads", json={})
    assert caught.value.code == "invalid_request"
    assert caught.value.status == 400
    assert caught.value.detail == "Missing parameter: `text`"


@pytest.mark.slow
def test_session_uses_the_shared_transport_policy(emu: Emulator, session: PeerTubeSession) -> None:
    emu.inject_error(ME_PATH, 503)
    assert session.me()["username"] == PEERTUBE_USERNAME
    assert [e.status for e in emu.requests_to(ME_PATH)] == [503, 200]


def test_session_never_sends_the_token_to_another_host(session: PeerTubeSession) -> None:
    with pytest.raises(PeerTubeError, match="not this session's instance"):
        session.get("http://elsewhere.example/api/v1/users/me")


# --- profiles and secrets -----------------------------------------------------------------


def test_a_peertube_profile_builds_its_credentials_without_network(
    emu: Emulator, peertube: PeerTubeCredentials
) -> None:
    settings = peertube.profile_settings(PEERTUBE_USERNAME)
    assert settings.kind == KIND_PEERTUBE
    again = ProfileSettings.from_dict(settings.to_dict(), path="profile.json")
    emu.clear_log()
    rebuilt = credentials_for(again)
    assert isinstance(rebuilt, PeerTubeCredentials)
    assert (rebuilt.instance_url, rebuilt.client_id) == (emu.url, PEERTUBE_CLIENT_ID)
    assert emu.log == []


def test_no_secret_in_any_repr(emu: Emulator, peertube: PeerTubeCredentials) -> None:
    token = peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    session = PeerTubeSession(token)
    shown = " ".join(repr(x) for x in (peertube, token, session, session._auth))
    for secret in (PEERTUBE_CLIENT_SECRET, PEERTUBE_PASSWORD, *emu.peertube.issued_tokens()):
        assert secret not in shown
    assert emu.url in shown


# --- the emulated instance itself ---------------------------------------------------------


def test_emulated_token_route_takes_forms_only(emu: Emulator) -> None:
    body = {
        "client_id": PEERTUBE_CLIENT_ID,
        "client_secret": PEERTUBE_CLIENT_SECRET,
        "grant_type": "password",
        "username": PEERTUBE_USERNAME,
        "password": PEERTUBE_PASSWORD,
    }
    as_json = requests.post(emu.url + TOKEN_PATH, json=body, timeout=10)
    assert as_json.status_code == 400
    problem = as_json.json()
    assert problem["code"] == "invalid_request"
    assert set(problem) >= {"type", "title", "detail", "status", "code", "error"}
    unknown = requests.post(emu.url + TOKEN_PATH, data={**body, "grant_type": "x"}, timeout=10)
    assert unknown.json()["code"] == "unsupported_grant_type"
    bad_client = requests.post(
        emu.url + TOKEN_PATH, data={**body, "client_secret": "nope"}, timeout=10
    )
    assert bad_client.json()["code"] == "invalid_client"


def test_emulated_instance_is_driven_over_its_control_api(emu: Emulator) -> None:
    control = emu.url + "/_emulator/"
    otp = requests.get(control + "peertube/otp", timeout=10).text.strip()
    assert otp == requests.get(control + "peertube/otp?format=json", timeout=10).json()["otp"]
    assert otp == emu.peertube.current_otp(PEERTUBE_2FA_USERNAME)
    answer = requests.post(
        control + "config", json={"peertube": {"access_token_lifetime": 120}}, timeout=10
    )
    assert answer.status_code == 200
    peertube = PeerTubeCredentials(emu.url)
    assert peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)["expires_in"] == 120
    external = requests.post(control + "peertube/external-auth-token", timeout=10).json()
    assert peertube.login_external(PEERTUBE_USERNAME, external["externalAuthToken"])
    stats = requests.get(control + "peertube/stats", timeout=10).json()
    assert stats["login_count"] == 2


# --- answers that are not tokens ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ("<html><body>Welcome to nginx!</body></html>", "not a JSON object"),
        ('{"access_token": "abc", "token_type": "Bearer"', "not a JSON object"),  # cut short
        ({"token_type": "Bearer", "expires_in": 3600}, "no access_token"),
        ({"access_token": "abc", "token_type": "Bearer"}, "no refresh_token"),
    ],
)
@pytest.mark.parametrize("grant", ["login", "refresh"])
@pytest.mark.slow
def test_an_answer_that_is_not_a_token_is_a_peertube_error_naming_the_grant(
    emu: Emulator, peertube: PeerTubeCredentials, body: object, why: str, grant: str
) -> None:
    raw = peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    emu.inject_error(TOKEN_PATH, 200, body)
    with pytest.raises(PeerTubeBadAnswerError) as caught:
        if grant == "login":
            peertube.login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
        else:
            peertube.refresh_token(raw["refresh_token"])
    error = caught.value
    assert isinstance(error, PeerTubeError) and isinstance(error, OAuthServerError)
    assert why in str(error) and error.status == 200
    what = "the token refresh" if grant == "refresh" else "the login"
    assert f"answered {what} with" in str(error)
    assert PEERTUBE_PASSWORD not in str(error) and raw["refresh_token"] not in str(error)
