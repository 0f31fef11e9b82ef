"""The profile store interface, and the token cache a :class:`RefreshingToken` keeps.

Standard library only: the ``ytsession token`` fast path imports it.
"""

from __future__ import annotations

import contextlib
import json
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from ... import _validate as check
from .. import tokenfile
from ..models import StoredTokenDict

#: A profile's items: each is one text document (JSON, or a Netscape cookie file).
SETTINGS = "settings"  # what the profile is: kind, client, endpoints (JSON)
TOKEN = "token"  # the OAuth token, in ytmusicapi's oauth.json format (JSON)
COOKIES = "cookies"  # a cookie profile's browser cookies (Netscape cookies.txt)
SESSION_CACHE = "session-cache"  # InnerTube session data (visitor data, ...) (JSON)
PO_TOKENS = "po-tokens"  # cached proof-of-origin tokens (JSON)
ITEMS = (SETTINGS, TOKEN, COOKIES, SESSION_CACHE, PO_TOKENS)

#: Seconds a lock is held at most by a process that stopped renewing it (killed, hung).
DEFAULT_LEASE = 30.0


@dataclass
class StoreLock:
    """A held lock on one profile.

    :ivar profile: the profile's name.
    :ivar fence: the fencing number: every acquisition of the profile's lock gets a larger
        one (``0`` for a file lock, which the operating system releases when its holder
        dies, so it needs no fencing).
    :ivar lease: seconds the lock outlives a holder that stops renewing it (``None``: a file
        lock, released by the operating system).
    :ivar owner: the value that proves ownership to the store.
    """

    profile: str
    fence: int = 0
    lease: float | None = None
    owner: str = ""


class ProfileStore(ABC):
    """Where profiles live: a directory (:class:`~ytsession.auth.store.FileStore`) or a
    Redis database (:class:`~ytsession.auth.store.RedisStore`).

    A profile is a set of text items under its name (:data:`SETTINGS`, :data:`TOKEN`,
    :data:`COOKIES`, :data:`SESSION_CACHE`, :data:`PO_TOKENS`). The store does not parse
    them; :class:`~ytsession.auth.profiles.Profile` does. Every store promises:

    - :meth:`write` is atomic per call for Redis (all items or none) and per item for files
      (each file is replaced whole; settings are written last, so a profile appears only
      once its token is there);
    - :meth:`lock` excludes every other process using the same store, on any machine that
      can reach it, and is released when its holder dies (files: by the operating system;
      Redis: when the lease runs out);
    - a write made under a lock that was lost is refused (:class:`StoreLockLostError`);
    - failures are :class:`~ytsession.errors.StoreError` subclasses; an unreachable store
      is also a :class:`~ytsession.errors.NetworkError`.

    Other code (a yt-dlp plugin's shared PO-token cache, for one) reads and writes its own
    item with :meth:`read` and :meth:`write`, under :meth:`lock` when it updates in place.
    """

    #: ``"file"`` or ``"redis"``.
    backend: ClassVar[str] = ""

    @property
    @abstractmethod
    def url(self) -> str:
        """The store's URL with any password hidden: safe to print."""

    @abstractmethod
    def read(self, profile: str, item: str) -> str | None:
        """:return: the item's text, or ``None`` when the profile does not have it.

        :raises StoreError: the store failed or holds something of the wrong shape.
        """

    def read_many(self, profile: str, items: tuple[str, ...]) -> dict[str, str | None]:
        """:return: several items of one profile, read together (one round trip for Redis)."""
        return {item: self.read(profile, item) for item in items}

    @abstractmethod
    def write(
        self,
        profile: str,
        items: Mapping[str, str | None],
        *,
        lock: StoreLock | None = None,
        expect_token: str | None = None,
        expect_item: str = TOKEN,
    ) -> None:
        """Write items of one profile; ``None`` removes an item.

        :param lock: the lock this write is made under, if any: a write under a lock that
            was lost (its lease ran out) is refused, unless nobody holds the lock now and
            the stored ``expect_item`` is still ``expect_token`` (nobody refreshed, or
            wrote the cookies back, meanwhile).
        :param expect_token: the text of ``expect_item`` read under ``lock``.
        :param expect_item: the item the fencing check compares: the token (refreshes) or
            the cookies (cookie write-backs).
        :raises StoreLockLostError: the lock was lost and the write could clobber another
            process's.
        :raises StoreError: the store failed; nothing was written (Redis), or the items
            written before the failure are whole (files).
        """

    @abstractmethod
    def lock(self, profile: str, *, timeout: float = tokenfile.LOCK_TIMEOUT) -> Lock:
        """:return: a context manager holding the profile's lock (refreshes, write-backs).

        :raises YTSessionError: another process held it for over ``timeout`` seconds.
        """

    @abstractmethod
    def profiles(self) -> list[str]:
        """:return: the names of the profiles that have settings, sorted."""

    @abstractmethod
    def delete(self, profile: str) -> None:
        """Remove the profile and everything of it (nothing happens when it is missing)."""

    def where(self, profile: str, item: str) -> str:
        """:return: where an item lives, for messages (no secret)."""
        return f"{self.url} profile {profile} {item}"

    def close(self) -> None:  # noqa: B027 (nothing to release for most stores)
        """Release connections (nothing for files)."""

    def __enter__(self) -> ProfileStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


Lock = contextlib.AbstractContextManager[StoreLock]

log = logging.getLogger("ytsession.store")


class JsonItem:
    """One JSON object item of a profile, for caches shared through a store: the session
    data cache (:data:`SESSION_CACHE`) and the PO-token cache (:data:`PO_TOKENS`).

    A cache is an optimisation and never an error: :meth:`load` answers ``None`` for a
    missing or unreadable item (and logs it); :meth:`update` reads, changes and writes the
    item under the profile's lock, so that processes on any machine add to it without
    losing each other's entries::

        from ytsession.auth.store import PO_TOKENS, JsonItem, open_store

        tokens = JsonItem(open_store("redis://cache:6379/0"), "fleet", PO_TOKENS)
        tokens.update(lambda data: {**data, "gvs:abc": {"token": "...", "expires_at": 0}})

    :param store: the store.
    :param profile: the profile's name (the item needs no settings: a cache may live under
        a name of its own).
    :param item: the item, e.g. :data:`PO_TOKENS`.
    """

    def __init__(self, store: ProfileStore, profile: str, item: str) -> None:
        self.store = store
        self.profile = profile
        self.item = item

    def load(self) -> dict[str, Any] | None:
        """:return: the stored object, or ``None`` when missing or unreadable (logged)."""
        from ...errors import StoreError

        try:
            text = self.store.read(self.profile, self.item)
        except StoreError as exc:
            log.warning("cannot read %s (%s)", self.describe(), exc)
            return None
        if text is None:
            return None
        try:  # through the validation layer: no RecursionError from a deeply nested value
            data = check.loads(text, check.Source(self.describe(), "it is rewritten", StoreError))
        except StoreError:
            data = None
        if not isinstance(data, dict):
            log.warning("ignoring %s: not a JSON object; it will be rewritten", self.describe())
            return None
        return data

    def update(self, change: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
        """Replace the object by ``change(current)`` (``{}`` when there is none), under the
        profile's lock.

        :return: the object written.
        :raises StoreError: the store failed (callers that treat the cache as optional
            catch it).
        """
        with self.store.lock(self.profile) as held:
            data = change(self.load() or {})
            self.store.write(self.profile, {self.item: json.dumps(data)}, lock=held)
        return data

    def describe(self) -> str:
        """:return: where the item lives (no secret)."""
        return self.store.where(self.profile, self.item)

    def __repr__(self) -> str:
        return f"JsonItem({self.store.url!r}, {self.profile!r}, {self.item!r})"


class TokenCache(ABC):
    """Where a :class:`~ytsession.auth.token.RefreshingToken` keeps its token: loaded and
    saved whole, under a lock that other processes (and machines) honour."""

    #: The token file, when the cache is one (ytmusicapi's ``local_cache``).
    path: Path | None = None

    @abstractmethod
    def load(self) -> StoredTokenDict | None:
        """:return: the stored token, or ``None`` when there is none.

        :raises TokenFileError: what is stored is not a token (it is left as it is).
        """

    @abstractmethod
    def save(self, token: StoredTokenDict) -> None:
        """Store the token (atomically; under :meth:`locked` when it is held)."""

    @abstractmethod
    def locked(self) -> contextlib.AbstractContextManager[None]:
        """:return: a context manager holding the lock other processes refresh under."""

    @abstractmethod
    def describe(self) -> str:
        """:return: where the token is kept, for messages and cache keys (no secret)."""


class FileTokenCache(TokenCache):
    """A token file (ytmusicapi's ``oauth.json``) guarded by a lock file beside it.

    :param path: the token file.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> StoredTokenDict | None:
        assert self.path is not None
        try:
            return tokenfile.load_token(self.path)
        except FileNotFoundError:
            return None

    def save(self, token: StoredTokenDict) -> None:
        assert self.path is not None
        tokenfile.write_token(self.path, token)

    def locked(self) -> contextlib.AbstractContextManager[None]:
        assert self.path is not None
        return tokenfile.locked(self.path)

    def describe(self) -> str:
        return str(self.path)

    def __repr__(self) -> str:
        return f"FileTokenCache({str(self.path)!r})"


class StoreTokenCache(TokenCache):
    """The token item of a profile in a :class:`ProfileStore`.

    Under :meth:`locked`, :meth:`save` is fenced: it is refused when the lock was lost and
    another process may have stored a newer token.

    :param store: the store.
    :param profile: the profile's name.
    """

    def __init__(self, store: ProfileStore, profile: str) -> None:
        self.store = store
        self.profile = profile
        self._held: StoreLock | None = None
        self._read_under_lock: str | None = None
        path = getattr(store, "token_path", None)
        self.path = path(profile) if callable(path) else None

    def load(self) -> StoredTokenDict | None:
        text = self.store.read(self.profile, TOKEN)
        if self._held is not None:
            self._read_under_lock = text
        if text is None:
            return None
        where = self.store.where(self.profile, TOKEN)
        data = tokenfile.parse_json_object(text, where=where, what="stored token")
        return tokenfile.parse_token(data, path=where)

    def save(self, token: StoredTokenDict) -> None:
        text = json.dumps(dict(token), indent=2) + "\n"
        self.store.write(
            self.profile, {TOKEN: text}, lock=self._held, expect_token=self._read_under_lock
        )
        if self._held is not None:
            self._read_under_lock = text

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        with self.store.lock(self.profile) as held:
            self._held = held
            try:
                yield
            finally:
                self._held = None
                self._read_under_lock = None

    def describe(self) -> str:
        return self.store.where(self.profile, TOKEN)

    def __repr__(self) -> str:
        return f"StoreTokenCache({self.store.url!r}, {self.profile!r})"
