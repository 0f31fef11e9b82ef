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
from typing import TYPE_CHECKING

from ..auth.signing import BearerAuth, ClientInfo, InnerTubeAuth
from ..auth.token import OAuthToken, RefreshingToken

if TYPE_CHECKING:
    from requests import PreparedRequest

    from .._http import Transport


__all__ = ["TokenAuth"]


class TokenAuth(InnerTubeAuth):
    """Signs InnerTube calls with ``Authorization: Bearer <access token>``.

    Only the TV clients (``TVHTML5`` and family) honour Bearer tokens; YouTube answers
    others with HTTP 400, so a session signed with a token defaults to ``TVHTML5``. With a
    :class:`~ytsession.auth.token.RefreshingToken`, an expiring token is refreshed before
    it is sent, and a 401 forces one refresh.

    :param token: the token to sign with.
    """

    kind = "oauth"
    description = "OAuth (Bearer) tokens"
    default_client = "TVHTML5"

    def __init__(self, token: OAuthToken) -> None:
        self.token = token
        self._bearer = BearerAuth(token)

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        return self._bearer(r)

    def accepts(self, profile: ClientInfo) -> bool:
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

    def use_transport(self, transport: Transport) -> None:
        """Refresh and revoke the token through ``transport`` (a session's proxies and
        deadline); a plain :class:`OAuthToken` sends nothing."""
        if isinstance(self.token, RefreshingToken):
            self.token.credentials.use_transport(transport)

    def revoke(self) -> None:
        """Revoke the refresh token (which ends its access tokens too) at the server.

        A plain :class:`OAuthToken` has no client to revoke it with: nothing is sent.
        """
        if isinstance(self.token, RefreshingToken):
            self.token.credentials.revoke(self.token.refresh_token)

    @property
    def account_key(self) -> str:
        """``oauth`` plus where the token is kept (its file's path) when it is kept."""
        cache = self.token.cache if isinstance(self.token, RefreshingToken) else None
        return f"oauth:{cache.describe()}" if cache is not None else "oauth"

    def state(self) -> object:
        """A digest of the token's access and refresh tokens.

        Every refresh changes it; the tokens themselves are not kept.
        """
        raw = f"{self.token._raw_access_token()}\n{self.token.refresh_token}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        return f"TokenAuth({self.token!r})"
