"""Where a cookie jar lives, and what its write-backs report.

A jar's home is a :class:`~ytsession.auth.store.StoredItem` (a file of the user's, locked in
our cache directory, or a profile's cookie item in a store); this module holds what the
jar (:mod:`ytsession.auth.cookies`, which re-exports the public names) needs of it: the
fingerprint that tells one content from another, the write-back's timing, its results, and
the write-backs that wait for the end of their interval, flushed at exit.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..errors import YTSessionError
from .store import COOKIES, FileItem, ProfileStore, StoredItem

log = logging.getLogger("ytsession.cookies")

#: Seconds between two write-backs of the cookie file: a burst of answers that rotate
#: cookies is written once, then at most once per interval (the last change is written
#: when the interval ends, by :meth:`YouTubeCookies.flush` or at exit).
WRITE_BACK_INTERVAL = 5.0
#: Seconds a write-back waits for another process's write-back of the same file.
WRITE_BACK_LOCK_TIMEOUT = 10.0


@dataclass(frozen=True)
class CookieFreshness:
    """How fresh a cookie jar is; names and times only, never values.

    :ivar logged_in: ``LOGIN_INFO`` and a SID cookie are present and unexpired.
    :ivar saved_at: when the cookie file was last written (its mtime), or ``None``.
    :ivar soonest_expiry: the soonest expiry (Unix time) of a sign-in cookie still valid,
        or ``None`` when all are session cookies.
    :ivar soonest_expiring: that cookie's name.
    :ivar expired: the sign-in cookies that have already expired.
    """

    logged_in: bool
    saved_at: float | None
    soonest_expiry: float | None
    soonest_expiring: str | None
    expired: tuple[str, ...] = ()

    def age(self, now: float | None = None) -> float | None:
        """:return: seconds since the cookie file was written, or ``None``."""
        if self.saved_at is None:
            return None
        return max(0.0, (time.time() if now is None else now) - self.saved_at)


@dataclass(frozen=True)
class CookieUpdate:
    """What a response's ``Set-Cookie`` headers did to the jar.

    :ivar changed: the names of the cookies set, changed or deleted.
    :ivar logged_out: the jar was logged in before and is not any more (the login cookies
        were dropped: the exported cookies have been rotated out).
    :ivar saved: the change was written back to the cookie file.
    :ivar pending: the change waits for the end of the write-back interval (a burst).
    :ivar adopted: the cookie file had been replaced on disk (a newer export) and was read
        instead of being written over; the jar now holds the file's cookies.
    """

    changed: tuple[str, ...] = ()
    logged_out: bool = False
    saved: bool = False
    pending: bool = False
    adopted: bool = False


#: Where a jar lives was a ``JarHome``; it is a stored item now, as every persisted thing.
JarHome = StoredItem


def FileJarHome(path: str | Path) -> StoredItem:
    """:return: a cookie file as the home of a jar (its lock in our cache directory)."""
    return FileItem.foreign(path)


def StoreJarHome(store: ProfileStore, profile: str) -> StoredItem:
    """:return: the cookie item of a profile in a store as the home of a jar."""
    return store.item(profile, COOKIES)


def text_digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def fingerprint(home: StoredItem) -> str | None:
    """What tells the content a home holds now from another one (``None``: nothing, or
    unreadable); read under the home's lock, it is also what its next write replaces."""
    try:
        return text_digest(home.read())
    except OSError:
        return None


def what(home: StoredItem) -> str:
    return "cookie file" if home.path is not None else "stored cookies"


class Flushable(Protocol):
    """A jar whose write-back can wait for the end of its interval."""

    def flush(self) -> bool: ...


#: Jars with a write-back waiting for the end of its interval, flushed at exit.
PENDING: weakref.WeakSet[Flushable] = weakref.WeakSet()


def flush_quietly(ref: weakref.ref[Flushable]) -> None:
    """Write what waits in the jar of ``ref`` (if it still lives); a failure is logged."""
    cookies = ref()
    if cookies is None:
        return
    try:
        cookies.flush()
    except YTSessionError as exc:
        log.warning("%s", exc)


@atexit.register
def _flush_at_exit() -> None:
    for cookies in list(PENDING):
        flush_quietly(weakref.ref(cookies))
