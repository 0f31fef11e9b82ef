"""The session data cache: fetched visitor data, rollout token and config, kept on disk.

A cron job that runs every few minutes should not fetch ``/sw.js_data`` every time. The
cache keeps one small JSON file per :class:`CacheKey` (client, language, location,
account, host) under platformdirs' user cache directory for ``ytsession`` (or
``$YTSESSION_CACHE_DIR``, or a directory given in code). Each file is a versioned
envelope with the time it was stored; an entry older than the TTL is a miss.

The cache is an optimisation and never an error: a missing, corrupt, foreign or expired
file is a miss (and is rewritten after the next fetch), and a file that cannot be written
is logged and skipped. Writes are atomic (mode 0600).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import _validate as check
from ..errors import YTSessionError
from .context import SessionData

if TYPE_CHECKING:
    from ..auth.store import ProfileStore

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
CACHE_DIR_ENV = "YTSESSION_CACHE_DIR"
#: Seconds a cached entry is used before it is fetched again.
DEFAULT_TTL = 24 * 3600
#: The envelope's format name and version; a file of another format or version is a miss.
FORMAT = "ytsession.session-data"
FORMAT_VERSION = 1


def default_cache_dir(directory: str | Path | None = None) -> Path:
    """Where the session data cache lives.

    :return: ``directory``, else ``$YTSESSION_CACHE_DIR``, else platformdirs' user cache
        directory for ``ytsession``.
    """
    if directory is not None:
        return Path(directory)
    env = os.environ.get(CACHE_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ytsession", appauthor=False))


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

    def load(self, key: CacheKey) -> SessionData | None:
        """Read ``key``'s data; never raises.

        :return: the cached data, or ``None`` when missing, expired or unreadable.
        """
        path = self.path(key)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            log.warning("ignoring unreadable session cache %s (%s)", path, type(exc).__name__)
            return None
        try:
            return self._unwrap(check.loads(text, _source(path)), key)
        except (ValueError, TypeError, KeyError, YTSessionError) as exc:
            log.warning("ignoring corrupt session cache %s (%s); it will be rewritten", path, exc)
            return None

    def store(self, key: CacheKey, data: SessionData) -> None:
        """Write ``data`` for ``key`` atomically; a failure is logged, never raised."""
        from ..auth.tokenfile import atomic_write_json

        envelope = self._envelope(key, data)
        try:
            atomic_write_json(self.path(key), envelope)
        except OSError as exc:
            log.warning("could not write the session cache %s (%s)", self.path(key), exc)

    def remove(self, key: CacheKey) -> None:
        """Forget ``key``'s data (a missing file is fine)."""
        with contextlib.suppress(FileNotFoundError):
            self.path(key).unlink()

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
        from ..auth.store import SESSION_CACHE, JsonItem

        self._item = JsonItem(store, profile, SESSION_CACHE)
        # What is not in the store (the player script's cache) stays in the local cache.
        self.directory = default_cache_dir()
        self.ttl = ttl
        self._clock = clock

    def load(self, key: CacheKey) -> SessionData | None:
        envelope = (self._item.load() or {}).get(key.digest())
        if envelope is None:
            return None
        try:
            return self._unwrap(envelope, key)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("ignoring corrupt session cache in %s (%s)", self._item.describe(), exc)
            return None

    def store(self, key: CacheKey, data: SessionData) -> None:
        from ..errors import StoreError

        envelope = self._envelope(key, data)
        try:
            self._item.update(lambda entries: {**entries, key.digest(): envelope})
        except StoreError as exc:
            log.warning("could not write the session cache to %s (%s)", self._item.describe(), exc)

    def remove(self, key: CacheKey) -> None:
        from ..errors import StoreError

        digest = key.digest()
        try:
            self._item.update(lambda entries: {k: v for k, v in entries.items() if k != digest})
        except StoreError as exc:
            log.warning("could not update the session cache in %s (%s)", self._item.describe(), exc)

    def __repr__(self) -> str:
        return f"StoreSessionCache({self._item.describe()!r}, ttl={self.ttl})"


def _source(path: Path) -> check.Source:
    return check.Source(f"session cache {path}", "it is rewritten", YTSessionError)
