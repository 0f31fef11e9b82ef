"""Where a :class:`~ytsession.oauth.RefreshingToken` keeps its token: a :class:`TokenCache`.

A token cache holds ytmusicapi's ``oauth.json`` JSON in one stored item
(:class:`~ytsession._items.StoredItem`): a token file (:class:`FileTokenCache`) here, or a
profile's token in a store (:class:`~ytsession.store.StoreTokenCache`, which the store
layer adds). OAuth knows no profile and no store: it takes any cache it is given.

Standard library only: the ``ytsession token`` fast path may import it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from pathlib import Path

from .. import _files
from .._items import FileItem, StoredItem
from ..errors import TokenFileError, TokenWriteError
from . import tokenfile
from .models import StoredTokenDict

__all__ = ["FileTokenCache", "TokenCache"]


class TokenCache:
    """Where a :class:`~ytsession.oauth.token.RefreshingToken` keeps its token: one
    :class:`StoredItem` holding ytmusicapi's ``oauth.json`` JSON, loaded and saved whole,
    under a lock that other processes (and machines) honour.

    :param item: the item (a token file, or a profile's token item in a store).
    """

    def __init__(self, item: StoredItem) -> None:
        self.item = item
        #: The token file, when the item is one (ytmusicapi's ``local_cache``).
        self.path: Path | None = item.path

    def load(self) -> StoredTokenDict | None:
        """:return: the stored token, or ``None`` when there is none.

        :raises TokenFileError: what is stored is not a token (it is left as it is).
        :raises StoreError: the store failed.
        """
        where = self.describe()
        what = "token file" if self.path is not None else "stored token"
        try:
            text = self.item.read()
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise tokenfile.file_source(where).fail(f"cannot be read ({reason})") from None
        if text is None:
            return None
        data = tokenfile.parse_json_object(text, where=where, what=what)
        return tokenfile.parse_token(data, path=where)

    def save(self, token: StoredTokenDict | Mapping[str, object]) -> None:
        """Store the token (atomically; fenced under :meth:`locked`); a successful write
        ends any "unsaved" mark.

        :raises TokenWriteError: the file could not be written; it is unchanged.
        :raises StoreError: the store failed (:class:`StoreLockLostError`: another process
            stored a newer token since this one read it under a lost lock).
        """
        text = _files.json_text(token)
        try:
            self.item.write(text)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise TokenWriteError(
                f"could not write the token file {self.describe()} ({reason}); it is "
                "unchanged. Free disk space or fix the directory's permissions, then try again",
                path=self.describe(),
            ) from None

    def locked(self) -> contextlib.AbstractContextManager[None]:
        """:return: a context manager holding the lock other processes refresh under."""
        return self.item.locked(_files.LOCK_TIMEOUT)

    def now(self) -> float:
        """The time (Unix seconds) the stored token's ``expires_at`` is written
        and read in: the store's clock, which every machine sharing the token reads (see
        :meth:`StoredItem.now <ytsession._items.StoredItem.now>`)."""
        return self.item.now()

    def describe(self) -> str:
        """:return: where the token is kept, for messages and cache keys (no secret)."""
        return self.item.describe()

    def mark_unsaved(self) -> bool:
        """Say that the stored refresh token may be revoked: this process got a rotated one
        and could not store it (see :meth:`refuse_if_unsaved`).

        :return: whether the mark could be made.
        """
        return self.item.mark_unsaved()

    def unsaved_mark(self) -> str:
        """:return: where the mark of :meth:`mark_unsaved` lives, for messages."""
        return self.item.unsaved_mark()

    def refuse_if_unsaved(self) -> None:
        """Refuse to spend the stored refresh token while it is marked as maybe revoked.

        :raises TokenFileError: the mark is there.
        """
        if self.item.is_unsaved():
            where = self.describe()
            raise TokenFileError(
                f"a process got a new refresh token for {where} but could not store it (see "
                f"{self.unsaved_mark()}); the stored refresh token may be revoked already, "
                "and spending it again could end the session for everyone. Let that process "
                "save its token (it retries on its next refresh), or log in again; remove "
                "the mark to use the stored token anyway",
                path=where,
            )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"


class FileTokenCache(TokenCache):
    """A token file (ytmusicapi's ``oauth.json``) guarded by a lock file beside it.

    :param path: the token file.
    """

    def __init__(self, path: str | Path) -> None:
        super().__init__(FileItem(path))
