"""The authentication slot of an InnerTube session.

A :class:`~ytsession.Session` signs its calls with an :class:`InnerTubeAuth`: a
:class:`requests.auth.AuthBase` (so it also signs a plain :class:`requests.Session`) that
also says which clients it suits, which client a session signed with it should default
to, what to do after a 401, and how to sign out. :class:`TokenAuth` signs with an OAuth
token (Bearer, honoured by the TV clients only); a cookie signer (SAPISIDHASH) is another
subclass and plugs into the session the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from requests.auth import AuthBase

from ..auth.signing import BearerAuth
from ..auth.token import OAuthToken, RefreshingToken

if TYPE_CHECKING:
    from requests import PreparedRequest

    from .clients import ClientProfile

__all__ = ["InnerTubeAuth", "TokenAuth"]


class InnerTubeAuth(AuthBase):
    """Base class of the objects that sign InnerTube calls.

    Subclasses implement :meth:`__call__` (sign a prepared request) and :meth:`accepts`,
    and set :attr:`kind` and :attr:`default_client`.
    """

    #: What kind of authentication this is (``"oauth"``, ``"cookies"``, ...); shown in
    #: messages and part of the session cache key.
    kind: ClassVar[str] = ""
    #: The client a session signed with this auth uses when none is chosen.
    default_client: ClassVar[str] = "WEB"

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        raise NotImplementedError

    def accepts(self, profile: ClientProfile) -> bool:
        """:return: whether the server honours this auth from ``profile``'s client."""
        raise NotImplementedError

    def headers(
        self,
        profile: ClientProfile,
        *,
        account_index: int | None = None,
        on_behalf_of_user: str | None = None,
    ) -> dict[str, str]:
        """Extra headers for a call from ``profile``; none by default.

        :return: e.g. ``X-Goog-AuthUser`` and ``X-Goog-PageId`` for cookies.
        """
        return {}

    def handle_unauthorized(self) -> bool:
        """Called once after the server answered 401: refresh if possible.

        :return: whether the call should be sent once more.
        """
        return False

    def revoke(self) -> None:
        """Sign out at the server (revoke the token); nothing by default."""

    def observe_answer(self, answer: Mapping[str, Any]) -> None:
        """Read what a signed call's parsed answer says about the session (e.g. its
        ``responseContext``): called by the session with each 2xx JSON answer, so the
        signer never parses a body again. Nothing by default.

        :param answer: the parsed answer.
        """

    @property
    def account_key(self) -> str:
        """A non-secret name of the signed-in account, for the session data cache."""
        return self.kind

    def state(self) -> object:
        """Something that changes when the credentials change (a refresh).

        The session compares it before and after a call to tell its
        ``update_credentials`` listeners.
        """
        return None


class TokenAuth(InnerTubeAuth):
    """Signs InnerTube calls with ``Authorization: Bearer <access token>``.

    Only the TV clients (``TVHTML5`` and family) honour Bearer tokens; YouTube answers
    others with HTTP 400, so a session signed with a token defaults to ``TVHTML5``. With a
    :class:`~ytsession.auth.token.RefreshingToken`, an expiring token is refreshed before
    it is sent, and a 401 forces one refresh.

    :param token: the token to sign with.
    """

    kind = "oauth"
    default_client = "TVHTML5"

    def __init__(self, token: OAuthToken) -> None:
        self.token = token
        self._bearer = BearerAuth(token)

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        return self._bearer(r)

    def accepts(self, profile: ClientProfile) -> bool:
        """:return: whether ``profile`` is a client that honours Bearer tokens."""
        return profile.accepts_oauth

    def handle_unauthorized(self) -> bool:
        """Force one refresh of a :class:`RefreshingToken`; a plain token cannot refresh.

        :raises LoginRequiredError: the refresh token was revoked or has expired.
        """
        if not isinstance(self.token, RefreshingToken):
            return False
        self.token.refresh(force=True)
        return True

    def revoke(self) -> None:
        """Revoke the refresh token (which ends its access tokens too) at the server.

        A plain :class:`OAuthToken` has no client to revoke it with: nothing is sent.
        """
        if isinstance(self.token, RefreshingToken):
            self.token.credentials.revoke(self.token.refresh_token)

    @property
    def account_key(self) -> str:
        """``oauth`` plus the token file's path when the token has one."""
        path = self.token.local_cache if isinstance(self.token, RefreshingToken) else None
        return f"oauth:{path}" if path is not None else "oauth"

    def state(self) -> object:
        """A digest of the token's access and refresh tokens.

        Every refresh changes it; the tokens themselves are not kept.
        """
        raw = f"{self.token._raw_access_token()}\n{self.token.refresh_token}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        return f"TokenAuth({self.token!r})"
