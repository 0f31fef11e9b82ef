"""The one error hierarchy of ytsession.

Every error the library raises on purpose derives from :class:`YTSessionError`. Each message
says what happened and what to do next, and never contains a token or a client secret.
"""

from __future__ import annotations

__all__ = [
    "AccessDeniedError",
    "AuthError",
    "AuthorizationPendingError",
    "BadOAuthClientError",
    "DeviceCodeExpiredError",
    "DeviceFlowError",
    "InteractionRequiredError",
    "LoginRequiredError",
    "NetworkError",
    "NotLoggedInError",
    "OAuthServerError",
    "ProfileError",
    "SlowDownError",
    "TokenFileError",
    "UnauthorizedOAuthClientError",
    "YTSessionError",
]


class YTSessionError(Exception):
    """Base class of every error ytsession raises on purpose."""


# --- transport ---------------------------------------------------------------------------


class NetworkError(YTSessionError):
    """The server could not be reached, timed out, or kept failing after retries.

    The message names the host, never the full URL (a URL may carry a token).
    """


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
