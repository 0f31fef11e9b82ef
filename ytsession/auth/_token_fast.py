"""The ``ytsession token`` fast path: a fresh token, read without importing an HTTP library.

For the file store only ``_paths`` and ``tokenfile`` are loaded (standard library); for a
Redis store, redis-py and the store. Anything unusual (no settings, a corrupt or expiring
token) returns ``None``: the slow path then refreshes, or reports the problem.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from . import _paths, tokenfile


def fresh_token(
    name: str | None, *, home: str | Path | None = None, store: str | Path | None = None
) -> str | None:
    """:return: the stored access token of profile ``name`` when it is fresh (more than
    :func:`~ytsession.auth.tokenfile.refresh_margin` left) and the profile has
    settings; else ``None``.

    :raises TokenFileError: the stored token is corrupt.
    :raises StoreError: a Redis store failed (unreachable, credentials refused).
    """
    url = str(store) if store is not None else None
    if url is None and home is None:
        url = os.environ.get(_paths.STORE_ENV) or None
    if url is None or "://" not in url:
        return _from_files(name, url if url is not None else home)
    if url.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        return _from_files(name, unquote(urlsplit(url).path))
    return _from_store(name, url)


def _fresh(token: dict[str, object] | None) -> str | None:
    if token is None:
        return None
    expires_at, access = token.get("expires_at"), token.get("access_token")
    lifetime = token.get("expires_in")
    if not isinstance(expires_at, int) or not isinstance(access, str):
        return None
    margin = tokenfile.refresh_margin(lifetime if isinstance(lifetime, int) else 0)
    return access if expires_at - time.time() > margin else None


def _from_files(name: str | None, home: str | Path | None) -> str | None:
    directory = _paths.profile_dir(name, home)
    try:
        stored = tokenfile.load_token(directory / _paths.TOKEN_FILE)
    except FileNotFoundError:
        return None
    if not (directory / _paths.SETTINGS_FILE).is_file():
        return None
    return _fresh(dict(stored))


def _from_store(name: str | None, url: str) -> str | None:
    from .store import SETTINGS, TOKEN, open_store

    profile = _paths.checked_name(name)
    with open_store(url) as store:
        items = store.read_many(profile, (TOKEN, SETTINGS))
    text = items[TOKEN]
    if text is None:
        return None
    where = store.where(profile, TOKEN)
    data = tokenfile.parse_json_object(text, where=where, what="stored token")
    stored = tokenfile.parse_token(data, path=where)  # a corrupt token is reported
    return _fresh(dict(stored)) if items[SETTINGS] is not None else None
