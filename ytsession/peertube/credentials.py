"""PeerTube's OAuth client: :class:`PeerTubeCredentials`.

PeerTube logs users in with OAuth 2's password grant against the instance's own ("local")
client, and ROTATES refresh tokens: every refresh destroys the old access and refresh
token. :class:`PeerTubeCredentials` is a :class:`~ytsession.oauth.credentials.Credentials`,
so a :class:`~ytsession.oauth.token.RefreshingToken` refreshes PeerTube tokens through the
same thread- and process-safe path as Google's: one refresh per expiry, the answer written
to the token file before the new access token is handed out, and other processes adopting
the stored token instead of spending the (now destroyed) old refresh token.

A refresh or login request is never sent twice once it may have reached the instance: the
transport re-sends it only when the connection could not be made, or after a 429 (see
:mod:`ytsession.transport`).
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import requests

from .. import _validate as check
from .._hints import PEERTUBE_LOG_IN, PEERTUBE_LOG_IN_ANEW, PEERTUBE_LOG_IN_ANEW_OR
from ..errors import InteractionRequiredError, ProfileError
from ..oauth import tokenfile
from ..oauth.credentials import Credentials
from ..oauth.models import AuthCodeDict, BaseTokenDict, RefreshableTokenDict
from ..transport import UNSIGNED, Transport, host_of, new_session, send
from . import models
from .errors import (
    CONTEXT_CLIENT,
    CONTEXT_LOGIN,
    CONTEXT_REFRESH,
    CONTEXT_REVOKE,
    DeviceFlowUnsupportedError,
    InvalidTwoFactorError,
    PeerTubeBadAnswerError,
    PeerTubeError,
    PeerTubeLoginRequiredError,
    TwoFactorRequiredError,
    error_from_answer,
    rate_limits_as_peertube_errors,
)

if TYPE_CHECKING:
    from ..oauth.token import OAuthToken, RefreshingToken
    from ..store.profiles import ProfileSettings

#: How many two-factor codes :meth:`PeerTubeCredentials.prompt_login` asks for before it
#: gives up (the password is asked once).
OTP_TRIES = 3


#: What no URL of ours may hold: white space and control characters (not sent as typed).
_UNSENDABLE_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def normalize_instance_url(instance_url: str) -> str:
    """Normalize an instance URL: ``https://`` is assumed when no scheme is given.

    :return: ``scheme://host[:port][/path]`` without a trailing slash.
    :raises ProfileError: the URL has no host, a scheme other than http(s), an invalid host
        in brackets (``https://[::1``, ``https://[nothex]/``) or port, or white space or a
        control character in it.
    """
    url = instance_url.strip()
    if "://" not in url:
        url = "https://" + url
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
        if "[" in parts.netloc:  # urllib lets "[v1.x]" (IPvFuture) through: nothing sends it
            ipaddress.IPv6Address((parts.hostname or "").partition("%")[0])
    except ValueError:  # "Invalid IPv6 URL", "'x' does not appear to be an IPv4 or IPv6 ..."
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or _UNSENDABLE_URL.search(url)
    ):
        raise ProfileError(
            f"{instance_url!r} is not a PeerTube instance URL; give one like "
            "https://peertube.example"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


class PeerTubeCredentials(Credentials):
    """The OAuth client of one PeerTube instance.

    :param instance_url: the instance, e.g. ``https://peertube.example`` (``https://`` is
        assumed when no scheme is given).
    :param client_id: the instance's OAuth client id. When ``None`` (with
        ``client_secret``), the instance's local client is fetched from
        ``/api/v1/oauth-clients/local`` right away.
    :param client_secret: the OAuth client secret.
    :param session: a :class:`requests.Session` to send with (ytsession's transport is
        adopted on it); a new one by default. Token requests are never signed by its
        ``auth``.
    :param proxies: proxies for every request.
    :param timeout: seconds (or connect, read) for each request.
    :param transport: the transport policy (deadline, retries, proxies); one made from
        ``proxies`` when ``None``.
    :raises PeerTubeError: the local client could not be fetched (403 when the instance is
        not addressed by its own host name).
    :raises NetworkError: the instance could not be reached.
    """

    def __init__(
        self,
        instance_url: str,
        client_id: str | None = None,
        client_secret: str | None = None,
        session: requests.Session | None = None,
        proxies: dict[str, str] | None = None,
        *,
        timeout: float | tuple[float, float] | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.instance_url = normalize_instance_url(instance_url)
        self.timeout = timeout
        self._set_up_transport(session=session, proxies=proxies, transport=transport)
        if not client_id or not client_secret:
            client = fetch_local_client(self.instance_url, self._session, timeout=timeout)
            client_id, client_secret = client["client_id"], client["client_secret"]
        self.client_id = client_id
        self.client_secret = client_secret

    # -- profiles ------------------------------------------------------------------------

    @classmethod
    def from_settings(cls, settings: ProfileSettings) -> PeerTubeCredentials:
        """Build the client a ``peertube`` profile describes (no network request when the
        settings hold the client id and secret, as stored profiles do).

        :raises ProfileError: the settings name no instance, or an unusable one.
        """
        instance = settings.endpoints.get("instance_url") or settings.extra.get("instance_url")
        if not isinstance(instance, str) or not instance:
            raise ProfileError("the PeerTube profile names no instance").with_hint(
                PEERTUBE_LOG_IN_ANEW
            )
        try:
            url = normalize_instance_url(instance)
        except ProfileError:
            raise ProfileError(
                f"the PeerTube profile's instance URL {instance!r} is not usable; fix it in the "
                "profile"
            ).with_hint(PEERTUBE_LOG_IN_ANEW_OR) from None
        return cls(url, settings.client_id or None, settings.client_secret or None)

    def profile_settings(self, username: str) -> ProfileSettings:
        """:return: the settings of a ``peertube`` profile for ``username`` on this instance."""
        from ..store.profiles import ProfileSettings

        return ProfileSettings(
            kind=models.KIND,
            client_id=self.client_id,
            client_secret=self.client_secret,
            endpoints={
                "instance_url": self.instance_url,
                "token_url": self._url(models.TOKEN_PATH),
                "revoke_url": self._url(models.REVOKE_PATH),
            },
            extra={"username": username},
        )

    # -- logging in ----------------------------------------------------------------------

    def login(
        self, username_or_email: str, password: str, otp: str | None = None
    ) -> RefreshableTokenDict:
        """Log in with a password (OAuth password grant).

        :param username_or_email: the account's username or e-mail address.
        :param password: the account's password.
        :param otp: the current one-time password, for accounts with two-factor
            authentication (ask for it when :class:`TwoFactorRequiredError` is raised).
        :return: the token (``access_token``, ``refresh_token``, ``expires_in``,
            ``expires_at``, ...); wrap it in a :class:`~ytsession.oauth.token.RefreshingToken`
            or use :meth:`login_token`.
        :raises TwoFactorRequiredError: the account needs a one-time password.
        :raises InvalidTwoFactorError: the one-time password was wrong.
        :raises InvalidLoginError: the username (or e-mail) or password was wrong.
        :raises PeerTubeAuthError: the account is blocked, unverified or not approved yet.
        :raises PeerTubeRateLimitError: too many logins; wait and try again.
        """
        fields = {"username": username_or_email, "password": password}
        headers = {models.OTP_HEADER: otp} if otp else {}
        secrets = (password, otp or "")
        return self._grant(models.PASSWORD_GRANT, fields, CONTEXT_LOGIN, headers, secrets)

    def login_external(self, username: str, external_auth_token: str) -> RefreshableTokenDict:
        """Log in with the single-use token an external authentication plugin gave (it is
        valid for about 5 minutes).

        :param username: the account's username.
        :param external_auth_token: the plugin's ``externalAuthToken``.
        :return: the token, as :meth:`login` returns it.
        :raises InvalidLoginError: the token was refused (used, expired, or another user's).
        """
        fields = {"username": username, "externalAuthToken": external_auth_token}
        return self._grant(models.PASSWORD_GRANT, fields, CONTEXT_LOGIN, {}, (external_auth_token,))

    def login_token(
        self,
        username_or_email: str,
        password: str,
        otp: str | None = None,
        *,
        to_file: str | Path | None = None,
    ) -> RefreshingToken:
        """Log in and return a self-refreshing token.

        :param to_file: write the token there (0600, atomically) and keep it in step.
        :raises TwoFactorRequiredError: see :meth:`login`.
        """
        return self._refreshing(self.login(username_or_email, password, otp), to_file)

    def prompt_login(
        self,
        username_or_email: str,
        *,
        to_file: str | Path | None = None,
        ask_password: Callable[[str], str] | None = None,
        ask_otp: Callable[[str], str] | None = None,
        announce: bool = True,
    ) -> RefreshingToken:
        """Log in a person at a terminal or REPL: ask for the password (not echoed), and for
        the one-time password when the instance wants one, then say who is logged in and
        where the token went (on standard error).

        :param username_or_email: the account's username or e-mail address.
        :param to_file: write the token there and keep it in step.
        :param ask_password: called with a prompt, returns the password (by default asked
            on the terminal without echo; Ctrl-D raises :class:`InteractionRequiredError`).
        :param ask_otp: called with a prompt, returns the one-time password (asked the same
            way by default).
        :param announce: print the ``Logged in as ...`` line.
        :raises InvalidLoginError: the password was wrong.
        :raises InvalidTwoFactorError: the one-time password was wrong :data:`OTP_TRIES`
            times (a wrong one is asked again; the password is not).
        :raises InteractionRequiredError: nothing was entered.
        """
        from functools import partial

        from .._console import ask, say

        password = (ask_password or partial(ask, what="password", secret=True))(
            f"Password for {username_or_email}: "
        )
        if not password:
            raise InteractionRequiredError("no password was entered; nothing was sent")
        try:
            raw = self.login(username_or_email, password)
        except TwoFactorRequiredError:
            raw = self._login_with_otp(
                username_or_email,
                password,
                ask_otp or partial(ask, what="two-factor code", secret=True),
            )
        token = self._refreshing(raw, to_file)
        if announce:
            where = (
                f"the token is saved to {to_file}"
                if to_file is not None
                else "the token lives in this object only (pass to_file= to keep it)"
            )
            say(f"Logged in as {username_or_email} on {self.instance_url}; {where}")
        return token

    def _login_with_otp(
        self, username_or_email: str, password: str, ask_otp: Callable[[str], str]
    ) -> RefreshableTokenDict:
        """Ask for the two-factor code and log in; a wrong code is asked again (the
        password is not), :data:`OTP_TRIES` times in all."""
        from .._console import say

        left = OTP_TRIES
        while True:
            otp = ask_otp("Two-factor code: ").strip()
            if not otp:
                raise InteractionRequiredError(
                    "the account uses two-factor authentication and no code was entered"
                )
            left -= 1
            try:
                return self.login(username_or_email, password, otp)
            except InvalidTwoFactorError:
                if not left:
                    raise
                say(f"That two-factor code was refused; try again ({left} left).")

    # -- Credentials -----------------------------------------------------------------------

    def get_code(self) -> AuthCodeDict:
        """PeerTube has no device flow.

        :raises DeviceFlowUnsupportedError: always; use :meth:`login`.
        """
        raise DeviceFlowUnsupportedError(_NO_DEVICE_FLOW).with_hint(PEERTUBE_LOG_IN)

    def token_from_code(self, device_code: str) -> RefreshableTokenDict:
        """PeerTube has no device flow.

        :raises DeviceFlowUnsupportedError: always; use :meth:`login`.
        """
        raise DeviceFlowUnsupportedError(_NO_DEVICE_FLOW).with_hint(PEERTUBE_LOG_IN)

    def refresh_token(
        self, refresh_token: str, *, http: requests.Session | None = None
    ) -> BaseTokenDict:
        """Spend ``refresh_token`` for a new access AND refresh token.

        The instance destroys ``refresh_token`` (and its access token) as it answers, so the
        answer must be kept: a :class:`~ytsession.oauth.token.RefreshingToken` stores it
        before handing the new access token out. The request is never repeated once sent.

        :param http: the unsigned session to send through (a session's own); this
            client's own when ``None``.
        :return: ``access_token``, ``refresh_token``, ``expires_in``, ...
        :raises PeerTubeLoginRequiredError: the refresh token was revoked, has expired, or
            was used already; log in again.
        """
        fields = {"refresh_token": refresh_token}
        token = self._grant(
            models.REFRESH_GRANT, fields, CONTEXT_REFRESH, {}, (refresh_token,), http=http
        )
        token.pop("expires_at", None)
        return token

    def revoke(self, token: str, *, http: requests.Session | None = None) -> None:
        """End the session of the ACCESS token ``token`` (PeerTube revokes by access token;
        the session's refresh token dies with it).

        A session that is gone already (401) is not an error. To end the session of a
        stored token whose access token may have expired, use :meth:`logout`.

        :param token: the access token.
        :param http: the unsigned session to send through; this client's own when ``None``.
        """
        self._revoke(token, http)

    def _revoke(self, token: str, http: requests.Session | None = None) -> bool:
        """:return: ``True`` when the instance ended the session, ``False`` when it had
        ended already (401)."""
        session, transport = self._sender(http)
        response = transport.send(
            session,
            "POST",
            self._url(models.REVOKE_PATH),
            idempotent=False,
            auth=UNSIGNED,
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            timeout=self.timeout,
        )
        if response.ok:
            return True
        if response.status_code == 401:
            return False
        raise self._error(response, CONTEXT_REVOKE, (token,))

    def logout(self, token: OAuthToken) -> bool:
        """End the session ``token`` belongs to.

        A :class:`~ytsession.oauth.token.RefreshingToken` is refreshed first when its access
        token has expired (the revoke needs a live access token). A session that is gone
        already is not an error.

        :param token: the session's token.
        :return: ``True`` when the instance ended the session, ``False`` when it had ended
            already (revoked, expired, or its refresh token used up).
        """
        try:
            access_token = token.access_token
        except PeerTubeLoginRequiredError:
            return False  # the refresh token is dead: so is the session
        return self._revoke(access_token)

    # -- plumbing ----------------------------------------------------------------------

    def _url(self, path: str) -> str:
        return self.instance_url + path

    def _refreshing(self, raw: RefreshableTokenDict, to_file: str | Path | None) -> RefreshingToken:
        from ..oauth.token import RefreshingToken

        return RefreshingToken.from_login_answer(self, raw, to_file=to_file)

    def _grant(
        self,
        grant_type: str,
        fields: Mapping[str, str],
        context: str,
        headers: Mapping[str, str],
        secrets: tuple[str, ...],
        http: requests.Session | None = None,
    ) -> RefreshableTokenDict:
        body = {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "grant_type": grant_type,
            **fields,
        }
        session, transport = self._sender(http)
        with rate_limits_as_peertube_errors():
            response = transport.send(
                session,
                "POST",
                self._url(models.TOKEN_PATH),
                idempotent=False,
                auth=UNSIGNED,
                data=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/json",
                    **headers,
                },
                timeout=self.timeout,
            )
        if not response.ok:
            raise self._error(response, context, secrets)
        # The validation layer checks the answer; every fault of it keeps the new refresh
        # token the answer may still carry (PeerTube has spent the old one already).
        source = tokenfile.answer_source(host_of(self.instance_url))
        data = tokenfile.token_answer_json(response.content, source)
        problem = None
        if data is None:
            problem = "not a JSON object"
        elif data.get("access_token") in (None, ""):
            problem = "no access_token"
        elif data.get("refresh_token") in (None, ""):
            problem = "no refresh_token"
        if data is None or problem is not None:
            what = "token refresh" if context == CONTEXT_REFRESH else "login"
            error = PeerTubeBadAnswerError(
                f"{host_of(self.instance_url)} answered the {what} with something that "
                f"is not a PeerTube token ({problem}, HTTP {response.status_code}); check that "
                f"{self.instance_url} is the PeerTube instance's address",
                status=response.status_code,
            )
            raise tokenfile.keep_rotation(error, response.content if data is None else data)
        answer = tokenfile.parse_token_answer(
            data, source, default_lifetime=models.DEFAULT_ACCESS_LIFETIME
        )
        if "refresh_token" not in answer:
            raise source.fail("has no usable 'refresh_token'")
        token: dict[str, Any] = {"token_type": "Bearer", **answer}
        token["expires_at"] = int(time.time()) + answer["expires_in"]
        return token  # type: ignore[return-value]

    def _error(
        self, response: requests.Response, context: str, secrets: tuple[str, ...]
    ) -> PeerTubeError:
        return error_from_answer(
            response.status_code,
            _json(response),
            context=context,
            where=host_of(self.instance_url),
            headers=response.headers,
            secrets=(*secrets, self.client_secret),
        )

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(instance_url={self.instance_url!r}, "
            f"client_id={self.client_id!r}, client_secret=<hidden>)"
        )

    __str__ = __repr__


_NO_DEVICE_FLOW = "PeerTube has no device flow"


def _json(response: requests.Response) -> Any:
    return check.maybe_json(
        response.content,
        check.Source(
            f"the answer of {host_of(response.url)}",
            "try again later",
            lambda m: PeerTubeError(m, status=response.status_code),
        ),
    )


def fetch_local_client(
    instance_url: str,
    session: requests.Session | None = None,
    *,
    timeout: float | tuple[float, float] | None = None,
) -> models.LocalClientDict:
    """Fetch the instance's own OAuth client from ``/api/v1/oauth-clients/local``.

    The request carries the normal ``Host`` header, which is what the instance checks.

    :param instance_url: the instance.
    :param session: the session to send with; a new one when ``None``.
    :return: ``client_id`` and ``client_secret``.
    :raises PeerTubeError: 403 when the instance is not addressed by its own host name, or
        an answer that is not a client.
    :raises NetworkError: the instance could not be reached.
    """
    base = normalize_instance_url(instance_url)
    http = session if session is not None else new_session()
    response = send(
        http,
        "GET",
        base + models.CLIENT_PATH,
        auth=UNSIGNED,
        headers={"Accept": "application/json"},
        timeout=timeout,
    )
    data = _json(response)
    where = host_of(base)
    if not response.ok:
        raise error_from_answer(
            response.status_code,
            data,
            context=CONTEXT_CLIENT,
            where=where,
            headers=response.headers,
        )
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("client_id"), str)
        or not isinstance(data.get("client_secret"), str)
        or not data["client_id"]
        or not data["client_secret"]
    ):
        raise PeerTubeError(
            f"{where} answered {models.CLIENT_PATH} without a client id and secret; is it a "
            "PeerTube instance?",
            status=response.status_code,
        )
    return {"client_id": data["client_id"], "client_secret": data["client_secret"]}
