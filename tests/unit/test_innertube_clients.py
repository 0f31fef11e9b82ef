"""The client table and the pure context and header builders (no network)."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timezone

import pytest

from ytsession.errors import UnknownClientError
from ytsession.youtube.innertube import (
    CLIENTS,
    ContextSettings,
    build_context,
    build_headers,
    client_profile,
    endpoint_url,
    utc_offset_minutes,
)

# Client numbers as YouTube's own apps send them (X-YouTube-Client-Name).
KNOWN_NUMBERS = {
    "WEB": 1,
    "MWEB": 2,
    "ANDROID": 3,
    "IOS": 5,
    "TVHTML5": 7,
    "ANDROID_CREATOR": 14,
    "ANDROID_MUSIC": 21,
    "ANDROID_VR": 28,
    "WEB_EMBEDDED_PLAYER": 56,
    "WEB_CREATOR": 62,
    "WEB_REMIX": 67,
    "TVHTML5_SIMPLY": 75,
    "WEB_KIDS": 76,
    "TVHTML5_SIMPLY_EMBEDDED_PLAYER": 85,
    "VISIONOS": 101,
}


def test_the_table_has_every_client_with_its_number() -> None:
    assert {name: CLIENTS[name].number for name in KNOWN_NUMBERS} == KNOWN_NUMBERS
    for name, profile in CLIENTS.items():
        assert profile.name == name
        assert profile.version and profile.user_agent


def test_every_client_but_youtube_music_calls_www_youtube_com() -> None:
    # MWEB too: both peers send it to www.youtube.com, not m.youtube.com.
    assert {n for n, p in CLIENTS.items() if p.host != "www.youtube.com"} == {"WEB_REMIX"}
    assert CLIENTS["MWEB"].origin == "https://www.youtube.com"


def test_every_row_says_where_its_version_came_from() -> None:
    for profile in CLIENTS.values():
        peer, _, name = profile.version_source.partition(": ")
        assert peer and name, profile.name
    assert client_profile("WEB", version="2.1").version_source == ""


def test_only_the_tv_clients_accept_oauth() -> None:
    assert {n for n, p in CLIENTS.items() if p.accepts_oauth} == {
        "TVHTML5",
        "TVHTML5_SIMPLY",
        "TVHTML5_SIMPLY_EMBEDDED_PLAYER",
    }
    assert CLIENTS["WEB"].accepts_cookies and not CLIENTS["ANDROID_VR"].accepts_cookies


def test_lookup_takes_any_case_aliases_and_a_version_override() -> None:
    assert client_profile("tvhtml5") is CLIENTS["TVHTML5"]
    assert client_profile("TV") is CLIENTS["TVHTML5"]
    assert client_profile("ytmusic").host == "music.youtube.com"
    pinned = client_profile("WEB", version="2.20990101.00.00")
    assert pinned.version == "2.20990101.00.00"
    assert CLIENTS["WEB"].version != pinned.version  # the table is untouched
    assert client_profile(pinned) is pinned
    with pytest.raises(UnknownClientError, match="ANDROID_VR"):
        client_profile("NOKIA_3310")


def test_context_of_an_android_client_carries_its_device_fields() -> None:
    settings = ContextSettings(visitor_data="VD", rollout_token="RT", app_install_data="AID")
    context = build_context(CLIENTS["ANDROID_VR"], settings)
    client = context["client"]
    assert client["clientName"] == "ANDROID_VR"
    assert (client["deviceMake"], client["deviceModel"]) == ("Oculus", "Quest 3")
    assert (client["osName"], client["osVersion"]) == ("Android", "12L")
    assert client["androidSdkVersion"] == 32
    assert (client["visitorData"], client["rolloutToken"]) == ("VD", "RT")
    assert client["configInfo"] == {"appInstallData": "AID"}
    assert "thirdParty" not in context


def test_context_leaves_out_what_is_unknown_and_embeds_where_needed() -> None:
    tv = build_context(CLIENTS["TVHTML5"], ContextSettings())["client"]
    assert "osName" not in tv and "visitorData" not in tv and "configInfo" not in tv
    assert tv["platform"] == "TV"
    embedded = build_context(CLIENTS["WEB_EMBEDDED_PLAYER"], ContextSettings())
    assert embedded["thirdParty"] == {"embedUrl": "https://www.youtube.com/"}


def test_headers_name_the_client_and_its_origin() -> None:
    headers = build_headers(CLIENTS["WEB_REMIX"], ContextSettings(visitor_data="VD", lang="fr"))
    assert headers["X-YouTube-Client-Name"] == "67"
    assert headers["X-YouTube-Client-Version"] == CLIENTS["WEB_REMIX"].version
    assert headers["Origin"] == headers["X-Origin"] == "https://music.youtube.com"
    assert headers["X-Goog-Visitor-Id"] == "VD"
    assert headers["Accept-Language"] == "fr"
    assert "Authorization" not in headers
    assert "X-Goog-Visitor-Id" not in build_headers(CLIENTS["WEB"], ContextSettings())


def test_endpoint_urls() -> None:
    assert endpoint_url(CLIENTS["WEB"], "browse") == (
        "https://www.youtube.com/youtubei/v1/browse?prettyPrint=false"
    )
    assert endpoint_url(CLIENTS["WEB_REMIX"], "/youtubei/v1/next/") == (
        "https://music.youtube.com/youtubei/v1/next?prettyPrint=false"
    )
    assert endpoint_url(CLIENTS["WEB_REMIX"], "account/account_menu", "http://127.0.0.1:9/") == (
        "http://127.0.0.1:9/youtubei/v1/account/account_menu?prettyPrint=false"
    )
    with pytest.raises(ValueError):
        endpoint_url(CLIENTS["WEB"], "browse?key=x")


def test_utc_offset_follows_daylight_saving_time() -> None:
    winter = datetime(2025, 1, 15, 12, tzinfo=timezone.utc)
    summer = datetime(2025, 7, 15, 12, tzinfo=timezone.utc)
    try:
        assert utc_offset_minutes("Europe/Berlin", winter) == 60
    except ValueError:
        pytest.skip("this system has no time zone database")
    assert utc_offset_minutes("Europe/Berlin", summer) == 120
    assert utc_offset_minutes("America/St_Johns", winter) == -210
    assert utc_offset_minutes("UTC") == 0


def test_importing_the_client_table_loads_no_http_library() -> None:
    code = (
        "import sys, ytsession.youtube.innertube as it; it.CLIENTS; it.build_context; "
        "print('requests' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
