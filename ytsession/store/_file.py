"""The file store: profiles as directories under a home directory (the default store).

``<home>/profiles/<name>/`` holds ``profile.json`` (settings), ``oauth.json`` (the token,
in ytmusicapi's format, so ``YTMusic(".../oauth.json", oauth_credentials=...)`` loads it),
``cookies.txt``, ``session-cache.json`` and ``po-tokens.json``. Every file is replaced
atomically with mode 0600 in 0700 directories (each is a
:class:`~ytsession.store.FileItem`); the lock is a lock file beside the token
(``oauth.json.lock``), released by the operating system when its holder dies.

Standard library only (``filelock`` is imported when a lock is taken).
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import ClassVar

from .. import _files
from .._items import FileItem
from ..errors import StoreError
from ._base import (
    COOKIES,
    PO_TOKENS,
    SESSION_CACHE,
    SETTINGS,
    TOKEN,
    LastRefresh,
    ProfileStore,
    StoreLock,
)
from ._paths import SETTINGS_FILE, TOKEN_FILE, checked_name, home_dir

#: The file of each item.
FILES = {
    SETTINGS: SETTINGS_FILE,
    TOKEN: TOKEN_FILE,
    COOKIES: "cookies.txt",
    SESSION_CACHE: "session-cache.json",
    PO_TOKENS: "po-tokens.json",
}


class FileStore(ProfileStore):
    """Profiles in a directory (see the module text for the layout).

    :param home: the directory holding ``profiles/`` (default: ``$YTSESSION_HOME``, else
        platformdirs' user data directory for ``ytsession``).
    """

    backend: ClassVar[str] = "file"

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = home_dir(home)

    @property
    def url(self) -> str:
        return self.home.as_uri() if self.home.is_absolute() else str(self.home)

    def directory(self, profile: str) -> Path:
        """:return: the directory of ``profile``."""
        return self.home / "profiles" / checked_name(profile)

    def path(self, profile: str, item: str) -> Path:
        """:return: the file of one item of ``profile``."""
        try:
            return self.directory(profile) / FILES[item]
        except KeyError:
            raise ValueError(f"unknown profile item {item!r}") from None

    def token_path(self, profile: str) -> Path:
        """:return: the token file (ytmusicapi's ``oauth.json``) of ``profile``."""
        return self.path(profile, TOKEN)

    def where(self, profile: str, item: str) -> str:
        return str(self.path(profile, item))

    def item(self, profile: str, item: str) -> FileItem:
        """:return: the file of one item, locked by the profile's lock (``oauth.json.lock``)."""
        return FileItem(
            self.path(profile, item), lock_file=_files.lock_path(self.token_path(profile))
        )

    def mark_unsaved(self, profile: str, item: str) -> bool:
        return self.item(profile, item).mark_unsaved()

    def is_unsaved(self, profile: str, item: str) -> bool:
        return self.item(profile, item).is_unsaved()

    def unsaved_mark(self, profile: str, item: str) -> str:
        return self.item(profile, item).unsaved_mark()

    def read(self, profile: str, item: str) -> str | None:
        path = self.path(profile, item)
        try:
            return self.item(profile, item).read()
        except OSError as exc:
            raise StoreError(
                f"cannot read {path} ({exc.strerror or exc}); check its permissions"
            ) from None

    def write(
        self,
        profile: str,
        items: Mapping[str, str | None],
        *,
        lock: StoreLock | None = None,
        expect_token: str | None = None,
        expect_item: str = TOKEN,
    ) -> None:
        # The file lock cannot be lost while its holder lives: no fencing needed. Settings
        # go last: they make the profile visible.
        for item in sorted(items, key=lambda name: name == SETTINGS):
            path = self.path(profile, item)
            try:
                self.item(profile, item).write(items[item])
            except OSError as exc:
                raise StoreError(
                    f"cannot write {path} ({exc.strerror or exc}); check the directory's "
                    "permissions and free space"
                ) from None

    @contextlib.contextmanager
    def lock(self, profile: str, *, timeout: float = _files.LOCK_TIMEOUT) -> Iterator[StoreLock]:
        with self.item(profile, TOKEN).locked(timeout):
            yield StoreLock(profile=profile)

    def last_refresh(self, profile: str) -> LastRefresh | None:
        """The token file's modification time (a write replaces the file whole, so it is
        the time of the last write); the host is not recorded: ``None``."""
        try:
            return LastRefresh(at=self.token_path(profile).stat().st_mtime)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(
                f"cannot read {self.token_path(profile)} ({exc.strerror or exc}); check its "
                "permissions"
            ) from None

    def profiles(self) -> list[str]:
        root = self.home / "profiles"
        if not root.is_dir():
            return []
        return sorted(p.name for p in root.iterdir() if (p / SETTINGS_FILE).is_file())

    def delete(self, profile: str) -> None:
        shutil.rmtree(self.directory(profile), ignore_errors=True)
