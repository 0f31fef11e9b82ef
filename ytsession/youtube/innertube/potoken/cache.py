"""Where PO tokens are kept across processes, and the format they are kept in.

One choice of place (:func:`po_token_cache`: a profile's item in its store, else a cache
file per server, :func:`default_cache_file`) and one JSON document
(``{"format": CACHE_FORMAT, "version": CACHE_VERSION, "tokens": [...]}``), read and written
by :class:`~.chain.ProviderChain`. A document that is not a cache, of another version, or
with malformed entries is read as (partly) empty, never raised.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ....store import PO_TOKENS, FileItem, ProfileStore, StoredItem
from .providers import PoToken

__all__ = ["CACHE_FORMAT", "CACHE_VERSION", "default_cache_file", "po_token_cache"]

log = logging.getLogger("ytsession.potoken")

#: The cache file's format name; its version is :data:`CACHE_VERSION`.
CACHE_FORMAT = "ytsession.po-tokens"
CACHE_VERSION = 1


def default_cache_file(
    directory: str | Path | None = None, *, host: str = "https://www.youtube.com"
) -> Path:
    """Where a session keeps its PO tokens: beside its session data.

    :param directory: the session data cache directory; ``$YTSESSION_CACHE_DIR``, else
        the user cache directory, when ``None``.
    :param host: the server the tokens are for (tokens of an emulator stay apart).
    :return: ``<directory>/potokens-<digest of host>.json``.
    """
    import hashlib

    from ..cache import default_cache_dir

    digest = hashlib.sha256(host.rstrip("/").encode("utf-8")).hexdigest()[:16]
    return default_cache_dir(directory) / f"potokens-{digest}.json"


def po_token_cache(
    *,
    store: ProfileStore | None = None,
    profile: str | None = None,
    directory: str | Path | None = None,
    host: str = "https://www.youtube.com",
) -> StoredItem:
    """Where PO tokens are kept: the one choice :class:`~ytsession.Session`,
    ``ytsession session-tokens`` and the yt-dlp plugin make.

    With a profile, its PO-token item (``po-tokens``) in its profile store, so every
    process (and, with a Redis store, every machine) using the profile shares its tokens.
    Without one, the cache file of sessions of ``host`` (:func:`default_cache_file`).

    :param store: the profile's store; with ``profile``.
    :param profile: the profile's name; with ``store``.
    :param directory: the session data cache directory (without a profile).
    :param host: the server the tokens are for (without a profile).
    :return: the item (a local file is an item too, so every caller takes one kind).
    """
    if (store is None) != (profile is None):
        raise ValueError("po_token_cache needs both store= and profile=, or neither")
    if store is not None and profile is not None:
        return store.item(profile, PO_TOKENS)
    return FileItem(default_cache_file(directory, host=host))


def parse_cache(data: object, *, where: str) -> list[PoToken]:
    """:return: the tokens of a cache document (``None`` or ``{}``: none); a document that
    is not a PO token cache (logged), of another version, or a malformed entry (skipped) is
    read as holding none.

    :param where: where the document comes from, for the log.
    """
    if data is None or data == {}:
        return []
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT:
        log.warning("ignoring %s: not a PO token cache", where)
        return []
    if data.get("version") != CACHE_VERSION or not isinstance(data.get("tokens"), list):
        return []
    tokens = []
    for entry in data["tokens"]:
        try:
            tokens.append(PoToken.from_dict(entry))
        except (ValueError, TypeError, AttributeError):
            log.debug("skipping a malformed entry of the PO token cache")
    return tokens


def cache_document(tokens: Iterable[PoToken], *, now: float) -> dict[str, Any]:
    """:return: the cache document of ``tokens``, without those expired at ``now``."""
    live = [token.to_dict() for token in tokens if not token.expired(now)]
    return {"format": CACHE_FORMAT, "version": CACHE_VERSION, "tokens": live}
