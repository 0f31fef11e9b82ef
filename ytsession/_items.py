"""One stored item: a text document kept outside the process, in a file or a store key.

Everything ytsession persists is a :class:`StoredItem`: a token, browser cookies, the
session data cache, the PO-token cache, the player cache. An item can be read; written
whole (atomically); locked against other processes, under which a write is made only if
the item still holds what was read (a store's lock can be lost: its write is fenced); it
describes itself for messages; and it carries the "unsaved" mark a process leaves when it
got something it could not write. Its owner keeps only the encoding (token JSON,
``cookies.txt``, a cache's envelope).

Two backends: :class:`FileItem` (a file, locked by a lock file) and
:class:`~ytsession.store.StoreItem` (an item of a profile in a
:class:`~ytsession.store.ProfileStore`, locked by the profile's store lock).

Standard library only.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import _files
from . import _validate as check
from .errors import StoreError

log = logging.getLogger("ytsession.store")


class StoredItem(ABC):
    """One text document kept outside the process (see the module text).

    :meth:`read` and :meth:`write` raise :class:`OSError` when a file fails and
    :class:`~ytsession.errors.StoreError` when a store fails; :meth:`load` and
    :meth:`update` are the JSON-object form caches use.
    """

    #: The file, for items that are one (``None`` for a store's item).
    path: Path | None = None

    def __init__(self) -> None:
        self._state = threading.local()  # per thread: the lock held and the text read

    # --- what a backend provides -----------------------------------------------------

    @abstractmethod
    def describe(self) -> str:
        """:return: where the item lives, for messages (no secret)."""

    @abstractmethod
    def _read(self) -> str | None: ...

    @abstractmethod
    def _write(self, text: str | None, *, held: object, expected: str | None) -> None: ...

    @abstractmethod
    def _lock(self, timeout: float) -> contextlib.AbstractContextManager[object]: ...

    @abstractmethod
    def mark_unsaved(self) -> bool:
        """Leave the "unsaved" mark: a process got a new value (a rotated refresh token)
        and could not write it, so what is stored may be stale. The next successful
        :meth:`write` removes it.

        :return: whether the mark could be made.
        """

    @abstractmethod
    def is_unsaved(self) -> bool:
        """:return: whether the "unsaved" mark is there."""

    @abstractmethod
    def unsaved_mark(self) -> str:
        """:return: where the "unsaved" mark lives, for messages."""

    def now(self) -> float:
        """The time (Unix seconds) in the clock that every reader of this item
        shares, the one a time stored in it (an expiry) is written and read in: this
        machine's for a file, the store's for a shared store (machines' clocks differ)."""
        return time.time()

    def saved_at(self) -> float | None:
        """:return: when the item was last written (Unix time), if known."""
        return None

    # --- the item --------------------------------------------------------------------

    def read(self) -> str | None:
        """Read the item. Under :meth:`locked`, what is read is also what the next
        :meth:`write` expects to replace.

        :return: the item's text, or ``None`` when there is none.
        """
        text = self._read()
        if getattr(self._state, "held", None) is not None:
            self._state.read = text
        return text

    def write(self, text: str | None) -> None:
        """Replace the item by ``text`` (``None`` removes it), atomically; a successful
        write removes the "unsaved" mark.

        Under :meth:`locked`, a store's write is refused when its lock was lost and the
        item no longer holds what was read under it
        (:class:`~ytsession.errors.StoreLockLostError`).
        """
        held = getattr(self._state, "held", None)
        self._write(text, held=held, expected=getattr(self._state, "read", None))
        if held is not None:
            self._state.read = text

    @contextlib.contextmanager
    def locked(self, timeout: float = _files.LOCK_TIMEOUT) -> Iterator[None]:
        """Hold the item's inter-process lock.

        :raises LockTimeoutError: another process held it for over ``timeout`` seconds.
        """
        with self._lock(timeout) as held:
            self._state.held = True if held is None else held  # a file lock yields nothing
            self._state.read = None
            try:
                yield
            finally:
                self._state.held, self._state.read = None, None

    def load(self) -> dict[str, Any] | None:
        """The item as a JSON object, for caches: never an error.

        :return: the object, or ``None`` when missing or unreadable (logged).
        """
        try:
            text = self.read()
        except (OSError, StoreError) as exc:
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
        """Replace the JSON object by ``change(current)`` (``{}`` when there is none or it
        is unreadable), under the lock, so that processes add to it without losing each
        other's entries.

        :return: the object written.
        :raises OSError: a file could not be written.
        :raises StoreError: the store failed.
        """
        with self.locked():
            data = change(self.load() or {})
            self.write(_files.json_text(data))
        return data

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"


class FileItem(StoredItem):
    """An item in a file (mode 0600, replaced atomically), locked by a lock file.

    :param path: the file.
    :param lock_file: its lock file: beside it by default (``oauth.json.lock``); see
        :meth:`foreign` for a file of the user's.
    """

    def __init__(self, path: str | Path, *, lock_file: Path | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self._lock_file = lock_file
        self._foreign = False

    @classmethod
    def foreign(cls, path: str | Path) -> FileItem:
        """A file we do not own (an exported ``cookies.txt``): its lock lives in our cache
        directory, keyed by the file's real path (:func:`ytsession._files.foreign_lock_path`,
        worked out when the lock is taken), so its folder gets no lock file."""
        item = cls(path)
        item._foreign = True
        return item

    @property
    def lock_file(self) -> Path:
        """The lock file."""
        if self._lock_file is not None:
            return self._lock_file
        return _files.foreign_lock_path(self.file) if self._foreign else _files.lock_path(self.file)

    @property
    def file(self) -> Path:
        """The file (:attr:`path`, never ``None``)."""
        assert self.path is not None
        return self.path

    def describe(self) -> str:
        return str(self.path)

    def _read(self) -> str | None:
        try:  # bytes: no newline translation, so a digest of the text is the file's
            return self.file.read_bytes().decode("utf-8")
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:
            return "\ufffd"  # not UTF-8: the owner's parser reports it as corrupt

    def _write(self, text: str | None, *, held: object, expected: str | None) -> None:
        # A file lock cannot be lost while its holder lives: no fencing needed.
        if text is None:
            with contextlib.suppress(FileNotFoundError):
                self.file.unlink()
        else:
            _files.atomic_write_text(self.file, text)
        with contextlib.suppress(OSError):
            os.unlink(self._marker())

    def _lock(self, timeout: float) -> contextlib.AbstractContextManager[object]:
        return _files.locked(self.lock_file, timeout, what=str(self.path))

    def _marker(self) -> Path:
        return self.file.with_name(self.file.name + ".unsaved")

    def mark_unsaved(self) -> bool:
        return _files.touch_private(self._marker())

    def is_unsaved(self) -> bool:
        return self._marker().exists()

    def unsaved_mark(self) -> str:
        return str(self._marker())

    def saved_at(self) -> float | None:
        try:
            return self.file.stat().st_mtime
        except OSError:
            return None
