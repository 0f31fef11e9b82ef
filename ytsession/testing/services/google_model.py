"""The emulated Google device flow's constants and state records: its OAuth clients and
user, device codes, grants and tokens. Knows no HTTP route; :mod:`.google` serves them and
:mod:`.google_web` shows them.
"""

from __future__ import annotations

import math
import re
import secrets
from dataclasses import dataclass, field

from ytsession.testing.kit import Response

__all__ = [
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
    "UnknownUserCodeError",
]

#: The test OAuth client (type "TVs and Limited Input devices") every emulator knows.
EMULATOR_CLIENT_ID = "emulator-client.apps.googleusercontent.com"
#: Its secret.
EMULATOR_CLIENT_SECRET = "emulator-secret-Wq4cTz8LmN2vRk6p"
#: The emulated YouTube TV app's own client, published in :data:`TV_BASE_JS_PATH`.
EMULATOR_TV_CLIENT_ID = "000000000000-emulatortvclient0000000000000.apps.googleusercontent.com"
#: Its secret.
EMULATOR_TV_CLIENT_SECRET = "emulator-tv-secret-Hb7sKe3XuQ9d"

#: Google's default scope for YouTube.
DEFAULT_SCOPE = "https://www.googleapis.com/auth/youtube"
#: The scope the YouTube TV app's client asks for.
TV_SCOPE = "http://gdata.youtube.com https://www.googleapis.com/auth/youtube-paid-content"

#: The RFC 8628 device grant type.
DEVICE_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:device_code"
#: Google's older spelling of the device grant type, still accepted.
LEGACY_DEVICE_GRANT_TYPE = "http://oauth.net/grant_type/device/1.0"

#: The emulated account.
EMULATED_USER_SUB = "110248000000000000042"
EMULATED_USER_EMAIL = "emulated-user@example.com"

#: A field token answers carry that no client knows: clients must ignore it.
UNKNOWN_EXTRA_FIELD = "id_token_hint_unused"

#: The YouTube TV page and the script holding the TV client's identity.
TV_PAGE_PATH = "/tv"
TV_BASE_JS_PATH = "/s/_/kabuki/_/js/k=kabuki.base.en_US.js"

#: The verification page, where a person approves or denies a user code.
VERIFICATION_PATH = "/device"

# Prefixes make emulator tokens recognisable, e.g. when a test greps output for leaks.
_ACCESS_TOKEN_PREFIX = "ya29.emu-"
_REFRESH_TOKEN_PREFIX = "1//emu-"
# The states of a device code.
PENDING = "pending"
APPROVED = "approved"
DENIED = "denied"
USED = "used"


class UnknownUserCodeError(LookupError):
    """A user code the emulator does not know, or that is no longer pending."""


@dataclass(frozen=True)
class AccessTokenInfo:
    """What the emulator knows about a valid access token.

    :param client_id: the client it was issued to.
    :param scope: the granted scope.
    :param sub: the user's id.
    :param expires_in: seconds left before it expires.
    """

    client_id: str
    scope: str
    sub: str
    expires_in: float


@dataclass
class DeviceAuthorization:
    device_code: str
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    interval: float
    status: str = PENDING
    last_poll: float | None = None
    expiry_reported: bool = False


@dataclass
class Grant:
    """One user authorization of one client; revoking it ends all its tokens."""

    client_id: str
    scope: str
    expires_at: float | None  # the refresh token deadline, None for never
    revoked: bool = False

    def live(self, now: float) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)


@dataclass
class RefreshToken:
    grant: Grant
    active: bool = True  # False once rotated away


@dataclass
class AccessToken:
    grant: Grant
    expires_at: float


@dataclass
class Tokens:
    """Every access and refresh token issued, by value."""

    access: dict[str, AccessToken] = field(default_factory=dict)
    refresh: dict[str, RefreshToken] = field(default_factory=dict)

    def info(self, token: str, now: float) -> AccessTokenInfo | None:
        """Describe ``token`` when it is a live access token, else ``None``."""
        record = self.access.get(token)
        if record is None or now >= record.expires_at or not record.grant.live(now):
            return None
        return AccessTokenInfo(
            client_id=record.grant.client_id,
            scope=record.grant.scope,
            sub=EMULATED_USER_SUB,
            expires_in=record.expires_at - now,
        )

    def issue(
        self, grant: Grant, now: float, *, lifetime: float, with_refresh_token: bool
    ) -> dict[str, object]:
        """Mint an access token (and a refresh token) for ``grant``: the token answer."""
        access = _ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(48)
        self.access[access] = AccessToken(grant, now + lifetime)
        body: dict[str, object] = {
            "access_token": access,
            "expires_in": seconds(lifetime),
            "scope": grant.scope,
            "token_type": "Bearer",
        }
        if with_refresh_token:
            refresh = _REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(48)
            self.refresh[refresh] = RefreshToken(grant)
            body["refresh_token"] = refresh
            if grant.expires_at is not None:
                body["refresh_token_expires_in"] = max(0, math.ceil(grant.expires_at - now))
        body[UNKNOWN_EXTRA_FIELD] = "clients must ignore fields they do not know"
        return body


def seconds(value: float) -> int | float:
    """A duration for JSON: an integer when whole (as Google sends), else the float."""
    return int(value) if float(value).is_integer() else value


def normalize_user_code(user_code: str) -> str:
    return re.sub(r"[^A-Za-z]", "", user_code).upper()


def format_user_code(letters: str) -> str:
    return "-".join(letters[i : i + 3] for i in range(0, len(letters), 3))


def oauth_error(status: int, error: str, description: str | None = None) -> Response:
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return Response.json(body, status)


def missing(name: str) -> Response:
    return oauth_error(400, "invalid_request", f"Missing required parameter: {name}")
