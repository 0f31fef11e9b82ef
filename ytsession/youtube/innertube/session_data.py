"""The session data of one :class:`~ytsession.Session`, what it renews, and where it is kept.

A session starts with given, locally made, cached or fetched session data (visitor data,
rollout token, ...). :class:`SessionDataKeeper` holds it for the session, with the context
settings and the client it renews (the visitor data, and WEB's version the server names): it
loads it from the :class:`~ytsession.youtube.innertube.cache.SessionCache` under the session's
:class:`~ytsession.youtube.innertube.cache.CacheKey` (client, language, region, account, host) or
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
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...transport import Transport
from .cache import CacheKey, SessionCache
from .clients import CLIENTS, ClientProfile, client_profile
from .context import ContextSettings, SessionData
from .visitor import fetch_session_data, generate_visitor_data, is_newer_visitor_data, parse_config

if TYPE_CHECKING:
    import requests

    from ..signing import InnerTubeAuth
    from .player import PlayerCache, PlayerInfo

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
    :param account: the signer's :attr:`~ytsession.youtube.signing.InnerTubeAuth.account_key`,
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
    """A session's data, the context settings and client it renews, its cache and its
    cache key.

    Thread-safe: answers of several threads may renew the visitor data at once.

    :param profile: the session's client.
    :param settings: its context settings (their visitor data is the data to start with).
    :param cache: where the data is cached, or ``None`` to neither read nor write.
    :param host: where the calls go (part of the cache key).
    :param account_index: the signed-in account's index (part of the cache key).
    :param version_chosen: the client's version was chosen: the server's does not replace it.
    """

    def __init__(
        self,
        *,
        profile: ClientProfile,
        settings: ContextSettings,
        cache: SessionCache | None,
        host: str,
        account_index: int | None,
        version_chosen: bool,
    ) -> None:
        #: The session's client (WEB's version renewed from the data unless chosen).
        self.profile = profile
        #: The session's context settings, with the data's visitor data and rollout token.
        self.settings = settings
        self.data = SessionData(visitor_data=settings.visitor_data, source="given")
        self.cache = cache
        #: The key the data is cached under; ``None`` for given or locally made data.
        self.key: CacheKey | None = None
        self._host = host
        self._account_index = account_index
        self._version_chosen = version_chosen
        self._lock = threading.RLock()
        self._stored_at: float | None = None  # time.monotonic() of the last cache write
        self._pending = False
        self._player: PlayerCache | None = None

    def client_for(self, client: str | ClientProfile | None) -> ClientProfile:
        """The client of one call: the session's when ``None`` or when named by its name
        (with the version it has now), else the one named."""
        if client is None:
            return self.profile
        if isinstance(client, ClientProfile):
            return client
        profile = client_profile(client)
        return self.profile if profile.name == self.profile.name else profile

    def cache_key(self, signer: InnerTubeAuth | None) -> CacheKey:
        """The key the data of ``signer``'s account (anonymous without one) is cached
        under."""
        return session_cache_key(
            client=self.profile.name,
            settings=self.settings,
            account=signer.account_key if signer is not None else "anonymous",
            account_index=self._account_index,
            host=self._host,
        )

    def use(self, data: SessionData) -> None:
        """Take ``data``: its visitor data and rollout token into the settings, and WEB's
        current version (when the server names one and none was chosen) into the client."""
        with self._lock:
            self.data = data
            self.settings = self.settings.with_session_data(data)
            if data.client_version and not self._version_chosen and self.profile is CLIENTS["WEB"]:
                # The server names WEB's current version: fresher than the table's.
                # version_source says where: "sw.js_data" (also when read from the cache).
                self.profile = self.profile.with_version(data.client_version, source=data.source)

    def player_cache(self) -> PlayerCache:
        """The web player's cache of the session's host, beside the session data (made on
        first use; in memory only without a cache)."""
        from .player import PlayerCache

        with self._lock:
            if self._player is None:
                directory = self.cache.directory if self.cache is not None else None
                self._player = PlayerCache(directory, host=self._host)
            return self._player

    def current_player(
        self, http: requests.Session, *, timeout: float | tuple[float, float]
    ) -> PlayerInfo:
        """The current web player, from :meth:`player_cache` (fetched when it holds
        none, or none fresh; see :meth:`Session.current_player
        <ytsession.Session.current_player>`)."""
        player = self.player_cache()
        player.signature_timestamp(http, timeout=timeout)
        assert player.current is not None
        return player.current

    def start(
        self,
        *,
        visitor_data: str | None,
        generate_locally: bool,
        signer: InnerTubeAuth | None,
        http: requests.Session,
        transport: Transport,
        timeout: float | tuple[float, float] | None,
    ) -> bool:
        """Take the data to start with (see :meth:`use`): ``visitor_data`` when given, else
        made locally, else the cached data of ``signer``'s account (see :meth:`cache_key`), else
        fetched (``sw.js_data`` or the embed page, within one deadline of ``transport``).

        :return: whether the data was fetched (and should be stored).
        :raises NetworkError: the session data could not be fetched in time.
        :raises InnerTubeError: the server gave no usable session data.
        """
        fetched = False
        now = time.time()
        if visitor_data:
            data = SessionData(visitor_data=visitor_data, source="given", fetched_at=now)
        elif generate_locally:
            data = SessionData(visitor_data=generate_visitor_data(), source="local", fetched_at=now)
        else:
            self.key = self.cache_key(signer)
            cached = self.cache.load(self.key) if self.cache is not None else None
            if cached is not None:
                log.debug("session data from the cache (%s)", cached.source)
                data = cached
            else:
                with transport.call():  # sw.js_data and its fallback: one deadline
                    data = fetch_session_data(
                        http,
                        self._host,
                        lang=self.settings.lang,
                        user_agent=self.settings.user_agent or CLIENTS["WEB"].user_agent,
                        timeout=timeout,
                    )
                fetched = True
        self.use(data)
        return fetched

    def use_config(self, answer: Mapping[str, Any]) -> None:
        """Take the config pieces of a ``/youtubei/v1/config`` answer (``configInfo``)."""
        config = parse_config(answer)
        self.use(
            dataclasses.replace(
                self.data,
                config_data=config["config_data"],
                cold_config_data=config["cold_config_data"],
                cold_hash_data=config["cold_hash_data"],
                hot_hash_data=config["hot_hash_data"],
            )
        )

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
        """Take the answer's ``responseContext.visitorData`` (into the data and the
        settings) when it is newer than the data's, and store it soon.

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
            self.settings = dataclasses.replace(self.settings, visitor_data=candidate)
            self.store_soon()
        return candidate

    def rekey(self, signer: InnerTubeAuth | None) -> None:
        """After signing in or out: keep the data under the key of ``signer``'s account
        from now on (when it is kept under a key at all), and use what the cache holds for
        it."""
        with self._lock:
            if self.key is None:
                return
            new = self.cache_key(signer)
            if new == self.key:
                return
            self.key = new
        cached = self.cache.load(new) if self.cache is not None else None
        if cached is not None:
            self.use(cached)
