"""The profile store interface, its items, and the token cache a :class:`RefreshingToken`
keeps.

Standard library only: the ``ytsession token`` fast path imports it.
"""

from __future__ import annotations

import contextlib
import time
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import ClassVar

from .. import _files
from .._items import StoredItem
from ..oauth.cache import TokenCache

#: A profile's items: each is one text document (JSON, or a Netscape cookie file).
SETTINGS = "settings"  # what the profile is: kind, client, endpoints (JSON)
TOKEN = "token"  # the OAuth token, in ytmusicapi's oauth.json format (JSON)
COOKIES = "cookies"  # a cookie profile's browser cookies (Netscape cookies.txt)
SESSION_CACHE = "session-cache"  # InnerTube session data (visitor data, ...) (JSON)
PO_TOKENS = "po-tokens"  # cached proof-of-origin tokens (JSON)
ITEMS = (SETTINGS, TOKEN, COOKIES, SESSION_CACHE, PO_TOKENS)

#: Seconds a lock is held at most by a process that stopped renewing it (killed, stopped,
#: hung): its holder renews it every third of this while it works, so another process
#: takes over a few seconds after the holder stops.
DEFAULT_LEASE = 3.0


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


@dataclass(frozen=True)
class LockState:
    """What a store records of a profile's lock, for ``status`` and ``profiles --json``.

    :ivar held: whether a process holds the lock now.
    :ivar host: the holder's host name; ``None`` when nobody holds the lock (or an older
        version took it, which did not record its holder).
    :ivar pid: the holder's process id (on ``host``).
    :ivar lease_left: seconds before the lock runs out unless its holder renews it;
        ``None`` when nobody holds it.
    :ivar fence: the fence counter: the number the latest acquisition took (0: never).
    """

    held: bool
    host: str | None = None
    pid: int | None = None
    lease_left: float | None = None
    fence: int = 0

    def fields(self) -> dict[str, object]:
        """The fields ``status --json`` and ``profiles --json`` show.

        :return: ``lock`` (``None`` when free, else holder and lease left) and ``fence``.
        """
        held = {"host": self.host, "pid": self.pid, "lease_left": self.lease_left}
        return {"lock": held if self.held else None, "fence": self.fence}

    def describe(self) -> str:
        """:return: the lock in words, for ``status``."""
        if not self.held:
            return f"free (fence {self.fence})"
        who = f"{self.host} pid {self.pid}" if self.host else "a process of an older version"
        return f"held by {who}, {self.lease_left or 0:.1f} s of lease left (fence {self.fence})"


@dataclass(frozen=True)
class LastRefresh:
    """When a profile's token was last written (by a refresh, or the login), and by which
    host, for ``status`` and ``profiles --json``.

    :ivar at: when, in seconds since the epoch: the Redis server's clock (``TIME``, taken in
        the write itself), or a file store's token file modification time.
    :ivar host: the writer's host name; ``None`` where it is not recorded (a file store).
    """

    at: float
    host: str | None = None

    def fields(self) -> dict[str, object]:
        """:return: ``refreshed_at`` (ISO 8601, UTC) and ``refreshed_by`` (the host)."""
        when = datetime.fromtimestamp(self.at, tz=timezone.utc)
        return {"refreshed_at": when.isoformat(timespec="seconds"), "refreshed_by": self.host}

    def describe(self) -> str:
        """:return: the last refresh in words, for ``status``."""
        when = datetime.fromtimestamp(self.at, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"{when} by {self.host}" if self.host else when


class ProfileStore(ABC):
    """Where profiles live: a directory (:class:`~ytsession.store.FileStore`) or a
    Redis database (:class:`~ytsession.store.RedisStore`).

    A profile is a set of text items under its name (:data:`SETTINGS`, :data:`TOKEN`,
    :data:`COOKIES`, :data:`SESSION_CACHE`, :data:`PO_TOKENS`). The store does not parse
    them; :class:`~ytsession.store.profiles.Profile` does. Every store promises:

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
    def lock(self, profile: str, *, timeout: float = _files.LOCK_TIMEOUT) -> Lock:
        """:return: a context manager holding the profile's lock (refreshes, write-backs).

        :raises LockTimeoutError: another process held it for over ``timeout`` seconds.
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

    def item(self, profile: str, item: str) -> StoredItem:
        """:return: one item of a profile as a :class:`StoredItem` (read, write, lock)."""
        return StoreItem(self, profile, item)

    def mark_unsaved(self, profile: str, item: str) -> bool:
        """Leave the "unsaved" mark of an item (see :meth:`StoredItem.mark_unsaved`); the
        next :meth:`write` of the item removes it.

        :return: whether the mark could be made (``False`` for stores without marks).
        """
        return False

    def is_unsaved(self, profile: str, item: str) -> bool:
        """:return: whether an item carries the "unsaved" mark."""
        return False

    def unsaved_mark(self, profile: str, item: str) -> str:
        """:return: where the "unsaved" mark of an item lives, for messages."""
        return f"the unsaved mark of {self.where(profile, item)}"

    def now(self) -> float:
        """The store's time (Unix seconds): the clock in which every machine
        sharing the store writes and reads the expiry of a stored token, so that their
        own clocks need not agree. A file store is on one machine: its clock."""
        return time.time()

    def lock_state(self, profile: str) -> LockState | None:
        """Who holds the lock of ``profile``, and its fence counter.

        :return: the state, in a store that records it (Redis); ``None`` in one that does
            not (files: the operating system holds the lock and releases it when its
            holder dies).
        """
        return None

    def last_refresh(self, profile: str) -> LastRefresh | None:
        """When the token of ``profile`` was last written (refreshed, or logged in), and
        by which host.

        :return: what the store records; ``None`` when the profile has no token.
        :raises StoreError: the store failed.
        """
        return None

    def close(self) -> None:  # noqa: B027 (nothing to release for most stores)
        """Release connections (nothing for files)."""

    def __enter__(self) -> ProfileStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.url!r})"


Lock = contextlib.AbstractContextManager[StoreLock]


class StoreItem(StoredItem):
    """An item of a profile in a :class:`ProfileStore`, as a :class:`StoredItem`: locked by
    the profile's store lock; under it, :meth:`~StoredItem.write` is fenced (refused when
    the lock was lost and another process wrote the item since it was read)::

        from . import PO_TOKENS, StoreItem, open_store

        tokens = StoreItem(open_store("redis://cache:6379/0"), "fleet", PO_TOKENS)
        tokens.update(lambda data: {**data, "gvs:abc": {"token": "...", "expires_at": 0}})

    :param store: the store.
    :param profile: the profile's name (the item needs no settings: a cache may live under
        a name of its own).
    :param item: the item, e.g. :data:`PO_TOKENS`.
    """

    def __init__(self, store: ProfileStore, profile: str, item: str) -> None:
        super().__init__()
        self.store = store
        self.profile = profile
        self.item = item

    def describe(self) -> str:
        return self.store.where(self.profile, self.item)

    def _read(self) -> str | None:
        return self.store.read(self.profile, self.item)

    def _write(self, text: str | None, *, held: object, expected: str | None) -> None:
        lock = held if isinstance(held, StoreLock) else None
        self.store.write(
            self.profile,
            {self.item: text},
            lock=lock,
            expect_token=expected if lock is not None else None,
            expect_item=self.item,
        )

    def _lock(self, timeout: float) -> Lock:
        return self.store.lock(self.profile, timeout=timeout)

    def mark_unsaved(self) -> bool:
        return self.store.mark_unsaved(self.profile, self.item)

    def is_unsaved(self) -> bool:
        return self.store.is_unsaved(self.profile, self.item)

    def unsaved_mark(self) -> str:
        return self.store.unsaved_mark(self.profile, self.item)

    def now(self) -> float:
        return self.store.now()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.store.url!r}, {self.profile!r}, {self.item!r})"


#: The name :class:`StoreItem` had before every persisted thing became a stored item.
JsonItem = StoreItem


class StoreTokenCache(TokenCache):
    """The token item of a profile in a :class:`ProfileStore` (in a file store, the
    profile's ``oauth.json``). Under :meth:`locked`, :meth:`save` is fenced: it is refused
    when the lock was lost and another process may have stored a newer token.

    :param store: the store.
    :param profile: the profile's name.
    """

    def __init__(self, store: ProfileStore, profile: str) -> None:
        super().__init__(store.item(profile, TOKEN))
