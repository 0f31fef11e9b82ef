"""Secrets never reach a repr, a str, a log record or an exception message."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import pytest

from ytsession import (
    BearerAuth,
    LoginRequiredError,
    NetworkError,
    OAuthCredentials,
    OAuthEndpoints,
    OAuthToken,
    Profile,
    YTSessionError,
)
from ytsession.store.profiles import ProfileSettings
from ytsession.testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator

from tests._support.support import logged_in_token


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_no_secret_in_reprs_logs_or_errors(
    emu: Emulator,
    credentials: OAuthCredentials,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, urllib3's included
    emu.google.rotate_refresh_tokens = True
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=0)
    old_refresh = token.refresh_token
    secrets = {token.as_dict()["access_token"], old_refresh, EMULATOR_CLIENT_SECRET}
    secrets |= {token.access_token, token.refresh_token}  # read: refreshed and rotated
    assert token.refresh_token != old_refresh

    texts = [
        repr(token),
        str(token),
        repr(credentials),
        str(credentials),
        repr(BearerAuth(token)),
        repr(OAuthToken.from_dict(token.as_dict())),
        repr(ProfileSettings(kind="oauth", client_id="id", client_secret=EMULATOR_CLIENT_SECRET)),
    ]
    errors: list[YTSessionError] = []
    with pytest.raises(LoginRequiredError) as dead:
        credentials.refresh_token(old_refresh)  # rotated away: invalid_grant
    errors.append(dead.value)
    offline = OAuthCredentials(
        EMULATOR_CLIENT_ID,
        EMULATOR_CLIENT_SECRET,
        endpoints=OAuthEndpoints.under(f"http://127.0.0.1:{_free_port()}"),
    )
    with pytest.raises(NetworkError) as unreachable:
        offline.refresh_token(token.refresh_token)
    errors.append(unreachable.value)
    emu.inject_error("/revoke", 500, {"error": "server_error"}, count=None)
    with pytest.raises(YTSessionError) as failing:
        credentials.revoke(token.refresh_token)
    errors.append(failing.value)

    texts += [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [record.getMessage() for record in caplog.records]
    texts += [str(e.__cause__) for e in errors if e.__cause__ is not None]
    assert caplog.records, "expected some log records to check"
    for text in texts:
        for secret in secrets:
            assert secret not in text, f"a secret leaked into: {text[:120]}"


def test_profile_settings_file_is_private(tmp_path: Path) -> None:
    profile = Profile.named("p", home=tmp_path)
    profile.save_settings(
        ProfileSettings(kind="oauth", client_id="id", client_secret=EMULATOR_CLIENT_SECRET)
    )
    assert profile.settings_path.stat().st_mode & 0o777 == 0o600
    assert profile.directory.stat().st_mode & 0o777 == 0o700
