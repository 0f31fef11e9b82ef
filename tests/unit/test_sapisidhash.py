"""Known answers for the SAPISIDHASH header, computed here from the formula with hashlib."""

from __future__ import annotations

import hashlib

import pytest

from ytsession.youtube.cookies.accounts import DataSyncId, find_datasync_id, parse_datasync_id
from ytsession.youtube.cookies.sapisidhash import sapisidhash, sapisidhash_part

TS = 1700000000
ORIGIN = "https://www.youtube.com"
SAPISID = "SAPISID_VALUE"
P1 = "ONE_P_APISID_VALUE"
P3 = "THREE_P_APISID_VALUE"
USER = "112233445566778899000"


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()


def test_classic_single_part_is_ts_underscore_sha1_of_ts_value_origin() -> None:
    expected = f"SAPISIDHASH 1700000000_{sha1('1700000000 SAPISID_VALUE https://www.youtube.com')}"
    assert sapisidhash({"SAPISID": SAPISID}, ORIGIN, now=TS) == expected
    # spelled out once, so the formula itself is pinned and not only re-derived
    assert expected == "SAPISIDHASH 1700000000_a9c98f59449b5946d5a6773e5448ba7015de77d3"


def test_time_is_rounded_to_whole_seconds_as_yt_dlp_does() -> None:
    def stamp(now: float) -> str:
        value = sapisidhash({"SAPISID": SAPISID}, ORIGIN, now=now)
        assert value is not None
        return value.split(" ")[1].split("_")[0]

    assert stamp(TS + 0.4) == str(TS)
    assert stamp(TS + 0.999) == str(TS + 1)  # truncation would say TS


def test_3papisid_alone_signs_both_the_classic_and_the_3p_part() -> None:
    digest = sha1(f"{TS} {P3} {ORIGIN}")
    assert sapisidhash({"__Secure-3PAPISID": P3}, ORIGIN, now=TS) == (
        f"SAPISIDHASH {TS}_{digest} SAPISID3PHASH {TS}_{digest}"
    )


def test_all_three_cookies_give_three_parts_in_order() -> None:
    cookies = {"SAPISID": SAPISID, "__Secure-1PAPISID": P1, "__Secure-3PAPISID": P3}
    assert sapisidhash(cookies, ORIGIN, now=TS) == " ".join(
        [
            f"SAPISIDHASH {TS}_{sha1(f'{TS} {SAPISID} {ORIGIN}')}",
            f"SAPISID1PHASH {TS}_{sha1(f'{TS} {P1} {ORIGIN}')}",
            f"SAPISID3PHASH {TS}_{sha1(f'{TS} {P3} {ORIGIN}')}",
        ]
    )


def test_1papisid_alone_gives_only_the_1p_part() -> None:
    assert sapisidhash({"__Secure-1PAPISID": P1}, ORIGIN, now=TS) == (
        f"SAPISID1PHASH {TS}_{sha1(f'{TS} {P1} {ORIGIN}')}"
    )


def test_user_session_id_is_hashed_first_and_marks_each_part_with_u() -> None:
    cookies = {"SAPISID": SAPISID, "__Secure-1PAPISID": P1, "__Secure-3PAPISID": P3}
    assert sapisidhash(cookies, ORIGIN, user_session_id=USER, now=TS) == " ".join(
        [
            f"SAPISIDHASH {TS}_{sha1(f'{USER} {TS} {SAPISID} {ORIGIN}')}_u",
            f"SAPISID1PHASH {TS}_{sha1(f'{USER} {TS} {P1} {ORIGIN}')}_u",
            f"SAPISID3PHASH {TS}_{sha1(f'{USER} {TS} {P3} {ORIGIN}')}_u",
        ]
    )


def test_user_session_id_with_sapisid_only() -> None:
    assert sapisidhash({"SAPISID": SAPISID}, ORIGIN, user_session_id=USER, now=TS) == (
        f"SAPISIDHASH {TS}_{sha1(f'{USER} {TS} {SAPISID} {ORIGIN}')}_u"
    )


def test_the_origin_is_part_of_the_hash() -> None:
    music = "https://music.youtube.com"
    assert sapisidhash({"SAPISID": SAPISID}, music, now=TS) == (
        f"SAPISIDHASH {TS}_{sha1(f'{TS} {SAPISID} {music}')}"
    )


def test_no_apisid_cookie_gives_none_and_other_cookies_are_ignored() -> None:
    assert sapisidhash({}, ORIGIN, now=TS) is None
    assert sapisidhash({"SID": "x", "LOGIN_INFO": "y", "SAPISID": ""}, ORIGIN, now=TS) is None


def test_one_part_builder_matches_the_header() -> None:
    assert sapisidhash_part("SAPISIDHASH", SAPISID, ORIGIN, ts=TS) == sapisidhash(
        {"SAPISID": SAPISID}, ORIGIN, now=TS
    )


@pytest.mark.parametrize(
    ("value", "user", "delegated"),
    [
        ("AAA||BBB", "BBB", "AAA"),
        ("AAA||", "AAA", None),
        ("AAA", "AAA", None),
        ("", None, None),
        ("||BBB", "BBB", None),
    ],
)
def test_data_sync_id_forms(value: str, user: str | None, delegated: str | None) -> None:
    parsed = parse_datasync_id(value)
    assert parsed == DataSyncId(user_session_id=user, delegated_session_id=delegated)


def test_data_sync_id_found_in_an_answer_and_in_a_page_config() -> None:
    answer = {"responseContext": {"mainAppWebResponseContext": {"datasyncId": "A||B"}}}
    assert find_datasync_id(answer) == "A||B"
    assert find_datasync_id(answer["responseContext"]) == "A||B"
    page = '<script>ytcfg.set({"DATASYNC_ID":"123\\u007c\\u007c","LOGGED_IN":true});</script>'
    assert find_datasync_id(page) == "123||"
    assert find_datasync_id(b'{"responseContext":{"x":1}}') is None
    assert find_datasync_id({"responseContext": {}}) is None


@pytest.mark.parametrize("value", ["111||", "222||111", "987654321"])
def test_a_data_sync_id_keeps_the_form_it_was_given(value: str) -> None:
    # PO tokens are bound to the whole id as the page gives it.
    assert str(parse_datasync_id(f"  {value} ")) == value
    assert str(DataSyncId(user_session_id="987654321")) == "987654321||"  # built from parts
