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

from ytsession.testing.emulator import Emulator, serve
from ytsession.testing.kit import (
    CONTROL_PREFIX,
    Handler,
    LoggedRequest,
    Request,
    Response,
    Router,
    Service,
)
from ytsession.testing.services.botguard import (
    BOTGUARD_GLOBAL_NAME,
    BOTGUARD_REQUEST_KEY,
    BotGuardService,
    VerifiedPoToken,
    po_token_problem,
    verify_po_token,
)
from ytsession.testing.services.cookies import (
    EMULATED_BRAND_ACCOUNT_ID,
    EMULATED_COOKIES,
    EMULATED_USER_SESSION_ID,
    ROTATING_COOKIES,
    CookieChecker,
    CookieRefusal,
)
from ytsession.testing.services.google import GoogleOAuthService
from ytsession.testing.services.google_model import (
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
    UnknownUserCodeError,
)
from ytsession.testing.services.innertube import (
    EMULATED_ACCOUNT_NAME,
    EMULATOR_API_KEY,
    INNERTUBE_ENDPOINTS,
    TV_CLIENTS,
    InnerTubeCall,
    InnerTubeService,
)
from ytsession.testing.services.peertube import PeerTubeService
from ytsession.testing.services.peertube_accounts import (
    PEERTUBE_2FA_EMAIL,
    PEERTUBE_2FA_PASSWORD,
    PEERTUBE_2FA_SECRET,
    PEERTUBE_2FA_USERNAME,
    PEERTUBE_CLIENT_ID,
    PEERTUBE_CLIENT_SECRET,
    PEERTUBE_EMAIL,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
    PeerTubeUser,
    totp,
)

__all__ = [
    "BOTGUARD_GLOBAL_NAME",
    "BOTGUARD_REQUEST_KEY",
    "CONTROL_PREFIX",
    "DEFAULT_SCOPE",
    "DEVICE_GRANT_TYPE",
    "EMULATED_ACCOUNT_NAME",
    "EMULATED_BRAND_ACCOUNT_ID",
    "EMULATED_COOKIES",
    "EMULATED_USER_EMAIL",
    "EMULATED_USER_SESSION_ID",
    "EMULATED_USER_SUB",
    "EMULATOR_API_KEY",
    "EMULATOR_CLIENT_ID",
    "EMULATOR_CLIENT_SECRET",
    "EMULATOR_TV_CLIENT_ID",
    "EMULATOR_TV_CLIENT_SECRET",
    "INNERTUBE_ENDPOINTS",
    "LEGACY_DEVICE_GRANT_TYPE",
    "PEERTUBE_2FA_EMAIL",
    "PEERTUBE_2FA_PASSWORD",
    "PEERTUBE_2FA_SECRET",
    "PEERTUBE_2FA_USERNAME",
    "PEERTUBE_CLIENT_ID",
    "PEERTUBE_CLIENT_SECRET",
    "PEERTUBE_EMAIL",
    "PEERTUBE_PASSWORD",
    "PEERTUBE_USERNAME",
    "ROTATING_COOKIES",
    "TV_BASE_JS_PATH",
    "TV_CLIENTS",
    "TV_PAGE_PATH",
    "TV_SCOPE",
    "UNKNOWN_EXTRA_FIELD",
    "AccessTokenInfo",
    "BotGuardService",
    "CookieChecker",
    "CookieRefusal",
    "Emulator",
    "GoogleOAuthService",
    "Handler",
    "InnerTubeCall",
    "InnerTubeService",
    "LoggedRequest",
    "PeerTubeService",
    "PeerTubeUser",
    "Request",
    "Response",
    "Router",
    "Service",
    "UnknownUserCodeError",
    "VerifiedPoToken",
    "po_token_problem",
    "serve",
    "totp",
    "verify_po_token",
]
