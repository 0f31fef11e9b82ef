"""The one Bearer signer: ``Authorization: Bearer <access token>`` for any server.

:class:`BearerAuth` signs with an OAuth token, and is the only class that does: InnerTube
sessions, PeerTube sessions and plain :class:`requests.Session` objects all take it. It is
OAuth's, not a service's, so it knows no server's clients: a token, how to sign with it,
refresh it once after a refused answer, announce its refreshes and revoke it. What a Bearer
signer means to InnerTube (only the TV clients honour it, the session defaults to
``TVHTML5``, the session data is cached per token file) is answered on the YouTube side, by
:class:`~ytsession.youtube.signing.BearerOnInnerTube`.

The flow it follows (sign, send, refresh once after a 401, re-sign redirects) is
:class:`~ytsession.transport.signing.Signer`'s, in the transport.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..transport.signing import Listener, Signer
from .token import RefreshingToken

if TYPE_CHECKING:
    import requests
    from requests import PreparedRequest

    from .token import OAuthToken

__all__ = ["BearerAuth"]


class BearerAuth(Signer):
    """Signs requests with ``Authorization: Bearer <access token>``: the one Bearer signer,
    for InnerTube sessions, PeerTube sessions and plain :class:`requests.Session` objects
    alike (``http.auth = BearerAuth(token)``).

    With a :class:`~ytsession.oauth.token.RefreshingToken`, an expiring token is refreshed
    before it is sent, and a 401 answer makes it refresh once and re-send. Refreshes never
    go through the session being signed (see
    :class:`~ytsession.transport.AuthorizedSession`). As the ``auth`` of an InnerTube
    :class:`~ytsession.Session` it signs the TV clients only, which alone honour Bearer
    tokens (see :class:`~ytsession.youtube.signing.BearerOnInnerTube`).

    :param token: the token to sign with.
    """

    def __init__(self, token: OAuthToken) -> None:
        self.token = token

    def sign(self, request: PreparedRequest, target: str, http: requests.Session | None) -> None:
        """Set ``Authorization``, refreshing an expiring token first (through ``http``)."""
        request.headers["Authorization"] = self.token.as_auth(http=http)

    def refresh(self, http: requests.Session | None = None) -> bool:
        """Force one refresh of a :class:`~ytsession.oauth.token.RefreshingToken` after the
        server refused the token; a plain token cannot refresh.

        :raises LoginRequiredError: the refresh token was revoked or has expired.
        """
        if not isinstance(self.token, RefreshingToken):
            return False
        self.token.refresh(force=True, http=http)
        return True

    def on_refresh(self, listener: Listener) -> Listener:
        """Call ``listener`` with the token after each refresh of it, whoever refreshed it."""
        if isinstance(self.token, RefreshingToken):
            return self.token.on_refresh(listener)
        return listener  # a plain token never refreshes

    def off_refresh(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if isinstance(self.token, RefreshingToken):
            self.token.off_refresh(listener)

    def revoke(self, *, http: requests.Session | None = None) -> None:
        """Revoke the refresh token (which ends its access tokens too) at the server.

        A plain :class:`~ytsession.oauth.token.OAuthToken` has no client to revoke it with:
        nothing is sent.

        :param http: the unsigned session to send through; the credentials' own when
            ``None``.
        """
        if isinstance(self.token, RefreshingToken):
            self.token.credentials.revoke(self.token.refresh_token, **_via(http))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.token!r})"


def _via(http: requests.Session | None) -> dict[str, Any]:
    """``http=`` for credentials' requests when a session was passed (credentials written
    for ytmusicapi take no such argument, and are then never given one)."""
    return {} if http is None else {"http": http}
