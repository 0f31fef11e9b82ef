"""Cold-start PO tokens: the placeholder a web client sends before BotGuard has run.

A cold-start token is computed locally from the content binding, the time and two random
bytes. YouTube accepts it only while a session warms up; it proves nothing, so treat it as a
placeholder and prefer a BotGuard-minted token. The layout, for binding bytes ``b`` (UTF-8,
at most :data:`MAX_BINDING_BYTES`), Unix time ``ts`` and random bytes ``k0, k1``::

    p = [k0, k1, 0, client_state] + ts (4 bytes, big-endian) + b
    p[i] ^= p[i % 2]            for every i >= 2 (the key bytes mask the rest)
    packet = [34, len(p)] + p   (protobuf field 4, length-delimited)
    token = base64(packet) with "+" -> "-", "/" -> "_", padding kept

Everything here is pure: the time and the random bytes can be passed in.
"""

from __future__ import annotations

import base64
import binascii
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "DEFAULT_CLIENT_STATE",
    "MAX_BINDING_BYTES",
    "PACKET_TAG",
    "ColdStartToken",
    "decode_cold_start_token",
    "encode_cold_start_token",
    "is_cold_start_token",
]

#: The first byte of every cold-start packet: protobuf field 4, wire type 2.
PACKET_TAG = 34
#: The longest content binding a cold-start token holds, in UTF-8 bytes.
MAX_BINDING_BYTES = 118
#: The client state byte web clients send.
DEFAULT_CLIENT_STATE = 1
_HEADER_BYTES = 8  # k0, k1, 0, client state, 4 bytes of time
_KEY_BYTES = 2


@dataclass(frozen=True)
class ColdStartToken:
    """A decoded cold-start token.

    :ivar binding: the content binding it was made for.
    :ivar timestamp: when it was made, in Unix seconds.
    :ivar keys: the two random key bytes.
    :ivar client_state: the client state byte.
    :ivar flags: the byte before the client state (always 0 from web clients).
    """

    binding: str
    timestamp: int
    keys: tuple[int, int]
    client_state: int = DEFAULT_CLIENT_STATE
    flags: int = 0


def encode_cold_start_token(
    binding: str,
    *,
    timestamp: int | None = None,
    keys: tuple[int, int] | bytes | None = None,
    client_state: int = DEFAULT_CLIENT_STATE,
    random_bytes: Callable[[int], bytes] = os.urandom,
    clock: Callable[[], float] = time.time,
) -> str:
    """Make a cold-start token for ``binding``.

    :param binding: the content binding (visitor data, visitor id, data sync id or video
        id), at most :data:`MAX_BINDING_BYTES` bytes of UTF-8.
    :param timestamp: Unix seconds; ``clock()`` when ``None``.
    :param keys: the two key bytes; ``random_bytes(2)`` when ``None``.
    :param client_state: the client state byte (0-255).
    :param random_bytes: the source of the key bytes (for tests).
    :param clock: the time source (for tests).
    :return: the token: web-safe base64 of the packet, padding kept.
    :raises ValueError: the binding is empty or too long, or a number is out of range.
    """
    raw = binding.encode("utf-8")
    if not raw:
        raise ValueError("a cold-start token needs a content binding")
    if len(raw) > MAX_BINDING_BYTES:
        raise ValueError(
            f"the content binding is {len(raw)} bytes of UTF-8; a cold-start token holds at "
            f"most {MAX_BINDING_BYTES}"
        )
    key = bytes(keys) if keys is not None else random_bytes(_KEY_BYTES)
    if len(key) != _KEY_BYTES:
        raise ValueError("a cold-start token takes exactly two key bytes")
    stamp = int(clock()) if timestamp is None else int(timestamp)
    if not 0 <= stamp < 2**32:
        raise ValueError("the timestamp must fit in four bytes")
    if not 0 <= client_state <= 255:
        raise ValueError("the client state is one byte (0-255)")
    payload = bytearray(key) + bytes([0, client_state]) + stamp.to_bytes(4, "big") + raw
    _mask(payload)
    packet = bytes([PACKET_TAG, len(payload)]) + payload
    return base64.urlsafe_b64encode(packet).decode("ascii")


def decode_cold_start_token(token: str) -> ColdStartToken:
    """Read a cold-start token back: undo the base64 and the XOR mask.

    :param token: web-safe or standard base64, with or without padding.
    :raises ValueError: it is not base64 of a cold-start packet, or its binding is not
        UTF-8.
    """
    packet = _b64decode(token)
    if len(packet) < 2 + _HEADER_BYTES or packet[0] != PACKET_TAG:
        raise ValueError("not a cold-start token (wrong tag or too short)")
    if packet[1] != len(packet) - 2:
        raise ValueError(
            f"not a cold-start token: the packet says {packet[1]} bytes follow, "
            f"{len(packet) - 2} do"
        )
    payload = bytearray(packet[2:])
    _mask(payload)  # XOR with the same key bytes undoes it
    try:
        binding = bytes(payload[_HEADER_BYTES:]).decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError("the cold-start token's binding is not UTF-8") from None
    return ColdStartToken(
        binding=binding,
        timestamp=int.from_bytes(payload[4:8], "big"),
        keys=(payload[0], payload[1]),
        client_state=payload[3],
        flags=payload[2],
    )


def is_cold_start_token(token: str) -> bool:
    """:return: whether ``token`` decodes as a cold-start token."""
    try:
        decode_cold_start_token(token)
    except ValueError:
        return False
    return True


def _mask(payload: bytearray) -> None:
    for i in range(_KEY_BYTES, len(payload)):
        payload[i] ^= payload[i % _KEY_BYTES]


def _b64decode(token: str) -> bytes:
    text = token.strip().replace("+", "-").replace("/", "_").replace(".", "=").rstrip("=")
    text += "=" * (-len(text) % 4)
    try:
        return base64.b64decode(text, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("not a cold-start token (not base64)") from None
