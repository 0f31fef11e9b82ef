"""PO tokens, the providers' interface, and the providers that need no browser.

A :class:`PoTokenRequest` says where the token goes (``GVS``, ``PLAYER``, ``SUBS``), for
which client, and the ids it may be bound to; :func:`~.binding.content_binding` decides the
binding. A :class:`PoTokenProvider` answers a :class:`PoToken` or declines with ``None``:
:class:`StaticProvider` hands out a pasted token, :class:`ColdStartProvider` makes a
cold-start one (BotGuard's is in :mod:`.botguard`). The chain that asks providers in order
and keeps their tokens is :class:`~.chain.ProviderChain`; where it keeps them across
processes, :mod:`~ytsession.youtube.innertube.potoken.cache`.

Tokens never appear in logs above DEBUG, nor in any ``repr``.
"""

from __future__ import annotations

import abc
import logging
import os
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import unquote

from ....errors import PoTokenBindingError
from .binding import BindingKind, ContentBinding, PoTokenContext, content_binding
from .coldstart import (
    DEFAULT_CLIENT_STATE,
    MAX_BINDING_BYTES,
    decode_cold_start_token,
    encode_cold_start_token,
)

__all__ = [
    "DEFAULT_TTL",
    "ColdStartProvider",
    "PoToken",
    "PoTokenProvider",
    "PoTokenRequest",
    "StaticProvider",
]

log = logging.getLogger("ytsession.potoken")

#: Seconds a token is used when its provider names no expiry.
DEFAULT_TTL = 6 * 3600


@dataclass(frozen=True, kw_only=True)
class PoTokenRequest:
    """What a PO token is wanted for.

    :ivar context: where it goes: ``GVS`` (stream URLs), ``PLAYER`` or ``SUBS``; a string
        such as ``"gvs"`` is accepted.
    :ivar client: the ``clientName`` of the call or stream, e.g. ``"WEB"``.
    :ivar visitor_data: the session's visitor data.
    :ivar data_sync_id: the session's data sync id (signed in with cookies).
    :ivar video_id: the video, for ``PLAYER`` and ``SUBS`` tokens.
    :ivar logged_in: whether the session is signed in.
    :ivar bind_to_visitor_id: bind a signed-out session token to the visitor id instead of
        the whole visitor data.
    :ivar gvs_bound_to_video: bind a stream token to the video id.
    """

    context: PoTokenContext
    client: str = "WEB"
    visitor_data: str = ""
    data_sync_id: str = ""
    video_id: str = ""
    logged_in: bool = False
    bind_to_visitor_id: bool = False
    gvs_bound_to_video: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "context", PoTokenContext.parse(self.context))
        object.__setattr__(self, "client", self.client.upper())

    def binding(self) -> ContentBinding | None:
        """:return: what a token for this request is bound to (see
            :func:`~.binding.content_binding`), or ``None`` when the client uses no PO
            tokens.

        :raises PoTokenBindingError: an id the binding needs is missing.
        """
        return content_binding(
            self.context,
            client=self.client,
            logged_in=self.logged_in,
            visitor_data=self.visitor_data,
            data_sync_id=self.data_sync_id,
            video_id=self.video_id,
            bind_to_visitor_id=self.bind_to_visitor_id,
            gvs_bound_to_video=self.gvs_bound_to_video,
        )


@dataclass(frozen=True, kw_only=True)
class PoToken:
    """A PO token and what it is good for.

    :ivar token: the token (web-safe base64). Not shown by ``repr``.
    :ivar binding: what it is bound to.
    :ivar provider: the name of the provider that made it.
    :ivar expires_at: when to stop using it, in Unix seconds; ``None`` from a provider
        means "the chain's TTL".
    :ivar minted_at: when it was made, in Unix seconds.
    :ivar placeholder: whether it is a cold-start placeholder rather than a minted token.
    """

    token: str = field(repr=False)
    binding: ContentBinding
    provider: str
    expires_at: float | None = None
    minted_at: float = 0.0
    placeholder: bool = False

    def expired(self, now: float | None = None, *, margin: float = 0.0) -> bool:
        """:return: whether the token expires within ``margin`` seconds of ``now``."""
        if self.expires_at is None:
            return False
        return self.expires_at - margin <= (time.time() if now is None else now)

    def to_dict(self) -> dict[str, Any]:
        """:return: the JSON form (for the cache file)."""
        return {
            "token": self.token,
            "binding": self.binding.value,
            "binding_kind": self.binding.kind.value,
            "provider": self.provider,
            "expires_at": self.expires_at,
            "minted_at": self.minted_at,
            "placeholder": self.placeholder,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PoToken:
        """The inverse of :meth:`to_dict`.

        :raises ValueError: a field is missing or of the wrong type.
        """
        token, value, provider = data.get("token"), data.get("binding"), data.get("provider")
        if not all(isinstance(v, str) and v for v in (token, value, provider)):
            raise ValueError("'token', 'binding' and 'provider' must be non-empty strings")
        expires_at = data.get("expires_at")
        minted_at = data.get("minted_at", 0.0)
        if not isinstance(expires_at, int | float) or not isinstance(minted_at, int | float):
            raise ValueError("'expires_at' and 'minted_at' must be numbers")
        assert isinstance(token, str) and isinstance(value, str) and isinstance(provider, str)
        return cls(
            token=token,
            binding=ContentBinding(value, BindingKind(data.get("binding_kind"))),
            provider=provider,
            expires_at=float(expires_at),
            minted_at=float(minted_at),
            placeholder=bool(data.get("placeholder", False)),
        )

    def __repr__(self) -> str:
        return (
            f"PoToken(provider={self.provider!r}, binding={self.binding.kind.value}, "
            f"expires_at={self.expires_at}, placeholder={self.placeholder}, "
            f"token=<{len(self.token)} chars>)"
        )


class PoTokenProvider(abc.ABC):
    """Something that can make (or hand out) PO tokens.

    Subclasses set :attr:`name` and implement :meth:`get_token`. A provider that cannot
    serve a request declines by returning ``None``; one that tried and failed raises a
    :class:`~ytsession.PoTokenError`, and the chain moves on to the next provider.
    """

    #: A short name, shown in messages and stored with the tokens.
    name: ClassVar[str] = ""

    @abc.abstractmethod
    def get_token(self, request: PoTokenRequest, binding: ContentBinding) -> PoToken | None:
        """Make or hand out a token for ``request``, bound to ``binding``.

        :param request: what the token is for.
        :param binding: what it must be bound to (decided by the chain).
        :return: the token, or ``None`` to decline.
        :raises PoTokenError: the provider tried and failed.
        """

    def get_tokens(
        self, items: Sequence[tuple[PoTokenRequest, ContentBinding]]
    ) -> list[PoToken | None]:
        """Tokens for several requests at once; one :meth:`get_token` each by default.

        A provider with a costly set-up (BotGuard) overrides it to serve them in one go.

        :param items: ``(request, binding)`` pairs with distinct bindings.
        :return: a token or ``None`` per pair, in order.
        :raises PoTokenError: the provider tried and failed.
        """
        return [self.get_token(request, binding) for request, binding in items]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


def _same_binding(a: str, b: str) -> bool:
    # Visitor data comes percent-encoded ("%3D") or not; both name the same visitor.
    return a == b or unquote(a) == unquote(b)


class StaticProvider(PoTokenProvider):
    """A token the user pasted (from a browser's ``player`` request, or another tool).

    The token is handed out only to requests bound like it: to ``binding`` when that is
    given, and to the binding inside the token when it is a cold-start token. An opaque
    minted token without a stated binding cannot be checked and is handed out as it is.

    :param token: the token.
    :param binding: the id it was minted for (visitor data, data sync id or video id).
    :param contexts: the contexts it may be used for; all when ``None``.
    :param expires_at: when it expires, in Unix seconds; the chain's TTL when ``None``.
        Once past, the provider declines (so a chain moves on to its next provider).
    :param clock: the time source (for tests).
    :raises PoTokenBindingError: ``binding`` contradicts the binding inside a cold-start
        token.
    :raises ValueError: the token is empty.
    """

    name = "static"

    def __init__(
        self,
        token: str,
        *,
        binding: str | None = None,
        contexts: Iterable[PoTokenContext | str] | None = None,
        expires_at: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        token = token.strip()
        if not token:
            raise ValueError("a static PO token cannot be empty")
        self._token = token
        self._contexts = (
            None if contexts is None else frozenset(PoTokenContext.parse(c) for c in contexts)
        )
        self._expires_at = expires_at
        self._clock = clock
        try:
            inner: str | None = decode_cold_start_token(token).binding
        except ValueError:
            inner = None
        self._placeholder = inner is not None
        if binding is not None and inner is not None and not _same_binding(binding, inner):
            raise PoTokenBindingError(
                "the pasted cold-start token is bound to another id than the binding given "
                "with it; paste the token made for that id"
            )
        self._binding = binding if binding is not None else inner

    @property
    def binding(self) -> str | None:
        """The id the token is known to be bound to, or ``None`` when unknown."""
        return self._binding

    def get_token(self, request: PoTokenRequest, binding: ContentBinding) -> PoToken | None:
        """Hand out the pasted token.

        :return: the token when its binding and contexts fit and it has not expired, else
            ``None``.
        """
        now = self._clock()
        if self._expires_at is not None and self._expires_at <= now:
            log.debug("static PO token: expired")
            return None
        if self._contexts is not None and request.context not in self._contexts:
            log.debug("static PO token: not for the %s context", request.context.value)
            return None
        if self._binding is not None and not _same_binding(self._binding, binding.value):
            log.debug("static PO token: bound to another %s", binding.kind.value)
            return None
        return PoToken(
            token=self._token,
            binding=binding,
            provider=self.name,
            expires_at=self._expires_at,
            minted_at=now,
            placeholder=self._placeholder,
        )

    def __repr__(self) -> str:
        bound = "unknown" if self._binding is None else "known"
        return f"StaticProvider(token=<{len(self._token)} chars>, binding={bound})"


class ColdStartProvider(PoTokenProvider):
    """Computes cold-start placeholder tokens locally (see :mod:`.coldstart`).

    Always available and instant, but YouTube honours such tokens only while a session
    warms up: put it last in a chain, as the fallback. Declines bindings longer than
    :data:`~.coldstart.MAX_BINDING_BYTES` bytes.

    :param client_state: the client state byte.
    :param ttl: seconds its tokens are used; the chain's TTL when ``None``.
    :param clock: the time source (for tests).
    :param random_bytes: the source of the two key bytes (for tests).
    """

    name = "coldstart"

    def __init__(
        self,
        *,
        client_state: int = DEFAULT_CLIENT_STATE,
        ttl: float | None = None,
        clock: Callable[[], float] = time.time,
        random_bytes: Callable[[int], bytes] = os.urandom,
    ) -> None:
        self._client_state = client_state
        self._ttl = ttl
        self._clock = clock
        self._random_bytes = random_bytes

    def get_token(self, request: PoTokenRequest, binding: ContentBinding) -> PoToken | None:
        """:return: a cold-start token for ``binding``, or ``None`` when it is too long."""
        if len(binding.value.encode("utf-8")) > MAX_BINDING_BYTES:
            log.debug("cold-start PO token: the %s is too long", binding.kind.value)
            return None
        now = self._clock()
        token = encode_cold_start_token(
            binding.value,
            timestamp=int(now),
            client_state=self._client_state,
            random_bytes=self._random_bytes,
        )
        return PoToken(
            token=token,
            binding=binding,
            provider=self.name,
            expires_at=None if self._ttl is None else now + self._ttl,
            minted_at=now,
            placeholder=True,
        )
