"""What an InnerTube session asks of its auth (:class:`InnerTubeAuth`), and the answers for a
Bearer signer (:class:`BearerOnInnerTube`).

The signers themselves sign any request: the one Bearer signer,
:class:`~ytsession.oauth.bearer.BearerAuth`, is OAuth's and serves InnerTube, PeerTube and
plain :mod:`requests` alike; the cookie signer, :class:`~ytsession.CookieAuth`, is
YouTube's. Their flow (sign, send, refresh once after a 401, re-sign redirects) is
:class:`~ytsession.transport.signing.Signer`'s, in the transport.

An InnerTube :class:`~ytsession.Session` asks its auth more: which clients it suits, the
client to default to, per-call headers, sign-out, the session facts of an answer, and the
account its session data is cached under. Those questions are :class:`InnerTubeAuth`, a
runtime-checkable :class:`~typing.Protocol`, answered on this side of the layer line:

- a signer that is YouTube's own answers them itself (:class:`~ytsession.CookieAuth`
  subclasses :class:`InnerTubeAuth` for its defaults, and is its own :attr:`~InnerTubeAuth.signer`);
- a :class:`~ytsession.oauth.bearer.BearerAuth` is answered for by :class:`BearerOnInnerTube`,
  which the session puts beside it (in
  :func:`~ytsession.youtube.innertube.session_parts.as_auth`, the one place an ``auth=`` is
  read).

**Why a protocol and a view**, not a YouTube subclass of the Bearer signer: a subclass would
be a second Bearer signer class, and a :class:`~ytsession.oauth.bearer.BearerAuth` the user
made (for PeerTube, or ``http.auth``) would have to be copied into it, so the session's signer
would no longer be the user's and listeners would split between two objects. The view holds
the user's signer and only answers questions: the signing, refreshing and listeners stay the
signer's own, and :attr:`Session.auth <ytsession.Session.auth>` is still the object given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from ..oauth.bearer import BearerAuth
from ..oauth.token import RefreshingToken

if TYPE_CHECKING:
    import requests

    from ..transport.signing import Signer

__all__ = ["BearerOnInnerTube", "ClientInfo", "InnerTubeAuth"]


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


@runtime_checkable
class InnerTubeAuth(Protocol):
    """What an InnerTube :class:`~ytsession.Session` asks of its auth: which clients the auth
    suits (:meth:`accepts`), which one to default to, per-call headers, sign-out, the
    session facts of a parsed answer, and the :attr:`signer` that signs the requests.

    A class may subclass it to take the defaults of :meth:`headers`, :meth:`revoke`,
    :meth:`observe_answer` and :attr:`account_key` (as :class:`~ytsession.CookieAuth`
    does); any object with these members is one.
    """

    @property
    def kind(self) -> str:
        """What kind of authentication this is (``"oauth"``, ``"cookies"``, ...); shown in
        messages and part of the session cache key."""

    @property
    def description(self) -> str:
        """How messages name this sign-in, e.g. ``"OAuth (Bearer) tokens"``."""

    @property
    def default_client(self) -> str:
        """The client a session signed with this auth uses when none is chosen."""

    @property
    def signer(self) -> Signer:
        """What signs the session's requests (and announces its refreshes)."""

    def accepts(self, profile: ClientInfo) -> bool:
        """:return: whether the server honours this auth from ``profile``'s client."""

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
        return None

    def observe_answer(self, answer: Mapping[str, Any]) -> None:
        """Read what a signed call's parsed answer says about the session (e.g. its
        ``responseContext``): called by the session with each 2xx JSON answer, so the
        signer never parses a body again. Nothing by default.

        :param answer: the parsed answer.
        """
        return None

    @property
    def account_key(self) -> str:
        """A non-secret name of the signed-in account, for the session data cache."""
        return self.kind


class BearerOnInnerTube(InnerTubeAuth):
    """What a :class:`~ytsession.oauth.bearer.BearerAuth` means to InnerTube: only the TV
    clients (``TVHTML5`` and family) honour Bearer tokens, YouTube answers others with HTTP
    400, so a session signed with a token defaults to ``TVHTML5``; its session data is
    cached per place the token is kept.

    A view, not a signer: it answers the session's questions and leaves signing,
    refreshing, listeners and revoking to ``bearer``.

    :param bearer: the Bearer signer of the session.
    """

    kind: ClassVar[str] = "oauth"
    description: ClassVar[str] = "OAuth (Bearer) tokens"
    default_client: ClassVar[str] = "TVHTML5"

    def __init__(self, bearer: BearerAuth) -> None:
        self._bearer = bearer

    @property
    def signer(self) -> BearerAuth:
        """The Bearer signer this view answers for."""
        return self._bearer

    def accepts(self, profile: ClientInfo) -> bool:
        """:return: whether ``profile`` is a client that honours Bearer tokens."""
        return profile.accepts_oauth

    def revoke(self, *, http: requests.Session | None = None) -> None:
        """Revoke the token at the server (see :meth:`BearerAuth.revoke
        <ytsession.oauth.bearer.BearerAuth.revoke>`)."""
        self._bearer.revoke(http=http)

    @property
    def account_key(self) -> str:
        """``oauth`` plus where the token is kept (its file's path) when it is kept."""
        token = self._bearer.token
        cache = token.cache if isinstance(token, RefreshingToken) else None
        return f"oauth:{cache.describe()}" if cache is not None else "oauth"

    def __repr__(self) -> str:
        return f"BearerOnInnerTube({self._bearer!r})"
