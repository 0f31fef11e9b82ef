"""The authentication slot of an InnerTube session.

A :class:`~ytsession.Session` signs its calls with an
:class:`~ytsession.auth.signing.InnerTubeAuth`: a :class:`~ytsession.BearerAuth` for an
OAuth token (honoured by the TV clients only), or a :class:`~ytsession.CookieAuth` for a
logged-in browser's cookies. :class:`TokenAuth` is the Bearer signer's older name.
"""

from __future__ import annotations

from ..auth.signing import BearerAuth

__all__ = ["TokenAuth"]

#: The Bearer signer under its older name: there is one Bearer signer,
#: :class:`~ytsession.BearerAuth`, for InnerTube, PeerTube and plain requests alike.
TokenAuth = BearerAuth
