"""Files on disk: atomic private writes, inter-process locks, and stale-temp cleanup.

The one place that writes a file or locks one. Every stored item that lives in a file (a
token, cookies, a profile's settings, the session and PO-token caches, the player cache)
is written by :func:`atomic_write_text`: to a temporary file in the same directory (mode
0600), flushed and fsynced, then renamed over the target, so a reader sees the old file or
the new one and never half of one; temporary files that killed writers left behind are
removed first. Locks are ``flock`` locks on a lock file (through ``filelock``), released by
the operating system when their holder dies.

A lock file beside a file of ours (``oauth.json.lock``) is fine; a file of the user's (an
exported ``cookies.txt``) gets its lock in our own cache directory instead, keyed by the
file's real path (:func:`foreign_lock_path`), so the user's folder holds only their file.

Standard library only (``filelock`` is imported when a lock is taken, ``platformdirs``
when the default cache directory is needed).
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from .errors import LockTimeoutError

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows: stale temporary files are judged by age
    HAVE_FLOCK = False

#: Where no file lock is available (Windows), a writer's temporary file older than this is
#: taken for a killed writer's leftover and removed.
STALE_TEMP_AGE = 600.0
#: Seconds a process waits for another one to release a lock (a refresh, a write-back).
LOCK_TIMEOUT = 120.0
#: Environment variable naming the cache directory.
CACHE_DIR_ENV = "YTSESSION_CACHE_DIR"

FILE_MODE = 0o600
DIR_MODE = 0o700


def cache_dir(directory: str | Path | None = None) -> Path:
    """Our cache directory.

    :return: ``directory``, else ``$YTSESSION_CACHE_DIR``, else platformdirs' user cache
        directory for ``ytsession``.
    """
    if directory is not None:
        return Path(directory)
    named = os.environ.get(CACHE_DIR_ENV)
    if named:
        return Path(named)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ytsession", appauthor=False))


def ensure_private_dir(directory: Path) -> None:
    """Create ``directory`` and each missing parent with mode 0700.

    An existing directory keeps its mode: it may be shared on purpose.
    """
    missing = []
    current = directory
    while not current.is_dir():
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue  # made by another process meanwhile
        os.chmod(path, DIR_MODE)  # mkdir's mode is filtered by the umask


def atomic_write_json(path: Path, data: Mapping[str, Any]) -> None:
    """Write ``data`` as JSON to ``path`` atomically with mode 0600.

    :param path: the target file; its directory is created (0700) when missing.
    :param data: a JSON-serialisable mapping. It is serialised before anything touches the
        disk, so a value that cannot be serialised leaves the old file as it was.
    """
    atomic_write_text(path, json_text(data))


def json_text(data: Mapping[str, Any]) -> str:
    """:return: ``data`` as the JSON text every stored object is written as."""
    return json.dumps(dict(data), indent=2) + "\n"


def atomic_write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically with mode 0600.

    The temporary file (``.<name>.<random>.tmp`` beside ``path``) is locked while it is
    written, so that the next writer can tell a live writer's file from one a killed writer
    left behind; those leftovers (0600 copies of live secrets) are removed first.

    :param path: the target file; its directory is created (0700) when missing.
    :param text: the whole new content.
    :raises OSError: the file could not be written (disk full, read-only directory, ...);
        the old file is unchanged and no temporary file is left.
    """
    import tempfile  # writes only: keep the read path light

    ensure_private_dir(path.parent)
    remove_stale_temps(path)
    data = text.encode("utf-8")
    while True:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        if not HAVE_FLOCK:
            break
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits only while another writer inspects it
        if os.fstat(fd).st_nlink:
            break
        os.close(fd)  # taken for a leftover in the instant before it was locked: again
    try:
        with os.fdopen(fd, "wb") as tmp:
            os.fchmod(tmp.fileno(), FILE_MODE)
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
            os.replace(tmp_name, path)  # still locked: nobody removes it as a leftover
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


def remove_stale_temps(path: Path) -> list[str]:
    """Remove the temporary files killed writers of ``path`` left behind.

    A temporary file is a leftover when no process holds its lock (a writer holds it from
    creation to rename; the kernel drops it when the writer dies). Without file locks
    (Windows) it is a leftover when it is older than :data:`STALE_TEMP_AGE` seconds.

    :return: the names removed.
    """
    prefix = f".{path.name}."
    removed: list[str] = []
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return removed
    for entry in entries:
        is_temp = entry.name.startswith(prefix) and entry.name.endswith(".tmp")
        if is_temp and _remove_if_dead(entry.path):
            removed.append(entry.name)
    return removed


def _remove_if_dead(name: str) -> bool:
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        mine = os.fstat(fd)
        if not stat.S_ISREG(mine.st_mode):
            return False
        if HAVE_FLOCK:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # a live writer holds it
        elif time.time() - mine.st_mtime < STALE_TEMP_AGE:
            return False
        current = os.stat(name, follow_symlinks=False)
        if (current.st_dev, current.st_ino) != (mine.st_dev, mine.st_ino):
            return False
        os.unlink(name)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    try:
        dir_fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # some file systems refuse fsync on directories; the rename is still atomic
    finally:
        os.close(dir_fd)


def touch_private(path: Path) -> bool:
    """Create an empty file with mode 0600 (a mark: it needs no disk space beyond an
    inode, so it usually works on a full disk or past a file-size limit).

    :return: whether it could be made.
    """
    try:
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE))
    except OSError:
        return False
    return True


def lock_path(path: Path) -> Path:
    """:return: the lock file beside ``path`` (for files of ours: ``oauth.json.lock``)."""
    return path.with_name(path.name + ".lock")


def foreign_lock_path(path: Path) -> Path:
    """The lock file of a file we do not own (a user's exported ``cookies.txt``): in our
    cache directory (``locks/``), named by a digest of the file's real path, so that every
    process locking the file (through any symbolic link to it) takes the same lock and the
    user's folder gets no lock file.

    :return: ``<cache dir>/locks/<digest>.lock``.
    """
    import hashlib

    real = os.path.realpath(path)
    digest = hashlib.sha256(os.fsencode(real)).hexdigest()[:32]
    return cache_dir() / "locks" / f"{digest}.lock"


@contextlib.contextmanager
def locked(lock_file: Path, timeout: float = LOCK_TIMEOUT, *, what: str = "") -> Iterator[None]:
    """Hold the inter-process lock ``lock_file`` (threads of one process too).

    :param lock_file: the lock file (see :func:`lock_path` and :func:`foreign_lock_path`);
        its directory is created (0700) when missing.
    :param timeout: seconds to wait for another holder.
    :param what: what the lock guards, for the message (default: the lock file).
    :raises LockTimeoutError: another process held the lock for longer than ``timeout``.
    """
    from filelock import FileLock, Timeout  # only a refresh or a write-back needs it

    ensure_private_dir(lock_file.parent)
    lock = FileLock(str(lock_file), timeout=timeout, mode=FILE_MODE, thread_local=False)
    try:
        lock.acquire()
    except Timeout:
        guarded = f" (the lock of {what})" if what else ""
        raise LockTimeoutError(
            f"another process has held the lock {lock_file}{guarded} for over {timeout:.0f} s; "
            "if no ytsession process is running, delete the lock file and try again",
            where=str(lock_file),
            timeout=timeout,
        ) from None
    try:
        yield
    finally:
        lock.release()
