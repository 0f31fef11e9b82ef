"""The session data cache: fetched visitor data, rollout token and config, kept on disk.

A cron job that runs every few minutes should not fetch ``/sw.js_data`` every time. The
cache keeps one small JSON file per :class:`CacheKey` (client, language, location,
account, host) under platformdirs' user cache directory for ``ytsession`` (or
``$YTSESSION_CACHE_DIR``, or a directory given in code). Each file is a versioned
envelope with the time it was stored; an entry older than the TTL is a miss.

The cache is an optimisation and never an error: a missing, corrupt, foreign or expired
file is a miss (and is rewritten after the next fetch), and a file that cannot be written
is logged and skipped. Each file is a :class:`~ytsession.store.FileItem` (atomic
writes, mode 0600); a profile's cache is its store's ``session-cache`` item. This module
keeps only the envelope.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import _files
from ...errors import StoreError
from ...store import SESSION_CACHE, FileItem, ProfileStore, StoredItem
from .context import SessionData

__all__ = [
    "CACHE_DIR_ENV",
    "DEFAULT_TTL",
    "CacheKey",
    "SessionCache",
    "StoreSessionCache",
    "default_cache_dir",
]

log = logging.getLogger("ytsession.innertube.cache")

#: Environment variable naming the cache directory.
CACHE_DIR_ENV = _files.CACHE_DIR_ENV
#: Seconds a cached entry is used before it is fetched again.
DEFAULT_TTL = 24 * 3600
#: The envelope's format name and version; a file of another format or version is a miss.
FORMAT = "ytsession.youtube.session-data"
FORMAT_VERSION = 1


def default_cache_dir(directory: str | Path | None = None) -> Path:
    """Where the session data cache lives.

    :return: ``directory``, else ``$YTSESSION_CACHE_DIR``, else platformdirs' user cache
        directory for ``ytsession``.
    """
    return _files.cache_dir(directory)


@dataclass(frozen=True, kw_only=True)
class CacheKey:
    """What makes one session's data differ from another's.

    :ivar client: the client name.
    :ivar lang: the language (``hl``).
    :ivar location: the location (``gl``).
    :ivar account: who is signed in (``"anonymous"``, or the auth's account key plus
        account index and brand account); never a secret.
    :ivar host: the server, e.g. ``https://www.youtube.com``.
    """

    client: str
    lang: str
    location: str
    account: str = "anonymous"
    host: str = "https://www.youtube.com"

    def as_dict(self) -> dict[str, str]:
        """:return: the key's fields."""
        return dataclasses.asdict(self)

    def digest(self) -> str:
        """:return: a stable hex digest of the key (the file name's stem)."""
        text = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class SessionCache:
    """Session data on disk, one file per :class:`CacheKey`.

    :param directory: where the files go (see :func:`default_cache_dir`).
    :param ttl: seconds an entry is used; ``0`` makes every entry a miss.
    :param clock: the time source (seconds since the epoch), for tests.
    """

    def __init__(
        self,
        directory: str | Path | None = None,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = default_cache_dir(directory)
        self.ttl = ttl
        self._clock = clock

    def path(self, key: CacheKey) -> Path:
        """:return: the file that holds ``key``'s data."""
        return self.directory / f"session-{key.digest()}.json"

    def _slot(self, key: CacheKey) -> tuple[StoredItem, str | None]:
        """:return: the item that holds ``key``'s envelope, and its field in the item's
        JSON object (``None``: the envelope is the whole item, one file per key)."""
        return FileItem(self.path(key)), None

    def load(self, key: CacheKey) -> SessionData | None:
        """Read ``key``'s data; never raises.

        :return: the cached data, or ``None`` when missing, expired or unreadable.
        """
        item, field = self._slot(key)
        stored = item.load()  # logs what cannot be read
        envelope = stored if field is None or stored is None else stored.get(field)
        if envelope is None:
            return None
        try:
            return self._unwrap(envelope, key)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning(
                "ignoring corrupt session cache %s (%s); it will be rewritten", item.describe(), exc
            )
            return None

    def store(self, key: CacheKey, data: SessionData) -> None:
        """Write ``data`` for ``key`` atomically; a failure is logged, never raised."""
        envelope = self._envelope(key, data)
        item, field = self._slot(key)
        try:
            if field is None:
                item.write(_files.json_text(envelope))
            else:
                item.update(lambda entries: {**entries, field: envelope})
        except (OSError, StoreError) as exc:
            log.warning("could not write the session cache to %s (%s)", item.describe(), exc)

    def remove(self, key: CacheKey) -> None:
        """Forget ``key``'s data (missing data is fine); a failure is logged, never raised."""
        item, field = self._slot(key)
        try:
            if field is None:
                item.write(None)
            else:
                item.update(lambda entries: {k: v for k, v in entries.items() if k != field})
        except (OSError, StoreError) as exc:
            log.warning("could not update the session cache in %s (%s)", item.describe(), exc)

    def _envelope(self, key: CacheKey, data: SessionData) -> dict[str, Any]:
        """:return: what is stored for ``key``: the data, versioned and time-stamped."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "key": key.as_dict(),
            "stored_at": self._clock(),
            "data": data.to_dict(),
        }

    def _unwrap(self, envelope: Any, key: CacheKey) -> SessionData | None:
        if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
            raise ValueError("not a session cache file")
        if envelope.get("version") != FORMAT_VERSION:
            log.debug("session cache of another format version: a miss")
            return None
        if envelope.get("key") != key.as_dict():
            log.debug("session cache holds another key: a miss")
            return None
        stored_at = envelope.get("stored_at")
        if not isinstance(stored_at, int | float) or isinstance(stored_at, bool):
            raise ValueError("'stored_at' is not a number")
        age = self._clock() - stored_at
        if age >= self.ttl or age < -300:  # expired, or stored in the future: distrust it
            log.debug("session cache expired (age %.0f s, ttl %.0f s)", age, self.ttl)
            return None
        data = envelope.get("data")
        if not isinstance(data, dict):
            raise ValueError("'data' is not an object")
        return SessionData.from_dict(data)

    def __repr__(self) -> str:
        return f"SessionCache(directory={str(self.directory)!r}, ttl={self.ttl})"


class StoreSessionCache(SessionCache):
    """The session data cache of one profile, kept in its profile store (the item
    ``session-cache``, one envelope per :class:`CacheKey`), so that every machine of a
    fleet shares the visitor data it fetched. Like :class:`SessionCache` it is never an
    error: a store that fails is logged and the data fetched again.

    :param store: the profile store.
    :param profile: the profile's name.
    :param ttl: seconds an entry is used.
    :param clock: the time source, for tests.
    """

    def __init__(
        self,
        store: ProfileStore,
        profile: str,
        *,
        ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._item = store.item(profile, SESSION_CACHE)
        # What is not in the store (the player script's cache) stays in the local cache.
        self.directory = default_cache_dir()
        self.ttl = ttl
        self._clock = clock

    def _slot(self, key: CacheKey) -> tuple[StoredItem, str | None]:
        return self._item, key.digest()

    def __repr__(self) -> str:
        return f"StoreSessionCache({self._item.describe()!r}, ttl={self.ttl})"
