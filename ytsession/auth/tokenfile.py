"""Token files: atomic, private writes and strict reads.

A token file is the JSON ytmusicapi calls ``oauth.json``: exactly ``scope``, ``token_type``,
``access_token``, ``refresh_token``, ``expires_at`` and ``expires_in``, so each library
loads the other's files. Writes go to a temporary file in the same directory (mode 0600),
are flushed and fsynced, then renamed over the target, so a reader sees the old file or the
new one and never half of one. A file that does not parse as a token raises
:class:`~ytsession.errors.TokenFileError` and is never overwritten.

The refresh margin (:data:`REFRESH_MARGIN`, :func:`refresh_margin`) is
:mod:`._rules`', re-exported here beside the file format; the ``ytsession token`` fast path
reads it from there.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from .. import _secrets
from .. import _validate as check
from ..errors import InvalidTokenAnswerError, TokenFileError, YTSessionError
from ._rules import REFRESH_MARGIN as REFRESH_MARGIN  # the rule's home is _rules
from ._rules import refresh_margin as refresh_margin
from .models import BaseTokenDict, StoredTokenDict

try:
    import fcntl

    HAVE_FLOCK = True
except ImportError:  # pragma: no cover - Windows: stale temporary files are judged by age
    HAVE_FLOCK = False

#: The keys of a token file, in ytmusicapi's order.
TOKEN_KEYS = ("scope", "token_type", "access_token", "refresh_token", "expires_at", "expires_in")
#: Seconds a token lives when the server does not say (Google's tokens live an hour).
DEFAULT_LIFETIME = 3600
#: Where no file lock is available (Windows), a writer's temporary file older than this is
#: taken for a killed writer's leftover and removed.
STALE_TEMP_AGE = 600.0
#: Seconds a process waits for another one to finish refreshing the same file.
LOCK_TIMEOUT = 120.0

FILE_MODE = 0o600
DIR_MODE = 0o700


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
    atomic_write_text(path, json.dumps(dict(data), indent=2) + "\n")


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


def file_source(
    path: Path | str, *, what: str = "token file", advice: str | None = None
) -> check.Source:
    """The validation source of a token (or profile) file.

    :param advice: what to do about a fault (default: delete or fix it and log in again).
    :return: a source whose faults are :class:`~ytsession.errors.TokenFileError` naming
        the file.
    """
    if advice is None:
        advice = "delete it and log in again"
        if what != "token file":
            advice = "fix or delete it, or log in again"
    return check.Source(f"{what} {path}", advice, lambda m: TokenFileError(m, path=str(path)))


def answer_source(where: str) -> check.Source:
    """The validation source of a token-endpoint answer from ``where`` (a host).

    :return: a source whose faults are :class:`~ytsession.errors.InvalidTokenAnswerError`.
    """
    return check.Source(
        f"the token answer of {where}",
        "try again later; if it keeps happening, the server is not a compatible OAuth server",
        lambda m: InvalidTokenAnswerError(m),
    )


def read_json_object(
    path: Path, *, what: str = "token file", advice: str | None = None
) -> dict[str, Any]:
    """Read a JSON object from ``path`` through the validation layer.

    :param what: what to call the file in messages; ``advice``: what to do about a fault
        (see :func:`file_source`).
    :raises FileNotFoundError: the file does not exist.
    :raises TokenFileError: the file is empty, truncated, not JSON, nested too deeply, holds
        ``NaN`` or huge numbers, or is not a JSON object; or cannot be read.
    """
    source = file_source(path, what=what, advice=advice)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise source.fail(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    return check.json_object(data, source)


def parse_json_object(text: str, *, where: str, what: str = "token file") -> dict[str, Any]:
    """Parse the text of a stored JSON object (a profile store key's, say) through the
    validation layer, as :func:`read_json_object` does a file's.

    :param where: the file or key, for messages.
    :raises TokenFileError: the text is empty, truncated, not JSON, or not a JSON object.
    """
    return check.json_object(text.encode("utf-8"), file_source(where, what=what))


def parse_token(
    data: Mapping[str, Any],
    *,
    path: str = "<token>",
    what: str = "token file",
    advice: str | None = None,
) -> StoredTokenDict:
    """Check a token mapping and return only the token keys.

    Extra keys (ytmusicapi's older ``filepath``, Google's ``refresh_token_expires_in``, ...)
    are dropped. Numbers given as floats are truncated to whole seconds.

    :param path: the file, and ``what`` to call it, for messages; ``advice``: what to do
        about a fault (see :func:`file_source`).
    :raises TokenFileError: a required key is missing or a value has the wrong type, is not
        finite, out of bounds, or cannot go into an HTTP header.
    """
    source = file_source(path, what=what, advice=advice)
    return {
        "scope": check.text(data, "scope", source, default=""),
        "token_type": check.text(data, "token_type", source, default="Bearer", header=True),
        "access_token": check.text(data, "access_token", source, nonempty=True, header=True),
        "refresh_token": check.text(data, "refresh_token", source, nonempty=True, header=True),
        "expires_at": check.number(data, "expires_at", source, low=0, high=check.MAX_EPOCH),
        "expires_in": check.number(
            data, "expires_in", source, low=0, high=check.MAX_LIFETIME, default=0
        ),
    }


def parse_token_answer(
    data: Mapping[str, Any],
    source: check.Source,
    *,
    default_lifetime: int = DEFAULT_LIFETIME,
) -> BaseTokenDict:
    """Check a token-endpoint answer (a login or a refresh) and keep the known keys.

    :param data: the answer's JSON object.
    :param source: where it came from (see :func:`answer_source`).
    :param default_lifetime: the lifetime of a token whose answer has no ``expires_in``.
    :return: ``access_token`` and ``expires_in`` (always), and ``refresh_token`` (when the
        server rotated it), ``scope``, ``token_type``, ``refresh_token_expires_in`` when given.
    :raises YTSessionError: the source's error: a field is missing, of the wrong type, not
        finite, out of bounds, or cannot go into an HTTP header. An
        :class:`~ytsession.errors.InvalidTokenAnswerError` carries the answer's usable new
        refresh token (see :func:`keep_rotation`).
    """
    _secrets.register(*(v for v in (data.get("refresh_token"),) if isinstance(v, str)))
    _secrets.register(*(v for v in (data.get("access_token"),) if isinstance(v, str)))
    try:
        refresh = check.text(data, "refresh_token", source, default="", header=True)
        answer: BaseTokenDict = {
            "access_token": check.text(data, "access_token", source, nonempty=True, header=True),
            "expires_in": check.number(
                data, "expires_in", source, low=1, high=check.MAX_LIFETIME, default=default_lifetime
            ),
        }
        return _rest_of_answer(answer, refresh, data, source)
    except YTSessionError as exc:
        raise keep_rotation(exc, data) from None


def token_answer_json(content: bytes, source: check.Source) -> dict[str, Any] | None:
    """Parse the body of a successful (2xx) token-endpoint answer.

    :param content: the body.
    :param source: where it came from (see :func:`answer_source`).
    :return: the JSON object, or ``None`` when the body is not JSON (an HTML page, a body
        cut short, bytes that are not UTF-8) or not an object: the caller raises its own
        error, through :func:`keep_rotation`.
    :raises YTSessionError: the source's error: JSON that the validation layer refuses
        (``NaN``, a huge number, nesting too deep), with the usable new refresh token the
        body still carries (see :func:`keep_rotation`).
    """
    try:
        data = check.maybe_json(content, source)
    except YTSessionError as exc:
        raise keep_rotation(exc, content) from None
    return data if isinstance(data, dict) else None


_Error = TypeVar("_Error", bound=YTSessionError)


def keep_rotation(error: _Error, answer: Mapping[str, Any] | bytes) -> _Error:
    """Hand a new refresh token back with the error of an otherwise unusable token answer.

    A server that rotates refresh tokens (PeerTube, many certified OAuth servers) has spent
    the old one when it answers, so the new one must be stored whatever else is wrong with
    the answer: :class:`~ytsession.auth.token.RefreshingToken` stores it from
    :attr:`~ytsession.errors.InvalidTokenAnswerError.rotated_refresh_token`, which is never
    part of the error's message or repr.

    :param error: the error about to be raised; only an
        :class:`~ytsession.errors.InvalidTokenAnswerError` gets the token.
    :param answer: the answer's JSON object, or its raw body when that is not usable JSON.
    :return: ``error``.
    """
    if isinstance(error, InvalidTokenAnswerError):
        rotated = check.salvage_text(answer, "refresh_token")
        if rotated:
            _secrets.register(rotated)
        error.rotated_refresh_token = rotated
    return error


def _rest_of_answer(
    answer: BaseTokenDict, refresh: str, data: Mapping[str, Any], source: check.Source
) -> BaseTokenDict:
    if refresh:
        answer["refresh_token"] = refresh
    scope = check.text(data, "scope", source, default="")
    if scope:
        answer["scope"] = scope
    token_type = check.text(data, "token_type", source, default="", header=True)
    if token_type:
        answer["token_type"] = token_type
    if data.get("refresh_token_expires_in") is not None:
        answer["refresh_token_expires_in"] = check.number(
            data, "refresh_token_expires_in", source, low=0, high=check.MAX_LIFETIME
        )
    return answer


def load_token(path: Path) -> StoredTokenDict:
    """Read and check a token file.

    :raises FileNotFoundError: the file does not exist.
    :raises TokenFileError: the file is corrupt or of the wrong shape.
    """
    return parse_token(read_json_object(path), path=str(path))


def write_token(path: Path, token: Mapping[str, Any]) -> None:
    """Write a token file atomically (0600); a successful write ends any "unsaved" mark.

    :raises TokenWriteError: the file could not be written; it is unchanged.
    """
    from ..errors import TokenWriteError

    try:
        atomic_write_json(path, token)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise TokenWriteError(
            f"could not write the token file {path} ({reason}); it is unchanged. Free disk "
            "space or fix the directory's permissions, then try again",
            path=str(path),
        ) from None
    with contextlib.suppress(OSError):
        os.unlink(unsaved_marker(path))


def unsaved_marker(path: Path) -> Path:
    """The mark that says "the refresh token in ``path`` may be revoked": a process got a
    rotated refresh token from the server and could not write it.

    :return: the mark's path (``oauth.json.unsaved`` beside ``oauth.json``).
    """
    return path.with_name(path.name + ".unsaved")


def mark_unsaved(path: Path) -> bool:
    """Leave the mark of :func:`unsaved_marker` (an empty file: it needs no disk space
    beyond an inode, so it usually works on a full disk or past a file-size limit).

    :return: whether the mark could be made.
    """
    try:
        os.close(os.open(unsaved_marker(path), os.O_CREAT | os.O_WRONLY, FILE_MODE))
    except OSError:
        return False
    return True


def refuse_if_unsaved(path: Path) -> None:
    """Refuse to spend the refresh token of ``path`` while it is marked as maybe revoked.

    :raises TokenFileError: the mark is there.
    """
    marker = unsaved_marker(path)
    if marker.exists():
        raise TokenFileError(
            f"a process got a new refresh token for {path} but could not write it (see "
            f"{marker}); the refresh token in the file may be revoked already, and spending "
            "it again could end the session for everyone. Let that process save its token "
            "(it retries on its next refresh), or log in again; delete the marker to use the "
            "file's token anyway",
            path=str(path),
        )


def lock_path(path: Path) -> Path:
    """:return: the lock file that guards ``path`` against concurrent refreshes."""
    return path.with_name(path.name + ".lock")


@contextlib.contextmanager
def locked(path: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the inter-process lock of token file ``path`` (threads of one process too).

    :raises YTSessionError: another process held the lock for longer than ``timeout``.
    """
    from filelock import FileLock, Timeout  # only a refresh needs it

    ensure_private_dir(path.parent)
    lock = FileLock(str(lock_path(path)), timeout=timeout, mode=FILE_MODE, thread_local=False)
    try:
        with lock:
            yield
    except Timeout:
        raise YTSessionError(
            f"another process has held the lock {lock_path(path)} for over {timeout:.0f} s; "
            "if no ytsession process is running, delete the lock file and try again"
        ) from None
