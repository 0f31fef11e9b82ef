"""Google OAuth 2.0 device flow (RFC 8628 as Google speaks it), emulated.

Served at both the ``oauth2.googleapis.com`` paths (``/device/code``, ``/token``,
``/revoke``) and the YouTube TV app's paths (``/o/oauth2/...``), plus a verification
page (``/device``), a protected resource (``/oauth2/v3/userinfo``) and the YouTube TV
page and script that carry the TV client's identity (``/tv``).

Tests drive it through :class:`GoogleOAuthService` (``emu.google``): approve or deny user
codes, change lifetimes, force ``slow_down``, expire or revoke tokens, count refreshes.
"""

from __future__ import annotations

import html
import math
import re
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import ClassVar

from ytsession.testing.kit import (
    CONTROL_PREFIX,
    Request,
    Response,
    Router,
    Service,
    control_action,
)

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
    "GoogleOAuthService",
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
_REFRESH_GRANT_TYPE = "refresh_token"

#: The emulated account.
EMULATED_USER_SUB = "110248000000000000042"
EMULATED_USER_EMAIL = "emulated-user@example.com"

#: A field token answers carry that no client knows: clients must ignore it.
UNKNOWN_EXTRA_FIELD = "id_token_hint_unused"

#: The YouTube TV page and the script holding the TV client's identity.
TV_PAGE_PATH = "/tv"
TV_BASE_JS_PATH = "/s/_/kabuki/_/js/k=kabuki.base.en_US.js"

# Every endpoint at Google's API path and at the YouTube TV app's path.
_DEVICE_CODE_PATHS = ("/device/code", "/o/oauth2/device/code")
_TOKEN_PATHS = ("/token", "/o/oauth2/token")
_REVOKE_PATHS = ("/revoke", "/o/oauth2/revoke")
_VERIFICATION_PATH = "/device"
_USERINFO_PATH = "/oauth2/v3/userinfo"

# Prefixes make emulator tokens recognisable, e.g. when a test greps output for leaks.
_ACCESS_TOKEN_PREFIX = "ya29.emu-"
_REFRESH_TOKEN_PREFIX = "1//emu-"
_DEVICE_CODE_PREFIX = "AH-emu-"
# Letters that cannot be misread for one another or for digits.
_USER_CODE_LETTERS = "BCDFGHJKLMNPQRSTVWXZ"
_SLOW_DOWN_STEP = 5.0
_REVOKED = "Token has been expired or revoked."

_PENDING = "pending"
_APPROVED = "approved"
_DENIED = "denied"
_USED = "used"


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
class _DeviceAuthorization:
    device_code: str
    user_code: str
    client_id: str
    scope: str
    expires_at: float
    interval: float
    status: str = _PENDING
    last_poll: float | None = None
    expiry_reported: bool = False


@dataclass
class _Grant:
    """One user authorization of one client; revoking it ends all its tokens."""

    client_id: str
    scope: str
    expires_at: float | None  # the refresh token deadline, None for never
    revoked: bool = False

    def live(self, now: float) -> bool:
        return not self.revoked and (self.expires_at is None or now < self.expires_at)


@dataclass
class _RefreshToken:
    grant: _Grant
    active: bool = True  # False once rotated away


@dataclass
class _AccessToken:
    grant: _Grant
    expires_at: float


@dataclass
class _Tokens:
    access: dict[str, _AccessToken] = field(default_factory=dict)
    refresh: dict[str, _RefreshToken] = field(default_factory=dict)


def _seconds(value: float) -> int | float:
    """A duration for JSON: an integer when whole (as Google sends), else the float."""
    return int(value) if float(value).is_integer() else value


def _normalize_user_code(user_code: str) -> str:
    return re.sub(r"[^A-Za-z]", "", user_code).upper()


def _format_user_code(letters: str) -> str:
    return "-".join(letters[i : i + 3] for i in range(0, len(letters), 3))


def _oauth_error(status: int, error: str, description: str | None = None) -> Response:
    body = {"error": error}
    if description is not None:
        body["error_description"] = description
    return Response.json(body, status)


def _missing(name: str) -> Response:
    return _oauth_error(400, "invalid_request", f"Missing required parameter: {name}")


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
        self._device_codes: dict[str, _DeviceAuthorization] = {}
        self._user_codes: dict[str, _DeviceAuthorization] = {}  # by normalized letters
        self._tokens = _Tokens()
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
        return self._decide(user_code, _APPROVED)

    def deny(self, user_code: str | None = None) -> str:
        """Deny a pending user code; the client's next poll gets ``access_denied``.

        :param user_code: the code; ``None`` denies the only pending code.
        :returns: the denied code.
        :raises UnknownUserCodeError: when the code is unknown, expired or not pending.
        """
        return self._decide(user_code, _DENIED)

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
                found = self._user_codes.get(_normalize_user_code(user_code))
                if found is None:
                    raise UnknownUserCodeError(f"unknown user code {user_code!r}")
                auth = found
            if now >= auth.expires_at:
                raise UnknownUserCodeError(f"user code {auth.user_code} has expired")
            if auth.status != _PENDING:
                raise UnknownUserCodeError(
                    f"user code {auth.user_code} is not pending (it is {auth.status})"
                )
            auth.status = status
            self._changed.notify_all()
            return auth.user_code

    def _pending(self, now: float) -> list[_DeviceAuthorization]:
        """The unexpired device codes waiting for a decision, oldest first. Hold the lock."""
        return [
            a for a in self._device_codes.values() if a.status == _PENDING and now < a.expires_at
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
            record = self._tokens.access.get(token)
            if record is None or now >= record.expires_at or not record.grant.live(now):
                return None
            return AccessTokenInfo(
                client_id=record.grant.client_id,
                scope=record.grant.scope,
                sub=EMULATED_USER_SUB,
                expires_in=record.expires_at - now,
            )

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
        router.add("GET", _VERIFICATION_PATH, self._verification_page)
        router.add("POST", _VERIFICATION_PATH, self._verification_submit)
        router.add("GET", _USERINFO_PATH, self._userinfo)
        router.add("GET", TV_PAGE_PATH, self._tv_page)
        router.add("GET", TV_BASE_JS_PATH, self._tv_script)
        router.add("POST", CONTROL_PREFIX + "approve", self._control_approve)
        router.add("POST", CONTROL_PREFIX + "deny", self._control_deny)
        router.add("GET", CONTROL_PREFIX + "pending", self._control_pending)
        router.add("POST", CONTROL_PREFIX + "slow-down", self._control_slow_down)
        router.add(
            "POST",
            CONTROL_PREFIX + "expire-access-tokens",
            control_action(self.expire_access_tokens),
        )
        router.add("POST", CONTROL_PREFIX + "revoke-all", control_action(self.revoke_all))

    def _device_code(self, request: Request) -> Response:
        client_id = request.form.get("client_id")
        if not client_id:
            return _missing("client_id")
        scope = request.form.get("scope")
        if not scope:
            return _oauth_error(400, "invalid_scope", "Missing required parameter: scope")
        with self._changed:
            if client_id not in self._clients:
                return _oauth_error(401, "invalid_client", "The OAuth client was not found.")
            while True:
                letters = "".join(secrets.choice(_USER_CODE_LETTERS) for _ in range(9))
                if letters not in self._user_codes:
                    break
            auth = _DeviceAuthorization(
                device_code=_DEVICE_CODE_PREFIX + secrets.token_urlsafe(32),
                user_code=_format_user_code(letters),
                client_id=client_id,
                scope=self.scope or scope,
                expires_at=time.monotonic() + self.device_code_lifetime,
                interval=self.poll_interval,
                status=_APPROVED if self.auto_approve else _PENDING,
            )
            self._device_codes[auth.device_code] = auth
            self._user_codes[letters] = auth
            self._changed.notify_all()
        verification = request.base_url + _VERIFICATION_PATH
        body: dict[str, object] = {
            "device_code": auth.device_code,
            "user_code": auth.user_code,
            "expires_in": _seconds(self.device_code_lifetime),
            "interval": _seconds(auth.interval),
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
            return _missing("grant_type")
        client_id = form.get("client_id")
        if not client_id:
            return _missing("client_id")
        with self._lock:
            secret = self._clients.get(client_id)
        if secret is None:
            return _oauth_error(401, "invalid_client", "The OAuth client was not found.")
        given_secret = form.get("client_secret")
        if not given_secret:
            return _oauth_error(400, "invalid_request", "client_secret is missing.")
        if not secrets.compare_digest(given_secret, secret):
            return _oauth_error(401, "invalid_client", "Unauthorized")
        if grant_type in (DEVICE_GRANT_TYPE, LEGACY_DEVICE_GRANT_TYPE):
            return self._device_grant(form, client_id)
        if grant_type == _REFRESH_GRANT_TYPE:
            return self._refresh_grant(form, client_id)
        return _oauth_error(400, "unsupported_grant_type", f"Invalid grant_type: {grant_type}")

    def _device_grant(self, form: Mapping[str, str], client_id: str) -> Response:
        code = form.get("device_code") or form.get("code")
        if not code:
            return _missing("device_code")
        now = time.monotonic()
        with self._lock:
            auth = self._device_codes.get(code)
            if auth is None:
                return _oauth_error(400, "invalid_grant", "Malformed auth code.")
            if auth.client_id != client_id:
                return _oauth_error(401, "unauthorized_client", "Unauthorized")
            previous_poll, auth.last_poll = auth.last_poll, now
            if auth.status == _USED:
                return _oauth_error(400, "invalid_grant", "Bad Request")
            if now >= auth.expires_at:
                if auth.expiry_reported:
                    return _oauth_error(400, "invalid_grant", "Bad Request")
                auth.expiry_reported = True
                return _oauth_error(400, "expired_token", "Expired")
            if auth.status == _DENIED:
                return _oauth_error(403, "access_denied", "Forbidden")
            too_soon = (
                self.enforce_poll_interval
                and previous_poll is not None
                and now - previous_poll < auth.interval
            )
            if self._slow_downs > 0 or too_soon:
                if not too_soon:
                    self._slow_downs -= 1
                auth.interval += _SLOW_DOWN_STEP
                return _oauth_error(403, "slow_down", "Forbidden")
            if auth.status == _PENDING:
                return _oauth_error(428, "authorization_pending", "Precondition Required")
            auth.status = _USED
            grant = _Grant(
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
            return _missing("refresh_token")
        now = time.monotonic()
        with self._lock:
            record = self._tokens.refresh.get(token)
            if record is None:
                return _oauth_error(400, "invalid_grant", _REVOKED)
            if record.grant.client_id != client_id:
                return _oauth_error(401, "unauthorized_client", "Unauthorized")
            if not record.active:
                self.replay_count += 1
                if self.revoke_on_replay:
                    record.grant.revoked = True  # a replay: end every token of the grant
                return _oauth_error(400, "invalid_grant", _REVOKED)
            if not record.grant.live(now):
                return _oauth_error(400, "invalid_grant", _REVOKED)
            rotate = self.rotate_refresh_tokens
            if rotate:
                record.active = False
            self.refresh_count += 1
            return Response.json(self._issue(record.grant, now, with_refresh_token=rotate))

    def _issue(self, grant: _Grant, now: float, *, with_refresh_token: bool) -> dict[str, object]:
        """Mint an access token (and a refresh token) for ``grant``. Hold the lock."""
        access = _ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(48)
        self._tokens.access[access] = _AccessToken(grant, now + self.token_lifetime)
        body: dict[str, object] = {
            "access_token": access,
            "expires_in": _seconds(self.token_lifetime),
            "scope": grant.scope,
            "token_type": "Bearer",
        }
        if with_refresh_token:
            refresh = _REFRESH_TOKEN_PREFIX + secrets.token_urlsafe(48)
            self._tokens.refresh[refresh] = _RefreshToken(grant)
            body["refresh_token"] = refresh
            if grant.expires_at is not None:
                body["refresh_token_expires_in"] = max(0, math.ceil(grant.expires_at - now))
        body[UNKNOWN_EXTRA_FIELD] = "clients must ignore fields they do not know"
        return body

    def _revoke(self, request: Request) -> Response:
        token = request.form.get("token") or request.query.get("token")
        if not token:
            return _missing("token")
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
                return _oauth_error(400, "invalid_token", "Token expired or revoked")
        return Response.json({})

    def _userinfo(self, request: Request) -> Response:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        info = self.access_token_info(token.strip()) if scheme.lower() == "bearer" else None
        if info is None:
            response = _oauth_error(401, "invalid_token", "Invalid Credentials")
            response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return response
        return Response.json(
            {"sub": info.sub, "email": EMULATED_USER_EMAIL, "email_verified": True}
        )

    # ------------------------------------------------------------------ verification page

    def _verification_page(self, request: Request) -> Response:
        return Response.html(_verification_form(request.query.get("user_code", "")))

    def _verification_submit(self, request: Request) -> Response:
        user_code = request.form.get("user_code", "")
        action = request.form.get("action", "")
        if action not in ("allow", "deny"):
            message = "Choose Allow or Deny."
            return Response.html(_verification_form(user_code, message), 400)
        try:
            decided = self.approve(user_code) if action == "allow" else self.deny(user_code)
        except UnknownUserCodeError:
            message = "That code didn\u2019t work. Check the code and try again."
            return Response.html(_verification_form(user_code, message), 400)
        outcome = "granted" if action == "allow" else "denied"
        return Response.html(
            _page(
                "Done",
                f"<h1>Access {outcome}</h1>"
                f"<p>Code <code>{html.escape(decided)}</code> is done.</p>"
                "<p>You may close this page and return to your device.</p>",
            )
        )

    # ------------------------------------------------------------------ YouTube TV

    def _tv_page(self, request: Request) -> Response:
        return Response.html(_TV_PAGE)

    def _tv_script(self, request: Request) -> Response:
        return Response.text(_tv_script(), content_type="text/javascript; charset=utf-8")

    # ------------------------------------------------------------------ control API

    def _control_approve(self, request: Request) -> Response:
        return self._control_decide(request, self.approve)

    def _control_deny(self, request: Request) -> Response:
        return self._control_decide(request, self.deny)

    def _control_decide(self, request: Request, decide: Callable[[str | None], str]) -> Response:
        user_code = request.param("user_code")
        try:
            decided = decide(user_code or None)
        except UnknownUserCodeError as exc:
            return _oauth_error(404, "unknown_user_code", str(exc))
        return Response.json({"user_code": decided})

    def _control_pending(self, request: Request) -> Response:
        return Response.json(self.pending_user_codes())

    def _control_slow_down(self, request: Request) -> Response:
        raw = request.param("count") or "1"
        if not raw.isdigit() or int(raw) < 1:
            return _oauth_error(400, "invalid_request", "count must be a positive integer")
        self.inject_slow_down(int(raw))
        return Response.json({})


# ---------------------------------------------------------------------- HTML and JS


_STYLE = """
:root { color-scheme: light dark; --accent: #c00; --muted: #666; --line: #ccc; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: Canvas; color: CanvasText; }
.emulator { margin: 0; padding: .5rem 1rem; background: #ffd23f; color: #222;
  font-size: .875rem; text-align: center; }
main { max-width: 26rem; margin: 2rem auto; padding: 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.5rem; font-weight: 500; margin: 0 0 1rem; }
label { display: block; margin-bottom: .5rem; }
input { width: 100%; font: 1.5rem/1.2 ui-monospace, monospace; letter-spacing: .15em;
  text-transform: uppercase; text-align: center; padding: .6rem; border: 1px solid
  var(--line); border-radius: 8px; background: Field; color: FieldText; }
input:focus { outline: 2px solid #1a73e8; outline-offset: 1px; }
.account { color: var(--muted); font-size: .875rem; }
.actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
button { flex: 1; min-height: 44px; font-size: 1rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--line); background: transparent; color: inherit; }
button.primary { background: #1a73e8; border-color: #1a73e8; color: #fff; }
.error { color: var(--accent); font-weight: 500; }
code { font-size: 1.1em; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} \u2013 ytsession emulator</title>"
        f"<style>{_STYLE}</style></head>\n"
        '<body><p class="emulator" role="note">ytsession emulator: a stand-in for Google '
        "on this machine. Nothing here reaches a real account.</p>"
        f'<main><div class="card">{body}</div></main></body></html>\n'
    )


def _verification_form(user_code: str, message: str = "") -> str:
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    return _page(
        "Connect a device",
        "<h1>Connect a device</h1>"
        f"{error}"
        f'<form method="post" action="{_VERIFICATION_PATH}">'
        '<label for="user_code">Enter the code shown on your device</label>'
        '<input id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" '
        'spellcheck="false" autofocus placeholder="ABC-DEF-GHI" '
        f'value="{html.escape(user_code, quote=True)}">'
        '<p class="account">The emulated account <b>'
        f"{html.escape(EMULATED_USER_EMAIL)}</b> will be connected.</p>"
        '<div class="actions">'
        '<button type="submit" name="action" value="deny">Deny</button>'
        '<button type="submit" name="action" value="allow" class="primary">Allow</button>'
        "</div></form>",
    )


_TV_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>YouTube on TV</title>"
    '<link rel="stylesheet" href="/s/_/kabuki/_/ss/k=kabuki.base.en_US.css" nonce="x">'
    '<script nonce="x">var ytcfg={d:function(){return window.yt&&yt.config_||{}},'
    'set:function(){}};window.environment={"clientName":"TVHTML5",'
    '"clientVersion":"7.20260101.10.00","hl":"en"};</script>'
    '<script id="polyfills-js" src="/s/_/kabuki/_/js/k=kabuki.polyfills.en_US.js"'
    ' nonce="x"></script>\n'
    '<script id="base-js" src="/s/_/kabuki/_/js/k=kabuki.base.en_US.js"'
    ' nonce="x"></script>\n'
    '<script id="app-js" src="/s/_/kabuki/_/js/k=kabuki.app.en_US.js" nonce="x">'
    "</script>\n"
    '</head><body><div id="leanback" class="loading"><div class="spinner"></div>'
    "</div><noscript>YouTube on TV needs JavaScript.</noscript></body></html>\n"
)


def _tv_script() -> str:
    # Minified-looking noise around the identity, so that clients must search for the
    # `clientId:"...",<any key>:"..."` shape rather than rely on positions.
    before = "".join(
        f'_.{a}{b}=function(a,b){{return a.{b}{a}(b)||"{a}{b}"}};'
        for a in "QRSTUV"
        for b in "abcdefgh"
    )
    after = "".join(f'var {a}k=[{i},{i * 7 % 13},"{a}"];' for i, a in enumerate("mnopqrst"))
    return (
        "var _yt_tv=_yt_tv||{};(function(_){var window=this;try{"
        + before
        + 'var Kx={clientName:"TVHTML5",clientVersion:"7.20260101.10.00",'
        'deviceMake:"Samsung"};_.Yq=function(){return{apiKey:"emulator-api-key"}};'
        f'_.zv={{clientId:"{EMULATOR_TV_CLIENT_ID}",zQk:"{EMULATOR_TV_CLIENT_SECRET}",'
        f'scope:"{TV_SCOPE}",Lr:!0}};'
        + after
        + "}catch(e){_._DumpException(e)}}).call(this,this._yt_tv);\n"
    )
