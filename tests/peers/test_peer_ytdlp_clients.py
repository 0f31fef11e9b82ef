"""The client table judged by the pinned yt-dlp's ``INNERTUBE_CLIENTS`` (and the pins).

Every row whose ``version_source`` names yt-dlp carries that release's client name, number,
version, host and (where yt-dlp sets one) user agent; every client yt-dlp knows is in the
table with yt-dlp's number; and the releases the table names are the ones installed.
"""

from __future__ import annotations

import json

import pytest

from ytsession.youtube.innertube import CLIENTS
from ytsession.youtube.innertube.clients import SW_JS_DATA, YOUTUBE_JS, YT_DLP

from tests._support.peers_support import PEERS_DIR, require_yt_dlp

FROM_YT_DLP = [p for p in CLIENTS.values() if p.version_source.startswith(f"{YT_DLP}: ")]


def _ytdlp_clients() -> dict[str, dict[str, object]]:
    require_yt_dlp()
    from yt_dlp.extractor.youtube._base import INNERTUBE_CLIENTS

    return INNERTUBE_CLIENTS


def test_the_table_names_the_installed_peer_releases() -> None:
    require_yt_dlp()
    import yt_dlp.version

    assert f"yt-dlp {yt_dlp.version.__version__}" == YT_DLP
    pins = json.loads((PEERS_DIR / "package.json").read_text())["dependencies"]
    assert f"youtubei.js {pins['youtubei.js']}" == YOUTUBE_JS
    for profile in CLIENTS.values():
        assert profile.version_source.split(": ")[0] in (YT_DLP, YOUTUBE_JS), profile.name
    assert SW_JS_DATA == "sw.js_data"


@pytest.mark.parametrize("profile", FROM_YT_DLP, ids=lambda p: p.name)
def test_a_row_taken_from_yt_dlp_is_yt_dlps(profile: object) -> None:
    from ytsession.youtube.innertube import ClientProfile

    assert isinstance(profile, ClientProfile)
    key = profile.version_source.partition(": ")[2]
    config = _ytdlp_clients()[key]
    client = config["INNERTUBE_CONTEXT"]["client"]  # type: ignore[index]
    assert client["clientName"] == profile.name
    assert client["clientVersion"] == profile.version
    assert config["INNERTUBE_CONTEXT_CLIENT_NAME"] == profile.number
    assert config["INNERTUBE_HOST"] == profile.host
    if "userAgent" in client and profile.platform != "DESKTOP":
        assert client["userAgent"] == profile.user_agent
    for field, ours in (
        ("androidSdkVersion", profile.android_sdk_version),
        ("deviceMake", profile.device_make),
        ("deviceModel", profile.device_model),
        ("osName", profile.os_name),
        ("osVersion", profile.os_version),
    ):
        if field in client:
            assert client[field] == ours, field


def test_every_yt_dlp_client_is_in_the_table_with_its_number() -> None:
    for key, config in _ytdlp_clients().items():
        name = config["INNERTUBE_CONTEXT"]["client"]["clientName"]  # type: ignore[index]
        assert name in CLIENTS, f"yt-dlp's {key} ({name}) is missing from the table"
        assert CLIENTS[name].number == config["INNERTUBE_CONTEXT_CLIENT_NAME"], key


def test_android_vr_stays_at_1_65_like_both_peers() -> None:
    assert CLIENTS["ANDROID_VR"].version.startswith("1.65.")
    assert _ytdlp_clients()["android_vr"]["INNERTUBE_CONTEXT"]["client"][  # type: ignore[index]
        "clientVersion"
    ].startswith("1.65.")
