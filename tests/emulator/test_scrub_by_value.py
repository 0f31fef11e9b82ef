"""Secrets are scrubbed from error messages by value: a server that echoes a token in any
form (without ``Bearer``, inside a sentence, in a problem's title) never puts it in an
exception's message or fields."""

from __future__ import annotations

from pathlib import Path

import pytest

from ytsession import (
    InnerTubeError,
    OAuthCredentials,
    OAuthServerError,
    PeerTubeCredentials,
    PeerTubeError,
    PeerTubeSession,
    Session,
    YouTubeCookies,
    YTSessionError,
)
from ytsession.peertube.models import ME_PATH
from ytsession.testing import PEERTUBE_PASSWORD, PEERTUBE_USERNAME, Emulator

from tests._support.support import logged_in_token


def _texts(exc: BaseException) -> str:
    """Everything a user could print of an error: its message and its public fields."""
    fields = [str(v) for k, v in vars(exc).items() if not k.startswith("_")]
    return " | ".join([str(exc), repr(exc), *fields])


def test_an_innertube_error_echoing_the_bare_access_token_hides_it(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)
    secrets = (token.access_token, token.refresh_token, credentials.client_secret)
    echo = "token {} refused (refresh {}, client {})".format(*secrets)
    emu.inject_error(
        "/youtubei/v1/browse",
        400,
        {"error": {"code": 400, "message": echo, "status": "INVALID_ARGUMENT"}},
    )
    with (
        Session.create(base_url=emu.url, auth=token) as session,
        pytest.raises(InnerTubeError) as caught,
    ):
        session.call("browse", {"browseId": "FEwhat_to_watch"})
    shown = _texts(caught.value)
    assert "refused" in shown and "<hidden>" in shown
    for secret in secrets:
        assert secret not in shown


def test_a_peertube_problem_echoing_the_token_hides_it(emu: Emulator) -> None:
    peertube = PeerTubeCredentials(emu.url)
    token = peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    access, refresh = token.access_token, token.refresh_token
    emu.inject_error(
        ME_PATH,
        400,
        {
            "type": "about:blank",
            "title": f"bad token {access}",
            "detail": f"token {access} / {refresh} / {peertube.client_secret}",
            "status": 400,
            "code": "invalid_request",
        },
    )
    with PeerTubeSession(token) as session, pytest.raises(PeerTubeError) as caught:
        session.me()
    shown = _texts(caught.value)
    assert "bad token" in shown
    for secret in (access, refresh, peertube.client_secret):
        assert secret not in shown


def test_an_oauth_error_description_echoing_the_refresh_token_hides_it(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=0)
    refresh = token.refresh_token
    emu.inject_error(
        "/token", 400, {"error": "invalid_request", "error_description": f"what is {refresh}?"}
    )
    with pytest.raises(OAuthServerError) as caught:
        token.refresh()
    assert "what is <hidden>?" in str(caught.value)
    assert refresh not in _texts(caught.value)


def test_cookie_values_are_scrubbed_from_any_error() -> None:
    cookies = YouTubeCookies.from_cookie_header(
        "SAPISID=sapisid-value-1234; SID=sid-value-5678; LOGIN_INFO=login-info-9012"
    )
    assert len(cookies) == 3
    exc = YTSessionError("the server said sid-value-5678 and sapisid-value-1234")
    assert str(exc) == "the server said <hidden> and <hidden>"
