"""PO token providers and the chain that asks them in order, with a per-binding cache.

A :class:`PoTokenRequest` says where the token goes (``GVS``, ``PLAYER``, ``SUBS``), for
which client, and the ids it may be bound to; :func:`~.binding.content_binding` decides the
binding. A :class:`PoTokenProvider` answers a :class:`PoToken` or declines with ``None``.
:class:`ProviderChain` asks its providers in order and keeps each token per binding, in
memory and optionally in a JSON file, until it expires (6 hours unless the provider says
otherwise)::

    chain = ProviderChain([StaticProvider(pasted_token), ColdStartProvider()])
    token = chain.get(PoTokenRequest(context="gvs", visitor_data=session.visitor_data))

Tokens never appear in logs above DEBUG, nor in any ``repr``.
"""

from __future__ import annotations

import abc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, TypeAlias
from urllib.parse import unquote

from ...auth.store import PO_TOKENS, FileItem, ProfileStore, StoredItem
from ...errors import PoTokenBindingError, PoTokenError, YTSessionError
from .binding import BindingKind, ContentBinding, PoTokenContext, content_binding
from .coldstart import (
    DEFAULT_CLIENT_STATE,
    MAX_BINDING_BYTES,
    decode_cold_start_token,
    encode_cold_start_token,
)

__all__ = [
    "CACHE_FORMAT",
    "DEFAULT_TTL",
    "REFRESH_MARGIN",
    "ColdStartProvider",
    "PoToken",
    "PoTokenProvider",
    "PoTokenProviders",
    "PoTokenRequest",
    "ProviderChain",
    "StaticProvider",
    "default_cache_file",
    "po_token_cache",
]

log = logging.getLogger("ytsession.potoken")

#: Seconds a token is used when its provider names no expiry.
DEFAULT_TTL = 6 * 3600
#: A cached token this many seconds (or fewer) before its expiry is replaced.
REFRESH_MARGIN = 300
#: The cache file's format name; its version is :data:`CACHE_VERSION`.
CACHE_FORMAT = "ytsession.po-tokens"
CACHE_VERSION = 1


def default_cache_file(
    directory: str | Path | None = None, *, host: str = "https://www.youtube.com"
) -> Path:
    """Where a session keeps its PO tokens: beside its session data.

    :param directory: the session data cache directory; ``$YTSESSION_CACHE_DIR``, else
        the user cache directory, when ``None``.
    :param host: the server the tokens are for (tokens of an emulator stay apart).
    :return: ``<directory>/potokens-<digest of host>.json``.
    """
    import hashlib

    from ..cache import default_cache_dir

    digest = hashlib.sha256(host.rstrip("/").encode("utf-8")).hexdigest()[:16]
    return default_cache_dir(directory) / f"potokens-{digest}.json"


def po_token_cache(
    *,
    store: ProfileStore | None = None,
    profile: str | None = None,
    directory: str | Path | None = None,
    host: str = "https://www.youtube.com",
) -> StoredItem:
    """Where PO tokens are kept: the one choice :class:`~ytsession.Session`,
    ``ytsession session-tokens`` and the yt-dlp plugin make.

    With a profile, its PO-token item (``po-tokens``) in its profile store, so every
    process (and, with a Redis store, every machine) using the profile shares its tokens.
    Without one, the cache file of sessions of ``host`` (:func:`default_cache_file`).

    :param store: the profile's store; with ``profile``.
    :param profile: the profile's name; with ``store``.
    :param directory: the session data cache directory (without a profile).
    :param host: the server the tokens are for (without a profile).
    :return: the item (a local file is an item too, so every caller takes one kind).
    """
    if (store is None) != (profile is None):
        raise ValueError("po_token_cache needs both store= and profile=, or neither")
    if store is not None and profile is not None:
        return store.item(profile, PO_TOKENS)
    return FileItem(default_cache_file(directory, host=host))


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


#: What a session takes as its providers: a chain, one provider, or providers in order.
PoTokenProviders: TypeAlias = "ProviderChain | PoTokenProvider | Sequence[PoTokenProvider]"


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


class ProviderChain:
    """Asks providers in order and keeps their tokens per binding until they expire.

    A cached token is used until :data:`REFRESH_MARGIN` seconds before its expiry. With
    ``cache_file``, tokens also survive the process: the file is read on first use and
    rewritten atomically (mode 0600) after each new token; a missing or corrupt file is
    an empty cache, and a file that cannot be written is logged, never raised.

    :param providers: the providers, in the order to ask them.
    :param ttl: seconds a token is used when its provider names no expiry.
    :param cache_file: a JSON file to keep tokens in across processes, or ``None``.
    :param cache_item: instead of a file, a JSON object kept elsewhere, e.g. a profile
        store's PO-token item (:class:`StoredItem`); read and written like the file.
    :param clock: the time source (for tests).
    :param refresh_margin: replace a token this many seconds before it expires.
    """

    def __init__(
        self,
        providers: Iterable[PoTokenProvider],
        *,
        ttl: float = DEFAULT_TTL,
        cache_file: str | Path | None = None,
        cache_item: StoredItem | None = None,
        clock: Callable[[], float] = time.time,
        refresh_margin: float = REFRESH_MARGIN,
    ) -> None:
        self._providers = tuple(providers)
        for provider in self._providers:
            if not isinstance(provider, PoTokenProvider):
                raise TypeError(f"not a PoTokenProvider: {type(provider).__name__}")
        self.ttl = ttl
        self.cache_file = Path(cache_file) if cache_file is not None else None
        if cache_file is not None and cache_item is not None:
            raise ValueError("give a cache file or a cache item, not both")
        self.cache_item = cache_item
        # One way to keep tokens across processes: a file is an item like a store's.
        self._stored: StoredItem | None = (
            cache_item if self.cache_file is None else FileItem(self.cache_file)
        )
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._tokens: dict[str, PoToken] = {}
        self._file_loaded = False
        self._lock = threading.RLock()

    @property
    def providers(self) -> tuple[PoTokenProvider, ...]:
        """The providers, in the order they are asked."""
        return self._providers

    def get(self, request: PoTokenRequest) -> PoToken | None:
        """A token for ``request``: from the cache, else from the first provider that has one.

        :return: the token (its ``expires_at`` always set), or ``None`` when the client
            uses no PO tokens or every provider declined.
        :raises PoTokenBindingError: an id the binding needs is missing.
        :raises PoTokenError: no provider gave a token and at least one failed; the error
            is the first failure's (e.g. :class:`~ytsession.NodeMissingError`).
        """
        return self.get_many([request])[0]

    def get_many(self, requests: Iterable[PoTokenRequest]) -> list[PoToken | None]:
        """Tokens for several requests; what is not cached is asked for in one go per
        provider (one BotGuard run mints the session token and the video token).

        :return: a token or ``None`` per request, in order (see :meth:`get`).
        :raises PoTokenBindingError: an id a binding needs is missing.
        :raises PoTokenError: some request got no token and a provider failed.
        """
        wanted = [(request, request.binding()) for request in requests]
        with self._lock:
            pending: dict[str, tuple[PoTokenRequest, ContentBinding]] = {}
            for request, binding in wanted:
                if binding is None or binding.key in pending:
                    continue
                if self._cached(binding) is not None:
                    log.debug("PO token for the %s from the cache", binding.kind.value)
                else:
                    pending[binding.key] = (request, binding)
            if pending:
                fresh = self._ask_providers(pending)
                self._tokens.update(fresh)
                if fresh:
                    self._save()
            return [None if b is None else self._tokens.get(b.key) for _, b in wanted]

    def require(self, request: PoTokenRequest) -> PoToken:
        """Like :meth:`get`, but never ``None``.

        :raises PoTokenError: the client uses no PO tokens, or every provider declined.
        """
        token = self.get(request)
        if token is None:
            names = ", ".join(p.name for p in self._providers) or "none"
            raise PoTokenError(
                f"no PO token for the {request.client} client's {request.context.value} "
                f"context: every provider declined (tried: {names}). Add a provider that "
                "serves it, e.g. BotGuardProvider (see `ytsession botguard-setup`) or "
                "ColdStartProvider"
            )
        return token

    def cached(self, request: PoTokenRequest) -> PoToken | None:
        """:return: the cached token for ``request``'s binding, without asking providers."""
        binding = request.binding()
        if binding is None:
            return None
        with self._lock:
            return self._cached(binding)

    def forget(self, binding: ContentBinding | None = None) -> None:
        """Drop the cached token of ``binding`` (all tokens when ``None``), from the file too.

        Use it when the server refused a token.
        """
        with self._lock:
            self._load_file()
            if binding is None:
                self._tokens.clear()
            else:
                self._tokens.pop(binding.key, None)
            self._save(merge=False)

    def _cached(self, binding: ContentBinding) -> PoToken | None:
        self._load_file()
        token = self._tokens.get(binding.key)
        if token is None:
            return None
        if token.expired(self._clock(), margin=self.refresh_margin):
            log.debug("cached PO token for the %s expired", binding.kind.value)
            del self._tokens[binding.key]
            return None
        return token

    def _ask_providers(
        self, pending: dict[str, tuple[PoTokenRequest, ContentBinding]]
    ) -> dict[str, PoToken]:
        fresh: dict[str, PoToken] = {}
        failures: list[PoTokenError] = []
        names: list[str] = []
        for provider in self._providers:
            items = [item for key, item in pending.items() if key not in fresh]
            if not items:
                break
            try:
                tokens = provider.get_tokens(items)
            except PoTokenBindingError:
                raise
            except PoTokenError as exc:
                failures.append(exc)
                names.append(provider.name)
                continue
            now = self._clock()
            for (_request, binding), token in zip(items, tokens, strict=True):
                if token is None:
                    log.debug("PO token provider %r declined", provider.name)
                    continue
                if token.expires_at is None:
                    token = replace(token, expires_at=(token.minted_at or now) + self.ttl)
                if token.expired(now):
                    log.warning(
                        "PO token provider %r gave a token that has already expired; "
                        "asking the next provider",
                        provider.name,
                    )
                    continue
                log.debug("PO token for the %s from %r", binding.kind.value, provider.name)
                fresh[binding.key] = token
        raised = failures[0] if failures and len(fresh) < len(pending) else None
        for name, failure in zip(names, failures, strict=True):
            if failure is not raised:  # the raised one is reported once, by the caller
                log.warning("PO token provider %r failed: %s", name, failure)
        if raised is not None:
            raise raised
        return fresh

    # --- the cache file ------------------------------------------------------------------

    def _load_file(self) -> None:
        if self._file_loaded or self._stored is None:
            return
        self._file_loaded = True
        now = self._clock()
        for token in self._read_file():
            if not token.expired(now) and token.binding.key not in self._tokens:
                self._tokens[token.binding.key] = token

    @property
    def cache_location(self) -> str | None:
        """Where the tokens are kept across processes (a file or an item), or ``None``."""
        return None if self._stored is None else self._stored.describe()

    def _where(self) -> str:
        return self.cache_location or "memory"

    def _read_file(self) -> list[PoToken]:
        if self._stored is None:
            return []
        try:
            return self._parse_cache(self._stored.load())
        except (OSError, YTSessionError) as exc:
            log.warning("ignoring the PO token cache in %s (%s)", self._where(), exc)
            return []

    def _parse_cache(self, data: object) -> list[PoToken]:
        if data is None or data == {}:
            return []
        if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
            log.warning("ignoring %s: not a PO token cache", self._where())
            return []
        if data.get("version") != CACHE_VERSION or not isinstance(data.get("tokens"), list):
            return []
        tokens = []
        for entry in data["tokens"]:
            try:
                tokens.append(PoToken.from_dict(entry))
            except (ValueError, TypeError, AttributeError):
                log.debug("skipping a malformed entry of the PO token cache")
        return tokens

    def _save(self, *, merge: bool = True) -> None:
        stored = self._stored
        if stored is None:
            return

        def merged_with(stored: list[PoToken]) -> dict[str, Any]:
            now = self._clock()
            merged: dict[str, PoToken] = {}
            if merge:  # keep what another process stored meanwhile
                merged.update({t.binding.key: t for t in stored})
            merged.update(self._tokens)
            live = [t.to_dict() for t in merged.values() if not t.expired(now)]
            return {"format": CACHE_FORMAT, "version": CACHE_VERSION, "tokens": live}

        try:
            stored.update(lambda current: merged_with(self._parse_cache(current)))
        except (OSError, YTSessionError) as exc:
            log.warning("could not write the PO token cache to %s (%s)", self._where(), exc)

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self._providers)
        return f"ProviderChain([{names}], ttl={self.ttl}, cache={self._where()})"
