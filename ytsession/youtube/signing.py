"""The signers of InnerTube sessions: :class:`InnerTubeAuth` and the Bearer signer.

The flow every signer follows (sign, send, refresh once after a 401, re-sign redirects) is
:class:`~ytsession.transport.signing.Signer`'s, in the transport.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import requests

from ..oauth.token import RefreshingToken
from ..transport.signing import Listener, Signer

if TYPE_CHECKING:
    from requests import PreparedRequest

    from ..oauth.token import OAuthToken

__all__ = ["BearerAuth", "ClientInfo", "InnerTubeAuth"]


class ClientInfo(Protocol):
    """What a signer needs to know of an InnerTube client
    (:class:`~ytsession.youtube.innertube.ClientProfile` is one)."""

    @property
    def name(self) -> str:
        """``clientName``, e.g. ``"WEB"``."""

    @property
    def accepts_oauth(self) -> bool:
        """Whether an OAuth Bearer token signs this client (the TV clients)."""

    @property
    def accepts_cookies(self) -> bool:
        """Whether browser cookies (SAPISIDHASH) sign this client."""


class InnerTubeAuth(Signer):
    """Base class of the signers an InnerTube :class:`~ytsession.Session` takes.

    Adds to :class:`Signer` what a session asks: which clients the auth suits
    (:meth:`accepts`), which one to default to, per-call headers, sign-out, and the session
    facts of a parsed answer.
    """

    #: What kind of authentication this is (``"oauth"``, ``"cookies"``, ...); shown in
    #: messages and part of the session cache key.
    kind: ClassVar[str] = ""
    #: How messages name this sign-in, e.g. ``"OAuth (Bearer) tokens"``.
    description: ClassVar[str] = "this sign-in"
    #: The client a session signed with this auth uses when none is chosen.
    default_client: ClassVar[str] = "WEB"

    def accepts(self, profile: ClientInfo) -> bool:
        """:return: whether the server honours this auth from ``profile``'s client."""
        raise NotImplementedError

    def headers(
        self,
        profile: ClientInfo,
        *,
        account_index: int | None = None,
        on_behalf_of_user: str | None = None,
    ) -> dict[str, str]:
        """Extra headers for a call from ``profile``; none by default.

        :return: e.g. ``X-Goog-AuthUser`` and ``X-Goog-PageId`` for cookies.
        """
        return {}

    def revoke(self, *, http: requests.Session | None = None) -> None:
        """Sign out at the server (revoke the token); nothing by default.

        :param http: the unsigned session to send through; the credentials' own when
            ``None``.
        """

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


class BearerAuth(InnerTubeAuth):
    """Signs requests with ``Authorization: Bearer <access token>``: the one Bearer signer,
    for InnerTube sessions, PeerTube sessions and plain :class:`requests.Session` objects
    alike (``http.auth = BearerAuth(token)``).

    With a :class:`~ytsession.oauth.token.RefreshingToken`, an expiring token is refreshed
    before it is sent, and a 401 answer makes it refresh once and re-send. Refreshes never
    go through the session being signed (see :class:`AuthorizedSession`). Only the TV
    clients (``TVHTML5`` and family) honour Bearer tokens on InnerTube; YouTube answers
    others with HTTP 400, so a session signed with a token defaults to ``TVHTML5``.

    :param token: the token to sign with.
    """

    kind = "oauth"
    description = "OAuth (Bearer) tokens"
    default_client = "TVHTML5"

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

    def accepts(self, profile: ClientInfo) -> bool:
        """:return: whether ``profile`` is a client that honours Bearer tokens."""
        return profile.accepts_oauth

    def revoke(self, *, http: requests.Session | None = None) -> None:
        """Revoke the refresh token (which ends its access tokens too) at the server.

        A plain :class:`~ytsession.oauth.token.OAuthToken` has no client to revoke it with:
        nothing is sent.
        """
        if isinstance(self.token, RefreshingToken):
            self.token.credentials.revoke(self.token.refresh_token, **_via(http))

    @property
    def account_key(self) -> str:
        """``oauth`` plus where the token is kept (its file's path) when it is kept."""
        cache = self.token.cache if isinstance(self.token, RefreshingToken) else None
        return f"oauth:{cache.describe()}" if cache is not None else "oauth"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.token!r})"


def _via(http: requests.Session | None) -> dict[str, Any]:
    """``http=`` for credentials' requests when a session was passed (credentials written
    for ytmusicapi take no such argument, and are then never given one)."""
    return {} if http is None else {"http": http}
