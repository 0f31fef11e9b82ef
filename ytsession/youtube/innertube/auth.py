"""The authentication slot of an InnerTube session.

A :class:`~ytsession.Session` signs its calls with a signer: a :class:`~ytsession.BearerAuth`
for an OAuth token (honoured by the TV clients only), or a :class:`~ytsession.CookieAuth`
for a logged-in browser's cookies; what it asks of that auth is a
:class:`~ytsession.youtube.signing.InnerTubeAuth` (the cookie signer itself, the
:class:`~ytsession.youtube.signing.BearerOnInnerTube` view of a Bearer signer).
:class:`AuthSlot` holds it for the session, with the :class:`~ytsession.AuthorizedSession`
its calls go through. :class:`TokenAuth` is the Bearer signer's older name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...oauth.bearer import BearerAuth
from ...transport.signing import AuthorizedSession

if TYPE_CHECKING:
    import requests

    from ...transport import Transport
    from ...transport.signing import Signer
    from ..signing import InnerTubeAuth
    from .events import SessionEvents

__all__ = ["AuthSlot", "TokenAuth"]

#: The Bearer signer under its older name: there is one Bearer signer,
#: :class:`~ytsession.BearerAuth`, for InnerTube, PeerTube and plain requests alike.
TokenAuth = BearerAuth


class AuthSlot:
    """What signs one session's calls: the auth (what the session asks, and its signer), the
    :class:`~ytsession.AuthorizedSession` built for its signer, and the following of its
    refreshes.

    :param transport: the session's transport.
    :param http: the session's HTTP session: the base of the authorized one, and what
        refreshes and revokes go through when ``own_transport``.
    :param own_transport: whether the session was given transport options; else refreshes
        and revokes go through the credentials' own transport.
    :param events: whose ``update_credentials`` listeners hear of the signer's refreshes.
    """

    def __init__(
        self,
        *,
        transport: Transport,
        http: requests.Session,
        own_transport: bool,
        events: SessionEvents,
    ) -> None:
        self._transport = transport
        self._http = http
        self._own_transport = own_transport
        self._events = events
        #: What the session asks of its auth (``None``: unsigned).
        self.auth: InnerTubeAuth | None = None
        self.authorized = self._authorized_for(None)

    @property
    def signer(self) -> Signer | None:
        """What signs the calls (the auth's
        :attr:`~ytsession.youtube.signing.InnerTubeAuth.signer`), or ``None``."""
        return self.auth.signer if self.auth is not None else None

    @property
    def credentials(self) -> object:
        """What ``auth`` listeners are told of a sign-in: a Bearer signer's token, another
        signer itself (``None`` unsigned)."""
        signer = self.signer
        return signer.token if isinstance(signer, BearerAuth) else signer

    def use(self, auth: InnerTubeAuth | None) -> None:
        """Sign with ``auth``'s signer from now on (``None``: unsigned), and follow its
        refreshes (until this slot, that is its session, is collected)."""
        signer = auth.signer if auth is not None else None
        self.auth = auth
        self.authorized = self._authorized_for(signer)
        self._events.follow(signer, owner=self)

    def revoke(self) -> None:
        """Revoke the auth's credentials at the server (through the session's transport
        when it was given options); ``auth_error`` listeners hear of a failure."""
        auth = self.auth
        if auth is not None:
            via = {"http": self._http} if self._own_transport else {}
            self._events.guarded(lambda: auth.revoke(**via))

    def _authorized_for(self, signer: Signer | None) -> AuthorizedSession:
        return AuthorizedSession(
            signer,
            transport=self._transport,
            base=self._http,
            refresh_http=self._http if self._own_transport else None,
        )
