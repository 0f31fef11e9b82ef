"""Token files: atomic, private writes and strict reads.

A token file is the JSON ytmusicapi calls ``oauth.json``: exactly ``scope``, ``token_type``,
``access_token``, ``refresh_token``, ``expires_at`` and ``expires_in``, so each library
loads the other's files. Writes go to a temporary file in the same directory (mode 0600),
are flushed and fsynced, then renamed over the target, so a reader sees the old file or the
new one and never half of one. A file that does not parse as a token raises
:class:`~ytsession.errors.TokenFileError` and is never overwritten.

This module imports no HTTP library: ``ytsession token`` reads a fresh token through it
without loading ``requests``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import TokenFileError, YTSessionError
from .models import StoredTokenDict

#: The keys of a token file, in ytmusicapi's order.
TOKEN_KEYS = ("scope", "token_type", "access_token", "refresh_token", "expires_at", "expires_in")
#: Reading a token this many seconds (or fewer) before its expiry refreshes it. Kept here,
#: beside the file format, so the command line's fast path needs no other module.
REFRESH_MARGIN = 60
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

    :param path: the target file; its directory is created (0700) when missing.
    :param text: the whole new content.
    """
    import tempfile  # writes only: keep the read path light

    ensure_private_dir(path.parent)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as tmp:
            os.fchmod(tmp.fileno(), FILE_MODE)
            tmp.write(text)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(path.parent)


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


def read_json_object(path: Path, *, what: str = "token file") -> dict[str, Any]:
    """Read a JSON object from ``path``.

    :raises FileNotFoundError: the file does not exist.
    :raises TokenFileError: the file is empty, truncated, not JSON, or not a JSON object.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TokenFileError(
            f"{what} {path} is not UTF-8 text; delete it and log in again", path=str(path)
        ) from None
    if not text.strip():
        raise TokenFileError(f"{what} {path} is empty; delete it and log in again", path=str(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TokenFileError(
            f"{what} {path} is not valid JSON (line {exc.lineno}, column {exc.colno}); "
            "it may be truncated: delete it and log in again",
            path=str(path),
        ) from None
    if not isinstance(data, dict):
        raise TokenFileError(
            f"{what} {path} holds a JSON {type(data).__name__}, not an object; "
            "delete it and log in again",
            path=str(path),
        )
    return data


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def parse_token(data: Mapping[str, Any], *, path: str = "<token>") -> StoredTokenDict:
    """Check the shape of a token mapping and return only the token keys.

    Extra keys (ytmusicapi's older ``filepath``, Google's ``refresh_token_expires_in``, ...)
    are dropped. Numbers given as floats are truncated to whole seconds.

    :raises TokenFileError: a required key is missing or a value has the wrong type.
    """
    problems = []
    for key in ("access_token", "refresh_token"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append(f"'{key}' must be a non-empty string")
    for key in ("scope", "token_type"):
        if key in data and not isinstance(data[key], str):
            problems.append(f"'{key}' must be a string")
    if not _is_number(data.get("expires_at")):
        problems.append("'expires_at' must be a number of seconds since the epoch")
    if "expires_in" in data and not _is_number(data["expires_in"]):
        problems.append("'expires_in' must be a number of seconds")
    if problems:
        raise TokenFileError(
            f"token file {path} is not a usable token ({'; '.join(problems)}); "
            "delete it and log in again",
            path=path,
        )
    return {
        "scope": data.get("scope", ""),
        "token_type": data.get("token_type", "Bearer"),
        "access_token": data["access_token"],
        "refresh_token": data["refresh_token"],
        "expires_at": int(data["expires_at"]),
        "expires_in": int(data.get("expires_in", 0)),
    }


def load_token(path: Path) -> StoredTokenDict:
    """Read and check a token file.

    :raises FileNotFoundError: the file does not exist.
    :raises TokenFileError: the file is corrupt or of the wrong shape.
    """
    return parse_token(read_json_object(path), path=str(path))


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
