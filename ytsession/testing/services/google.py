"""Google OAuth 2.0 device flow (RFC 8628 as Google speaks it), emulated.

Served at both the ``oauth2.googleapis.com`` paths (``/device/code``, ``/token``,
``/revoke``) and the YouTube TV app's paths (``/o/oauth2/...``), plus a protected resource
(``/oauth2/v3/userinfo``); the verification page (``/device``), the YouTube TV page and
script that carry the TV client's identity (``/tv``) and the control routes are in
:mod:`.google_web`, the constants and state records in :mod:`.google_model`.

Tests drive it through :class:`GoogleOAuthService` (``emu.google``): approve or deny user
codes, change lifetimes, force ``slow_down``, expire or revoke tokens, count refreshes.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Mapping
from typing import ClassVar

from ytsession.testing.kit import Request, Response, Router, Service
from ytsession.testing.services.google_model import (
    APPROVED,
    DENIED,
    DEVICE_GRANT_TYPE,
    EMULATED_USER_EMAIL,
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    EMULATOR_TV_CLIENT_ID,
    EMULATOR_TV_CLIENT_SECRET,
    LEGACY_DEVICE_GRANT_TYPE,
    PENDING,
    USED,
    VERIFICATION_PATH,
    AccessTokenInfo,
    DeviceAuthorization,
    Grant,
    Tokens,
    UnknownUserCodeError,
    format_user_code,
    missing,
    normalize_user_code,
    oauth_error,
    seconds,
)
from ytsession.testing.services.google_web import register_web

__all__ = ["GoogleOAuthService"]

_REFRESH_GRANT_TYPE = "refresh_token"

# Every endpoint at Google's API path and at the YouTube TV app's path.
_DEVICE_CODE_PATHS = ("/device/code", "/o/oauth2/device/code")
_TOKEN_PATHS = ("/token", "/o/oauth2/token")
_REVOKE_PATHS = ("/revoke", "/o/oauth2/revoke")
_USERINFO_PATH = "/oauth2/v3/userinfo"

_DEVICE_CODE_PREFIX = "AH-emu-"  # recognisable, as the token prefixes are
# Letters that cannot be misread for one another or for digits.
_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"
_SLOW_DOWN_STEP = 5.0
_REVOKED = "Token has been expired or revoked."


class GoogleOAuthService(Service):
    """Google's OAuth device flow, with its state and settings as plain attributes.

    Settings (all changeable over ``POST /_emulator/config``; durations in seconds,
    fractions allowed so tests stay fast):

    - ``token_lifetime`` (3600): access token lifetime, answered as ``expires_in``.
    - ``refresh_token_lifetime`` (30 days): answered as ``refresh_token_expires_in``;
      ``None`` omits the field and never expires refresh tokens.
    - ``rotate_refresh_tokens`` (False): refresh answers carry a new refresh token and
      the old one stops working.
    - ``revoke_on_replay`` (True): with rotation, a refresh with a refresh token that was
      rotated away is taken as theft (RFC 6819 5.2.2.3): the whole grant is revoked, so the
      current refresh token stops working too. Counted in :attr:`replay_count`.
    - ``device_code_lifetime`` (1800): answered as ``expires_in`` of a device code.
    - ``poll_interval`` (5): answered as ``interval``.
    - ``enforce_poll_interval`` (False): polls sooner than the interval answer
      ``slow_down``; every ``slow_down`` adds 5 s to that code's interval.
    - ``rfc8628_spelling`` (False): answer ``verification_uri`` and
      ``verification_uri_complete`` instead of Google's ``verification_url``.
    - ``scope`` (None): the scope granted; ``None`` grants the scope asked for.
    - ``auto_approve`` (False): device codes are approved as soon as they are issued.
    """

    name: ClassVar[str] = "google"
    SETTINGS: ClassVar[Mapping[str, tuple[type, ...]]] = {
        "token_lifetime": (int, float),
        "refresh_token_lifetime": (int, float, type(None)),
        "rotate_refresh_tokens": (bool,),
        "revoke_on_replay": (bool,),
        "device_code_lifetime": (int, float),
        "poll_interval": (int, float),
        "enforce_poll_interval": (bool,),
        "rfc8628_spelling": (bool,),
        "scope": (str, type(None)),
        "auto_approve": (bool,),
    }

    def __init__(self) -> None:
        self.token_lifetime: float = 3600
        self.refresh_token_lifetime: float | None = 30 * 24 * 3600
        self.rotate_refresh_tokens = False
        self.revoke_on_replay = True
        self.device_code_lifetime: float = 1800
        self.poll_interval: float = 5
        self.enforce_poll_interval = False
        self.rfc8628_spelling = False
        self.scope: str | None = None
        self.auto_approve = False
        #: Successful refresh grants so far.
        self.refresh_count = 0
        #: Refreshes with a refresh token that had been rotated away (replays).
        self.replay_count = 0
        self._clients: dict[str, str] = {
            EMULATOR_CLIENT_ID: EMULATOR_CLIENT_SECRET,
            EMULATOR_TV_CLIENT_ID: EMULATOR_TV_CLIENT_SECRET,
        }
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._device_codes: dict[str, DeviceAuthorization] = {}
        self._user_codes: dict[str, DeviceAuthorization] = {}  # by normalized letters
        self._tokens = Tokens()
        self._slow_downs = 0

    # ------------------------------------------------------------------ clients

    def add_client(self, client_id: str, client_secret: str) -> None:
        """Register (or replace) an OAuth client.

        :param client_id: the client id.
        :param client_secret: its secret.
        """
        with self._lock:
            self._clients[client_id] = client_secret

    @property
    def clients(self) -> dict[str, str]:
        """Registered clients: id -> secret (a copy)."""
        with self._lock:
            return dict(self._clients)

    # ------------------------------------------------------------------ approval

    def pending_user_codes(self) -> list[str]:
        """User codes waiting for approval (``ABC-DEF-GHI``), oldest first."""
        now = time.monotonic()
        with self._lock:
            return [auth.user_code for auth in self._pending(now)]

    def wait_for_user_code(self, timeout: float = 5.0) -> str:
        """Wait until a user code is pending and return the newest one.

        For tests whose client runs the device flow in another thread.

        :param timeout: seconds to wait.
        :raises TimeoutError: when no code is pending in time.
        """
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                now = time.monotonic()
                pending = self._pending(now)
                if pending:
                    return pending[-1].user_code
                if now >= deadline:
                    raise TimeoutError(f"no user code was requested within {timeout} s")
                self._changed.wait(deadline - now)

    def approve(self, user_code: str | None = None) -> str:
        """Approve a pending user code, as the user would on the verification page.

        :param user_code: the code, in any case, dashes optional; ``None`` approves the
            only pending code.
        :returns: the approved code, formatted ``ABC-DEF-GHI``.
        :raises UnknownUserCodeError: when the code is unknown, expired or not pending.
        """
        return self._decide(user_code, APPROVED)

    def deny(self, user_code: str | None = None) -> str:
        """Deny a pending user code; the client's next poll gets ``access_denied``.

        :param user_code: the code; ``None`` denies the only pending code.
        :returns: the denied code.
        :raises UnknownUserCodeError: when the code is unknown, expired or not pending.
        """
        return self._decide(user_code, DENIED)

    def _decide(self, user_code: str | None, status: str) -> str:
        now = time.monotonic()
        with self._changed:
            if user_code is None:
                pending = self._pending(now)
                if len(pending) != 1:
                    raise UnknownUserCodeError(
                        f"{len(pending)} user codes are pending; name the one to decide"
                    )
                auth = pending[0]
            else:
                found = self._user_codes.get(normalize_user_code(user_code))
                if found is None:
                    raise UnknownUserCodeError(f"unknown user code {user_code!r}")
                auth = found
            if now >= auth.expires_at:
                raise UnknownUserCodeError(f"user code {auth.user_code} has expired")
            if auth.status != PENDING:
                raise UnknownUserCodeError(
                    f"user code {auth.user_code} is not pending (it is {auth.status})"
                )
            auth.status = status
            self._changed.notify_all()
            return auth.user_code

    def _pending(self, now: float) -> list[DeviceAuthorization]:
        """The unexpired device codes waiting for a decision, oldest first. Hold the lock."""
        return [
            a for a in self._device_codes.values() if a.status == PENDING and now < a.expires_at
        ]

    def inject_slow_down(self, count: int = 1) -> None:
        """Answer ``slow_down`` to the next ``count`` device-code polls.

        :param count: how many polls.
        """
        with self._lock:
            self._slow_downs += count

    # ------------------------------------------------------------------ tokens

    def access_token_valid(self, token: str) -> bool:
        """Whether ``token`` is a known, unexpired, unrevoked access token.

        :param token: the bearer token.
        """
        return self.access_token_info(token) is not None

    def access_token_info(self, token: str) -> AccessTokenInfo | None:
        """Describe a valid access token; ``None`` when it is not valid.

        :param token: the bearer token.
        """
        now = time.monotonic()
        with self._lock:
            return self._tokens.info(token, now)

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expired, now."""
        now = time.monotonic()
        with self._lock:
            for record in self._tokens.access.values():
                record.expires_at = min(record.expires_at, now)

    def revoke_all(self) -> None:
        """Revoke every grant, as a user removing the app from their account would."""
        with self._lock:
            for record in self._tokens.refresh.values():
                record.grant.revoked = True

    def issued_tokens(self) -> list[str]:
        """Every access and refresh token issued so far (to search output for leaks)."""
        with self._lock:
            return [*self._tokens.access, *self._tokens.refresh]

    # ------------------------------------------------------------------ routes

    def register(self, router: Router) -> None:
        """Register the OAuth, verification, userinfo, TV and control routes.

        :param router: the emulator's router.
        """
        for path in _DEVICE_CODE_PATHS:
            router.add("POST", path, self._device_code)
        for path in _TOKEN_PATHS:
            router.add("POST", path, self._token)
        for path in _REVOKE_PATHS:
            router.add("POST", path, self._revoke)
            router.add("GET", path, self._revoke)
        router.add("GET", _USERINFO_PATH, self._userinfo)
        register_web(
            router,
            approve=self.approve,
            deny=self.deny,
            pending=self.pending_user_codes,
            slow_down=self.inject_slow_down,
            expire_access_tokens=self.expire_access_tokens,
            revoke_all=self.revoke_all,
        )

    def _device_code(self, request: Request) -> Response:
        client_id = request.form.get("client_id")
        if not client_id:
            return missing("client_id")
        scope = request.form.get("scope")
        if not scope:
            return oauth_error(400, "invalid_scope", "Missing required parameter: scope")
        with self._changed:
            if client_id not in self._clients:
                return oauth_error(401, "invalid_client", "The OAuth client was not found.")
            while True:
                letters = "".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(9))
                if letters not in self._user_codes:
                    break
            auth = DeviceAuthorization(
                device_code=_DEVICE_CODE_PREFIX + secrets.token_urlsafe(32),
                user_code=format_user_code(letters),
                client_id=client_id,
                scope=self.scope or scope,
                expires_at=time.monotonic() + self.device_code_lifetime,
                interval=self.poll_interval,
                status=APPROVED if self.auto_approve else PENDING,
            )
            self._device_codes[auth.device_code] = auth
            self._user_codes[letters] = auth
            self._changed.notify_all()
        verification = request.base_url + VERIFICATION_PATH
        body: dict[str, object] = {
            "device_code": auth.device_code,
            "user_code": auth.user_code,
            "expires_in": seconds(self.device_code_lifetime),
            "interval": seconds(auth.interval),
        }
        if self.rfc8628_spelling:
            body["verification_uri"] = verification
            body["verification_uri_complete"] = f"{verification}?user_code={auth.user_code}"
        else:
            body["verification_url"] = verification
        return Response.json(body)

    def _token(self, request: Request) -> Response:
        form = request.form
        grant_type = form.get("grant_type")
        if not grant_type:
            return missing("grant_type")
        client_id = form.get("client_id")
        if not client_id:
            return missing("client_id")
        with self._lock:
            secret = self._clients.get(client_id)
        if secret is None:
            return oauth_error(401, "invalid_client", "The OAuth client was not found.")
        given_secret = form.get("client_secret")
        if not given_secret:
            return oauth_error(400, "invalid_request", "client_secret is missing.")
        if not secrets.compare_digest(given_secret, secret):
            return oauth_error(401, "invalid_client", "Unauthorized")
        if grant_type in (DEVICE_GRANT_TYPE, LEGACY_DEVICE_GRANT_TYPE):
            return self._device_grant(form, client_id)
        if grant_type == _REFRESH_GRANT_TYPE:
            return self._refresh_grant(form, client_id)
        return oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _device_grant(self, form: Mapping[str, str], client_id: str) -> Response:
        code = form.get("device_code") or form.get("code")
        if not code:
            return missing("device_code")
        now = time.monotonic()
        with self._lock:
            auth = self._device_codes.get(code)
            if auth is None:
                return oauth_error(400, "invalid_grant", "Malformed auth code.")
            if auth.client_id != client_id:
                return oauth_error(401, "unauthorized_client", "Unauthorized")
            previous_poll, auth.last_poll = auth.last_poll, now
            if auth.status == USED:
                return oauth_error(400, "invalid_grant", "Bad Request")
            if now >= auth.expires_at:
                if auth.expiry_reported:
                    return oauth_error(400, "invalid_grant", "Bad Request")
                auth.expiry_reported = True
                return oauth_error(400, "expired_token", "Expired")
            if auth.status == DENIED:
                return oauth_error(403, "access_denied", "Forbidden")
            too_soon = (
                self.enforce_poll_interval
                and previous_poll is not None
                and now - previous_poll < auth.interval
            )
            if self._slow_downs > 0 or too_soon:
                if not too_soon:
                    self._slow_downs -= 1
                auth.interval += _SLOW_DOWN_STEP
                return oauth_error(403, "slow_down", "Forbidden")
            if auth.status == PENDING:
                return oauth_error(428, "authorization_pending", "Precondition Required")
            auth.status = USED
            grant = Grant(
                client_id=client_id,
                scope=auth.scope,
                expires_at=(
                    None
                    if self.refresh_token_lifetime is None
                    else now + self.refresh_token_lifetime
                ),
            )
            return Response.json(self._issue(grant, now, with_refresh_token=True))

    def _refresh_grant(self, form: Mapping[str, str], client_id: str) -> Response:
        token = form.get("refresh_token")
        if not token:
            return missing("refresh_token")
        now = time.monotonic()
        with self._lock:
            record = self._tokens.refresh.get(token)
            if record is None:
                return oauth_error(400, "invalid_grant", _REVOKED)
            if record.grant.client_id != client_id:
                return oauth_error(401, "unauthorized_client", "Unauthorized")
            if not record.active:
                self.replay_count += 1
                if self.revoke_on_replay:
                    record.grant.revoked = True  # a replay: end every token of the grant
                return oauth_error(400, "invalid_grant", _REVOKED)
            if not record.grant.live(now):
                return oauth_error(400, "invalid_grant", _REVOKED)
            rotate = self.rotate_refresh_tokens
            if rotate:
                record.active = False
            self.refresh_count += 1
            return Response.json(self._issue(record.grant, now, with_refresh_token=rotate))

    def _issue(self, grant: Grant, now: float, *, with_refresh_token: bool) -> dict[str, object]:
        """Mint an access token (and a refresh token) for ``grant``. Hold the lock."""
        return self._tokens.issue(
            grant, now, lifetime=self.token_lifetime, with_refresh_token=with_refresh_token
        )

    def _revoke(self, request: Request) -> Response:
        token = request.form.get("token") or request.query.get("token")
        if not token:
            return missing("token")
        now = time.monotonic()
        with self._lock:
            access = self._tokens.access.get(token)
            refresh = self._tokens.refresh.get(token)
            if access is not None and now < access.expires_at and access.grant.live(now):
                # As Google documents: revoking an access token revokes its refresh token.
                access.grant.revoked = True
            elif refresh is not None and refresh.active and refresh.grant.live(now):
                refresh.grant.revoked = True
            else:
                return oauth_error(400, "invalid_token", "Token expired or revoked")
        return Response.json({})

    def _userinfo(self, request: Request) -> Response:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        info = self.access_token_info(token.strip()) if scheme.lower() == "bearer" else None
        if info is None:
            response = oauth_error(401, "invalid_token", "Invalid Credentials")
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return Response.json(
            {"sub": info.sub, "email": EMULATED_USER_EMAIL, "email_verified": True}
        )
