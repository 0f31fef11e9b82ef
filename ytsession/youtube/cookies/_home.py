"""Where a cookie jar lives, and what its write-backs report.

A jar's home is a :class:`~ytsession.store.StoredItem` (a file of the user's, locked in
our cache directory, or a profile's cookie item in a store); this module holds what the
jar (:mod:`ytsession.youtube.cookies.jar`, which re-exports the public names) needs of it: the
fingerprint that tells one content from another, reading a home, the jar rendered as the
text its home holds, the write-back itself (:class:`WriteBack`: the lock, the check that the
home still holds what was read, the adoption of a newer export, the interval), its results,
and the write-backs that wait for the end of their interval, flushed at exit.
"""

from __future__ import annotations

import atexit
import dataclasses
import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol, TypeVar

from ...errors import CookieError, CookieFileChangedError, YTSessionError
from ...store import COOKIES, FileItem, ProfileStore, StoredItem
from ._formats import FileFormat, foreign_lines, render_browser_json, render_netscape
from ._live import LiveJar

log = logging.getLogger("ytsession.cookies")

#: Seconds between two write-backs of the cookie file: a burst of answers that rotate
#: cookies is written once, then at most once per interval (the last change is written
#: when the interval ends, by :meth:`YouTubeCookies.flush` or at exit).
WRITE_BACK_INTERVAL = 5.0
#: Seconds a write-back waits for another process's write-back of the same file.
WRITE_BACK_LOCK_TIMEOUT = 10.0


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


# --- reading and rendering -----------------------------------------------------------------


def read_cookie_file(path: Path) -> str:
    """:return: the text of a cookie file.

    :raises CookieError: it is missing, unreadable or not UTF-8.
    """
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise CookieError(f"cookie file {path} does not exist", path=str(path)) from None
    except UnicodeDecodeError:
        raise CookieError(
            f"cookie file {path} is not UTF-8 text; export the cookies again", path=str(path)
        ) from None
    except OSError as exc:
        raise CookieError(
            f"cannot read cookie file {path} ({exc.strerror}); check its permissions",
            path=str(path),
        ) from None


def read_home(home: StoredItem) -> str | None:
    """:return: what ``home`` holds now (``None``: nothing).

    :raises CookieError: it cannot be read.
    """
    try:
        return home.read()
    except OSError as exc:
        where = home.describe()
        raise CookieError(
            f"cannot read {what(home)} {where} ({exc.strerror}); check its permissions",
            path=where,
        ) from None


def no_cookies_in(home: StoredItem) -> CookieError:
    """The error of a home that holds no cookies."""
    verb = "does" if home.path is not None else "do"
    return CookieError(f"{what(home)} {home.describe()} {verb} not exist", path=home.describe())


def render(
    jar: LiveJar,
    existing: str | None,
    file_format: FileFormat,
    *,
    headers: Mapping[str, str],
    where: str,
) -> str:
    """The jar in ``file_format``, without its expired cookies, as the text that replaces
    ``existing``: a Netscape file keeps the other sites' lines of ``existing``; a
    ``browser.json`` keeps its other headers.

    :raises CookieError: ``existing`` should be a ``browser.json`` and is not a JSON object.
    """
    with jar.lock:
        jar.clear_expired()
        if file_format == "browser.json":
            return render_browser_json(existing, headers=headers, live=jar.live(), where=where)
        keep = foreign_lines(existing) if existing else []
        return render_netscape(jar.cookies(), keep_lines=keep)


def save_file(
    jar: LiveJar, target: Path | None, file_format: FileFormat, *, headers: Mapping[str, str]
) -> str:
    """Write the jar to the file ``target`` (atomically, mode 0600) in ``file_format``.

    :return: the text written.
    :raises ValueError: there is no ``target``, or the format is ``"headers"``.
    :raises CookieError: an existing ``browser.json`` is not a JSON object (it is left as
        it was).
    """
    if target is None:
        raise ValueError("these cookies have no file: pass a path to save()")
    if file_format not in ("netscape", "browser.json"):
        raise ValueError("cookies can be saved as 'netscape' or 'browser.json' only")
    item = FileItem(target)
    with jar.lock:
        try:
            existing = item.read()
        except OSError:
            existing = None
        text = render(jar, existing, file_format, headers=headers, where=str(target))
        item.write(text)
    return text


# --- the write-back ------------------------------------------------------------------------


class LoginAware(Protocol):
    def is_logged_in(self, *, now: float | None = None) -> bool: ...


Jar = TypeVar("Jar", bound=LoginAware)


def read_newer(home: StoredItem, load: Callable[[StoredItem], Jar | None]) -> Jar | None:
    """The home does not hold what was read here: what it holds, to be used instead of
    writing over it (``None``: it was removed, which is only logged).

    :raises CookieFileChangedError: it cannot be used (malformed or logged out).
    """
    where = f"{what(home)} {home.describe()}"
    reason = ""
    try:
        fresh = load(home)
    except CookieError as exc:
        fresh, reason = None, f"cannot be read ({exc})"
    else:
        if fresh is None:
            log.warning("the %s was removed; the rotated cookies are kept in memory only", where)
            return None
        if not fresh.is_logged_in():
            reason = "is not logged in"
    if reason or fresh is None:
        raise CookieFileChangedError(
            f"the {where} was replaced since it was read (a newer export?) and "
            f"it {reason}; the rotated cookies were not written over it. Fix the file or "
            "export the cookies again from a browser that is logged in to YouTube",
            path=home.describe(),
        )
    log.info(
        "the %s was replaced since it was read (a newer export?): using it "
        "instead of writing this process's rotated cookies over it",
        where,
    )
    return fresh


Outcome = Literal["saved", "adopted", "kept"]


class WriteBack:
    """The home of one jar and its write-back state: what the home held when it was last
    read or written here (:attr:`seen`), whether a change waits for the end of the interval
    (:attr:`pending`), when the last write happened, and the timer that writes what waits.

    The owner holds its own lock around every call.
    """

    def __init__(self) -> None:
        self.store_home: StoredItem | None = None  # a store's item (a file is given by path)
        self._file_home: FileItem | None = None  # the item of the jar's path
        #: The fingerprint of what was read or written last (see :func:`fingerprint`).
        self.seen: str | None = None
        self.pending = False
        self.last_write: float | None = None  # time.monotonic() of the last write
        self.timer: threading.Timer | None = None

    def home(self, path: Path | None) -> StoredItem | None:
        """The jar's home: the store's item, else the file ``path``, else ``None``."""
        if self.store_home is not None:
            return self.store_home
        if path is None:
            return None
        if self._file_home is None or self._file_home.path != path:
            self._file_home = FileItem.foreign(path)  # made once: asked on every answer
        return self._file_home

    def changed(self, home: StoredItem) -> bool:
        """Whether ``home`` holds something else than what was read or written here."""
        return fingerprint(home) != self.seen

    def wait_left(self, interval: float) -> float | None:
        """Seconds until a write may happen again (``None``: now)."""
        if self.last_write is None:
            return None
        since = time.monotonic() - self.last_write
        return interval - since if since < interval else None

    def schedule(self, delay: float, jar: Flushable) -> None:
        """Flush ``jar`` in ``delay`` seconds (or at exit), unless a flush is scheduled."""
        if self.timer is not None and self.timer.is_alive():
            return
        self.timer = threading.Timer(delay, flush_quietly, args=(weakref.ref(jar),))
        self.timer.daemon = True
        self.timer.start()
        PENDING.add(jar)

    def after_change(
        self,
        update: CookieUpdate,
        jar: Flushable,
        *,
        allowed: bool,
        interval: float | None,
        write: Callable[[], Outcome],
    ) -> CookieUpdate:
        """The server changed the jar (``update``): ``write()`` the change now, schedule it
        for the end of the interval, or, when writing is not ``allowed`` (the jar is logged
        out, or the answer said so), drop what waited.

        :param interval: the write-back interval, or ``None``: the jar is not written back.
        :return: ``update`` with what was done.
        """
        if not allowed:
            self.pending = False  # what waited was of a jar now logged out
            return update
        if interval is None:
            return update
        self.pending = True
        wait = self.wait_left(interval)
        if wait is not None:
            self.schedule(wait, jar)
            return dataclasses.replace(update, pending=True)
        outcome = write()
        return dataclasses.replace(update, saved=outcome == "saved", adopted=outcome == "adopted")

    def write(
        self,
        home: StoredItem,
        render: Callable[[str | None], str],
        adopt: Callable[[], bool],
    ) -> Outcome:
        """Write ``render(what the home holds)`` to the home under its lock, unless what
        the home holds changed since it was read here: then ``adopt()`` it instead.

        :raises CookieFileChangedError: the home changed to something that cannot be used.
        """
        try:
            with home.locked(WRITE_BACK_LOCK_TIMEOUT):
                held = home.read()
                if text_digest(held) != self.seen:
                    self.pending = False
                    return "adopted" if adopt() else "kept"
                text = render(held)
                home.write(text)
                self.seen = text_digest(text)
        except CookieFileChangedError:
            self.pending = False
            raise
        except (OSError, CookieError, YTSessionError) as exc:
            log.warning(
                "could not write the rotated cookies back to %s (%s); the next run may start "
                "from stale cookies",
                home.describe(),
                exc,
            )
            return "kept"
        self.pending = False
        self.last_write = time.monotonic()
        return "saved"
