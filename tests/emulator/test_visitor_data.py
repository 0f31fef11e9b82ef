"""Visitor data encode/decode: known answers, real-world shapes, and what the server sends.

Every expected value here was worked out from the bytes by hand (protobuf field 1 = the
visitor id, field 5 = the timestamp as a varint), not produced by the code under test.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from urllib.parse import unquote

import pytest

from ytsession.youtube.innertube.visitor import (
    VisitorData,
    decode_visitor_data,
    encode_visitor_data,
    generate_visitor_data,
    is_newer_visitor_data,
    new_visitor_id,
    parse_config,
    parse_embed_page,
    parse_sw_js_data,
)

# 0A 0B "AAAAAAAAAAA" 28 00: 15 bytes, so no padding.
ZERO_TIME = "CgtBQUFBQUFBQUFBQSgA"
# 0A 0B "abcdefghijk" 28 80 E2 CF AA 06 (1700000000 as a varint): 19 bytes, "==" padding,
# and a "+" of standard base64 that the web-safe alphabet writes as "-".
ABC_2023 = "CgthYmNkZWZnaGlqayiA4s-qBg%3D%3D"
ABC_2023_STANDARD = "CgthYmNkZWZnaGlqayiA4s+qBg=="
# What YouTube hands out: fields 1 and 5, then field 6, a nested message
# (0A 02 "DE" 12 04 1A 00 20 2A), as responseContext.visitorData carries it.
REAL_WORLD_SHAPED = "CgtaeDlfLVF3M0xtUCiAi9K7BjIKCgJERRIEGgAgKg%3D%3D"
REAL_WORLD_BYTES = bytes.fromhex(
    "0a0b 5a78395f2d5177334c6d50 28 808bd2bb06 32 0a 0a02 4445 1204 1a00 202a".replace(" ", "")
)


def test_encoding_a_visitor_id_and_timestamp_gives_the_known_answer() -> None:
    assert encode_visitor_data("AAAAAAAAAAA", 0) == ZERO_TIME
    assert encode_visitor_data("abcdefghijk", 1_700_000_000) == ABC_2023


def test_encoding_is_web_safe_base64_with_percent_encoded_padding() -> None:
    encoded = encode_visitor_data("abcdefghijk", 1_700_000_000)
    assert "+" not in encoded and "/" not in encoded and "=" not in encoded
    assert encoded.endswith("%3D%3D")
    raw = base64.urlsafe_b64decode(unquote(encoded))
    assert raw == b"\x0a\x0babcdefghijk\x28\x80\xe2\xcf\xaa\x06"


def test_decoding_the_known_answers_gives_back_id_and_timestamp() -> None:
    assert decode_visitor_data(ZERO_TIME) == VisitorData("AAAAAAAAAAA", 0)
    assert decode_visitor_data(ABC_2023) == VisitorData("abcdefghijk", 1_700_000_000)


@pytest.mark.parametrize(
    "spelling",
    [
        ABC_2023,  # as YouTube sends it
        unquote(ABC_2023),  # percent-decoded
        unquote(ABC_2023).rstrip("="),  # padding dropped
        ABC_2023_STANDARD,  # standard base64 alphabet
        f"  {ABC_2023}\n",  # pasted with whitespace
    ],
)
def test_decoding_accepts_every_spelling_people_paste(spelling: str) -> None:
    assert decode_visitor_data(spelling) == VisitorData("abcdefghijk", 1_700_000_000)


def test_decoding_a_real_world_shaped_value_keeps_the_extra_protobuf_fields() -> None:
    assert base64.urlsafe_b64decode(unquote(REAL_WORLD_SHAPED)) == REAL_WORLD_BYTES
    decoded = decode_visitor_data(REAL_WORLD_SHAPED)
    assert decoded.visitor_id == "Zx9_-Qw3LmP"
    assert decoded.timestamp == 1_735_689_600  # 2025-01-01T00:00:00Z
    assert decoded.extra == bytes.fromhex("320a0a02444512041a00202a")
    assert decoded.extra_fields() == [(6, bytes.fromhex("0a024445 12041a00202a".replace(" ", "")))]
    # Encoding it again gives the very same string: nothing is lost.
    assert decoded.encode() == REAL_WORLD_SHAPED


def test_decoding_finds_the_fields_in_any_order_and_skips_unknown_wire_types() -> None:
    # field 6 (a varint, 7) before field 5, and a fixed32 field 9 at the end
    raw = b"\x0a\x0bAAAAAAAAAAA" + b"\x30\x07" + b"\x28\x01" + b"\x4d\x01\x02\x03\x04"
    value = base64.urlsafe_b64encode(raw).decode()
    decoded = decode_visitor_data(value)
    assert (decoded.visitor_id, decoded.timestamp) == ("AAAAAAAAAAA", 1)
    assert decoded.extra_fields() == [(6, 7), (9, 0x04030201)]


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "not base64 at all!",
        "Cg",  # truncated inside field 1
        base64.urlsafe_b64encode(b"\x0a\x0bAAAAAAAAAAA").decode(),  # no timestamp
        base64.urlsafe_b64encode(b"\x28\x05").decode(),  # no visitor id
        base64.urlsafe_b64encode(b"\x0a\x0bAAAAAAAAAAA\x28\xff").decode(),  # broken varint
        base64.urlsafe_b64encode(b"\x0a\x0bAAAAAAAAAAA\x28\x01\x0f").decode(),  # wire type 7
    ],
)
def test_decoding_garbage_raises_value_error(garbage: str) -> None:
    with pytest.raises(ValueError):
        decode_visitor_data(garbage)


@pytest.mark.parametrize("bad_id", ["short", "twelve-chars", "with space!", "ÄÄÄÄÄÄÄÄÄÄÄ"])
def test_encoding_refuses_a_visitor_id_that_is_not_11_safe_characters(bad_id: str) -> None:
    with pytest.raises(ValueError, match="11 characters"):
        encode_visitor_data(bad_id, 0)


def test_generated_visitor_data_decodes_to_a_fresh_random_id() -> None:
    before = int(time.time())
    first = decode_visitor_data(generate_visitor_data())
    second = decode_visitor_data(generate_visitor_data())
    assert first.visitor_id != second.visitor_id
    assert before <= first.timestamp <= int(time.time())
    assert len(new_visitor_id()) == 11


def test_newer_visitor_data_is_judged_by_its_timestamp() -> None:
    old = encode_visitor_data("AAAAAAAAAAA", 1_000)
    new = encode_visitor_data("BBBBBBBBBBB", 2_000)
    assert is_newer_visitor_data(new, old)
    assert not is_newer_visitor_data(old, new)
    assert not is_newer_visitor_data(old, old)
    assert is_newer_visitor_data(new, "")
    assert is_newer_visitor_data("opaque-but-different", old)  # undecodable: trust the server


# --- what the server sends -----------------------------------------------------------------


def _sw_js_data(info: list[object]) -> str:
    # data[0][2] is [[device_info, ...], api_key, ...], as YouTube serves it
    return ")]}'\n" + json.dumps([["data", None, [[info], "api-key", None]]])


def test_sw_js_data_gives_visitor_data_rollout_token_and_app_install_data() -> None:
    info: list[object] = [None] * 110
    info[0], info[1] = "en", "US"
    info[3] = "203.0.113.7"
    info[13] = ABC_2023
    info[16] = "2.20260301.00.00"
    info[61] = [None, None, None, None, None, "app-install-data-xyz"]  # as recorded
    info[103] = "device-exp-1"
    info[107] = "rollout-token-abc"
    data = parse_sw_js_data(_sw_js_data(info), now=42.0)
    assert data.visitor_data == ABC_2023
    assert data.rollout_token == "rollout-token-abc"
    assert data.app_install_data == "app-install-data-xyz"
    assert data.device_experiment_id == "device-exp-1"
    assert data.client_version == "2.20260301.00.00"
    assert data.remote_host == "203.0.113.7"
    assert (data.source, data.fetched_at) == ("sw.js_data", 42.0)


def test_sw_js_data_in_the_sparse_form_real_servers_send_gives_every_value() -> None:
    # JSPB's sparse form: 46 listed fields, then the later ones keyed by field number
    info: list[object] = [None] * 46
    info[3] = "2001:db8::7"
    info[13] = ABC_2023
    info[16] = "2.20260630.03.00"
    info.append(
        {
            "62": [None, None, None, None, None, "app-install-data-xyz"],
            "104": "device-exp-1",
            "108": "rollout-token-abc",
        }
    )
    data = parse_sw_js_data(_sw_js_data(info))
    assert data.visitor_data == ABC_2023
    assert data.rollout_token == "rollout-token-abc"
    assert data.app_install_data == "app-install-data-xyz"
    assert data.device_experiment_id == "device-exp-1"
    assert data.client_version == "2.20260630.03.00"
    assert data.remote_host == "2001:db8::7"


def test_a_sw_js_data_value_missing_is_named_at_debug_and_the_rest_is_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    info: list[object] = [None] * 46
    info[13] = ABC_2023
    info[16] = "2.20260630.03.00"
    info.append({"104": "device-exp-1"})
    with caplog.at_level(logging.DEBUG, logger="ytsession"):
        data = parse_sw_js_data(_sw_js_data(info))
    assert (data.visitor_data, data.device_experiment_id) == (ABC_2023, "device-exp-1")
    assert data.rollout_token == data.app_install_data == data.remote_host == ""
    (line,) = [r.getMessage() for r in caplog.records if "sw.js_data" in r.getMessage()]
    assert "rollout_token" in line and "app_install_data" in line and "remote_host" in line
    assert "device_experiment_id" not in line and "client_version" not in line
    assert all(r.levelno == logging.DEBUG for r in caplog.records)


def test_sw_js_data_of_an_older_shorter_layout_still_gives_visitor_data() -> None:
    info: list[object] = [None] * 20
    info[13] = ABC_2023
    data = parse_sw_js_data(_sw_js_data(info))
    assert data.visitor_data == ABC_2023
    assert data.rollout_token == data.app_install_data == ""


@pytest.mark.parametrize("body", ["", ")]}'", ")]}'\n[]", ')]}\'\n{"a": 1}', "<html>"])
def test_sw_js_data_of_an_unknown_shape_raises_value_error(body: str) -> None:
    with pytest.raises(ValueError):
        parse_sw_js_data(body)


def test_embed_page_gives_visitor_data_and_rollout_token() -> None:
    html = (
        '<html><script>ytcfg.set({"INNERTUBE_CONTEXT":{"client":{"hl":"en",'
        f'"visitorData":"{ABC_2023}","rolloutToken":"roll\\u002Dout"}}}})</script></html>'
    )
    data = parse_embed_page(html)
    assert data.visitor_data == ABC_2023
    assert data.rollout_token == "roll-out"
    assert data.source == "embed"
    with pytest.raises(ValueError):
        parse_embed_page("<html>no data here</html>")


def test_config_answer_gives_config_info_pieces() -> None:
    answer = {
        "configData": "top-config",
        "responseContext": {
            "globalConfigGroup": {
                "rawColdConfigGroup": {"configData": "cold-config"},
                "coldHashData": "cold-hash",
                "hotHashData": "hot-hash",
            }
        },
    }
    assert parse_config(answer) == {
        "config_data": "top-config",
        "cold_config_data": "cold-config",
        "cold_hash_data": "cold-hash",
        "hot_hash_data": "hot-hash",
    }
    assert parse_config({}) == dict.fromkeys(
        ("config_data", "cold_config_data", "cold_hash_data", "hot_hash_data"), ""
    )
