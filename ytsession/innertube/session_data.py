"""The session data of one :class:`~ytsession.Session`, and where it is kept.

A session starts with given, locally made, cached or fetched session data (visitor data,
rollout token, ...). :class:`SessionDataKeeper` holds it for the session: it loads it from
the :class:`~ytsession.innertube.cache.SessionCache` under the session's
:class:`~ytsession.innertube.cache.CacheKey` (client, language, region, account, host) or
fetches it, adopts newer visitor data from answers, writes renewals at most once per
:data:`CACHE_STORE_INTERVAL` (what waits is written by :meth:`SessionDataKeeper.flush`),
and moves to another key when the session signs in or out. The web player's
``signatureTimestamp`` is kept beside it (:meth:`SessionDataKeeper.player_cache`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from .. import _http
from .cache import CacheKey, SessionCache
from .clients import CLIENTS
from .context import DEFAULT_BASE_URL, ContextSettings, SessionData
from .visitor import fetch_session_data, generate_visitor_data, is_newer_visitor_data

if TYPE_CHECKING:
    import requests

    from .player import PlayerCache

__all__ = ["CACHE_STORE_INTERVAL", "SessionDataKeeper", "session_cache_key"]

log = logging.getLogger("ytsession.session")

#: Seconds between two writes of the session data cache when answers keep renewing the
#: visitor data: the first renewal is stored at once, later ones at most this often (and
#: the last one on :meth:`Session.close <ytsession.Session.close>`).
CACHE_STORE_INTERVAL = 60.0


def session_cache_key(
    *,
    client: str,
    settings: ContextSettings,
    account: str,
    account_index: int | None,
    host: str,
) -> CacheKey:
    """:return: the key a session's data is cached under.

    :param client: the session's ``clientName``.
    :param account: the signer's :attr:`~ytsession.auth.signing.InnerTubeAuth.account_key`,
        or ``"anonymous"``; the account index and ``onBehalfOfUser`` are added to it.
    :param host: where the calls go.
    """
    if account_index is not None:
        account += f"|authuser={account_index}"
    if settings.on_behalf_of_user:
        account += f"|onbehalfof={settings.on_behalf_of_user}"
    return CacheKey(
        client=client,
        lang=settings.lang,
        location=settings.location,
        account=account,
        host=host,
    )


class SessionDataKeeper:
    """A session's data, its cache and its cache key.

    Thread-safe: answers of several threads may renew the visitor data at once.

    :param data: the data to start with (the given visitor data, or none yet).
    :param cache: where the data is cached, or ``None`` to neither read nor write.
    """

    def __init__(self, data: SessionData, *, cache: SessionCache | None) -> None:
        self.data = data
        self.cache = cache
        #: The key the data is cached under; ``None`` for given or locally made data.
        self.key: CacheKey | None = None
        self._lock = threading.RLock()
        self._stored_at: float | None = None  # time.monotonic() of the last cache write
        self._pending = False
        self._player: PlayerCache | None = None

    def player_cache(self, host: str) -> PlayerCache:
        """The web player's cache of the session's ``host``, beside the session data (made
        on first use; in memory only without a cache)."""
        from .player import PlayerCache

        with self._lock:
            if self._player is None:
                directory = self.cache.directory if self.cache is not None else None
                self._player = PlayerCache(directory, host=host)
            return self._player

    def start(
        self,
        *,
        visitor_data: str | None,
        generate_locally: bool,
        key: Callable[[], CacheKey],
        http: requests.Session,
        transport: _http.Transport,
        base_url: str | None,
        settings: ContextSettings,
        timeout: float | tuple[float, float] | None,
    ) -> bool:
        """Take the data to start with: ``visitor_data`` when given, else made locally,
        else the cached data under ``key()``, else fetched (``sw.js_data`` or the embed page,
        within one deadline of ``transport``).

        :return: whether the data was fetched (and should be stored).
        :raises NetworkError: the session data could not be fetched in time.
        :raises InnerTubeError: the server gave no usable session data.
        """
        now = time.time()
        if visitor_data:
            self.data = SessionData(visitor_data=visitor_data, source="given", fetched_at=now)
            return False
        if generate_locally:
            self.data = SessionData(
                visitor_data=generate_visitor_data(), source="local", fetched_at=now
            )
            return False
        self.key = key()
        cached = self.cache.load(self.key) if self.cache is not None else None
        if cached is not None:
            log.debug("session data from the cache (%s)", cached.source)
            self.data = cached
            return False
        with transport.call():  # sw.js_data and its fallback: one deadline
            self.data = fetch_session_data(
                http,
                base_url or DEFAULT_BASE_URL,
                lang=settings.lang,
                user_agent=settings.user_agent or CLIENTS["WEB"].user_agent,
                timeout=timeout,
            )
        return True

    def store(self) -> None:
        """Write the data under the key now (nothing for given or locally made data)."""
        with self._lock:
            data = self.data
            self._pending = False
            if self.cache is None or self.key is None or data.source in ("given", "local"):
                return
            self.cache.store(self.key, data)
            self._stored_at = time.monotonic()

    def store_soon(self) -> None:
        """Store renewed data, at most once per :data:`CACHE_STORE_INTERVAL`; what waits is
        stored by :meth:`flush` (or the next renewal after the interval)."""
        with self._lock:
            stored_at = self._stored_at
            if stored_at is None or time.monotonic() - stored_at >= CACHE_STORE_INTERVAL:
                self.store()
            else:
                self._pending = True

    def flush(self) -> None:
        """Store a renewal still waiting (when the session closes)."""
        with self._lock:
            if self._pending:
                self.store()

    def adopt_visitor_data(self, answer: Mapping[str, Any]) -> str | None:
        """Take the answer's ``responseContext.visitorData`` when it is newer than the
        data's, and store it soon.

        :return: the adopted visitor data, or ``None`` when the answer has none newer.
        """
        context = answer.get("responseContext")
        candidate = context.get("visitorData") if isinstance(context, Mapping) else None
        if not isinstance(candidate, str):
            return None
        with self._lock:
            if not is_newer_visitor_data(candidate, self.data.visitor_data):
                return None
            log.debug("adopting newer visitor data from an answer")
            self.data = dataclasses.replace(self.data, visitor_data=candidate)
            self.store_soon()
        return candidate

    def rekey(self, key: Callable[[], CacheKey]) -> SessionData | None:
        """After signing in or out: keep the data under ``key()`` from now on (when it is
        kept under a key at all).

        :return: what the cache holds for the new key, to use instead, or ``None``.
        """
        with self._lock:
            if self.key is None:
                return None
            new = key()
            if new == self.key:
                return None
            self.key = new
        return self.cache.load(new) if self.cache is not None else None
