"""The chain that asks PO token providers in order and keeps their tokens per binding.

:class:`ProviderChain` asks its providers in order (what is not cached in one go per
provider) and keeps each token per binding, in memory and optionally in a stored item
(:mod:`~ytsession.youtube.innertube.potoken.cache`), until it expires (6 hours unless the
provider says otherwise)::

    chain = ProviderChain([StaticProvider(pasted_token), ColdStartProvider()])
    token = chain.get(PoTokenRequest(context="gvs", visitor_data=session.visitor_data))

Tokens never appear in logs above DEBUG, nor in any ``repr``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeAlias

from ....errors import Hint, PoTokenBindingError, PoTokenError, YTSessionError
from ....store import FileItem, StoredItem
from .binding import ContentBinding
from .cache import cache_document, parse_cache
from .providers import DEFAULT_TTL, PoToken, PoTokenProvider, PoTokenRequest

__all__ = ["REFRESH_MARGIN", "PoTokenProviders", "ProviderChain"]

log = logging.getLogger("ytsession.potoken")

#: A cached token this many seconds (or fewer) before its expiry is replaced.
REFRESH_MARGIN = 300

#: What a session takes as its providers: a chain, one provider, or providers in order.
PoTokenProviders: TypeAlias = "ProviderChain | PoTokenProvider | Sequence[PoTokenProvider]"


#: What to do when every provider declined: BotGuard's packages are installed differently.
_ADD_A_PROVIDER = Hint(
    python=". Add a provider that serves it, e.g. BotGuardProvider (its packages: "
    "ytsession.youtube.innertube.potoken.botguard.install_node_packages()) or ColdStartProvider",
    cli=". Add a provider that serves it, e.g. BotGuardProvider (see `ytsession "
    "botguard-setup`) or ColdStartProvider",
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
            is the first failure's (e.g. :class:`~ytsession.errors.NodeMissingError`).
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
                f"context: every provider declined (tried: {names})"
            ).with_hint(_ADD_A_PROVIDER)
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
            return parse_cache(self._stored.load(), where=self._where())
        except (OSError, YTSessionError) as exc:
            log.warning("ignoring the PO token cache in %s (%s)", self._where(), exc)
            return []

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
            return cache_document(merged.values(), now=now)

        try:
            stored.update(lambda current: merged_with(parse_cache(current, where=self._where())))
        except (OSError, YTSessionError) as exc:
            log.warning("could not write the PO token cache to %s (%s)", self._where(), exc)

    def __repr__(self) -> str:
        names = ", ".join(p.name for p in self._providers)
        return f"ProviderChain([{names}], ttl={self.ttl}, cache={self._where()})"
