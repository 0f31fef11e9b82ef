"""The loopback emulator's Google OAuth device flow, spoken to over real HTTP."""

from __future__ import annotations

import io
import re
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import redirect_stdout
from typing import Any

import pytest
import requests

from ytsession.testing import (
    DEFAULT_SCOPE,
    DEVICE_GRANT_TYPE,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    EMULATOR_TV_CLIENT_ID,
    EMULATOR_TV_CLIENT_SECRET,
    LEGACY_DEVICE_GRANT_TYPE,
    TV_SCOPE,
    UNKNOWN_EXTRA_FIELD,
    Emulator,
    UnknownUserCodeError,
    serve,
)

TIMEOUT = 5


@pytest.fixture
def emu() -> Iterator[Emulator]:
    """A fresh emulator with Google's own defaults (the shared fixture shortens the poll
    interval)."""
    with Emulator() as emulator:
        yield emulator
        assert emulator.internal_errors == [], "the emulator itself failed"


def post(emu: Emulator, path: str, **kwargs: Any) -> requests.Response:
    return requests.post(emu.url + path, timeout=TIMEOUT, **kwargs)


def get(emu: Emulator, path: str, **kwargs: Any) -> requests.Response:
    return requests.get(emu.url + path, timeout=TIMEOUT, **kwargs)


def request_code(
    emu: Emulator,
    *,
    client_id: str = EMULATOR_CLIENT_ID,
    scope: str = DEFAULT_SCOPE,
    path: str = "/device/code",
) -> dict[str, Any]:
    response = post(emu, path, data={"client_id": client_id, "scope": scope})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def poll(
    emu: Emulator,
    device_code: str,
    *,
    client_id: str = EMULATOR_CLIENT_ID,
    client_secret: str = EMULATOR_CLIENT_SECRET,
    grant_type: str = DEVICE_GRANT_TYPE,
    code_field: str = "device_code",
    path: str = "/token",
) -> requests.Response:
    return post(
        emu,
        path,
        data={
            "client_id": client_id,
            "client_secret": client_secret,
            code_field: device_code,
            "grant_type": grant_type,
        },
    )


def refresh(
    emu: Emulator,
    refresh_token: str,
    *,
    client_id: str = EMULATOR_CLIENT_ID,
    client_secret: str = EMULATOR_CLIENT_SECRET,
) -> requests.Response:
    return post(
        emu,
        "/token",
        data={
            "client_id": client_id,
            "client_secret": client_secret,
            "refresh_token": refresh_token,
            "grant_type": "refresh_token",
        },
    )


def userinfo(emu: Emulator, access_token: str) -> requests.Response:
    return get(emu, "/oauth2/v3/userinfo", headers={"Authorization": f"Bearer {access_token}"})


def login(emu: Emulator) -> dict[str, Any]:
    code = request_code(emu)
    emu.google.approve(code["user_code"])
    response = poll(emu, code["device_code"])
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


# ----------------------------------------------------------------------------- the flow


def test_full_device_flow_from_code_to_revoked_session(emu: Emulator) -> None:
    code = request_code(emu)
    assert re.fullmatch(r"[A-Z]{3}-[A-Z]{3}-[A-Z]{3}", code["user_code"])
    assert code["verification_url"] == emu.url + "/device"
    assert code["expires_in"] == 1800
    assert code["interval"] == 5
    assert "verification_uri" not in code

    pending = poll(emu, code["device_code"])
    assert pending.status_code == 428
    assert pending.json()["error"] == "authorization_pending"

    assert get(emu, "/_emulator/pending").json() == [code["user_code"]]
    approved = post(emu, "/_emulator/approve", data={"user_code": code["user_code"]})
    assert approved.json() == {"user_code": code["user_code"]}
    assert get(emu, "/_emulator/pending").json() == []

    granted = poll(emu, code["device_code"])
    assert granted.status_code == 200
    tokens = granted.json()
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] == 3600
    assert tokens["scope"] == DEFAULT_SCOPE
    assert tokens["refresh_token_expires_in"] == 30 * 24 * 3600
    assert UNKNOWN_EXTRA_FIELD in tokens
    assert tokens["access_token"].startswith("ya29.emu-")
    assert tokens["refresh_token"].startswith("1//emu-")
    assert set(emu.google.issued_tokens()) == {tokens["access_token"], tokens["refresh_token"]}

    me = userinfo(emu, tokens["access_token"])
    assert me.status_code == 200
    assert me.json()["email"] == EMULATED_USER_EMAIL
    assert emu.google.access_token_valid(tokens["access_token"])

    refreshed = refresh(emu, tokens["refresh_token"])
    assert refreshed.status_code == 200
    fresh = refreshed.json()
    assert "refresh_token" not in fresh
    assert fresh["token_type"] == "Bearer"
    assert fresh["scope"] == DEFAULT_SCOPE
    assert fresh["access_token"] != tokens["access_token"]
    assert emu.google.refresh_count == 1

    revoked = post(emu, "/revoke", data={"token": tokens["refresh_token"]})
    assert revoked.status_code == 200
    assert revoked.json() == {}
    assert userinfo(emu, fresh["access_token"]).status_code == 401
    assert userinfo(emu, tokens["access_token"]).json() == {
        "error": "invalid_token",
        "error_description": "Invalid Credentials",
    }
    after = refresh(emu, tokens["refresh_token"])
    assert after.status_code == 400
    assert after.json() == {
        "error": "invalid_grant",
        "error_description": "Token has been expired or revoked.",
    }
    assert emu.google.refresh_count == 1


def test_rotation_replaces_the_refresh_token_and_refuses_the_old_one(emu: Emulator) -> None:
    assert post(emu, "/_emulator/config", json={"rotate_refresh_tokens": True}).ok
    first = login(emu)

    rotated = refresh(emu, first["refresh_token"]).json()
    assert rotated["refresh_token"] != first["refresh_token"]
    assert rotated["refresh_token"].startswith("1//emu-")
    assert "refresh_token_expires_in" in rotated

    assert post(emu, "/_emulator/config", json={"revoke_on_replay": False}).ok
    old = refresh(emu, first["refresh_token"])
    assert old.status_code == 400
    assert old.json()["error"] == "invalid_grant"
    assert refresh(emu, rotated["refresh_token"]).status_code == 200
    assert emu.google.refresh_count == 2 and emu.google.replay_count == 1


def test_a_replayed_refresh_token_revokes_the_whole_grant(emu: Emulator) -> None:
    # RFC 6819 5.2.2.3: the old token used again means it leaked; the grant ends.
    emu.google.rotate_refresh_tokens = True
    first = login(emu)
    rotated = refresh(emu, first["refresh_token"]).json()
    assert refresh(emu, first["refresh_token"]).json()["error"] == "invalid_grant"
    assert emu.google.replay_count == 1
    assert refresh(emu, rotated["refresh_token"]).json()["error"] == "invalid_grant"
    assert not emu.google.access_token_valid(rotated["access_token"])
    assert emu.google.refresh_count == 1


def test_a_device_code_is_exchanged_once(emu: Emulator) -> None:
    code = request_code(emu)
    emu.google.approve(code["user_code"])
    assert poll(emu, code["device_code"]).status_code == 200
    again = poll(emu, code["device_code"])
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_auto_approve_grants_the_first_poll(emu: Emulator) -> None:
    emu.google.auto_approve = True
    code = request_code(emu)
    assert emu.google.pending_user_codes() == []
    assert poll(emu, code["device_code"]).status_code == 200


def test_expired_access_tokens_are_refused_until_refreshed(emu: Emulator) -> None:
    tokens = login(emu)
    post(emu, "/_emulator/expire-access-tokens")
    assert userinfo(emu, tokens["access_token"]).status_code == 401
    fresh = refresh(emu, tokens["refresh_token"]).json()
    assert userinfo(emu, fresh["access_token"]).status_code == 200
    info = emu.google.access_token_info(fresh["access_token"])
    assert info is not None
    assert info.client_id == EMULATOR_CLIENT_ID


@pytest.mark.slow
def test_short_token_lifetime_expires_access_tokens(emu: Emulator) -> None:
    emu.google.token_lifetime = 0.2
    tokens = login(emu)
    assert tokens["expires_in"] == 0.2
    assert userinfo(emu, tokens["access_token"]).status_code == 200
    time.sleep(0.3)
    assert userinfo(emu, tokens["access_token"]).status_code == 401


def test_revoking_an_access_token_by_query_revokes_its_refresh_token(emu: Emulator) -> None:
    tokens = login(emu)
    query = urllib.parse.urlencode({"token": tokens["access_token"]})
    assert post(emu, f"/o/oauth2/revoke?{query}").status_code == 200
    assert refresh(emu, tokens["refresh_token"]).json()["error"] == "invalid_grant"
    unknown = post(emu, "/revoke", data={"token": tokens["access_token"]})
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_token"


def test_revoke_all_ends_every_session(emu: Emulator) -> None:
    tokens = login(emu)
    assert post(emu, "/_emulator/revoke-all").ok
    assert refresh(emu, tokens["refresh_token"]).json()["error"] == "invalid_grant"


def test_a_refresh_token_of_another_client_is_unauthorized(emu: Emulator) -> None:
    tokens = login(emu)
    response = refresh(
        emu,
        tokens["refresh_token"],
        client_id=EMULATOR_TV_CLIENT_ID,
        client_secret=EMULATOR_TV_CLIENT_SECRET,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized_client"


# ----------------------------------------------------------------------------- spellings


@pytest.mark.parametrize("grant_type", [DEVICE_GRANT_TYPE, LEGACY_DEVICE_GRANT_TYPE])
@pytest.mark.parametrize("code_field", ["device_code", "code"])
@pytest.mark.parametrize(
    ("code_path", "token_path"),
    [("/device/code", "/token"), ("/o/oauth2/device/code", "/o/oauth2/token")],
)
@pytest.mark.slow
def test_every_spelling_of_the_device_grant_works(
    emu: Emulator, grant_type: str, code_field: str, code_path: str, token_path: str
) -> None:
    code = request_code(emu, path=code_path)
    emu.google.approve(code["user_code"].lower().replace("-", ""))
    response = poll(
        emu, code["device_code"], grant_type=grant_type, code_field=code_field, path=token_path
    )
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"


def test_rfc8628_spelling_answers_verification_uri_complete(emu: Emulator) -> None:
    emu.google.rfc8628_spelling = True
    code = request_code(emu)
    assert "verification_url" not in code
    assert code["verification_uri"] == emu.url + "/device"
    assert code["verification_uri_complete"] == (f"{emu.url}/device?user_code={code['user_code']}")


def test_unknown_grant_types_and_missing_fields_are_refused(emu: Emulator) -> None:
    base = {"client_id": EMULATOR_CLIENT_ID, "client_secret": EMULATOR_CLIENT_SECRET}
    odd = post(emu, "/token", data={**base, "grant_type": "password"})
    assert (odd.status_code, odd.json()["error"]) == (400, "unsupported_grant_type")
    no_code = post(emu, "/token", data={**base, "grant_type": DEVICE_GRANT_TYPE})
    assert (no_code.status_code, no_code.json()["error"]) == (400, "invalid_request")
    no_grant = post(emu, "/token", data=base)
    assert (no_grant.status_code, no_grant.json()["error"]) == (400, "invalid_request")
    unknown = poll(emu, "AH-not-a-code")
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")


# ----------------------------------------------------------------------------- poll errors


def test_injected_slow_down_is_answered_once_then_pending(emu: Emulator) -> None:
    code = request_code(emu)
    assert post(emu, "/_emulator/slow-down", json={"count": 1}).ok
    emu.google.inject_slow_down()
    for _ in range(2):
        slow = poll(emu, code["device_code"])
        assert (slow.status_code, slow.json()["error"]) == (403, "slow_down")
    assert poll(emu, code["device_code"]).status_code == 428


@pytest.mark.slow
def test_polling_faster_than_the_interval_gets_slow_down_when_enforced(emu: Emulator) -> None:
    emu.google.configure({"enforce_poll_interval": True, "poll_interval": 0.2})
    code = request_code(emu)
    assert code["interval"] == 0.2
    assert poll(emu, code["device_code"]).status_code == 428
    assert poll(emu, code["device_code"]).json()["error"] == "slow_down"
    time.sleep(0.25)  # the interval is now 5.2 s for this code
    assert poll(emu, code["device_code"]).json()["error"] == "slow_down"


def test_denied_code_answers_access_denied(emu: Emulator) -> None:
    code = request_code(emu)
    denied = post(emu, "/_emulator/deny", json={"user_code": code["user_code"]})
    assert denied.status_code == 200
    response = poll(emu, code["device_code"])
    assert (response.status_code, response.json()["error"]) == (403, "access_denied")
    with pytest.raises(UnknownUserCodeError):
        emu.google.approve(code["user_code"])


@pytest.mark.slow
def test_expired_code_answers_expired_token_then_invalid_grant(emu: Emulator) -> None:
    assert post(emu, "/_emulator/config", json={"google": {"device_code_lifetime": 0.3}}).ok
    code = request_code(emu)
    assert code["expires_in"] == 0.3
    time.sleep(0.35)
    assert emu.google.pending_user_codes() == []
    with pytest.raises(UnknownUserCodeError):
        emu.google.approve(code["user_code"])
    first = poll(emu, code["device_code"])
    assert (first.status_code, first.json()["error"]) == (400, "expired_token")
    later = poll(emu, code["device_code"])
    assert (later.status_code, later.json()["error"]) == (400, "invalid_grant")


def test_unknown_client_and_wrong_secret_are_invalid_client(emu: Emulator) -> None:
    unknown = post(emu, "/device/code", data={"client_id": "nobody", "scope": DEFAULT_SCOPE})
    assert unknown.status_code == 401
    assert unknown.json()["error"] == "invalid_client"
    assert unknown.json()["error_description"]

    code = request_code(emu)
    wrong = poll(emu, code["device_code"], client_secret="not-the-secret")
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")

    emu.google.add_client("mine.apps.googleusercontent.com", "my-secret")
    mine = request_code(emu, client_id="mine.apps.googleusercontent.com")
    emu.google.approve(mine["user_code"])
    ok = poll(
        emu,
        mine["device_code"],
        client_id="mine.apps.googleusercontent.com",
        client_secret="my-secret",
    )
    assert ok.status_code == 200


def test_another_clients_device_code_is_unauthorized(emu: Emulator) -> None:
    code = request_code(emu)
    response = poll(
        emu,
        code["device_code"],
        client_id=EMULATOR_TV_CLIENT_ID,
        client_secret=EMULATOR_TV_CLIENT_SECRET,
    )
    assert (response.status_code, response.json()["error"]) == (401, "unauthorized_client")


def test_wait_for_user_code_sees_a_code_requested_by_another_thread(emu: Emulator) -> None:
    results: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: results.append(request_code(emu)))
    worker.start()
    user_code = emu.google.wait_for_user_code(timeout=TIMEOUT)
    worker.join(TIMEOUT)
    assert results[0]["user_code"] == user_code
    assert emu.google.approve() == user_code
    with pytest.raises(TimeoutError):
        emu.google.wait_for_user_code(timeout=0.05)


# ----------------------------------------------------------------------------- faults


def test_injected_503_and_429_carry_retry_after_then_service_resumes(emu: Emulator) -> None:
    tokens = login(emu)
    emu.inject_error("/token", 503, headers={"Retry-After": "1"})
    emu.inject_error("/token", 429, {"error": "rate_limit_exceeded"}, headers={"Retry-After": "2"})

    first = refresh(emu, tokens["refresh_token"])
    assert first.status_code == 503
    assert first.headers["Retry-After"] == "1"
    assert first.headers["Content-Type"].startswith("text/html")
    second = refresh(emu, tokens["refresh_token"])
    assert second.status_code == 429
    assert second.headers["Retry-After"] == "2"
    assert second.json() == {"error": "rate_limit_exceeded"}
    assert refresh(emu, tokens["refresh_token"]).status_code == 200
    assert emu.google.refresh_count == 1
    assert [(e.status, e.fault) for e in emu.requests_to("/token")][-3:] == [
        (503, "error"),
        (429, "error"),
        (200, None),
    ]


def test_fault_count_and_control_route(emu: Emulator) -> None:
    fault = {"path": "/device/code", "kind": "error", "status": 500, "count": 2}
    assert post(emu, "/_emulator/faults", json=fault).ok
    data = {"client_id": EMULATOR_CLIENT_ID, "scope": DEFAULT_SCOPE}
    assert [post(emu, "/device/code", data=data).status_code for _ in range(3)] == [500, 500, 200]
    emu.inject_error("/device/code", 502, count=None)
    assert post(emu, "/device/code", data=data).status_code == 502
    assert requests.delete(emu.url + "/_emulator/faults", timeout=TIMEOUT).ok
    assert post(emu, "/device/code", data=data).status_code == 200


@pytest.mark.slow
def test_injected_delay_makes_the_client_time_out(emu: Emulator) -> None:
    emu.inject_delay("/oauth2/v3/userinfo", 10)
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(emu.url + "/oauth2/v3/userinfo", timeout=0.3)
    assert time.monotonic() - started < 2
    assert emu.requests_to("/oauth2/v3/userinfo")[0].fault == "delay"


def test_injected_delay_ends_when_the_emulator_stops() -> None:
    emulator = Emulator().start()
    emulator.inject_delay("/token", 30)
    outcome: list[object] = []

    def call() -> None:
        try:
            outcome.append(requests.post(emulator.url + "/token", timeout=20).status_code)
        except requests.exceptions.ConnectionError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call)
    worker.start()
    deadline = time.monotonic() + TIMEOUT
    while not emulator.requests_to("/token") and time.monotonic() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    emulator.stop()
    worker.join(TIMEOUT)
    assert not worker.is_alive()
    assert time.monotonic() - started < 2
    assert isinstance(outcome[0], requests.exceptions.ConnectionError)
    assert emulator.log[0].status is None


def test_injected_reset_drops_the_connection_once(emu: Emulator) -> None:
    code = request_code(emu)
    emu.inject_reset("/token")
    with pytest.raises(requests.exceptions.ConnectionError):
        poll(emu, code["device_code"])
    assert poll(emu, code["device_code"]).status_code == 428
    assert [e.fault for e in emu.requests_to("/token", "POST")] == ["reset", None]


# ----------------------------------------------------------------------------- discovery


def test_tv_page_and_script_reveal_a_working_client_identity(emu: Emulator) -> None:
    page = get(emu, "/tv")
    assert page.status_code == 200
    match = re.search(r'<script id="base-js" src="([^"]+)"', page.text)
    assert match is not None
    assert match.group(1) == "/s/_/kabuki/_/js/k=kabuki.base.en_US.js"

    script = get(emu, match.group(1))
    assert script.status_code == 200
    identity = re.search(r'clientId:"([^"]+)",[^"]+?:"([^"]+)"', script.text)
    assert identity is not None
    client_id, client_secret = identity.groups()
    assert (client_id, client_secret) == (EMULATOR_TV_CLIENT_ID, EMULATOR_TV_CLIENT_SECRET)

    code = request_code(emu, client_id=client_id, scope=TV_SCOPE, path="/o/oauth2/device/code")
    emu.google.approve(code["user_code"])
    tokens = poll(
        emu,
        code["device_code"],
        client_id=client_id,
        client_secret=client_secret,
        path="/o/oauth2/token",
    ).json()
    assert tokens["scope"] == TV_SCOPE
    assert userinfo(emu, tokens["access_token"]).status_code == 200


# ----------------------------------------------------------------------------- the page


def test_verification_page_approves_with_the_prefilled_code(emu: Emulator) -> None:
    emu.google.rfc8628_spelling = True
    code = request_code(emu)
    page = requests.get(code["verification_uri_complete"], timeout=TIMEOUT)
    assert page.status_code == 200
    assert f'value="{code["user_code"]}"' in page.text
    assert 'name="action" value="allow"' in page.text

    done = post(emu, "/device", data={"user_code": code["user_code"], "action": "allow"})
    assert done.status_code == 200
    assert "You may close this page" in done.text
    assert poll(emu, code["device_code"]).status_code == 200


def test_verification_page_denies_and_refuses_unknown_codes(emu: Emulator) -> None:
    code = request_code(emu)
    denied = post(emu, "/device", data={"user_code": code["user_code"], "action": "deny"})
    assert denied.status_code == 200
    assert poll(emu, code["device_code"]).json()["error"] == "access_denied"

    unknown = post(emu, "/device", data={"user_code": "<b>x</b>", "action": "allow"})
    assert unknown.status_code == 400
    assert "<b>x</b>" not in unknown.text
    assert "&lt;b&gt;x&lt;/b&gt;" in unknown.text


def test_verification_page_escapes_the_echoed_code(emu: Emulator) -> None:
    page = get(emu, "/device", params={"user_code": '"><script>alert(1)</script>'})
    assert "<script>" not in page.text
    assert "&quot;&gt;&lt;script&gt;" in page.text


# ----------------------------------------------------------------------------- the log


def test_log_records_requests_but_not_control_calls(emu: Emulator) -> None:
    before = time.time()
    code = request_code(emu)
    poll(emu, code["device_code"])
    get(emu, "/_emulator/pending")
    get(emu, "/nowhere")

    log = emu.log
    assert [(e.method, e.path, e.status) for e in log] == [
        ("POST", "/device/code", 200),
        ("POST", "/token", 428),
        ("GET", "/nowhere", 404),
    ]
    assert log[0].form == {"client_id": EMULATOR_CLIENT_ID, "scope": DEFAULT_SCOPE}
    assert log[1].header("content-type") == "application/x-www-form-urlencoded"
    assert log[0].monotonic <= log[1].monotonic
    assert before <= log[0].wall_time <= time.time()
    assert emu.requests_to("/token", method="GET") == []

    over_http = get(emu, "/_emulator/log").json()
    assert [entry["path"] for entry in over_http] == ["/device/code", "/token", "/nowhere"]
    assert over_http[1]["form"]["device_code"] == code["device_code"]

    emu.clear_log()
    assert emu.log == []


def test_unknown_paths_and_methods_answer_json(emu: Emulator) -> None:
    missing = get(emu, "/nowhere")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    wrong = get(emu, "/token")
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "POST"


def test_config_route_validates_and_reports_settings(emu: Emulator) -> None:
    bad = post(emu, "/_emulator/config", json={"token_lifetime": "long"})
    assert bad.status_code == 400
    unknown = post(emu, "/_emulator/config", json={"no_such_setting": 1})
    assert unknown.status_code == 400
    assert emu.google.token_lifetime == 3600

    ok = post(emu, "/_emulator/config", json={"token_lifetime": 60, "poll_interval": 1})
    assert ok.json()["google"]["token_lifetime"] == 60
    assert get(emu, "/_emulator/config").json()["google"]["poll_interval"] == 1
    assert login(emu)["expires_in"] == 60


def test_serve_prints_its_url_and_stops_on_the_event() -> None:
    stop = threading.Event()
    out = io.StringIO()
    with redirect_stdout(out):
        worker = threading.Thread(target=serve, kwargs={"stop_event": stop})
        worker.start()
        deadline = time.monotonic() + TIMEOUT
        while "listening" not in out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        first_line = out.getvalue().splitlines()[0]
        match = re.fullmatch(
            r"# ytsession emulator listening on (http://127\.0\.0\.1:\d+)", first_line
        )
        assert match is not None
        response = requests.post(
            match.group(1) + "/device/code",
            data={"client_id": EMULATOR_CLIENT_ID, "scope": DEFAULT_SCOPE},
            timeout=TIMEOUT,
        )
        assert response.status_code == 200
        stop.set()
        worker.join(TIMEOUT)
    assert not worker.is_alive()
    assert EMULATOR_CLIENT_SECRET in out.getvalue()
