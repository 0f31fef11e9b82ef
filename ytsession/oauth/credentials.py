"""OAuth clients: the abstract :class:`Credentials` and the device flow of RFC 8628,
:class:`OAuthCredentials` (Google's, or any standard OAuth server's).

Where a client sends its requests and how it authenticates there is an
:class:`~ytsession.oauth.endpoints.OAuthEndpoints` (:mod:`ytsession.oauth.endpoints`; its
names are importable from here too). Answers are judged by their JSON ``error`` field,
never by status code alone (Google answers a pending poll with 428 and ``slow_down`` with
403).
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote_plus

import requests

from .. import _secrets
from .. import _validate as check
from .._hints import LOG_IN_AGAIN
from ..errors import (
    AccessDeniedError,
    AuthorizationPendingError,
    BadOAuthClientError,
    DeviceCodeExpiredError,
    Hint,
    LoginRequiredError,
    NetworkError,
    OAuthServerError,
    SlowDownError,
    UnauthorizedOAuthClientError,
    YTSessionError,
)
from ..transport import (
    RETRY_STATUSES,
    UNSIGNED,
    Transport,
    host_of,
    new_session,
    transport_of,
)
from . import tokenfile
from .endpoints import ALL_ENDPOINTS as ALL_ENDPOINTS
from .endpoints import CLIENT_AUTH_METHODS as CLIENT_AUTH_METHODS
from .endpoints import CLIENT_AUTH_NONE as CLIENT_AUTH_NONE
from .endpoints import CLIENT_SECRET_BASIC as CLIENT_SECRET_BASIC
from .endpoints import CLIENT_SECRET_POST as CLIENT_SECRET_POST
from .endpoints import DEVICE_CODE_ENDPOINT as DEVICE_CODE_ENDPOINT
from .endpoints import REVOKE_ENDPOINT as REVOKE_ENDPOINT
from .endpoints import TOKEN_ENDPOINT as TOKEN_ENDPOINT
from .endpoints import OAuthEndpoints as OAuthEndpoints
from .models import (
    YOUTUBE_SCOPE,
    YOUTUBE_TV_SCOPE,
    AuthCodeDict,
    BaseTokenDict,
    RefreshableTokenDict,
)
from .tv_client import discover_youtube_tv_client

#: The device grant type of RFC 8628, and Google's older spelling of it.
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
LEGACY_DEVICE_GRANT = "http://oauth.net/grant_type/device/1.0"
#: Seconds between polls when the server names no interval, and what ``slow_down`` adds.
DEFAULT_INTERVAL = 5
SLOW_DOWN_STEP = 5


class Credentials(ABC):
    """An OAuth client that can log a user in, refresh and revoke tokens.

    :class:`~ytsession.oauth.token.RefreshingToken` only needs :meth:`refresh_token`, so any
    subclass (Google's device flow, PeerTube's password grant) plugs into the same
    thread- and process-safe refresh.
    """

    client_id: str
    client_secret: str
    #: The transport policy of this client's requests (proxies, deadline, retries).
    transport: Transport
    _session: requests.Session
    _owns_session: bool = True

    def _set_up_transport(
        self,
        *,
        session: requests.Session | None,
        proxies: dict[str, str] | None,
        transport: Transport | None,
    ) -> None:
        """The constructors' one way to choose this client's transport and HTTP session: a
        session given is kept (with the transport adopted on it), else one is made here."""
        self.transport = transport if transport is not None else Transport.create(proxies=proxies)
        self._owns_session = session is None
        self._session = (
            self.transport.new_session() if session is None else self.transport.adopt(session)
        )
        if proxies:
            self._session.proxies.update(proxies)

    def use_transport(self, transport: Transport) -> None:
        """Send this client's own requests with ``transport`` from now on.

        Sessions do not call this: they pass their HTTP session to each refresh (see
        :meth:`refresh_token`), so that sessions sharing one token keep their own
        transports. A session given to the constructor is kept, with the transport
        adopted on it.
        """
        self.transport = transport
        old: requests.Session | None = getattr(self, "_session", None)
        if old is not None and not self._owns_session:
            transport.adopt(old)
            return
        self._session = transport.new_session()
        if old is not None:
            old.close()

    def _sender(self, http: requests.Session | None) -> tuple[requests.Session, Transport]:
        """The session a request goes through, and its transport: ``http`` (passed for one
        request, never kept) with the transport mounted on it, else this client's own."""
        if http is None:
            return self._session, self.transport
        return http, transport_of(http)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "client_secret" and isinstance(value, str):
            _secrets.register(value)  # scrubbed by value from every error message
        super().__setattr__(name, value)

    @abstractmethod
    def get_code(self) -> AuthCodeDict:
        """Ask for a device code: the first step of a login."""

    @abstractmethod
    def token_from_code(self, device_code: str) -> RefreshableTokenDict:
        """Exchange a device code for a token, once (no waiting)."""

    @abstractmethod
    def refresh_token(
        self, refresh_token: str, *, http: requests.Session | None = None
    ) -> BaseTokenDict:
        """Get a new access token for ``refresh_token``.

        :param http: the unsigned session to send through, for this request only (a
            session passes its own, so that the refresh leaves with its proxies and
            deadline); this client's own when ``None``.
        """

    @abstractmethod
    def revoke(self, token: str, *, http: requests.Session | None = None) -> None:
        """Revoke an access or refresh token at the server.

        :param http: as for :meth:`refresh_token`.
        """

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
        source = _CODE_ANSWER
        interval = float(
            check.number(code, "interval", source, low=0, high=3600, default=DEFAULT_INTERVAL)
        )
        lifetime = check.number(code, "expires_in", source, low=0, high=86400, default=0)
        deadline = clock() + (lifetime or 1800)
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


_CODE_ANSWER = check.Source(
    "the device-code answer",
    "start the login again",
    lambda m: OAuthServerError(m, error="invalid_answer"),
)


class OAuthCredentials(Credentials):
    """The OAuth 2.0 device flow (RFC 8628): Google's, for a client of type "TVs and Limited
    Input devices", or any standard server's (see :class:`OAuthEndpoints`).

    :param client_id: the OAuth client id.
    :param client_secret: the OAuth client secret; ``None`` (or ``""``) for a public client,
        whose ``endpoints`` must then say ``client_auth="none"``.
    :param session: a :class:`requests.Session` to reuse (ytsession's transport is adopted
        on it, see :meth:`~ytsession.Transport.adopt`); a new one when ``None``. Token
        requests are never signed by the session's ``auth``, so the session may be one a
        :class:`~ytsession.BearerAuth` of this client's token signs.
    :param proxies: proxies for every request.
    :param endpoints: where to send requests and how to authenticate:
        :meth:`OAuthEndpoints.google` (default), :meth:`OAuthEndpoints.youtube_tv`, an
        emulator's :meth:`OAuthEndpoints.under`, or another server's
        (:meth:`OAuthEndpoints.discover`).
    :param scope: the scope to ask for.
    :param timeout: seconds (or connect, read) for each request.
    :param transport: the transport policy (deadline, retries, proxies); one made from
        ``proxies`` when ``None``.
    :raises BadOAuthClientError: no client id; no secret for a confidential client's
        authentication; or a secret for a public client.
    """

    def __init__(
        self,
        client_id: str,
        client_secret: str | None = None,
        session: requests.Session | None = None,
        proxies: dict[str, str] | None = None,
        *,
        endpoints: OAuthEndpoints | None = None,
        scope: str = YOUTUBE_SCOPE,
        timeout: float | tuple[float, float] | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.endpoints = endpoints or OAuthEndpoints.google()
        public = self.endpoints.client_auth == CLIENT_AUTH_NONE
        if not client_id or (not client_secret and not public):
            raise BadOAuthClientError(
                "both a client id and a client secret are needed; create an OAuth client of "
                "type 'TVs and Limited Input devices' in the Google Cloud console"
            ).with_hint(
                Hint(
                    python=", or use OAuthCredentials.from_youtube_tv() (a public client of "
                    "another server, without a secret, needs endpoints with client_auth='none')",
                    cli=", or use `ytsession login --youtube-tv`",
                )
            )
        if public and client_secret:
            raise BadOAuthClientError(
                "a client secret was given for a public client (client_auth='none'); drop "
                "the secret, or choose client_secret_basic or client_secret_post"
            )
        self.client_id = client_id
        self.client_secret = client_secret or ""
        self.scope = scope
        self.timeout = timeout
        self._set_up_transport(session=session, proxies=proxies, transport=transport)

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
        http = session if session is not None else new_session()
        client_id, client_secret = discover_youtube_tv_client(http, tv_url, timeout=timeout)
        base = host_of(tv_url)
        return cls(
            client_id,
            client_secret,
            http,
            endpoints=endpoints or OAuthEndpoints.youtube_tv(base),
            scope=YOUTUBE_TV_SCOPE,
            timeout=timeout,
        )

    # -- the four requests -------------------------------------------------------------

    def get_code(self) -> AuthCodeDict:
        """Ask for a device code and user code.

        :return: ``device_code``, ``user_code``, ``expires_in``, ``interval`` and the
            verification URL (``verification_url``, or ``verification_uri`` and maybe
            ``verification_uri_complete``).
        """
        data = self._post(
            DEVICE_CODE_ENDPOINT,
            {"scope": self.scope},
            idempotent=True,  # a second code is harmless: the first one is never shown
        )
        source = check.Source(
            f"the device-code answer of {host_of(self.endpoints.device_code_url)}",
            "try again later; if it keeps happening, the server is not a compatible OAuth server",
            lambda m: OAuthServerError(m, error="invalid_answer"),
        )
        code: AuthCodeDict = {
            "device_code": check.text(data, "device_code", source, nonempty=True),
            "user_code": check.text(data, "user_code", source, nonempty=True, shown=True),
            "expires_in": check.number(data, "expires_in", source, low=0, high=86400, default=1800),
            "interval": check.number(
                data, "interval", source, low=0, high=3600, default=DEFAULT_INTERVAL
            ),
        }
        for key in ("verification_url", "verification_uri", "verification_uri_complete"):
            value = check.text(data, key, source, default="", shown=True)
            if value:
                code[key] = value
        if not code.get("verification_url") and not code.get("verification_uri"):
            raise source.fail("has no 'verification_url' or 'verification_uri'")
        return code

    def token_from_code(self, device_code: str) -> RefreshableTokenDict:
        """Exchange ``device_code`` for a token, once.

        :raises AuthorizationPendingError: not approved yet.
        :raises SlowDownError: polling too often.
        :raises AccessDeniedError: the user refused.
        :raises DeviceCodeExpiredError: the code expired.
        """
        fields = {"grant_type": DEVICE_GRANT, "device_code": device_code}
        data = self._post(TOKEN_ENDPOINT, fields, secrets=(device_code,), idempotent=True)
        answer = tokenfile.parse_token_answer(data, self._answer_source())
        if "refresh_token" not in answer:
            raise self._answer_source().fail("has no 'refresh_token'")
        expires_at = int(time.time()) + answer["expires_in"]
        return {**answer, "expires_at": expires_at}

    def refresh_token(
        self, refresh_token: str, *, http: requests.Session | None = None
    ) -> BaseTokenDict:
        """Get a new access token.

        :param http: the unsigned session to send through; this client's own when
            ``None``.
        :return: ``access_token``, ``expires_in``, ``scope``, ``token_type``, and a new
            ``refresh_token`` when the server rotates them.
        :raises LoginRequiredError: the refresh token was revoked or has expired.
        """
        fields = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        data = self._post(
            TOKEN_ENDPOINT, fields, secrets=(refresh_token,), idempotent=False, http=http
        )
        return tokenfile.parse_token_answer(data, self._answer_source())

    def revoke(self, token: str, *, http: requests.Session | None = None) -> None:
        """Revoke an access or refresh token (RFC 7009).

        A token the server does not know (already revoked) is not an error.

        :param http: the unsigned session to send through; this client's own when
            ``None``.
        :raises OAuthServerError: the server refused, or has no revocation endpoint.
        """
        if not self.endpoints.revoke_url:
            raise OAuthServerError(
                f"{host_of(self.endpoints.token_url)} has no revocation endpoint: the "
                "token stays valid until it expires; remove the app's access at the server"
            )
        try:
            self._post(
                REVOKE_ENDPOINT, {"token": token}, secrets=(token,), idempotent=False, http=http
            )
        except OAuthServerError as exc:
            if exc.error not in ("invalid_token", "invalid_grant"):
                raise

    # -- plumbing ----------------------------------------------------------------------

    def _authenticated(
        self, endpoint: str, fields: Mapping[str, str]
    ) -> tuple[dict[str, str], requests.auth.AuthBase | None]:
        """The form and ``auth`` of one request to ``endpoint`` (RFC 6749 §2.3.1).

        Basic: the form carries no client fields. In the body: ``client_id`` and
        ``client_secret``. Public clients, and endpoints without client authentication:
        ``client_id`` only, except Google's revoke endpoint, which takes the token alone.
        """
        endpoints = self.endpoints
        method = endpoints.client_auth if endpoint in endpoints.client_auth_at else None
        if method == CLIENT_SECRET_BASIC:
            return dict(fields), _basic_auth(self.client_id, self.client_secret)
        form = dict(fields)
        if method is not None or endpoint != REVOKE_ENDPOINT:
            form["client_id"] = self.client_id
        if method == CLIENT_SECRET_POST:
            form["client_secret"] = self.client_secret
        return form, None

    def _url(self, endpoint: str) -> str:
        return {
            DEVICE_CODE_ENDPOINT: self.endpoints.device_code_url,
            TOKEN_ENDPOINT: self.endpoints.token_url,
            REVOKE_ENDPOINT: self.endpoints.revoke_url,
        }[endpoint]

    def _post(
        self,
        endpoint: str,
        fields: Mapping[str, str],
        *,
        idempotent: bool,
        secrets: tuple[str, ...] = (),
        http: requests.Session | None = None,
    ) -> dict[str, Any]:
        url = self._url(endpoint)
        form, auth = self._authenticated(endpoint, fields)
        session, transport = self._sender(http)
        response = transport.send(
            session,
            "POST",
            url,
            idempotent=idempotent,
            data=form,
            auth=auth if auth is not None else UNSIGNED,  # never the session's signer
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
            timeout=self.timeout or transport.timeout,
        )
        source = check.Source(
            f"the answer of {host_of(url)}",
            "try again later",
            lambda m: OAuthServerError(m, status=response.status_code),
        )
        if response.ok and endpoint == TOKEN_ENDPOINT:
            # a token answer: its faults keep the new refresh token it may carry (rotation)
            answer = self._answer_source()
            data = tokenfile.token_answer_json(response.content, answer)
            if data is None:
                raise tokenfile.keep_rotation(answer.fail("is not a JSON object"), response.content)
        else:
            data = check.maybe_json(response.content, source)
        if not isinstance(data, dict):
            if response.ok:
                return {}
            raise _status_error(response.status_code, url)
        if "error" in data or not response.ok:
            raise oauth_error(data, response.status_code, secrets=(*secrets, self.client_secret))
        return data

    def _answer_source(self) -> check.Source:
        return tokenfile.answer_source(host_of(self.endpoints.token_url))

    def __repr__(self) -> str:
        secret = "<hidden>" if self.client_secret else "None"
        return (
            f"{type(self).__name__}(client_id={self.client_id!r}, client_secret={secret}, "
            f"token_url={self.endpoints.token_url!r}, "
            f"client_auth={self.endpoints.client_auth!r})"
        )

    __str__ = __repr__


def _basic_auth(client_id: str, client_secret: str) -> requests.auth.HTTPBasicAuth:
    """HTTP Basic client authentication: RFC 6749 §2.3.1 form-encodes the id and secret
    before they are joined and base64-encoded (so any character is safe to send)."""
    return requests.auth.HTTPBasicAuth(quote_plus(client_id), quote_plus(client_secret))


def _status_error(status: int, url: str) -> YTSessionError:
    if status in RETRY_STATUSES:
        return NetworkError(
            f"{host_of(url)} kept failing (HTTP {status}) after retries; try again later"
        )
    return OAuthServerError(
        f"{host_of(url)} answered HTTP {status} without an OAuth error body",
        status=status,
    )


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
        "the refresh token was revoked or has expired",
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

#: Advice that differs between Python and the command line, by OAuth error code.
_ERROR_HINTS: dict[str, Hint] = {
    "invalid_grant": LOG_IN_AGAIN,
    "invalid_client": Hint(
        python=" (a server other than Google's may want another client authentication: see "
        "OAuthEndpoints.client_auth)",
        cli=" (ytsession login sends the secret in the request body, as Google wants it; a "
        "server that wants it sent another way is only reachable from Python)",
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
    detail = f" ({_secrets.scrub(str(description), secrets)})" if description else ""
    if code in _ERROR_TYPES:
        kind, message = _ERROR_TYPES[code]
        error = kind(message + detail, error=code, status=status)
        hint = _ERROR_HINTS.get(code)
        return error.with_hint(hint) if hint is not None else error
    return OAuthServerError(
        f"the OAuth server answered HTTP {status} with error {code!r}{detail}",
        error=code,
        status=status,
    )
