"""Cold-start PO tokens: known answers worked out by hand, the 118-byte limit, decoding."""

from __future__ import annotations

import base64

import pytest

from ytsession.youtube.innertube.potoken.coldstart import (
    MAX_BINDING_BYTES,
    ColdStartToken,
    decode_cold_start_token,
    encode_cold_start_token,
    is_cold_start_token,
)


def test_known_answer_for_a_short_binding_shows_the_xor_layout() -> None:
    # p = [k0=1, k1=2, 0, state=1] + ts=1 as [0, 0, 0, 1] + b"abc" (0x61 0x62 0x63);
    # from index 2 on, even indices are XORed with k0 and odd ones with k1:
    #   0^1=1, 1^2=3, 0^1=1, 0^2=2, 0^1=1, 1^2=3, 0x61^1=0x60, 0x62^2=0x60, 0x63^1=0x62
    expected_packet = bytes([34, 11, 1, 2, 1, 3, 1, 2, 1, 3, 0x60, 0x60, 0x62])
    token = encode_cold_start_token("abc", timestamp=1, keys=(1, 2))
    assert base64.urlsafe_b64decode(token) == expected_packet
    assert token == "IgsBAgEDAQIBA2BgYg=="


def test_known_answer_uses_web_safe_base64_and_keeps_padding() -> None:
    # ts 1700000000 = 0x6553F100; keys 0xFB, 0xFF; binding "dQw4w9WgXcQ".
    # Header: 0^FB=FB, 1^FF=FE, 65^FB=9E, 53^FF=AC, F1^FB=0A, 00^FF=FF.
    # Binding: d(64)^FB=9F Q(51)^FF=AE w(77)^FB=8C 4(34)^FF=CB w^FB=8C 9(39)^FF=C6
    #          W(57)^FB=AC g(67)^FF=98 X(58)^FB=A3 c(63)^FF=9C Q(51)^FB=AA
    header = [34, 19, 0xFB, 0xFF, 0xFB, 0xFE, 0x9E, 0xAC, 0x0A, 0xFF]
    binding = [0x9F, 0xAE, 0x8C, 0xCB, 0x8C, 0xC6, 0xAC, 0x98, 0xA3, 0x9C, 0xAA]
    expected_packet = bytes([*header, *binding])
    token = encode_cold_start_token("dQw4w9WgXcQ", timestamp=1700000000, keys=(0xFB, 0xFF))
    assert token == base64.urlsafe_b64encode(expected_packet).decode()
    assert token == "IhP7__v-nqwK_5-ujMuMxqyYo5yq"
    assert "+" not in token and "/" not in token


def test_decoding_reverses_the_xor() -> None:
    assert decode_cold_start_token("IhP7__v-nqwK_5-ujMuMxqyYo5yq") == ColdStartToken(
        binding="dQw4w9WgXcQ", timestamp=1700000000, keys=(0xFB, 0xFF), client_state=1
    )


def test_decoding_accepts_standard_base64_and_missing_padding() -> None:
    token = encode_cold_start_token("abc", timestamp=1, keys=(1, 2))
    assert decode_cold_start_token(token.rstrip("=")).binding == "abc"
    standard = base64.b64encode(base64.urlsafe_b64decode("IhP7__v-nqwK_5-ujMuMxqyYo5yq"))
    assert decode_cold_start_token(standard.decode()).binding == "dQw4w9WgXcQ"


def test_round_trip_keeps_visitor_data_client_state_and_time() -> None:
    visitor_data = "CgtYWFhYWFhYWFhYWCjAq7m2Bg%3D%3D"
    token = encode_cold_start_token(visitor_data, timestamp=1750000000, client_state=7)
    decoded = decode_cold_start_token(token)
    assert (decoded.binding, decoded.timestamp, decoded.client_state, decoded.flags) == (
        visitor_data,
        1750000000,
        7,
        0,
    )


def test_clock_and_random_bytes_are_injectable() -> None:
    token = encode_cold_start_token(
        "abc", clock=lambda: 1.9, random_bytes=lambda n: bytes([1, 2][:n])
    )
    assert token == "IgsBAgEDAQIBA2BgYg=="


def test_the_binding_holds_at_most_118_bytes() -> None:
    longest = "x" * MAX_BINDING_BYTES
    packet = base64.urlsafe_b64decode(encode_cold_start_token(longest, timestamp=0))
    assert MAX_BINDING_BYTES == 118
    assert packet[1] == 8 + 118 == len(packet) - 2
    assert decode_cold_start_token(base64.urlsafe_b64encode(packet).decode()).binding == longest
    with pytest.raises(ValueError, match="119 bytes"):
        encode_cold_start_token("x" * 119)


def test_the_limit_counts_utf8_bytes_not_characters() -> None:
    with pytest.raises(ValueError, match="120 bytes"):
        encode_cold_start_token("é" * 60)  # 60 characters, 120 bytes


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"binding": ""}, "needs a content binding"),
        ({"binding": "a", "keys": (1,)}, "two key bytes"),
        ({"binding": "a", "timestamp": -1}, "four bytes"),
        ({"binding": "a", "client_state": 256}, "one byte"),
    ],
)
def test_bad_input_is_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        encode_cold_start_token(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "token",
    [
        "not base64!",
        base64.urlsafe_b64encode(bytes([33, 8]) + bytes(8)).decode(),  # wrong tag
        base64.urlsafe_b64encode(bytes([34, 9]) + bytes(8)).decode(),  # says 9, has 8
        base64.urlsafe_b64encode(bytes([34, 3, 1, 2, 3])).decode(),  # too short
    ],
)
def test_what_is_not_a_cold_start_token(token: str) -> None:
    assert not is_cold_start_token(token)
    with pytest.raises(ValueError, match="not a cold-start token"):
        decode_cold_start_token(token)
