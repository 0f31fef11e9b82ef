"""Request signing: :class:`BearerAuth` (an OAuth token), and :class:`InnerTubeAuth`, the
base of every signer an InnerTube session takes (a token's, or browser cookies').

The base class lives here, below :mod:`ytsession.innertube`, so that the cookie signer of
this package needs nothing from it: a client is described by :class:`ClientInfo`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from requests.auth import AuthBase

if TYPE_CHECKING:
    from requests import PreparedRequest

    from .._http import Transport
    from .token import OAuthToken


class ClientInfo(Protocol):
    """What a signer needs to know of an InnerTube client
    (:class:`~ytsession.innertube.ClientProfile` is one)."""

    @property
    def name(self) -> str:
        """``clientName``, e.g. ``"WEB"``."""

    @property
    def accepts_oauth(self) -> bool:
        """Whether an OAuth Bearer token signs this client (the TV clients)."""

    @property
    def accepts_cookies(self) -> bool:
        """Whether browser cookies (SAPISIDHASH) sign this client."""


class BearerAuth(AuthBase):
    """Signs requests with ``Authorization: Bearer <access token>``.

    Works on any :class:`requests.Session` (``session.auth = BearerAuth(token)``). With a
    :class:`~ytsession.auth.token.RefreshingToken`, each request reads ``access_token``,
    so an expiring token is refreshed before it is sent, and an
    :class:`~ytsession.AuthorizedSession` signed with it refreshes once after a 401. The
    refresh goes through the credentials' own unsigned session, so sharing one
    :class:`requests.Session` between the credentials and this signer is safe.

    :param token: the token to sign with.
    """

    def __init__(self, token: OAuthToken) -> None:
        self.token = token

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        r.headers["Authorization"] = self.token.as_auth()
        return r

    def handle_unauthorized(self) -> bool:
        """Force one refresh of a :class:`~ytsession.auth.token.RefreshingToken` after the
        server refused the token; a plain token cannot refresh.

        :return: whether the request should be sent again.
        :raises LoginRequiredError: the refresh token was revoked or has expired.
        """
        from .token import RefreshingToken

        if not isinstance(self.token, RefreshingToken):
            return False
        self.token.refresh(force=True)
        return True

    def __repr__(self) -> str:
        return f"BearerAuth({self.token!r})"


class InnerTubeAuth(AuthBase):
    """Base class of the objects that sign InnerTube calls.

    Subclasses implement :meth:`__call__` (sign a prepared request) and :meth:`accepts`,
    and set :attr:`kind` and :attr:`default_client`.
    """

    #: What kind of authentication this is (``"oauth"``, ``"cookies"``, ...); shown in
    #: messages and part of the session cache key.
    kind: ClassVar[str] = ""
    #: How messages name this sign-in, e.g. ``"OAuth (Bearer) tokens"``.
    description: ClassVar[str] = "this sign-in"
    #: The client a session signed with this auth uses when none is chosen.
    default_client: ClassVar[str] = "WEB"

    def __call__(self, r: PreparedRequest) -> PreparedRequest:
        raise NotImplementedError

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

    def handle_unauthorized(self) -> bool:
        """Called once after the server answered 401: refresh if possible.

        :return: whether the call should be sent once more.
        """
        return False

    def revoke(self) -> None:
        """Sign out at the server (revoke the token); nothing by default."""

    def use_transport(self, transport: Transport) -> None:
        """Send the requests this auth makes itself (token refreshes, revokes) with
        ``transport``, a session's; nothing by default."""

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
