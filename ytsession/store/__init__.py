"""Profile stores: where logins live, on one machine or shared by a fleet.

:func:`open_store` picks the store from a URL:

- a directory, or ``file:///path``: a :class:`FileStore` (the default: ``$YTSESSION_HOME``
  or platformdirs' user data directory), the layout ``ytsession`` always had;
- ``redis://[user:password@]host:port/db`` or ``rediss://...`` (TLS): a
  :class:`RedisStore`, shared by every machine that reaches it (``pip install
  ytsession[redis]``). Query parameters: ``prefix`` (key prefix) and ``lease`` (seconds).

Each item of a profile is a :class:`StoredItem` (:meth:`ProfileStore.item`): the one way
ytsession persists anything, in a file (:class:`FileItem`) or a store key
(:class:`StoreItem`).

With no URL, ``$YTSESSION_STORE`` is used, else the file store. A store's :attr:`url` hides
the password. Standard library only until a Redis store is opened.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from .._items import FileItem, StoredItem
from ..errors import ProfileError
from ._base import (
    COOKIES,
    DEFAULT_LEASE,
    ITEMS,
    PO_TOKENS,
    SESSION_CACHE,
    SETTINGS,
    TOKEN,
    JsonItem,
    LastRefresh,
    LockState,
    ProfileStore,
    StoreItem,
    StoreLock,
    StoreTokenCache,
)
from ._file import FileStore
from ._paths import STORE_ENV

if TYPE_CHECKING:
    from ._redis import RedisStore

__all__ = [
    "COOKIES",
    "DEFAULT_LEASE",
    "ITEMS",
    "PO_TOKENS",
    "SESSION_CACHE",
    "SETTINGS",
    "STORE_ENV",
    "TOKEN",
    "FileItem",
    "FileStore",
    "JsonItem",
    "LastRefresh",
    "LockState",
    "ProfileStore",
    "RedisStore",
    "StoreItem",
    "StoreLock",
    "StoreTokenCache",
    "StoredItem",
    "open_store",
    "redact_url",
    "store_url",
]


def store_url(store: str | Path | None = None, *, home: str | Path | None = None) -> str | None:
    """The store URL in effect.

    :return: ``store``, else ``None`` when ``home`` is given (the file store there), else
        ``$YTSESSION_STORE`` (``None`` when unset: the file store).
    """
    if store is not None:
        return str(store)
    if home is not None:
        return None
    return os.environ.get(STORE_ENV) or None


def is_file_url(url: str | None) -> bool:
    """:return: whether ``url`` (from :func:`store_url`) names a file store."""
    return url is None or "://" not in url or url.startswith("file://")


def open_store(
    store: ProfileStore | str | Path | None = None, *, home: str | Path | None = None
) -> ProfileStore:
    """Open a profile store.

    :param store: a store, a URL or directory; ``None`` for ``$YTSESSION_STORE`` or the
        default file store.
    :param home: the file store's directory, when ``store`` is not given (``--home``).
    :raises ProfileError: the URL is not usable, or both ``store`` and ``home`` are given.
    """
    if isinstance(store, ProfileStore):
        return store
    if store is not None and home is not None:
        raise ProfileError("give a store or a home directory, not both")
    url = store_url(store, home=home)
    if url is None:
        return FileStore(home)
    if "://" not in url:
        return FileStore(url)
    scheme = url.partition("://")[0].lower()
    if scheme == "file":
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ProfileError(f"store URL {url}: a file URL names a local directory")
        return FileStore(unquote(parts.path))
    if scheme in ("redis", "rediss"):
        from ._redis import RedisStore

        return RedisStore(url)
    from ._redis import redact_url

    raise ProfileError(
        f"store URL {redact_url(url)} is not usable: give a directory, file:///path, "
        "redis://[user:password@]host:port/db or rediss://..."
    )


def redact_url(url: str) -> str:
    """:return: ``url`` with its password replaced by ``***``."""
    from ._redis import redact_url as redact

    return redact(url)


def __getattr__(name: str) -> object:
    if name == "RedisStore":
        from ._redis import RedisStore

        return RedisStore
    raise AttributeError(name)
