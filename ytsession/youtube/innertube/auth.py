"""The authentication slot of an InnerTube session.

A :class:`~ytsession.Session` signs its calls with an
:class:`~ytsession.youtube.signing.InnerTubeAuth`: a :class:`~ytsession.BearerAuth` for an
OAuth token (honoured by the TV clients only), or a :class:`~ytsession.CookieAuth` for a
logged-in browser's cookies. :class:`AuthSlot` holds it for the session, with the
:class:`~ytsession.AuthorizedSession` its calls go through. :class:`TokenAuth` is the Bearer
signer's older name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...transport.signing import AuthorizedSession
from ..signing import BearerAuth

if TYPE_CHECKING:
    import requests

    from ...transport import Transport
    from ..signing import InnerTubeAuth
    from .events import SessionEvents

__all__ = ["AuthSlot", "TokenAuth"]

#: The Bearer signer under its older name: there is one Bearer signer,
#: :class:`~ytsession.BearerAuth`, for InnerTube, PeerTube and plain requests alike.
TokenAuth = BearerAuth


class AuthSlot:
    """What signs one session's calls: the signer, the
    :class:`~ytsession.AuthorizedSession` built for it, and the following of its refreshes.

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
        self.signer: InnerTubeAuth | None = None
        self.authorized = self._authorized_for(None)

    def use(self, signer: InnerTubeAuth | None) -> None:
        """Sign with ``signer`` from now on (``None``: unsigned), and follow its refreshes
        (until this slot, that is its session, is collected)."""
        self.signer = signer
        self.authorized = self._authorized_for(signer)
        self._events.follow(signer, owner=self)

    def revoke(self) -> None:
        """Revoke the signer's credentials at the server (through the session's transport
        when it was given options); ``auth_error`` listeners hear of a failure."""
        signer = self.signer
        if signer is not None:
            via = {"http": self._http} if self._own_transport else {}
            self._events.guarded(lambda: signer.revoke(**via))

    def _authorized_for(self, signer: InnerTubeAuth | None) -> AuthorizedSession:
        return AuthorizedSession(
            signer,
            transport=self._transport,
            base=self._http,
            refresh_http=self._http if self._own_transport else None,
        )
