"""Typed errors for PeerTube answers, under :class:`~ytsession.errors.YTSessionError`.

PeerTube answers errors as ``application/problem+json`` (``type``, ``title``, ``detail``,
``status``, ``code``); older servers send an ``error`` field too, or instead. Every error
here carries the server's :attr:`~PeerTubeError.code`, :attr:`~PeerTubeError.detail` and
HTTP :attr:`~PeerTubeError.status`, and a message saying what to do next. Messages never
contain a password, one-time password, token or client secret: the server's ``detail`` is
scrubbed of them before it is shown.

This module imports no HTTP library.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from typing import Any

from .. import _secrets
from .._hints import PEERTUBE_LOG_IN_AGAIN
from ..errors import (
    BadOAuthClientError,
    InvalidTokenAnswerError,
    LoginRequiredError,
    NetworkError,
    OAuthServerError,
    RetryLaterError,
    YTSessionError,
)
from ..transport.policy import parse_retry_after

__all__ = [
    "DeviceFlowUnsupportedError",
    "InvalidLoginError",
    "InvalidTwoFactorError",
    "PeerTubeAuthError",
    "PeerTubeBadAnswerError",
    "PeerTubeBadClientError",
    "PeerTubeError",
    "PeerTubeLoginRequiredError",
    "PeerTubeRateLimitError",
    "PeerTubeServerError",
    "TwoFactorRequiredError",
    "error_from_answer",
]


class PeerTubeError(YTSessionError):
    """A PeerTube instance answered with an error (or a request to it cannot be made, such
    as one whose URL is on another host: a token is only sent to its own instance).

    :param message: what happened and what to do next (no secrets).
    :param code: the server's machine-readable ``code`` (e.g. ``invalid_grant``), if any.
    :param detail: the server's human-readable ``detail``, scrubbed of secrets, if any.
    :param status: the HTTP status code, if there was an answer.
    :param title: the problem's ``title``, if any.
    :param type_uri: the problem's ``type`` URI, if any.

    :ivar code: as above; also available as ``error`` like :class:`OAuthServerError`'s.
    :ivar detail: as above.
    :ivar status: as above.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        detail: str | None = None,
        status: int | None = None,
        title: str | None = None,
        type_uri: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.error = code
        self.detail = _secrets.scrub(detail) if detail else detail
        self.status = status
        self.title = _secrets.scrub(title) if title else title
        self.type_uri = type_uri


class PeerTubeAuthError(PeerTubeError, OAuthServerError):
    """The instance refused a login, refresh or revoke (an OAuth error of the token route)."""


class PeerTubeLoginRequiredError(PeerTubeAuthError, LoginRequiredError):
    """The session is over: the refresh token was revoked, has expired, or was already used
    (PeerTube destroys a refresh token when it is used). Log in again.

    The token file is left exactly as it was.
    """


class InvalidLoginError(PeerTubeAuthError):
    """The username (or e-mail) and password were refused (``invalid_grant`` on a login).

    The message does not say which one was wrong, nor does the server.
    """


class TwoFactorRequiredError(PeerTubeAuthError):
    """The account uses two-factor authentication: send the login again with the current
    one-time password (``login(..., otp="123456")``).

    The password was accepted: PeerTube checks it before asking for the code.

    :ivar methods: the methods the server named (``("app",)`` for an authenticator app).
    """

    def __init__(self, message: str, *, methods: tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.methods = methods


class InvalidTwoFactorError(PeerTubeAuthError):
    """The one-time password was wrong or out of date; try again with the current one."""


class PeerTubeBadClientError(PeerTubeAuthError, BadOAuthClientError):
    """The instance refused the OAuth client id or secret (``invalid_client``).

    An instance's local client changes when it is reinstalled: log in again, which fetches
    the current client.
    """


class PeerTubeRateLimitError(PeerTubeError, RetryLaterError):
    """The instance kept answering 429 (too many requests) after the retries, or asked to
    wait longer than the call's deadline allows.

    :ivar retry_after: seconds the server asked to wait, if it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class PeerTubeBadAnswerError(PeerTubeError, InvalidTokenAnswerError):
    """The instance answered a login or token refresh with something that is not a PeerTube
    token (an HTML page, JSON that does not parse, no ``access_token`` or no
    ``refresh_token``): the URL is probably not a PeerTube instance's, or a proxy in front
    of it answered instead.

    Like every :class:`~ytsession.errors.InvalidTokenAnswerError`, it carries a new refresh
    token the answer still held (:attr:`rotated_refresh_token`), which a
    :class:`~ytsession.oauth.token.RefreshingToken` stores."""


@contextlib.contextmanager
def rate_limits_as_peertube_errors() -> Iterator[None]:
    """Raise the transport's :class:`~ytsession.RetryLaterError` (the instance asked to wait
    longer than the deadline allows) as a :class:`PeerTubeRateLimitError`."""
    try:
        yield
    except PeerTubeRateLimitError:
        raise
    except RetryLaterError as exc:
        raise PeerTubeRateLimitError(
            str(exc), retry_after=exc.retry_after, status=exc.status
        ) from None


class PeerTubeServerError(PeerTubeError, NetworkError):
    """The instance kept failing (HTTP 5xx) after the retries; try again later."""


class DeviceFlowUnsupportedError(PeerTubeError, NotImplementedError):
    """PeerTube has no device flow: log in with a username and password instead."""


# -- mapping answers to errors ------------------------------------------------------------

#: Where an answer came from: the same ``code`` means different things in each place.
CONTEXT_CLIENT = "client"  # GET /api/v1/oauth-clients/local
CONTEXT_LOGIN = "login"  # password grant
CONTEXT_REFRESH = "refresh"  # refresh-token grant
CONTEXT_REVOKE = "revoke"  # POST /api/v1/users/revoke-token
CONTEXT_API = "api"  # any other REST call

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")

#: code -> (error type, message) wherever it appears.
_BY_CODE: dict[str, tuple[type[PeerTubeError], str]] = {
    "missing_two_factor": (
        TwoFactorRequiredError,
        "the account uses two-factor authentication: send the login again with the current "
        "code from the authenticator app",
    ),
    "invalid_two_factor": (
        InvalidTwoFactorError,
        "the two-factor code was refused; log in again with the current code",
    ),
    "invalid_client": (
        PeerTubeBadClientError,
        "the instance refused the OAuth client; log in again so that the instance's current "
        "client is fetched",
    ),
    "account_blocked": (
        PeerTubeAuthError,
        "the account is blocked on this instance; ask the instance's moderators",
    ),
    "email_not_verified": (
        PeerTubeAuthError,
        "the account's e-mail address is not verified yet; follow the link the instance "
        "sent, then log in again",
    ),
    "account_waiting_for_approval": (
        PeerTubeAuthError,
        "the account is waiting for approval by the instance's moderators; log in once "
        "it is approved",
    ),
    "unsupported_grant_type": (
        PeerTubeAuthError,
        "the instance does not accept this kind of login",
    ),
}

#: (context, code) -> (error type, message): codes whose meaning depends on the request.
_BY_CONTEXT: dict[tuple[str, str], tuple[type[PeerTubeError], str]] = {
    (CONTEXT_LOGIN, "invalid_grant"): (
        InvalidLoginError,
        "the username (or e-mail) and password were refused; check them and log in again",
    ),
    (CONTEXT_REFRESH, "invalid_grant"): (
        PeerTubeLoginRequiredError,
        "the PeerTube session is over (the refresh token was revoked, has expired, or was "
        "already used)",
    ),
    (CONTEXT_REFRESH, "invalid_token"): (
        PeerTubeLoginRequiredError,
        "the PeerTube session is over",
    ),
}


def _text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    return value if isinstance(value, str) and value else None


def error_from_answer(
    status: int,
    data: object,
    *,
    context: str,
    where: str,
    headers: Mapping[str, str] | None = None,
    secrets: tuple[str, ...] = (),
) -> PeerTubeError:
    """Turn an error answer into the typed error for its ``code`` and ``context``.

    :param status: the HTTP status.
    :param data: the decoded JSON body (``None`` when it was not JSON).
    :param context: one of the ``CONTEXT_*`` constants: where the answer came from.
    :param where: the instance, safe to show (``https://host``).
    :param headers: the answer's headers (``Retry-After``, ``x-peertube-otp``).
    :param secrets: values to hide should the server echo them.
    """
    headers = {k.lower(): v for k, v in (headers or {}).items()}
    body: Mapping[str, Any] = data if isinstance(data, Mapping) else {}
    code = _text(body, "code")
    legacy = _text(body, "error")
    if code is None and legacy is not None and _CODE.match(legacy):
        code = legacy
    detail = _text(body, "detail") or _text(body, "error_description")
    if detail is None and legacy is not None and legacy != code:
        detail = legacy  # older servers put the sentence in "error"
    title = _text(body, "title")
    if detail is not None:
        detail = _secrets.scrub(detail, secrets)
    if title is not None:
        title = _secrets.scrub(title, secrets)
    fields: dict[str, Any] = {
        "code": code,
        "detail": detail,
        "status": status,
        "title": title,
        "type_uri": _text(body, "type"),
    }
    said = f" ({detail})" if detail else (f" ({title})" if title else "")

    if code is not None and (context, code) in _BY_CONTEXT:
        kind, message = _BY_CONTEXT[(context, code)]
        error = kind(message + said, **fields)
        return error.with_hint(PEERTUBE_LOG_IN_AGAIN) if context == CONTEXT_REFRESH else error
    if code is not None and code in _BY_CODE:
        kind, message = _BY_CODE[code]
        if kind is TwoFactorRequiredError:
            methods = _otp_methods(headers.get("x-peertube-otp", ""))
            return TwoFactorRequiredError(message, methods=methods, **fields)
        return kind(message + said, **fields)
    if status == 429:
        retry_after = parse_retry_after(headers.get("retry-after"))
        wait = f" in {retry_after:.0f} s" if retry_after is not None else " later"
        return PeerTubeRateLimitError(
            f"{where} kept refusing requests as too many (HTTP 429); try again{wait}",
            retry_after=retry_after,
            **fields,
        )
    if status >= 500:
        return PeerTubeServerError(
            f"{where} kept failing (HTTP {status}) after retries; try again later{said}",
            **fields,
        )
    if context == CONTEXT_CLIENT:
        return _client_error(status, where, said, fields)
    if context in (CONTEXT_LOGIN, CONTEXT_REFRESH, CONTEXT_REVOKE):
        name = f"error {code!r}" if code else "an error"
        return PeerTubeAuthError(f"{where} answered HTTP {status} with {name}{said}", **fields)
    name = f" ({code})" if code else ""
    return PeerTubeError(f"{where} answered HTTP {status}{name}{said}", **fields)


def _client_error(status: int, where: str, said: str, fields: dict[str, Any]) -> PeerTubeError:
    if status == 403:
        return PeerTubeError(
            f"{where} refused to give its OAuth client (HTTP 403): it only does so when "
            "addressed by its own host name. Use the instance's own URL (not an alias, a "
            f"proxy or an IP address), or give its client id and secret{said}",
            **fields,
        )
    return PeerTubeError(
        f"{where} did not give an OAuth client (HTTP {status}); is it a PeerTube instance?{said}",
        **fields,
    )


def _otp_methods(header: str) -> tuple[str, ...]:
    """``required; app`` -> ``("app",)``."""
    parts = [p.strip() for p in header.split(";")]
    return tuple(p for p in parts[1:] if p)
