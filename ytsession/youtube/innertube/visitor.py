"""Visitor data: encode, decode and generate it (pure), and fetch it with the session data.

Visitor data is a small protobuf message: field 1 (string) is an 11-character visitor id
from ``[A-Za-z0-9_-]``, field 5 (varint) the Unix time it was issued; real ones carry more
fields (6, ...), which :func:`decode_visitor_data` keeps as raw bytes. On the wire it is
web-safe base64 with padding, percent-encoded (``=`` becomes ``%3D``).

YouTube no longer accepts locally generated visitor data for much of its traffic, so a
session fetches it (:func:`fetch_session_data`: ``/sw.js_data``, falling back to the embed
page) and generates it locally only when asked to (:func:`generate_visitor_data`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from ... import _validate as check
from ...errors import (
    DeadlineExceededError,
    Hint,
    InnerTubeError,
    NetworkError,
    VisitorDataError,
)
from .context import DEFAULT_BASE_URL, SessionData
from .jspb import Jspb

if TYPE_CHECKING:
    import requests

__all__ = [
    "EMBED_VIDEO_ID",
    "VisitorData",
    "decode_visitor_data",
    "encode_visitor_data",
    "fetch_embed_page",
    "fetch_session_data",
    "fetch_sw_js_data",
    "generate_visitor_data",
    "new_visitor_id",
    "parse_config",
    "parse_embed_page",
    "parse_sw_js_data",
]

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_ID_RE = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VISITOR_ID_LENGTH = 11
#: A video id for the embed-page fallback; any public video works.
EMBED_VIDEO_ID = "jNQXAC9IVRw"

_WIRE_VARINT = 0
_WIRE_FIXED64 = 1
_WIRE_LENGTH = 2
_WIRE_FIXED32 = 5


# --- the pure part -----------------------------------------------------------------------


@dataclass(frozen=True)
class VisitorData:
    """Decoded visitor data.

    :ivar visitor_id: the 11-character visitor id (field 1).
    :ivar timestamp: the Unix time it was issued (field 5).
    :ivar extra: the raw protobuf bytes of every other field, in their order; encoded
        again after fields 1 and 5.
    """

    visitor_id: str
    timestamp: int
    extra: bytes = b""

    def encode(self) -> str:
        """:return: the wire form (see :func:`encode_visitor_data`)."""
        return encode_visitor_data(self.visitor_id, self.timestamp, extra=self.extra)

    def extra_fields(self) -> list[tuple[int, int | bytes]]:
        """The extra fields, decoded one level deep.

        :return: ``(field number, value)`` pairs: an int for varint and fixed fields, the
            raw bytes of length-delimited ones.
        """
        return [(number, value) for number, _wire, value, _raw in _fields(self.extra)]


def new_visitor_id() -> str:
    """:return: a random 11-character visitor id."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(_VISITOR_ID_LENGTH))


def encode_visitor_data(
    visitor_id: str, timestamp: int | None = None, *, extra: bytes = b""
) -> str:
    """Encode visitor data.

    :param visitor_id: 11 characters from ``[A-Za-z0-9_-]``.
    :param timestamp: Unix time; now when ``None``.
    :param extra: raw protobuf bytes appended after fields 1 and 5.
    :return: percent-encoded web-safe base64, e.g. ``"CgtYWFhYWFhYWFhYWCjA..."``.
    :raises ValueError: the id is not 11 such characters, or the timestamp is negative.
    """
    if not _ID_RE.match(visitor_id):
        raise ValueError("a visitor id is 11 characters from A-Z, a-z, 0-9, '-' and '_'")
    stamp = int(time.time()) if timestamp is None else int(timestamp)
    if stamp < 0:
        raise ValueError("a visitor data timestamp cannot be negative")
    raw = bytearray([0x0A, _VISITOR_ID_LENGTH]) + visitor_id.encode("ascii")
    raw += bytes([0x28]) + _varint(stamp) + bytes(extra)
    return quote(base64.urlsafe_b64encode(bytes(raw)).decode("ascii"), safe="")


def decode_visitor_data(value: str) -> VisitorData:
    """Decode visitor data, percent-encoded or not, web-safe or standard base64.

    :param value: the visitor data, e.g. a ``responseContext.visitorData``.
    :raises ValueError: it is not base64 of a protobuf with fields 1 and 5.
    """
    text = unquote(value.strip()).replace("+", "-").replace("/", "_").rstrip("=")
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise VisitorDataError("visitor data is not base64") from None
    visitor_id: str | None = None
    timestamp: int | None = None
    extra = bytearray()
    for number, wire, field_value, field_raw in _fields(raw):
        if number == 1 and wire == _WIRE_LENGTH and visitor_id is None:
            assert isinstance(field_value, bytes)
            visitor_id = field_value.decode("ascii", errors="replace")
        elif number == 5 and wire == _WIRE_VARINT and timestamp is None:
            assert isinstance(field_value, int)
            timestamp = field_value
        else:
            extra += field_raw
    if visitor_id is None or timestamp is None:
        raise VisitorDataError(
            "visitor data lacks the visitor id (field 1) or the timestamp (field 5)"
        )
    return VisitorData(visitor_id, timestamp, bytes(extra))


def generate_visitor_data(*, timestamp: int | None = None) -> str:
    """:return: locally generated visitor data: a random id and ``timestamp`` (now).

    YouTube treats such data with suspicion; prefer fetched visitor data.
    """
    return encode_visitor_data(new_visitor_id(), timestamp)


def visitor_id_of(value: str) -> str | None:
    """The visitor id of ``value``: bytes 2 to 13 of the decoded protobuf (field 1 first).

    Read like the web player and yt-dlp read it, so visitor data without a timestamp (or
    with fields this module does not know) still gives its id.

    :return: the 11-character id, or ``None`` when ``value`` does not decode to one.
    """
    text = unquote(value.strip()).replace("+", "-").replace("/", "_").rstrip("=")
    text += "=" * (-len(text) % 4)
    try:
        raw = base64.b64decode(text, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    candidate = raw[2 : 2 + _VISITOR_ID_LENGTH].decode("ascii", errors="replace")
    return candidate if _ID_RE.match(candidate) else None


def is_newer_visitor_data(candidate: str, current: str) -> bool:
    """:return: whether ``candidate`` should replace ``current``: it differs and is not
    older (by its timestamp, when both decode)."""
    if not candidate or candidate == current:
        return False
    if not current:
        return True
    try:
        return decode_visitor_data(candidate).timestamp >= decode_visitor_data(current).timestamp
    except ValueError:
        return True


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _read_varint(raw: bytes, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= len(raw) or shift > 63:
            raise VisitorDataError("visitor data holds a truncated protobuf varint")
        byte = raw[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result, pos


def _fields(raw: bytes) -> list[tuple[int, int, int | bytes, bytes]]:
    """:return: ``(number, wire type, value, raw bytes)`` of each top-level field."""
    fields: list[tuple[int, int, int | bytes, bytes]] = []
    pos = 0
    while pos < len(raw):
        start = pos
        key, pos = _read_varint(raw, pos)
        number, wire = key >> 3, key & 7
        value: int | bytes
        if number == 0:
            raise VisitorDataError("visitor data holds a protobuf field numbered 0")
        if wire == _WIRE_VARINT:
            value, pos = _read_varint(raw, pos)
        elif wire == _WIRE_LENGTH:
            length, pos = _read_varint(raw, pos)
            if pos + length > len(raw):
                raise VisitorDataError("visitor data holds a truncated protobuf field")
            value = raw[pos : pos + length]
            pos += length
        elif wire in (_WIRE_FIXED64, _WIRE_FIXED32):
            size = 8 if wire == _WIRE_FIXED64 else 4
            if pos + size > len(raw):
                raise VisitorDataError("visitor data holds a truncated protobuf field")
            value = int.from_bytes(raw[pos : pos + size], "little")
            pos += size
        else:
            raise VisitorDataError(f"visitor data holds an unsupported protobuf wire type {wire}")
        fields.append((number, wire, value, raw[start:pos]))
    return fields


# --- parsing what the server sends (pure) ------------------------------------------------

_SW_PREFIX = ")]}'"
# Field numbers (1-based, JSPB) in sw.js_data: the body is a list of messages whose first
# names ``yt.sw.adr`` and carries its payload in field 3; the payload's field 1 is a
# message whose field 1 is the device info (``data[0][2][0][0]`` in the dense form).
_SW_PAYLOAD = 3
_SW_CONFIG_GROUP = 1
_SW_DEVICE_INFO = 1
# In the device info message (its dense index + 1).
_SW_REMOTE_HOST = 4
_SW_VISITOR_DATA = 14
_SW_CLIENT_VERSION = 17
_SW_CONFIG = 62  # a message whose field 6 is appInstallData
_SW_APP_INSTALL_DATA = 6
_SW_DEVICE_EXPERIMENT_ID = 104
_SW_ROLLOUT_TOKEN = 108

log = logging.getLogger("ytsession.session")

_SW_JS_DATA = check.Source(
    "sw.js_data",
    "the session falls back to the embed page",
    lambda m: VisitorDataError(m, endpoint="sw.js_data"),
)


def parse_sw_js_data(text: str, *, now: float | None = None) -> SessionData:
    """Read the session data out of a ``/sw.js_data`` body.

    The body is ``)]}'`` and JSPB (see :mod:`~ytsession.youtube.innertube.jspb`): real servers
    send the device info message sparse, its fields past the 47th in a trailing object.
    Read by field number (the dense index + 1): 4 remote host, 14 visitor data, 17 WEB
    client version, 62 config (its field 6 is ``appInstallData``), 104 device experiment
    id, 108 rollout token. A missing field other than the visitor data leaves its value
    ``""`` and is named in a DEBUG log line.

    :param text: the body.
    :param now: the fetch time to record; now when ``None``.
    :raises VisitorDataError: (a ``ValueError``) the body is not JSPB of that shape, holds
        unusable JSON, or holds no visitor data.
    """
    body = text.lstrip()
    if body.startswith(_SW_PREFIX):
        body = body[len(_SW_PREFIX) :]
    data = check.loads(body, _SW_JS_DATA, max_depth=check.MAX_ANSWER_DEPTH)
    first = data[0] if isinstance(data, list) and data else None
    info = Jspb(first).message(_SW_PAYLOAD).message(_SW_CONFIG_GROUP).message(_SW_DEVICE_INFO)
    if not isinstance(info.values, list):
        raise VisitorDataError("sw.js_data is not of the known shape")
    visitor_data = info.text(_SW_VISITOR_DATA)
    if not visitor_data:
        raise VisitorDataError("sw.js_data holds no visitor data")
    values = {
        "rollout_token": info.text(_SW_ROLLOUT_TOKEN),
        "app_install_data": info.message(_SW_CONFIG).text(_SW_APP_INSTALL_DATA),
        "device_experiment_id": info.text(_SW_DEVICE_EXPERIMENT_ID),
        "client_version": info.text(_SW_CLIENT_VERSION),
        "remote_host": info.text(_SW_REMOTE_HOST),
    }
    missing = [name for name, value in values.items() if not value]
    if missing:
        log.debug("sw.js_data names no %s; the session goes on without", ", ".join(missing))
    return SessionData(
        visitor_data=visitor_data,
        **values,
        source="sw.js_data",
        fetched_at=time.time() if now is None else now,
    )


_EMBED_VALUE = r'"{key}"\s*:\s*"((?:[^"\\]|\\.)*)"'


def parse_embed_page(html: str, *, now: float | None = None) -> SessionData:
    """Read visitor data and rollout token out of an embed page's HTML.

    :raises ValueError: the page holds no ``"visitorData":"..."``.
    """

    def find(key: str) -> str:
        match = re.search(_EMBED_VALUE.format(key=key), html)
        if match is None:
            return ""
        try:
            value = json.loads(f'"{match.group(1)}"')
        except ValueError:
            return ""
        return value if isinstance(value, str) else ""

    visitor_data = find("visitorData")
    if not visitor_data:
        raise VisitorDataError("the embed page holds no visitor data")
    return SessionData(
        visitor_data=visitor_data,
        rollout_token=find("rolloutToken"),
        source="embed",
        fetched_at=time.time() if now is None else now,
    )


def parse_config(answer: Mapping[str, Any]) -> dict[str, str]:
    """Read the config pieces out of a ``/youtubei/v1/config`` answer.

    :return: ``config_data``, ``cold_config_data``, ``cold_hash_data`` and
        ``hot_hash_data`` (each ``""`` when absent), ready for
        :func:`dataclasses.replace` on a :class:`~.context.SessionData`.
    """
    group = _dig(answer, "responseContext", "globalConfigGroup")
    values = {
        "config_data": answer.get("configData"),
        "cold_config_data": _dig(group, "rawColdConfigGroup", "configData"),
        "cold_hash_data": _dig(group, "coldHashData"),
        "hot_hash_data": _dig(group, "hotHashData"),
    }
    return {key: value if isinstance(value, str) else "" for key, value in values.items()}


def _dig(data: object, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


# --- fetching ----------------------------------------------------------------------------


def fetch_sw_js_data(
    http: requests.Session,
    base_url: str = DEFAULT_BASE_URL,
    *,
    lang: str = "en",
    user_agent: str,
    timeout: float | tuple[float, float] | None = None,
) -> SessionData:
    """``GET {base_url}/sw.js_data`` and parse it.

    :raises NetworkError: the server could not be reached or timed out.
    :raises InnerTubeError: it answered an error status.
    :raises ValueError: the body is not of the known shape.
    """
    base = base_url.rstrip("/")
    text = _get_text(
        http,
        f"{base}/sw.js_data",
        headers={
            "Referer": f"{base}/sw.js",
            "Accept-Language": lang,
            "User-Agent": user_agent,
        },
        timeout=timeout,
        what="sw.js_data",
        endpoint="sw.js_data",
    )
    return parse_sw_js_data(text)


def fetch_embed_page(
    http: requests.Session,
    base_url: str = DEFAULT_BASE_URL,
    *,
    lang: str = "en",
    user_agent: str,
    video_id: str = EMBED_VIDEO_ID,
    timeout: float | tuple[float, float] | None = None,
) -> SessionData:
    """``GET {base_url}/embed/{video_id}`` and read visitor data out of the page.

    :raises NetworkError: the server could not be reached or timed out.
    :raises InnerTubeError: it answered an error status.
    :raises ValueError: the page holds no visitor data.
    """
    text = _get_text(
        http,
        f"{base_url.rstrip('/')}/embed/{quote(video_id, safe='')}",
        headers={"Accept-Language": lang, "User-Agent": user_agent},
        timeout=timeout,
        what="the embed page",
        endpoint="embed",
    )
    return parse_embed_page(text)


def _get_text(
    http: requests.Session,
    url: str,
    *,
    headers: dict[str, str],
    timeout: float | tuple[float, float] | None,
    what: str,
    endpoint: str,
) -> str:
    """``GET url`` and return the body.

    :raises NetworkError: the server could not be reached or timed out.
    :raises InnerTubeError: it answered an error status ("``what`` answered HTTP ...").
    """
    from ...transport import send

    response = send(http, "GET", url, headers=headers, timeout=timeout)
    if not response.ok:
        raise InnerTubeError(
            f"{what} answered HTTP {response.status_code}",
            status=response.status_code,
            endpoint=endpoint,
        )
    return response.text


def fetch_session_data(
    http: requests.Session,
    base_url: str = DEFAULT_BASE_URL,
    *,
    lang: str = "en",
    user_agent: str,
    timeout: float | tuple[float, float] | None = None,
) -> SessionData:
    """Fetch visitor data and rollout token: ``/sw.js_data``, else the embed page.

    :raises NetworkError: neither could be reached.
    :raises InnerTubeError: neither gave visitor data; the message says why each failed.
    """
    problems: list[str] = []
    network_failures = 0
    for name, fetch in (("sw.js_data", fetch_sw_js_data), ("the embed page", fetch_embed_page)):
        try:
            return fetch(http, base_url, lang=lang, user_agent=user_agent, timeout=timeout)
        except DeadlineExceededError:
            raise  # no time is left for the fallback
        except NetworkError as exc:
            network_failures += 1
            problems.append(f"{name}: {exc}")
        except (InnerTubeError, ValueError) as exc:
            problems.append(f"{name}: {exc}")
    hint = Hint(
        python="; pass generate_session_locally=True to make visitor data locally instead",
        cli="; pass --generate-session-locally to make visitor data locally instead",
    )
    if network_failures == len(problems):
        raise NetworkError(f"could not fetch visitor data ({'; '.join(problems)})").with_hint(hint)
    raise InnerTubeError(
        f"could not read visitor data ({'; '.join(problems)})", endpoint="sw.js_data"
    ).with_hint(hint)
