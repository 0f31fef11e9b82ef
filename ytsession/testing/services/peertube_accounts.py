"""The emulated PeerTube instance's accounts and logins: its users and their two-factor
codes, the sessions (an access and a refresh token that live and die together), and the
errors it answers in. Knows no route; :mod:`.peertube` serves them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import secrets
import struct
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ytsession.testing.kit import Response

__all__ = [
    "PEERTUBE_2FA_EMAIL",
    "PEERTUBE_2FA_PASSWORD",
    "PEERTUBE_2FA_SECRET",
    "PEERTUBE_2FA_USERNAME",
    "PEERTUBE_CLIENT_ID",
    "PEERTUBE_CLIENT_SECRET",
    "PEERTUBE_EMAIL",
    "PEERTUBE_PASSWORD",
    "PEERTUBE_USERNAME",
    "LoginSession",
    "Logins",
    "PeerTubeUser",
    "account_refusal",
    "comment_answer",
    "find_user",
    "me_answer",
    "otp_ok",
    "problem",
    "totp",
]

#: The instance's own ("local") OAuth client.
PEERTUBE_CLIENT_ID = "emupeertubeclient0000000000000001"
#: Its secret.
PEERTUBE_CLIENT_SECRET = "emupeertubesecretQ7wK2mX9rT4vB8nL"

#: The emulated account without two-factor authentication.
PEERTUBE_USERNAME = "alice"
PEERTUBE_EMAIL = "alice@peertube.example"
PEERTUBE_PASSWORD = "correct horse battery staple"
#: The emulated account with two-factor authentication (an authenticator app).
PEERTUBE_2FA_USERNAME = "bob"
PEERTUBE_2FA_EMAIL = "bob@peertube.example"
PEERTUBE_2FA_PASSWORD = "tr0ub4dor&3"
#: Bob's TOTP secret (base32): :func:`totp` gives the current code.
PEERTUBE_2FA_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_PROBLEM_TYPE = "application/problem+json; charset=utf-8"
_DOCS = "https://docs.joinpeertube.org/api-rest-reference.html#section/Errors/"

# Prefixes make emulator tokens recognisable, e.g. when a test greps output for leaks.
_ACCESS_PREFIX = "pt-emu-access-"
_REFRESH_PREFIX = "pt-emu-refresh-"

_TOTP_STEP = 30
_TOTP_DIGITS = 6


def totp(secret: str, at: float | None = None, *, step: int = _TOTP_STEP) -> str:
    """The time-based one-time password (RFC 6238: HMAC-SHA1, 6 digits, 30 s steps).

    :param secret: the base32 secret (padding optional, case-insensitive).
    :param at: the Unix time; now when ``None``.
    :param step: seconds per code.
    """
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**_TOTP_DIGITS).zfill(_TOTP_DIGITS)


@dataclass
class PeerTubeUser:
    """An account of the emulated instance.

    :param username: the login name (matched case-insensitively).
    :param email: the e-mail address (also accepted as login name).
    :param password: the password.
    :param otp_secret: a base32 TOTP secret when the account uses two-factor auth.
    :param blocked: the moderators blocked the account.
    :param email_verified: the e-mail address was verified.
    :param approved: the registration was approved.
    :param user_id: the numeric id.
    """

    username: str
    email: str
    password: str = field(repr=False)
    otp_secret: str | None = field(default=None, repr=False)
    blocked: bool = False
    email_verified: bool = True
    approved: bool = True
    user_id: int = 0
    display_name: str = ""
    description: str = ""


@dataclass
class LoginSession:
    """One login: an access token and a refresh token that live and die together."""

    user: PeerTubeUser
    access_token: str
    refresh_token: str
    access_expires_at: float
    refresh_expires_at: float


def problem(
    status: int,
    code: str | None,
    detail: str,
    *,
    title: str | None = None,
    legacy: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """An error as PeerTube sends it: ``application/problem+json`` (or, with ``legacy``,
    the older plain JSON with ``error`` and ``code``)."""
    if legacy:
        old: dict[str, object] = {"error": detail}
        if code:
            old["code"] = code
        return Response.json(old, status, headers=headers)
    body: dict[str, object] = {
        "type": _DOCS + code if code else "about:blank",
        "title": title or _TITLES.get(status, "Error"),
        "detail": detail,
        "status": status,
        "error": detail,  # older clients read this field
    }
    if code:
        body["code"] = code
    all_headers = {"Content-Type": _PROBLEM_TYPE, **(headers or {})}
    return Response.json(body, status, headers=all_headers)


_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
}


def otp_ok(secret: str, code: str) -> bool:
    """Accept the current code and its neighbours (one step of clock drift each way)."""
    now = time.time()
    return any(
        hmac.compare_digest(totp(secret, now + drift * _TOTP_STEP), code) for drift in (-1, 0, 1)
    )


def account_refusal(user: PeerTubeUser) -> tuple[str, str] | None:
    """Why the instance refuses ``user`` a login (the error code and detail), or ``None``."""
    if user.blocked:
        return "account_blocked", "User is blocked."
    if not user.email_verified:
        return "email_not_verified", "User email is not verified."
    if not user.approved:
        return "account_waiting_for_approval", "User registration is waiting for approval."
    return None


def find_user(users: Iterable[PeerTubeUser], login: str) -> PeerTubeUser | None:
    """The account whose user name or e-mail address is ``login`` (in any case)."""
    wanted = login.lower()
    candidates = list(users)
    for user in candidates:
        if user.username.lower() == wanted:
            return user
    return next((user for user in candidates if user.email.lower() == wanted), None)


def comment_answer(user: PeerTubeUser, video_id: str, text: str) -> dict[str, Any]:
    """The answer of ``POST /api/v1/videos/{id}/comment-threads``."""
    return {
        "comment": {
            "id": secrets.randbelow(10**6),
            "videoId": video_id,
            "text": text,
            "account": {"name": user.username},
        }
    }


def me_answer(user: PeerTubeUser) -> dict[str, Any]:
    """The answer of ``GET /api/v1/users/me`` for ``user``."""
    return {
        "id": user.user_id,
        "username": user.username,
        "email": user.email,
        "emailVerified": user.email_verified,
        "role": {"id": 2, "label": "User"},
        "blocked": user.blocked,
        "twoFactorEnabled": user.otp_secret is not None,
        "account": {
            "id": user.user_id,
            "name": user.username,
            "displayName": user.display_name,
            "description": user.description,
        },
    }


class Logins:
    """The live sessions, by access token and by refresh token. Not locked: the service
    holds its lock around every call."""

    def __init__(self) -> None:
        self.by_access: dict[str, LoginSession] = {}
        self.by_refresh: dict[str, LoginSession] = {}

    def issue(
        self, user: PeerTubeUser, now: float, *, access_lifetime: float, refresh_lifetime: float
    ) -> dict[str, object]:
        """Mint a session for ``user``: the token answer."""
        session = LoginSession(
            user=user,
            access_token=_ACCESS_PREFIX + secrets.token_hex(20),
            refresh_token=_REFRESH_PREFIX + secrets.token_hex(20),
            access_expires_at=now + access_lifetime,
            refresh_expires_at=now + refresh_lifetime,
        )
        self.by_access[session.access_token] = session
        self.by_refresh[session.refresh_token] = session
        return {
            "token_type": "Bearer",
            "access_token": session.access_token,
            "refresh_token": session.refresh_token,
            "expires_in": math.ceil(access_lifetime),
            "refresh_token_expires_in": math.ceil(refresh_lifetime),
        }

    def drop(self, session: LoginSession) -> None:
        """End ``session``."""
        self.by_access.pop(session.access_token, None)
        self.by_refresh.pop(session.refresh_token, None)

    def for_access(self, token: str, now: float) -> LoginSession | None:
        """The session of a live access token."""
        session = self.by_access.get(token)
        return session if session is not None and now < session.access_expires_at else None

    def for_refresh(self, token: str, now: float) -> LoginSession | None:
        """The session of a live refresh token."""
        session = self.by_refresh.get(token)
        return session if session is not None and now < session.refresh_expires_at else None

    def expire_access_tokens(self, now: float) -> None:
        """Make every access token expired, now (refresh tokens live on)."""
        for session in self.by_access.values():
            session.access_expires_at = min(session.access_expires_at, now)

    def clear(self) -> None:
        """End every session."""
        self.by_access.clear()
        self.by_refresh.clear()

    def tokens(self) -> list[str]:
        """Every live access and refresh token."""
        return [*self.by_access, *self.by_refresh]
