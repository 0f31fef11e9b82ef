"""The web player: its id and its ``signatureTimestamp``, for ``player`` calls.

YouTube's ``player`` endpoint wants ``playbackContext.contentPlaybackContext.
signatureTimestamp``: the timestamp written into the current web player's script, which
tells the server how that player deciphers stream signatures. Clients learn it as YouTube.js
does: the iframe API (``/iframe_api``) names the current player (``player\\/<id>\\/``), and
the player's script (``/s/player/<id>/player_ias.vflset/en_US/base.js``) holds
``signatureTimestamp:NNNNN`` (older scripts: ``sts:NNNNN``).

The script is large and a player id's timestamp never changes, so :class:`PlayerCache`
keeps what was learnt in a small file beside the session data: the current player id is
asked again after :data:`PLAYER_TTL`, and the script is fetched only for an id not seen
before. Every value fetched passes :func:`parse_player_id` and
:func:`parse_signature_timestamp`, which raise :class:`~ytsession.InnerTubeError` on
anything else.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ... import _files
from ...errors import InnerTubeError
from ...store import FileItem, StoredItem

if TYPE_CHECKING:
    import requests

__all__ = [
    "PLAYER_TTL",
    "PlayerCache",
    "PlayerInfo",
    "fetch_player_id",
    "fetch_signature_timestamp",
    "parse_player_id",
    "parse_signature_timestamp",
    "player_script_url",
]

log = logging.getLogger("ytsession.innertube.player")

#: Seconds the current player id is trusted before the iframe API is asked again.
PLAYER_TTL = 6 * 3600
_FORMAT = "ytsession.player"
_VERSION = 1
_PLAYER_ID = re.compile(r"^[A-Za-z0-9_-]{8,16}$")
_ID_IN_IFRAME_API = re.compile(r"player\\?/([A-Za-z0-9_-]{8,16})\\?/")
_TIMESTAMP = re.compile(r"(?:signatureTimestamp|sts)\s*:\s*([0-9]{5})\b")


@dataclass(frozen=True)
class PlayerInfo:
    """The current web player.

    :ivar player_id: e.g. ``"3d3ba064"``.
    :ivar signature_timestamp: the ``signatureTimestamp`` of its script, e.g. ``20358``.
    :ivar checked_at: when the iframe API last named this player, in Unix seconds.
    """

    player_id: str
    signature_timestamp: int
    checked_at: float


def parse_player_id(value: object, *, what: str = "the player id") -> str:
    """:return: ``value`` when it is a player id (8-16 of ``[A-Za-z0-9_-]``).

    :raises InnerTubeError: it is not.
    """
    if not isinstance(value, str) or not _PLAYER_ID.match(value):
        raise InnerTubeError(
            f"{what} is not a player id; YouTube's iframe API may have changed: update "
            "ytsession, or put signatureTimestamp in the call's playbackContext yourself",
            endpoint="iframe_api",
        )
    return value


def parse_signature_timestamp(value: object) -> int:
    """:return: ``value`` as a signature timestamp (five digits, as in the script).

    :raises InnerTubeError: it is not one.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        number = None
    elif isinstance(value, int):
        number = value
    else:
        number = int(value) if re.fullmatch(r"[0-9]{5}", value) else None
    if number is None or not 10000 <= number <= 99999:
        raise InnerTubeError(
            "the player's signatureTimestamp is not a five-digit number; YouTube's player "
            "script may have changed: update ytsession, or put it in the call's "
            "playbackContext yourself",
            endpoint="player script",
        )
    return number


def player_script_url(base_url: str, player_id: str) -> str:
    """:return: the URL of the player's script under ``base_url``."""
    return f"{base_url.rstrip('/')}/s/player/{player_id}/player_ias.vflset/en_US/base.js"


def fetch_player_id(
    http: requests.Session, base_url: str, *, timeout: float | tuple[float, float] | None
) -> str:
    """Ask the iframe API which player is current.

    :raises NetworkError: the server could not be reached in time.
    :raises InnerTubeError: it answered an error, or no player id.
    """
    from .visitor import _get_text

    text = _get_text(
        http,
        f"{base_url.rstrip('/')}/iframe_api",
        headers={},
        timeout=timeout,
        what="the iframe API",
        endpoint="iframe_api",
    )
    match = _ID_IN_IFRAME_API.search(text)
    return parse_player_id(match.group(1) if match else None, what="the iframe API's player")


def fetch_signature_timestamp(
    http: requests.Session,
    base_url: str,
    player_id: str,
    *,
    timeout: float | tuple[float, float] | None,
) -> int:
    """Read the ``signatureTimestamp`` out of the player's script.

    :raises NetworkError: the server could not be reached in time.
    :raises InnerTubeError: it answered an error, or the script holds no timestamp.
    """
    from .visitor import _get_text

    text = _get_text(
        http,
        player_script_url(base_url, parse_player_id(player_id)),
        headers={},
        timeout=timeout,
        what="the player script",
        endpoint="player script",
    )
    match = _TIMESTAMP.search(text)
    return parse_signature_timestamp(match.group(1) if match else None)


class PlayerCache:
    """What is known of the current player, in memory and (with ``directory``) on disk.

    :param directory: the session data cache directory, or ``None`` for memory only.
    :param host: the server (players of an emulator stay apart).
    :param ttl: seconds the current player id is trusted.
    :param clock: the time source (for tests).
    """

    def __init__(
        self,
        directory: Path | None,
        *,
        host: str,
        ttl: float = PLAYER_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        digest = hashlib.sha256(host.rstrip("/").encode("utf-8")).hexdigest()[:16]
        self.path = None if directory is None else directory / f"player-{digest}.json"
        self._item: StoredItem | None = None if self.path is None else FileItem(self.path)
        self.host = host
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._current: PlayerInfo | None = None
        self._timestamps: dict[str, int] = {}

    def signature_timestamp(
        self, http: requests.Session, *, timeout: float | tuple[float, float] | None
    ) -> int:
        """The current player's timestamp: cached, or fetched when the cache is stale.

        :raises NetworkError: the iframe API or the script could not be fetched in time.
        :raises InnerTubeError: they answered an error or something else than expected.
        """
        with self._lock:
            now = self._clock()
            current = self._current or self._load()
            if current is not None and 0 <= now - current.checked_at < self.ttl:
                self._current = current
                return current.signature_timestamp
            player_id = fetch_player_id(http, self.host, timeout=timeout)
            timestamp = self._timestamps.get(player_id)
            if timestamp is None and current is not None and current.player_id == player_id:
                timestamp = current.signature_timestamp
            if timestamp is None:
                log.debug("fetching the script of player %s", player_id)
                timestamp = fetch_signature_timestamp(http, self.host, player_id, timeout=timeout)
            self._timestamps[player_id] = timestamp
            self._current = PlayerInfo(player_id, timestamp, now)
            self._store(self._current)
            return timestamp

    @property
    def current(self) -> PlayerInfo | None:
        """The player last learnt, or ``None``."""
        return self._current

    def _load(self) -> PlayerInfo | None:
        if self._item is None:
            return None
        data = self._item.load()  # logs what cannot be read
        if data is None:
            return None
        try:
            if data.get("format") != _FORMAT:
                raise ValueError("not a player cache")
            if data.get("version") != _VERSION or data.get("host") != self.host:
                return None
            checked_at = data.get("checked_at")
            if not isinstance(checked_at, int | float) or isinstance(checked_at, bool):
                raise ValueError("'checked_at' is not a number")
            return PlayerInfo(
                parse_player_id(data.get("player_id")),
                parse_signature_timestamp(data.get("signature_timestamp")),
                float(checked_at),
            )
        except (ValueError, InnerTubeError) as exc:
            log.warning("ignoring corrupt player cache %s (%s)", self.path, exc)
            return None

    def _store(self, info: PlayerInfo) -> None:
        if self._item is None:
            return
        envelope = {
            "format": _FORMAT,
            "version": _VERSION,
            "host": self.host,
            "player_id": info.player_id,
            "signature_timestamp": info.signature_timestamp,
            "checked_at": info.checked_at,
        }
        try:
            self._item.write(_files.json_text(envelope))
        except OSError as exc:
            log.warning("could not write the player cache %s (%s)", self.path, exc)

    def __repr__(self) -> str:
        return f"PlayerCache(host={self.host!r}, ttl={self.ttl}, path={self.path})"
