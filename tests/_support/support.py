"""Helpers for tests: real emulator logins and token files with a chosen expiry."""

from __future__ import annotations

import contextlib
import json
import os
import time
import warnings
from pathlib import Path
from typing import Any, NoReturn

import pytest

from ytsession import OAuthCredentials, RefreshingToken, Session
from ytsession.errors import CookiesRefusedError, CookiesRotatedOutWarning
from ytsession.testing import Emulator


def required_here(require_env: str) -> bool:
    """Whether what a test needs must be there: in CI (``CI`` set) or when ``require_env``
    asks for it (any value but ``""``, ``0`` or ``false``)."""
    names = ("CI", require_env)
    return any(os.environ.get(name, "").lower() not in ("", "0", "false") for name in names)


def unavailable(message: str, *, require_env: str, fix: str) -> NoReturn:
    """Skip the test for ``message`` locally; fail it where :func:`required_here` (CI),
    saying ``fix``."""
    if required_here(require_env):
        pytest.fail(f"{message} ({fix})")
    pytest.skip(message)


def login(emu: Emulator, credentials: OAuthCredentials) -> dict[str, Any]:
    """Run the device flow against the emulator, approving at once; return the raw token."""
    code = credentials.get_code()
    emu.google.approve(code["user_code"])
    return dict(credentials.token_from_code(code["device_code"]))


def token_file(path: Path, raw: dict[str, Any], *, expires_in: float) -> Path:
    """Write a token file whose access token expires ``expires_in`` seconds from now."""
    data = {
        "scope": raw.get("scope", ""),
        "token_type": raw.get("token_type", "Bearer"),
        "access_token": raw["access_token"],
        "refresh_token": raw["refresh_token"],
        "expires_at": int(time.time() + expires_in),
        "expires_in": 3600,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data))
    return path


def logged_in_token(
    emu: Emulator, credentials: OAuthCredentials, path: Path, *, expires_in: float
) -> RefreshingToken:
    """A real emulator login stored in ``path``, with the expiry moved as the test needs."""
    token_file(path, login(emu, credentials), expires_in=expires_in)
    return RefreshingToken.from_file(path, credentials)


def rotate_out_and_keep_calling(emu: Emulator, session: Session, body: dict[str, Any]) -> None:
    """The emulated browser signs out (the answer drops the login cookies, warned with
    ``stale="warn"``), then later answers still set cookies: what a logged-out jar sees."""
    emu.innertube.cookies.rotate(drop_login=True)
    with pytest.warns(CookiesRotatedOutWarning):
        session.call("browse", body)
    emu.innertube.cookies.rotate(count=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CookiesRotatedOutWarning)
        for _ in range(3):
            with contextlib.suppress(CookiesRefusedError):
                session.call("browse", body)
