"""The device flow as a user lives it, over loopback HTTP against the emulator."""

from __future__ import annotations

import io
import itertools
import threading
from pathlib import Path

import pytest

from ytsession import OAuthCredentials, OAuthEndpoints, Profile, ProfileError, RefreshingToken
from ytsession.errors import (
    AccessDeniedError,
    AuthorizationPendingError,
    BadOAuthClientError,
    DeviceCodeExpiredError,
    SlowDownError,
)
from ytsession.store.profiles import ProfileSettings
from ytsession.testing import EMULATOR_CLIENT_ID, UNKNOWN_EXTRA_FIELD, Emulator

from tests._support.support import login


def _approve_when_asked(emu: Emulator, *, deny: bool = False) -> threading.Thread:
    def decide() -> None:
        code = emu.google.wait_for_user_code(timeout=10)
        (emu.google.deny if deny else emu.google.approve)(code)

    thread = threading.Thread(target=decide, daemon=True)
    thread.start()
    return thread


def test_login_success_gives_a_full_token_and_ignores_unknown_fields(
    emu: Emulator, credentials: OAuthCredentials
) -> None:
    code = credentials.get_code()
    assert code["verification_url"] == f"{emu.url}/device"
    assert len(code["user_code"]) == len("ABC-DEF-GHI")
    emu.google.approve(code["user_code"])
    token = credentials.token_from_code(code["device_code"])
    assert token["access_token"].startswith("ya29.")
    assert token["refresh_token"]
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    assert UNKNOWN_EXTRA_FIELD not in token  # the emulator sends it; we drop it
    form = emu.requests_to("/token")[-1].form
    assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code"
    assert form["device_code"] == code["device_code"]
    assert form["client_secret"]  # sent in the body, as Google wants


def test_pending_then_success_by_polling(emu: Emulator, credentials: OAuthCredentials) -> None:
    code = credentials.get_code()
    with pytest.raises(AuthorizationPendingError):
        credentials.token_from_code(code["device_code"])
    assert emu.requests_to("/token")[-1].status == 428

    polls: list[float] = []

    def on_wait(left: float) -> None:
        polls.append(left)
        if len(polls) == 3:
            emu.google.approve(code["user_code"])

    token = credentials.wait_for_token(code, on_wait=on_wait)
    assert token["access_token"]
    assert len(polls) == 3  # two more pending answers, then the token
    assert [r.status for r in emu.requests_to("/token")] == [428, 428, 428, 200]


@pytest.mark.slow
def test_slow_down_widens_the_poll_spacing_by_five_seconds(
    emu: Emulator, credentials: OAuthCredentials
) -> None:
    emu.google.poll_interval = 1
    code = credentials.get_code()
    assert code["interval"] == 1
    emu.google.inject_slow_down(1)
    waits = 0

    def on_wait(left: float) -> None:
        nonlocal waits
        waits += 1
        if waits == 3:
            emu.google.approve(code["user_code"])

    credentials.wait_for_token(code, on_wait=on_wait)
    requests = emu.requests_to("/device/code") + emu.requests_to("/token")
    assert [r.status for r in requests] == [200, 403, 428, 200]
    gaps = [b.monotonic - a.monotonic for a, b in itertools.pairwise(requests)]
    # the code's interval (1 s) before the slow_down, 1 + 5 s for this and every later poll
    assert 0.9 <= gaps[0] < 2.0
    assert all(5.9 <= gap < 7.5 for gap in gaps[1:]), gaps


def test_slow_down_is_a_typed_error_on_a_single_exchange(
    emu: Emulator, credentials: OAuthCredentials
) -> None:
    code = credentials.get_code()
    emu.google.inject_slow_down(1)
    with pytest.raises(SlowDownError):
        credentials.token_from_code(code["device_code"])


def test_denied_login_stops_polling(emu: Emulator, credentials: OAuthCredentials) -> None:
    code = credentials.get_code()
    _approve_when_asked(emu, deny=True)
    with pytest.raises(AccessDeniedError, match="denied"):
        credentials.wait_for_token(code)
    assert emu.requests_to("/token")[-1].status == 403


@pytest.mark.slow
def test_expired_code_stops_polling(emu: Emulator, credentials: OAuthCredentials) -> None:
    emu.google.device_code_lifetime = 1
    emu.google.poll_interval = 0.4
    code = credentials.get_code()
    with pytest.raises(DeviceCodeExpiredError, match="start the login again"):
        credentials.wait_for_token(code)


@pytest.mark.slow
def test_server_side_expired_token_answer_is_typed(
    emu: Emulator, credentials: OAuthCredentials
) -> None:
    emu.google.device_code_lifetime = 0.2
    code = credentials.get_code()
    threading.Event().wait(0.4)
    with pytest.raises(DeviceCodeExpiredError):
        credentials.token_from_code(code["device_code"])
    assert emu.requests_to("/token")[-1].status == 400


def test_ctrl_c_stops_the_wait(emu: Emulator, credentials: OAuthCredentials) -> None:
    code = credentials.get_code()

    def interrupted(seconds: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        credentials.wait_for_token(code, sleep=interrupted)
    assert emu.requests_to("/token") == []


def test_wrong_client_secret_is_a_typed_error(emu: Emulator) -> None:
    wrong = OAuthCredentials(
        EMULATOR_CLIENT_ID, "not-the-secret", endpoints=OAuthEndpoints.under(emu.url)
    )
    code = wrong.get_code()  # Google checks only the id here, and the secret on /token
    emu.google.approve(code["user_code"])
    with pytest.raises(BadOAuthClientError, match="client id or secret"):
        wrong.token_from_code(code["device_code"])
    unknown = OAuthCredentials(
        "unknown.apps.googleusercontent.com", "x", endpoints=OAuthEndpoints.under(emu.url)
    )
    with pytest.raises(BadOAuthClientError):
        unknown.get_code()


def test_rfc8628_servers_spelling_and_complete_url_are_shown(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    emu.google.rfc8628_spelling = True
    _approve_when_asked(emu)
    out = io.StringIO()
    token = RefreshingToken.prompt_for_token(credentials, to_file=tmp_path / "oauth.json", out=out)
    text = out.getvalue()
    assert f"Open {emu.url}/device and enter the code " in text
    assert f"{emu.url}/device?user_code=" in text  # verification_uri_complete
    assert "left to approve" in text
    assert token.local_cache == tmp_path / "oauth.json"
    assert (tmp_path / "oauth.json").is_file()
    assert emu.google.access_token_valid(token.access_token)


def test_youtube_tv_client_is_discovered_and_logs_in(emu: Emulator) -> None:
    credentials = OAuthCredentials.from_youtube_tv(tv_url=f"{emu.url}/tv")
    assert credentials.client_id.endswith(".apps.googleusercontent.com")
    assert credentials.endpoints.token_url == f"{emu.url}/o/oauth2/token"
    assert "gdata.youtube.com" in credentials.scope
    token = login(emu, credentials)
    assert emu.google.access_token_valid(token["access_token"])
    assert emu.requests_to("/o/oauth2/token")


def test_google_gets_its_own_client_authentication_at_each_endpoint(
    emu: Emulator, credentials: OAuthCredentials
) -> None:
    assert credentials.endpoints.client_auth == "client_secret_post"
    token = login(emu, credentials)
    credentials.refresh_token(token["refresh_token"])
    credentials.revoke(token["refresh_token"])
    assert set(emu.requests_to("/device/code")[-1].form) == {"client_id", "scope"}
    forms = [entry.form for entry in emu.requests_to("/token")]
    assert [set(form) for form in forms] == [
        {"grant_type", "device_code", "client_id", "client_secret"},
        {"grant_type", "refresh_token", "client_id", "client_secret"},
    ]
    assert set(emu.requests_to("/revoke")[-1].form) == {"token"}
    logged = [
        *emu.requests_to("/device/code"),
        *emu.requests_to("/token"),
        *emu.requests_to("/revoke"),
    ]
    assert not any("Authorization" in entry.headers for entry in logged)  # never Basic


def test_a_profile_keeps_the_client_authentication(emu: Emulator, tmp_path: Path) -> None:
    endpoints = OAuthEndpoints(
        device_code_url=f"{emu.url}/device/code",
        token_url=f"{emu.url}/token",
        revoke_url="",
        client_auth="none",
    )
    public = OAuthCredentials("a-public-client", endpoints=endpoints)
    profile = Profile.named("public", home=tmp_path)
    profile.save_settings(ProfileSettings.of_client(public))
    again = profile.credentials()
    assert isinstance(again, OAuthCredentials)
    assert again.endpoints == endpoints
    assert again.client_secret == ""
    # Profiles written before client authentication was configurable are Google's.
    old = Profile.named("old", home=tmp_path)
    settings = ProfileSettings.of_client(
        OAuthCredentials(EMULATOR_CLIENT_ID, "secret", endpoints=OAuthEndpoints.under(emu.url))
    )
    for key in ("client_auth", "client_auth_at"):
        del settings.endpoints[key]
    old.save_settings(settings)
    old_credentials = old.credentials()
    assert isinstance(old_credentials, OAuthCredentials)
    assert old_credentials.endpoints == OAuthEndpoints.under(emu.url)


def test_unknown_client_authentication_is_a_typed_error() -> None:
    with pytest.raises(ProfileError, match="client_secret_basic"):
        OAuthEndpoints("https://a/device", "https://a/token", "", client_auth="private_key_jwt")
    with pytest.raises(ProfileError):
        OAuthEndpoints.from_dict({"device_code_url": "https://a/d", "token_url": "https://a/t"})
