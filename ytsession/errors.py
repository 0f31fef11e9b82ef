"""The one error hierarchy of ytsession.

Every error the library raises on purpose derives from :class:`YTSessionError`. Each message
says what happened and what to do next, and never contains a token or a client secret.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Protocol, TypeVar

    _E = TypeVar("_E", bound="YTSessionError")

    class SavableToken(Protocol):
        """What :class:`TokenWriteError` carries: a token that can be written elsewhere
        (an :class:`~ytsession.oauth.token.OAuthToken`). This module imports nothing from
        the rest of the package, so every module can import it."""

        def store(self, path: str | Path) -> None: ...


__all__ = [
    "AccessDeniedError",
    "AuthError",
    "AuthorizationPendingError",
    "BadOAuthClientError",
    "BotGuardError",
    "ClientNotSupportedError",
    "ClientNotSupportedWarning",
    "CookieError",
    "CookieFileChangedError",
    "CookiesRefusedError",
    "CookiesRotatedOutError",
    "CookiesRotatedOutWarning",
    "DeadlineExceededError",
    "DeviceCodeExpiredError",
    "DeviceFlowError",
    "Hint",
    "InnerTubeError",
    "InteractionRequiredError",
    "InvalidTokenAnswerError",
    "LockTimeoutError",
    "LoggedOutError",
    "LoginRequiredError",
    "NetworkError",
    "NodeMissingError",
    "NotLoggedInError",
    "OAuthServerError",
    "PoTokenBindingError",
    "PoTokenError",
    "ProfileError",
    "RetryLaterError",
    "ServerMismatchError",
    "ServerURLError",
    "SlowDownError",
    "StoreAuthError",
    "StoreDataError",
    "StoreError",
    "StoreLockLostError",
    "StoreUnreachableError",
    "TokenFileError",
    "TokenWriteError",
    "UnauthorizedOAuthClientError",
    "UnknownClientError",
    "VisitorDataError",
    "YTSessionError",
]


class Hint:
    """What to do next, said in two vocabularies: Python's (``python``: a keyword argument,
    a method) and the command line's (``cli``: an option, a command). An error's message
    ends with the Python words; the command line shows the CLI words instead.

    Each text starts with its own joining punctuation (``"; pass ..."``, ``", or ..."``),
    and either may be empty (nothing to add in that vocabulary).
    """

    __slots__ = ("cli", "python")

    def __init__(self, *, python: str, cli: str) -> None:
        self.python = python
        self.cli = cli

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Hint) and (self.python, self.cli) == (other.python, other.cli)

    def __hash__(self) -> int:
        return hash((self.python, self.cli))

    def __repr__(self) -> str:
        return f"Hint(python={self.python!r}, cli={self.cli!r})"


class YTSessionError(Exception):
    """Base class of every error ytsession raises on purpose.

    The message is scrubbed of every known secret by value (see :mod:`ytsession._secrets`):
    a token, client secret or cookie value a server echoes never reaches a message.
    """

    #: What to do next in Python words and in CLI words (:meth:`with_hint`), if the advice
    #: differs between them; ``None`` otherwise.
    hint: Hint | None = None

    def __init__(self, *args: object) -> None:
        if args and isinstance(args[0], str):
            from ._secrets import scrub  # not at import: `import ytsession` stays light

            args = (scrub(args[0]), *args[1:])
        super().__init__(*args)

    def with_hint(self: _E, hint: Hint) -> _E:
        """Add ``hint`` to the error: its Python words end the message (``str(error)``),
        its CLI words end :meth:`cli_message`. Call it once, on a new error.

        :return: the error itself, to ``raise`` it.
        """
        said = str(self.args[0]) if self.args else ""
        self._said = said
        self.hint = hint
        self.args = (said + hint.python, *self.args[1:])
        return self

    def cli_message(self) -> str:
        """The message as the command line shows it.

        :return: the message with the hint in the command line's words (the message itself
            when there is no hint).
        """
        if self.hint is None:
            return str(self)
        return self._said + self.hint.cli


# --- transport ---------------------------------------------------------------------------


class NetworkError(YTSessionError):
    """The server could not be reached, timed out, or kept failing after retries.

    The message names the host, never the full URL (a URL may carry a token).
    """


class DeadlineExceededError(NetworkError, TimeoutError):
    """The call did not finish within its deadline (connecting, retries, waits and the
    download of the answer included). The connection was closed; try again later, or allow
    more time (``deadline=``).

    :ivar deadline: the deadline in seconds.
    """

    def __init__(self, message: str, *args: object, deadline: float | None = None) -> None:
        super().__init__(message, *args)
        self.deadline = deadline


class RetryLaterError(NetworkError):
    """The server asked to wait (``Retry-After``) longer than the call's deadline allows, or
    kept refusing requests as too many; nothing more was sent.

    :ivar retry_after: seconds the server asked to wait, or ``None`` when it did not say.
    :ivar retry_at: when to try again, in seconds since the epoch, or ``None``.
    :ivar status: the HTTP status of the answer (429, 503, ...), if known.
    """

    retry_after: float | None = None
    status: int | None = None

    def __init__(
        self,
        message: str,
        *args: object,
        retry_after: float | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, *args)
        self.retry_after = retry_after
        if status is not None:
            self.status = status
        import time  # only when raised: `import ytsession.errors` stays light

        self._created_at = time.time()

    @property
    def retry_at(self) -> float | None:
        """When to try again (seconds since the epoch), or ``None`` when unknown."""
        if self.retry_after is None:
            return None
        return self._created_at + self.retry_after


# --- InnerTube ---------------------------------------------------------------------------


class InnerTubeError(YTSessionError):
    """InnerTube answered an error, or an answer ytsession cannot use.

    The text names the endpoint, the status and the server's own message; it never
    contains a token.

    :ivar status: the HTTP status code (``None`` when the failure was not an HTTP status).
    :ivar message: the server's message (``error.message`` of its JSON), or ``""``.
    :ivar endpoint: the endpoint called, e.g. ``"browse"`` or ``"sw.js_data"``.
    :ivar reason: the server's status word, e.g. ``"INVALID_ARGUMENT"``, or ``""``.
    """

    def __init__(
        self,
        text: str,
        *,
        status: int | None = None,
        message: str = "",
        endpoint: str = "",
        reason: str = "",
    ):
        super().__init__(text)
        self.status = status
        from ._secrets import scrub

        self.message = scrub(message)
        self.endpoint = endpoint
        self.reason = reason


class VisitorDataError(InnerTubeError, ValueError):
    """Visitor data, a ``/sw.js_data`` body or an embed page cannot be read: not of the
    known shape, not base64 of the known protobuf, or unusable JSON. A session falls back
    to the embed page, then says so; pass ``generate_session_locally=True`` to make visitor
    data locally instead.
    """


class UnknownClientError(YTSessionError, ValueError):
    """No InnerTube client profile has that name: pick one of the client table's names."""


class ClientNotSupportedError(YTSessionError, ValueError):
    """The chosen InnerTube client does not accept the session's authentication.

    OAuth (Bearer) tokens only work with the TV clients; YouTube answers the others with
    HTTP 400. Use a TV client, leave the client unset, or opt in to a warning instead.

    :ivar client: the client name.
    :ivar auth_kind: the kind of authentication (``"oauth"``, ``"cookies"``, ...).
    """

    def __init__(self, text: str, *, client: str, auth_kind: str):
        super().__init__(text)
        self.client = client
        self.auth_kind = auth_kind


class ClientNotSupportedWarning(UserWarning):
    """A call goes out with authentication its client does not accept, as the user asked."""


# --- proof-of-origin (PO) tokens ---------------------------------------------------------


class PoTokenError(YTSessionError):
    """No proof-of-origin token could be had: the providers declined or failed.

    The message names what was tried and what to do next; it never contains a token.
    """


class PoTokenBindingError(PoTokenError, ValueError):
    """A PO token cannot be bound: an id the binding rules need is missing (a video id for
    ``player`` and subtitles, visitor data or a data sync id for streams), or a given token
    is bound to something else than the request."""


class NodeMissingError(PoTokenError):
    """The BotGuard provider needs Node.js (``node``, version 18 or newer) and found none.

    Install Node.js or pass the path of its executable, then run
    ``ytsession botguard-setup`` once to install the JavaScript packages.
    """


class BotGuardError(PoTokenError):
    """Running Google's BotGuard challenge in Node.js failed.

    :ivar code: what failed: ``"not_installed"`` (run ``ytsession botguard-setup``),
        ``"timeout"``, ``"challenge"`` (fetching it), ``"vm"`` (running it),
        ``"integrity"`` (the integrity token), ``"protocol"`` (an unreadable answer from
        the Node script) or ``"node"`` (Node.js itself failed).
    """

    def __init__(self, text: str, *, code: str = "botguard"):
        super().__init__(text)
        self.code = code


# --- auth --------------------------------------------------------------------------------


class AuthError(YTSessionError):
    """Base class of authentication and authorization errors."""


class OAuthServerError(AuthError):
    """The OAuth server answered with an error ytsession has no more specific type for.

    :ivar error: the server's ``error`` code (e.g. ``invalid_request``), if any.
    :ivar status: the HTTP status code.
    """

    def __init__(self, message: str, *, error: str | None = None, status: int | None = None):
        super().__init__(message)
        self.error = error
        self.status = status


class InvalidTokenAnswerError(OAuthServerError):
    """A token endpoint answered with a token ytsession cannot use (a field missing, of the
    wrong type, not finite, out of bounds, or unfit for an HTTP header).

    When the answer still carried a usable new refresh token (the server rotated it), a
    :class:`~ytsession.oauth.token.RefreshingToken` keeps and stores it, so the next refresh
    spends the new refresh token rather than the revoked one.

    :ivar rotated_refresh_token: that new refresh token, or ``None`` (never in the message).
    """

    def __init__(self, message: str, *, rotated_refresh_token: str | None = None) -> None:
        super().__init__(message, error="invalid_answer")
        self.rotated_refresh_token = rotated_refresh_token


class DeviceFlowError(OAuthServerError):
    """Base class of the answers a device-code poll can give instead of a token."""


class AuthorizationPendingError(DeviceFlowError):
    """The user has not approved the device code yet: poll again after the interval."""


class SlowDownError(DeviceFlowError):
    """The server asks to poll less often: add 5 seconds to the interval."""


class AccessDeniedError(DeviceFlowError):
    """The user refused access. Run the login again if that was a mistake."""


class DeviceCodeExpiredError(DeviceFlowError):
    """The device code timed out before the user approved it. Start the login again."""


class LoginRequiredError(OAuthServerError):
    """The refresh token was revoked or has expired (``invalid_grant``): log in again.

    The token file is left exactly as it was.
    """


class NotLoggedInError(LoginRequiredError):
    """There is no stored login for the profile: run ``ytsession login`` first."""


class BadOAuthClientError(OAuthServerError):
    """The OAuth client id or secret is wrong (``invalid_client``), or the YouTube Data API
    is not enabled for the client's Google Cloud project."""


class UnauthorizedOAuthClientError(OAuthServerError):
    """The token was issued to another OAuth client (``unauthorized_client``): log in again
    with the client that should own it."""


class InteractionRequiredError(AuthError):
    """The operation needs a person at a terminal, but standard input is not a TTY."""


# --- browser cookies ---------------------------------------------------------------------


class LoggedOutError(AuthError):
    """The browser cookies do not sign anyone in: ``LOGIN_INFO``, every SID cookie or every
    SAPISID cookie is missing or expired. Export the cookies again from a logged-in browser.
    """


class CookiesRotatedOutError(LoggedOutError):
    """YouTube answered with ``Set-Cookie`` headers that drop the login cookies: the exported
    jar has gone stale (the browser rotated it). Export the cookies again.

    The cookie file is left as it was.
    """


class CookiesRotatedOutWarning(UserWarning):
    """Like :class:`CookiesRotatedOutError`, for sessions that asked for a warning instead."""


class CookiesRefusedError(LoggedOutError):
    """YouTube refused the cookie-signed request (HTTP 401): the cookies were signed out,
    rotated out, or belong to another account, or the system clock is wrong.

    :ivar status: the HTTP status code.
    """

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message)
        self.status = status


# --- files -------------------------------------------------------------------------------


class TokenFileError(YTSessionError, ValueError):
    """A token or profile file is corrupt, truncated or of the wrong shape.

    The file is never overwritten by ytsession; fix or delete it, or log in again.

    :ivar path: the file at fault.
    """

    def __init__(self, message: str, *, path: str):
        super().__init__(message)
        self.path = path


class ProfileError(YTSessionError):
    """A profile name or profile setting is unusable."""


class ServerMismatchError(ProfileError, ValueError):
    """A server other than a stored login's own was named for it (``--server``,
    ``base_url=``). A login's tokens go only to the server that issued them: leave the
    server out (the profile's own is used), or log in on the other server with another
    profile.

    :ivar profile_server: the server the login was made on (``None``: YouTube itself).
    :ivar given_server: the server that was named.
    """

    def __init__(self, message: str, *, profile_server: str | None, given_server: str):
        super().__init__(message)
        self.profile_server = profile_server
        self.given_server = given_server


class ServerURLError(YTSessionError, ValueError):
    """A server URL (``--server``, ``$YTSESSION_SERVER``, ``base_url=``) is not the root
    URL of an http:// or https:// server with a host; the message says how to write it."""


class CookieError(YTSessionError, ValueError):
    """A cookie source cannot be read: a malformed ``cookies.txt`` line, ``Cookie`` header,
    pasted request headers or ``browser.json``. The message names the file and line, never
    a cookie value; the file is never overwritten by ytsession.

    :ivar path: the file at fault (``"<text>"`` or ``"<stdin>"`` for text given directly).
    :ivar line: the 1-based line number, or ``None`` when the fault is not one line.
    """

    def __init__(self, message: str, *, path: str, line: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line


class CookieFileChangedError(CookieError):
    """The cookie file was replaced on disk since it was read (a newer export, most
    likely), and the new file cannot be used: it is malformed or not logged in. The
    rotated cookies were not written over it; fix the file or export it again.
    """


class TokenWriteError(TokenFileError):
    """A new token could not be written to its file (disk full, file size limit, read-only
    directory, ...). Neither the file nor the token object in memory changed.

    When the server rotated the refresh token (:attr:`rotated`), the refresh token in the
    file may be dead already: the new one exists only in :attr:`token`. The token object
    keeps it and writes it on its next refresh (no second request to the server); free the
    disk space, or save it elsewhere with ``exc.token.store(other_path)``. Until then, other
    processes reading the file may be logged out and must log in again.

    :ivar path: the file that could not be written.
    :ivar token: the new, unsaved token (an :class:`~ytsession.oauth.token.OAuthToken`;
        its repr hides the secrets).
    :ivar rotated: whether the server replaced the refresh token.
    """

    def __init__(
        self, message: str, *, path: str, token: SavableToken | None = None, rotated: bool = False
    ):
        super().__init__(message, path=path)
        self.token = token
        self.rotated = rotated


# --- profile stores ----------------------------------------------------------------------


class StoreError(YTSessionError):
    """The profile store (a directory, or Redis) failed; the message names the store by its
    URL without a password, and says what to do next."""


class StoreUnreachableError(StoreError, NetworkError):
    """The profile store cannot be reached (Redis down, wrong host or port, a timeout).

    Nothing was written; run again once the store is back.
    """


class StoreAuthError(StoreError):
    """The profile store refused the credentials of its URL (a wrong Redis user or
    password, or a user without the rights ytsession needs)."""


class StoreDataError(StoreError, ValueError):
    """A key of the profile store holds something of the wrong shape (not written by
    ytsession, or by an incompatible version). It is never overwritten by ytsession.

    :ivar where: the store and key at fault.
    """

    def __init__(self, message: str, *, where: str):
        super().__init__(message)
        self.where = where


class StoreLockLostError(StoreError):
    """This process lost the profile's lock (its lease ran out) before it could write, and
    another process may hold it now: the write was refused so that it cannot clobber a
    newer login. Run again; the next run adopts what is stored."""


class LockTimeoutError(YTSessionError):
    """Another process held a lock (a token file's, a cookie file's, a profile's in its
    store) for longer than this one would wait. Nothing was written; try again, or, when no
    ytsession process is running, remove the lock file the message names.

    :ivar where: the lock (a lock file, or a profile in a store; no secret).
    :ivar timeout: the seconds waited.
    """

    def __init__(self, message: str, *, where: str, timeout: float) -> None:
        super().__init__(message)
        self.where = where
        self.timeout = timeout
