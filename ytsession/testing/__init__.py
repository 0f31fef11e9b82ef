"""The loopback emulator: Google OAuth (and later InnerTube, PeerTube) on ``127.0.0.1``.

Tests and demos point ytsession at :attr:`Emulator.url` instead of Google::

    from ytsession.testing import Emulator

    with Emulator() as emu:
        ...  # run the device flow against emu.url
        emu.google.approve(emu.google.wait_for_user_code())

``ytsession emulator`` runs one in the foreground (see :func:`serve`); subprocesses
drive it through the HTTP control API under ``/_emulator/``.
"""

from __future__ import annotations

from ytsession.testing._google import (
    DEFAULT_SCOPE,
    DEVICE_GRANT_TYPE,
    EMULATED_USER_EMAIL,
    EMULATED_USER_SUB,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    EMULATOR_TV_CLIENT_ID,
    EMULATOR_TV_CLIENT_SECRET,
    LEGACY_DEVICE_GRANT_TYPE,
    TV_BASE_JS_PATH,
    TV_PAGE_PATH,
    TV_SCOPE,
    UNKNOWN_EXTRA_FIELD,
    AccessTokenInfo,
    GoogleOAuthService,
    UnknownUserCodeError,
)
from ytsession.testing._server import (
    CONTROL_PREFIX,
    Emulator,
    Handler,
    LoggedRequest,
    Request,
    Response,
    Router,
    Service,
    serve,
)

__all__ = [
    "CONTROL_PREFIX",
    "DEFAULT_SCOPE",
    "DEVICE_GRANT_TYPE",
    "EMULATED_USER_EMAIL",
    "EMULATED_USER_SUB",
    "EMULATOR_CLIENT_ID",
    "EMULATOR_CLIENT_SECRET",
    "EMULATOR_TV_CLIENT_ID",
    "EMULATOR_TV_CLIENT_SECRET",
    "LEGACY_DEVICE_GRANT_TYPE",
    "TV_BASE_JS_PATH",
    "TV_PAGE_PATH",
    "TV_SCOPE",
    "UNKNOWN_EXTRA_FIELD",
    "AccessTokenInfo",
    "Emulator",
    "GoogleOAuthService",
    "Handler",
    "LoggedRequest",
    "Request",
    "Response",
    "Router",
    "Service",
    "UnknownUserCodeError",
    "serve",
]
