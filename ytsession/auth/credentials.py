"""OAuth clients: the abstract :class:`Credentials` and Google's device flow,
:class:`OAuthCredentials`.

Request bodies are prepared by :class:`oauthlib.oauth2.DeviceClient`; answers are judged by
their JSON ``error`` field, never by status code alone (Google answers a pending poll with
428 and ``slow_down`` with 403).
"""

from __future__ import annotations

import re
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import requests

from .. import _http
from ..errors import (
    AccessDeniedError,
    AuthorizationPendingError,
    BadOAuthClientError,
    DeviceCodeExpiredError,
    LoginRequiredError,
    NetworkError,
    OAuthServerError,
    SlowDownError,
    UnauthorizedOAuthClientError,
    YTSessionError,
)
from .models import (
    YOUTUBE_SCOPE,
    YOUTUBE_TV_SCOPE,
    AuthCodeDict,
    BaseTokenDict,
    RefreshableTokenDict,
)
from .profiles import KIND_OAUTH, ProfileSettings

#: The device grant type of RFC 8628, and Google's older spelling of it.
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
LEGACY_DEVICE_GRANT = "http://oauth.net/grant_type/device/1.0"
#: Seconds between polls when the server names no interval, and what ``slow_down`` adds.
DEFAULT_INTERVAL = 5
SLOW_DOWN_STEP = 5


@dataclass(frozen=True)
class OAuthEndpoints:
    """Where a device-flow client sends its three kinds of request."""

    device_code_url: str
    token_url: str
    revoke_url: str

    @classmethod
    def google(cls) -> OAuthEndpoints:
        """Google's public OAuth endpoints."""
        return cls(
            device_code_url="https://oauth2.googleapis.com/device/code",
            token_url="https://oauth2.googleapis.com/token",
            revoke_url="https://oauth2.googleapis.com/revoke",
        )

    @classmethod
    def youtube_tv(cls, base: str = "https://www.youtube.com") -> OAuthEndpoints:
        """The endpoints YouTube's TV app uses (``/o/oauth2/...`` on ``www.youtube.com``)."""
        root = base.rstrip("/") + "/"
        return cls(
            device_code_url=urljoin(root, "o/oauth2/device/code"),
            token_url=urljoin(root, "o/oauth2/token"),
            revoke_url=urljoin(root, "o/oauth2/revoke"),
        )

    @classmethod
    def under(cls, base: str) -> OAuthEndpoints:
        """Google's paths under another root, e.g. the emulator's ``http://127.0.0.1:PORT``."""
        root = base.rstrip("/") + "/"
        return cls(
            device_code_url=urljoin(root, "device/code"),
            token_url=urljoin(root, "token"),
            revoke_url=urljoin(root, "revoke"),
        )

    def as_dict(self) -> dict[str, str]:
        """:return: the three URLs by name (for a profile file)."""
        return {
            "device_code_url": self.device_code_url,
            "token_url": self.token_url,
            "revoke_url": self.revoke_url,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OAuthEndpoints:
        """The inverse of :meth:`as_dict`."""
        return cls(
            device_code_url=str(data["device_code_url"]),
            token_url=str(data["token_url"]),
            revoke_url=str(data["revoke_url"]),
        )


class Credentials(ABC):
    """An OAuth client that can log a user in, refresh and revoke tokens.

    :class:`~ytsession.auth.token.RefreshingToken` only needs :meth:`refresh_token`, so any
    subclass (Google's device flow, PeerTube's password grant) plugs into the same
    thread- and process-safe refresh.
    """

    client_id: str
    client_secret: str

    @abstractmethod
    def get_code(self) -> AuthCodeDict:
        """Ask for a device code: the first step of a login."""

    @abstractmethod
    def token_from_code(self, device_code: str) -> RefreshableTokenDict:
        """Exchange a device code for a token, once (no waiting)."""

    @abstractmethod
    def refresh_token(self, refresh_token: str) -> BaseTokenDict:
        """Get a new access token for ``refresh_token``."""

    @abstractmethod
    def revoke(self, token: str) -> None:
        """Revoke an access or refresh token at the server."""

    def wait_for_token(
        self,
        code: AuthCodeDict,
        *,
        on_wait: Callable[[float], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> RefreshableTokenDict:
        """Poll :meth:`token_from_code` until the user answers or the code expires.

        Waits ``interval`` seconds (5 when the server names none) before each poll and adds
        5 seconds for this and every later poll on each ``slow_down``. Ctrl-C
        (``KeyboardInterrupt``) stops the wait.

        :param code: the answer of :meth:`get_code`.
        :param on_wait: called with the seconds left before each wait (to show progress).
        :raises AccessDeniedError: the user refused.
        :raises DeviceCodeExpiredError: the code expired first.
        """
        given = code.get("interval")
        interval = float(DEFAULT_INTERVAL if given is None else given)
        deadline = clock() + float(code.get("expires_in") or 1800)
        while True:
            left = deadline - clock()
            if left <= 0:
                raise DeviceCodeExpiredError(
                    "the login code expired before it was approved; start the login again",
                    error="expired_token",
                )
            if on_wait is not None:
                on_wait(left)
            sleep(min(interval, left))
            try:
                return self.token_from_code(code["device_code"])
            except AuthorizationPendingError:
                continue
            except SlowDownError:
                interval += SLOW_DOWN_STEP


class OAuthCredentials(Credentials):
    """Google's OAuth 2.0 device flow for a client of type "TVs and Limited Input devices".

    :param client_id: the OAuth client id.
    :param client_secret: the OAuth client secret.
    :param session: a :class:`requests.Session` to reuse; a new one with ytsession's retry
        policy is made when ``None``.
    :param proxies: proxies to set on the session.
    :param endpoints: where to send requests: :meth:`OAuthEndpoints.google` (default),
        :meth:`OAuthEndpoints.youtube_tv`, or an emulator's :meth:`OAuthEndpoints.under`.
    :param scope: the scope to ask for.
    :param timeout: seconds (or connect, read) for each request.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        session: requests.Session | None = None,
        proxies: dict[str, str] | None = None,
        *,
        endpoints: OAuthEndpoints | None = None,
        scope: str = YOUTUBE_SCOPE,
        timeout: float | tuple[float, float] | None = None,
    ) -> None:
        if not client_id or not client_secret:
            raise BadOAuthClientError(
                "both a client id and a client secret are needed; create an OAuth client of "
                "type 'TVs and Limited Input devices' in the Google Cloud console, or use "
                "OAuthCredentials.from_youtube_tv()"
            )
        self.client_id = client_id
        self.client_secret = client_secret
        self.endpoints = endpoints or OAuthEndpoints.google()
        self.scope = scope
        self.timeout = timeout
        self._session = session if session is not None else _http.new_session()
        if proxies:
            self._session.proxies.update(proxies)

    @classmethod
    def from_youtube_tv(
        cls,
        *,
        session: requests.Session | None = None,
        tv_url: str = "https://www.youtube.com/tv",
        endpoints: OAuthEndpoints | None = None,
        timeout: float | tuple[float, float] | None = None,
    ) -> OAuthCredentials:
        """Use the YouTube TV web app's own client, read from its page (opt-in).

        :param tv_url: the TV page; the emulator serves a stand-in at ``<url>/tv``.
        :param endpoints: defaults to YouTube's TV endpoints on the page's host.
        """
        http = session if session is not None else _http.new_session()
        client_id, client_secret = discover_youtube_tv_client(http, tv_url, timeout=timeout)
        base = _http.host_of(tv_url)
        return cls(
            client_id,
            client_secret,
            http,
            endpoints=endpoints or OAuthEndpoints.youtube_tv(base),
            scope=YOUTUBE_TV_SCOPE,
            timeout=timeout,
        )

    def profile_settings(
        self, kind: str = KIND_OAUTH, *, extra: Mapping[str, Any] | None = None
    ) -> ProfileSettings:
        """The settings of a profile that logs in with this client (the inverse of
        :func:`~ytsession.auth.profiles.credentials_for`).

        :param kind: ``"oauth"`` (the user's own client) or ``"youtube-tv"``.
        :param extra: kind-specific settings, e.g. the TV page's URL.
        :return: the profile settings.
        """
        return ProfileSettings(
            kind=kind,
            client_id=self.client_id,
            client_secret=self.client_secret,
            endpoints=self.endpoints.as_dict(),
            scope=self.scope,
            extra=dict(extra or {}),
        )

    # -- the four requests -------------------------------------------------------------

    def get_code(self) -> AuthCodeDict:
        """Ask for a device code and user code.

        :return: ``device_code``, ``user_code``, ``expires_in``, ``interval`` and the
            verification URL (``verification_url``, or ``verification_uri`` and maybe
            ``verification_uri_complete``).
        """
        data = self._post(
            self.endpoints.device_code_url, {"client_id": self.client_id, "scope": self.scope}
        )
        if not isinstance(data.get("device_code"), str) or not isinstance(
            data.get("user_code"), str
        ):
            raise OAuthServerError("the device-code answer has no device_code or user_code")
        return data  # type: ignore[return-value]

    def token_from_code(self, device_code: str) -> RefreshableTokenDict:
        """Exchange ``device_code`` for a token, once.

        :raises AuthorizationPendingError: not approved yet.
        :raises SlowDownError: polling too often.
        :raises AccessDeniedError: the user refused.
        :raises DeviceCodeExpiredError: the code expired.
        """
        body = self._device_client().prepare_request_body(
            device_code, client_secret=self.client_secret, include_client_id=True
        )
        data = self._post(self.endpoints.token_url, body)
        _require_token(data)
        token: RefreshableTokenDict = _known_keys(data)  # type: ignore[assignment]
        token["expires_at"] = int(time.time()) + int(data.get("expires_in", 3600))
        return token

    def refresh_token(self, refresh_token: str) -> BaseTokenDict:
        """Get a new access token.

        :return: ``access_token``, ``expires_in``, ``scope``, ``token_type``, and a new
            ``refresh_token`` when the server rotates them.
        :raises LoginRequiredError: the refresh token was revoked or has expired.
        """
        body = self._device_client().prepare_refresh_body(
            refresh_token=refresh_token,
            client_id=self.client_id,
            client_secret=self.client_secret,
            include_client_id=True,
            scope=None,
        )
        data = self._post(self.endpoints.token_url, body, secrets=(refresh_token,))
        _require_token(data)
        return _known_keys(data)  # type: ignore[return-value]

    def revoke(self, token: str) -> None:
        """Revoke an access or refresh token.

        A token the server does not know (already revoked) is not an error.
        """
        try:
            self._post(self.endpoints.revoke_url, {"token": token}, secrets=(token,))
        except OAuthServerError as exc:
            if exc.error not in ("invalid_token", "invalid_grant"):
                raise

    # -- plumbing ----------------------------------------------------------------------

    def _device_client(self) -> Any:
        from oauthlib.oauth2 import DeviceClient  # kept out of `import ytsession`

        client = DeviceClient(self.client_id, client_secret=self.client_secret)
        client.grant_type = DEVICE_GRANT
        return client

    def _post(
        self, url: str, body: str | Mapping[str, str], *, secrets: tuple[str, ...] = ()
    ) -> dict[str, Any]:
        response = _http.send(
            self._session,
            "POST",
            url,
            data=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=self.timeout,
        )
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            if response.ok:
                return {}
            raise _status_error(response.status_code, url)
        if "error" in data or not response.ok:
            raise oauth_error(data, response.status_code, secrets=(*secrets, self.client_secret))
        return data

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, client_secret=<hidden>, "
            f"token_url={self.endpoints.token_url!r})"
        )

    __str__ = __repr__


_KNOWN_TOKEN_KEYS = (
    "access_token",
    "expires_in",
    "refresh_token",
    "scope",
    "token_type",
    "refresh_token_expires_in",
)


def _known_keys(data: Mapping[str, Any]) -> dict[str, Any]:
    """Unknown fields appear in token answers over time: keep only those we understand."""
    return {key: data[key] for key in _KNOWN_TOKEN_KEYS if key in data}


def _require_token(data: Mapping[str, Any]) -> None:
    if not isinstance(data.get("access_token"), str):
        raise OAuthServerError("the token answer has no access_token")


def _status_error(status: int, url: str) -> YTSessionError:
    if status in _http.RETRY_STATUSES:
        return NetworkError(
            f"{_http.host_of(url)} kept failing (HTTP {status}) after retries; try again later"
        )
    return OAuthServerError(
        f"{_http.host_of(url)} answered HTTP {status} without an OAuth error body",
        status=status,
    )


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """:return: ``text`` with every non-empty secret replaced by ``<hidden>``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<hidden>")
    return text


_ERROR_TYPES: dict[str, tuple[type[OAuthServerError], str]] = {
    "authorization_pending": (
        AuthorizationPendingError,
        "the login has not been approved yet; keep polling",
    ),
    "slow_down": (SlowDownError, "the server asks to poll less often"),
    "access_denied": (
        AccessDeniedError,
        "access was denied at the consent screen; run the login again to retry",
    ),
    "expired_token": (
        DeviceCodeExpiredError,
        "the login code expired before it was approved; start the login again",
    ),
    "invalid_grant": (
        LoginRequiredError,
        "the refresh token was revoked or has expired; run `ytsession login` again",
    ),
    "invalid_client": (
        BadOAuthClientError,
        "the OAuth client id or secret was refused; check them, and that the YouTube Data "
        "API is enabled for the client's project",
    ),
    "unauthorized_client": (
        UnauthorizedOAuthClientError,
        "the token belongs to another OAuth client; log in again with this client",
    ),
}


def oauth_error(
    data: Mapping[str, Any], status: int, *, secrets: tuple[str, ...] = ()
) -> OAuthServerError:
    """Map an OAuth error answer to the typed error for its ``error`` field.

    :param data: the JSON answer.
    :param status: the HTTP status.
    :param secrets: values to hide should the server echo them in its description.
    """
    code = data.get("error")
    if isinstance(code, dict):  # Google APIs' {"error": {"status": ..., "message": ...}}
        code = code.get("status")
    code = str(code) if code else None
    description = data.get("error_description")
    detail = f" ({scrub(str(description), secrets)})" if description else ""
    if code in _ERROR_TYPES:
        kind, message = _ERROR_TYPES[code]
        return kind(message + detail, error=code, status=status)
    return OAuthServerError(
        f"the OAuth server answered HTTP {status} with error {code!r}{detail}",
        error=code,
        status=status,
    )


# -- YouTube TV client discovery ---------------------------------------------------------

_BASE_JS = re.compile(r"<script\b[^>]*\bid=\"base-js\"[^>]*\bsrc=\"([^\"]+)\"", re.I)
_BASE_JS_ALT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*\bid=\"base-js\"", re.I)
_CLIENT_IDENTITY = re.compile(
    r"clientId\s*:\s*\"(?P<id>[-\w.]+\.apps\.googleusercontent\.com|[-\w.]+)\"\s*,"
    r"\s*[\w$]+\s*:\s*\"(?P<secret>[-\w]+)\""
)
#: The TV page serves its TV script only to TV user agents.
TV_USER_AGENT = (
    "Mozilla/5.0 (ChromiumStylePlatform) Cobalt/25.lts.30.1034958-gold (unlike Gecko), "
    "Unknown_TV_Unknown_0/Unknown (Unknown, Unknown)"
)


def discover_youtube_tv_client(
    session: requests.Session,
    tv_url: str = "https://www.youtube.com/tv",
    *,
    timeout: float | tuple[float, float] | None = None,
) -> tuple[str, str]:
    """Read the YouTube TV web app's OAuth client id and secret from its script.

    :return: ``(client_id, client_secret)``.
    :raises OAuthServerError: the page or script no longer has the expected shape.
    """
    headers = {"User-Agent": TV_USER_AGENT}
    page = _http.send(session, "GET", tv_url, headers=headers, timeout=timeout)
    match = _BASE_JS.search(page.text) or _BASE_JS_ALT.search(page.text)
    if not page.ok or match is None:
        raise OAuthServerError(
            f"could not find the TV app's script on {_http.host_of(tv_url)} "
            f"(HTTP {page.status_code}); bring your own OAuth client with --client-id and "
            "--client-secret"
        )
    script_url = urljoin(tv_url, match.group(1))
    script = _http.send(session, "GET", script_url, headers=headers, timeout=timeout)
    found = _CLIENT_IDENTITY.search(script.text)
    if not script.ok or found is None:
        raise OAuthServerError(
            "the TV app's script has no client identity in the expected place; bring your "
            "own OAuth client with --client-id and --client-secret"
        )
    return found.group("id"), found.group("secret")
