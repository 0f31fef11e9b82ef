"""A PeerTube instance's session API, emulated.

Served at the emulator's root, so ``instance_url = emu.url``:

- ``GET /api/v1/oauth-clients/local``: the instance's own OAuth client, given only to
  requests whose ``Host`` header names the instance (403 otherwise);
- ``POST /api/v1/users/token``: form-encoded password grant (username or e-mail, with a
  two-factor code in ``x-peertube-otp`` for accounts that have one; or an external auth
  plugin's ``externalAuthToken``) and refresh grant, with ROTATING refresh tokens: a
  refresh destroys the old access and refresh token;
- ``POST /api/v1/users/revoke-token``: ends the session of the Bearer access token;
- ``GET``/``PUT /api/v1/users/me`` and ``POST /api/v1/videos/{id}/comment-threads``: a
  few protected resources.

Errors are ``application/problem+json`` (``type``, ``title``, ``detail``, ``status``,
``code``, and ``error`` as older servers sent). The token route can be rate limited
(429 with ``Retry-After``).

Tests drive it through :class:`PeerTubeService` (``emu.peertube``): add users, read the
current two-factor code, change lifetimes, count logins and refreshes, expire tokens.
"""

from __future__ import annotations

import math
import secrets
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Mapping
from typing import Any, ClassVar

from ytsession.testing.kit import (
    CONTROL_PREFIX,
    Request,
    Response,
    Router,
    Service,
    control_action,
)
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
    Logins,
    LoginSession,
    PeerTubeUser,
    account_refusal,
    comment_answer,
    find_user,
    me_answer,
    otp_ok,
    problem,
    totp,
)

__all__ = ["PeerTubeService"]

_CLIENT_PATH = "/api/v1/oauth-clients/local"
_TOKEN_PATH = "/api/v1/users/token"
_REVOKE_PATH = "/api/v1/users/revoke-token"
_ME_PATH = "/api/v1/users/me"
_COMMENT_PATH = "/api/v1/videos/{video_id}/comment-threads"
_OTP_HEADER = "x-peertube-otp"
# Prefixes make emulator tokens recognisable, e.g. when a test greps output for leaks.
_EXTERNAL_PREFIX = "pt-emu-external-"
_EXTERNAL_LIFETIME = 5 * 60
_BAD_CREDENTIALS = "Invalid grant: user credentials are invalid"


class PeerTubeService(Service):
    """A PeerTube instance's session API, with its state and settings as plain attributes.

    Settings (all changeable over ``POST /_emulator/config``; durations in seconds):

    - ``access_token_lifetime`` (1 day), ``refresh_token_lifetime`` (2 weeks): answered as
      ``expires_in`` and ``refresh_token_expires_in``.
    - ``instance_host`` (None): the host name the instance calls its own, checked against
      the ``Host`` header of ``/api/v1/oauth-clients/local``; ``None`` means the emulator's
      own ``127.0.0.1:PORT``.
    - ``token_rate_limit`` (None): at most this many token-route requests per
      ``token_rate_window`` (300) seconds, then 429 with ``Retry-After``; ``None``: no
      limit. (Real instances allow about 15 per 5 minutes.)
    - ``legacy_errors`` (False): send errors as older servers did (plain JSON with
      ``error`` and ``code``) instead of ``application/problem+json``.

    Counters: :attr:`login_count`, :attr:`refresh_count`, :attr:`revoke_count`,
    :attr:`rate_limited_count`.
    """

    name: ClassVar[str] = "peertube"
    SETTINGS: ClassVar[Mapping[str, tuple[type, ...]]] = {
        "access_token_lifetime": (int, float),
        "refresh_token_lifetime": (int, float),
        "instance_host": (str, type(None)),
        "token_rate_limit": (int, type(None)),
        "token_rate_window": (int, float),
        "legacy_errors": (bool,),
    }

    def __init__(self) -> None:
        self.access_token_lifetime: float = 24 * 3600
        self.refresh_token_lifetime: float = 14 * 24 * 3600
        self.instance_host: str | None = None
        self.token_rate_limit: int | None = None
        self.token_rate_window: float = 300
        self.legacy_errors = False
        #: Successful password (and external) logins so far.
        self.login_count = 0
        #: Successful refresh grants so far.
        self.refresh_count = 0
        #: Sessions ended by ``revoke-token`` so far.
        self.revoke_count = 0
        #: Token-route requests answered 429 so far.
        self.rate_limited_count = 0
        self.client_id = PEERTUBE_CLIENT_ID
        self.client_secret = PEERTUBE_CLIENT_SECRET
        self._lock = threading.Lock()
        self._users: dict[str, PeerTubeUser] = {}
        self._logins = Logins()
        self._external: dict[str, tuple[PeerTubeUser, float]] = {}
        self._token_hits: deque[float] = deque()
        self.add_user(PEERTUBE_USERNAME, PEERTUBE_PASSWORD, email=PEERTUBE_EMAIL)
        self.add_user(
            PEERTUBE_2FA_USERNAME,
            PEERTUBE_2FA_PASSWORD,
            email=PEERTUBE_2FA_EMAIL,
            otp_secret=PEERTUBE_2FA_SECRET,
        )

    # ------------------------------------------------------------------ users

    def add_user(
        self,
        username: str,
        password: str,
        *,
        email: str | None = None,
        otp_secret: str | None = None,
        blocked: bool = False,
        email_verified: bool = True,
        approved: bool = True,
    ) -> PeerTubeUser:
        """Create (or replace) an account.

        :param username: the login name.
        :param password: the password.
        :param email: the e-mail address (``<username>@peertube.example`` by default).
        :param otp_secret: a base32 TOTP secret to require two-factor codes.
        :param blocked: block the account.
        :param email_verified: whether the e-mail address is verified.
        :param approved: whether the registration is approved.
        :returns: the account (change its fields to block it later, etc.).
        """
        with self._lock:
            user = PeerTubeUser(
                username=username,
                email=email or f"{username}@peertube.example",
                password=password,
                otp_secret=otp_secret,
                blocked=blocked,
                email_verified=email_verified,
                approved=approved,
                user_id=len(self._users) + 1,
                display_name=username.capitalize(),
            )
            self._users[username.lower()] = user
            return user

    def user(self, username: str) -> PeerTubeUser:
        """:return: the account named ``username``.

        :raises KeyError: no such account.
        """
        with self._lock:
            return self._users[username.lower()]

    def current_otp(self, username: str = PEERTUBE_2FA_USERNAME) -> str:
        """:return: the account's current two-factor code.

        :raises KeyError: no such account, or it has no two-factor secret.
        """
        secret = self.user(username).otp_secret
        if secret is None:
            raise KeyError(f"{username} has no two-factor secret")
        return totp(secret)

    def external_auth_token(self, username: str = PEERTUBE_USERNAME) -> str:
        """Issue a single-use ``externalAuthToken`` as an external auth plugin would.

        :param username: the account it logs in.
        """
        user = self.user(username)
        token = _EXTERNAL_PREFIX + secrets.token_hex(16)
        with self._lock:
            self._external[token] = (user, time.monotonic() + _EXTERNAL_LIFETIME)
        return token

    # ------------------------------------------------------------------ tokens

    def access_token_valid(self, token: str) -> bool:
        """Whether ``token`` is a live access token.

        :param token: the bearer token.
        """
        return self._session_for_access(token) is not None

    def refresh_token_valid(self, token: str) -> bool:
        """Whether ``token`` is a live refresh token (not used, revoked or expired).

        :param token: the refresh token.
        """
        now = time.monotonic()
        with self._lock:
            return self._logins.for_refresh(token, now) is not None

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expired, now (refresh tokens live on)."""
        now = time.monotonic()
        with self._lock:
            self._logins.expire_access_tokens(now)

    def revoke_all(self) -> None:
        """End every session, as an administrator resetting the instance would."""
        with self._lock:
            self._logins.clear()

    def issued_tokens(self) -> list[str]:
        """Every live access and refresh token (to search output for leaks)."""
        with self._lock:
            return self._logins.tokens()

    # ------------------------------------------------------------------ routes

    def register(self, router: Router) -> None:
        """Register the PeerTube routes and their control routes.

        :param router: the emulator's router.
        """
        router.add("GET", _CLIENT_PATH, self._local_client)
        router.add("POST", _TOKEN_PATH, self._token)
        router.add("POST", _REVOKE_PATH, self._revoke)
        router.add("GET", _ME_PATH, self._me)
        router.add("PUT", _ME_PATH, self._update_me)
        router.add("POST", _COMMENT_PATH, self._comment)
        prefix = CONTROL_PREFIX + "peertube/"
        router.add("GET", prefix + "otp", self._control_otp)
        router.add("GET", prefix + "stats", self._control_stats)
        router.add("POST", prefix + "external-auth-token", self._control_external)
        router.add(
            "POST", prefix + "expire-access-tokens", control_action(self.expire_access_tokens)
        )
        router.add("POST", prefix + "revoke-all", control_action(self.revoke_all))

    def _fail(
        self,
        status: int,
        code: str | None,
        detail: str,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        return problem(status, code, detail, legacy=self.legacy_errors, headers=headers)

    def _local_client(self, request: Request) -> Response:
        host = (request.header("Host") or "").lower()
        own = (self.instance_host or urllib.parse.urlsplit(request.server_url).netloc).lower()
        if host != own:
            return self._fail(
                403, None, f"Getting client tokens for host {host or '(none)'} is forbidden"
            )
        return Response.json({"client_id": self.client_id, "client_secret": self.client_secret})

    def _token(self, request: Request) -> Response:
        limited = self._rate_limited()
        if limited is not None:
            return limited
        content_type = (request.header("Content-Type") or "").split(";")[0].strip().lower()
        if content_type != "application/x-www-form-urlencoded":
            return self._fail(
                400,
                "invalid_request",
                "Invalid request: content must be application/x-www-form-urlencoded",
            )
        form = request.form
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            form.get("client_secret", ""), self.client_secret
        ):
            return self._fail(400, "invalid_client", "Invalid client: client is invalid")
        grant_type = form.get("grant_type")
        if grant_type == "password":
            return self._password_grant(request)
        if grant_type == "refresh_token":
            return self._refresh_grant(form.get("refresh_token", ""))
        if not grant_type:
            return self._fail(400, "invalid_request", "Missing parameter: `grant_type`")
        return self._fail(
            400, "unsupported_grant_type", "Unsupported grant type: `grant_type` is invalid"
        )

    def _rate_limited(self) -> Response | None:
        limit = self.token_rate_limit
        if limit is None:
            return None
        now = time.monotonic()
        with self._lock:
            hits = self._token_hits
            while hits and now - hits[0] >= self.token_rate_window:
                hits.popleft()
            if len(hits) < limit:
                hits.append(now)
                return None
            self.rate_limited_count += 1
            oldest = hits[0] if hits else now
            wait = max(1, math.ceil(self.token_rate_window - (now - oldest)))
        return self._fail(
            429,
            "too_many_requests",
            "Too many requests, please try again later.",
            headers={"Retry-After": str(wait)},
        )

    def _password_grant(self, request: Request) -> Response:
        form = request.form
        login = form.get("username", "")
        external = form.get("externalAuthToken")
        if not login or (not external and not form.get("password")):
            return self._fail(400, "invalid_request", "Missing parameter: `username`/`password`")
        now = time.monotonic()
        if external:
            with self._lock:
                found = self._external.pop(external, None)
            if found is None or found[1] <= now or found[0].username.lower() != login.lower():
                return self._fail(400, "invalid_grant", _BAD_CREDENTIALS)
            user = found[0]
        else:
            maybe = self._find_user(login)
            if maybe is None or not secrets.compare_digest(
                maybe.password.encode(), form.get("password", "").encode()
            ):
                return self._fail(400, "invalid_grant", _BAD_CREDENTIALS)
            user = maybe
        refusal = account_refusal(user)
        if refusal is not None:
            return self._fail(400, *refusal)
        if user.otp_secret and not external:
            code = request.header(_OTP_HEADER)
            if not code:
                return self._fail(
                    401,
                    "missing_two_factor",
                    "Missing two factor header",
                    headers={_OTP_HEADER: "required; app"},
                )
            if not otp_ok(user.otp_secret, code.strip()):
                return self._fail(400, "invalid_two_factor", "Invalid two factor header")
        with self._lock:
            body = self._issue(user, now)
            self.login_count += 1
        return Response.json(body)

    def _find_user(self, login: str) -> PeerTubeUser | None:
        with self._lock:
            return find_user(self._users.values(), login)

    def _refresh_grant(self, refresh_token: str) -> Response:
        if not refresh_token:
            return self._fail(400, "invalid_request", "Missing parameter: `refresh_token`")
        now = time.monotonic()
        with self._lock:
            session = self._logins.for_refresh(refresh_token, now)
            if session is None:
                return self._fail(400, "invalid_grant", "Invalid grant: refresh token is invalid")
            # Rotation: the old access and refresh token die with this answer.
            self._logins.drop(session)
            self.refresh_count += 1
            body = self._issue(session.user, now)
        return Response.json(body)

    def _issue(self, user: PeerTubeUser, now: float) -> dict[str, object]:
        """Mint a session for ``user``. Hold the lock."""
        return self._logins.issue(
            user,
            now,
            access_lifetime=self.access_token_lifetime,
            refresh_lifetime=self.refresh_token_lifetime,
        )

    def _session_for_access(self, token: str) -> LoginSession | None:
        now = time.monotonic()
        with self._lock:
            return self._logins.for_access(token, now)

    def _authenticated(self, request: Request) -> LoginSession | Response:
        scheme, _, token = (request.header("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return self._fail(401, "unauthorized_request", "Authentication is required")
        session = self._session_for_access(token.strip())
        if session is None:
            return self._fail(401, "invalid_token", "Invalid token: access token is invalid")
        return session

    def _revoke(self, request: Request) -> Response:
        session = self._authenticated(request)
        if isinstance(session, Response):
            return session
        with self._lock:
            self._logins.drop(session)
            self.revoke_count += 1
        return Response.json({"success": True})

    def _me(self, request: Request) -> Response:
        session = self._authenticated(request)
        if isinstance(session, Response):
            return session
        return Response.json(me_answer(session.user))

    def _update_me(self, request: Request) -> Response:
        session = self._authenticated(request)
        if isinstance(session, Response):
            return session
        values: Any = request.json
        if not isinstance(values, dict):
            return self._fail(400, "invalid_request", "Send a JSON object")
        with self._lock:
            if isinstance(values.get("displayName"), str):
                session.user.display_name = values["displayName"]
            if isinstance(values.get("description"), str):
                session.user.description = values["description"]
        return Response(204)

    def _comment(self, request: Request) -> Response:
        session = self._authenticated(request)
        if isinstance(session, Response):
            return session
        text = request.param("text")
        if not text:
            return self._fail(400, "invalid_request", "Missing parameter: `text`")
        return Response.json(comment_answer(session.user, request.path_params["video_id"], text))

    # ------------------------------------------------------------------ control API

    def _control_otp(self, request: Request) -> Response:
        # The digits as a line of text (what a person types); JSON only when asked for it
        # (?format=json or Accept: application/json).
        username = request.query.get("username") or PEERTUBE_2FA_USERNAME
        try:
            otp = self.current_otp(username)
        except KeyError as exc:
            return problem(404, "not_found", str(exc))
        accept = request.header("Accept") or ""
        if request.query.get("format") == "json" or "application/json" in accept.lower():
            return Response.json({"otp": otp})
        return Response.text(otp + "\n")

    def _control_stats(self, request: Request) -> Response:
        counters = ("login_count", "refresh_count", "revoke_count", "rate_limited_count")
        return Response.json({name: getattr(self, name) for name in counters})

    def _control_external(self, request: Request) -> Response:
        username = request.param("username") or PEERTUBE_USERNAME
        try:
            return Response.json({"externalAuthToken": self.external_auth_token(username)})
        except KeyError:
            return problem(404, "not_found", f"no user {username!r}")
