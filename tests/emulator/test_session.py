"""The InnerTube Session as scripts, cron jobs and REPL users live it.

Every test talks HTTP to the loopback emulator; nothing in ``requests`` is patched.
"""

from __future__ import annotations

import json
import os
import stat
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import ytsession
import ytsession.youtube
from ytsession import (
    InnerTubeError,
    LoginRequiredError,
    NetworkError,
    OAuthCredentials,
    RefreshingToken,
    RetryPolicy,
    Session,
)
from ytsession.errors import ClientNotSupportedError, ClientNotSupportedWarning, UnknownClientError
from ytsession.testing import EMULATED_ACCOUNT_NAME, Emulator
from ytsession.youtube.innertube import SessionCache, decode_visitor_data

from tests._support.support import logged_in_token

#: Retries that keep tests fast: tiny backoff.
FAST = RetryPolicy(total=2, backoff=0.01)


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private session data cache for the test."""
    directory = tmp_path / "cache"
    monkeypatch.setenv("YTSESSION_CACHE_DIR", str(directory))
    return directory


@pytest.fixture
def token(emu: Emulator, credentials: OAuthCredentials, tmp_path: Path) -> RefreshingToken:
    """A real emulator login, stored in a token file, valid for an hour."""
    return logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)


@pytest.fixture
def open_sessions() -> Iterator[list[Session]]:
    sessions: list[Session] = []
    yield sessions
    for session in sessions:
        session.close()


def make(emu: Emulator, open_sessions: list[Session], **options: Any) -> Session:
    options.setdefault("retry", FAST)
    session = Session.create(base_url=emu.url, **options)
    open_sessions.append(session)
    return session


def innertube_requests(emu: Emulator, endpoint: str) -> list[Any]:
    return emu.requests_to(f"/youtubei/v1/{endpoint}")


# --- session data: fetched, generated, cached ------------------------------------------------


def test_new_session_fetches_visitor_data_and_rollout_token(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)

    assert session.visitor_data == emu.innertube.issued_visitor_data[0]
    assert session.rollout_token == emu.innertube.issued_rollout_tokens[0]
    assert session.session_data.source == "sw.js_data"
    client = session.context["client"]
    assert client["visitorData"] == session.visitor_data
    assert client["rolloutToken"] == session.rollout_token
    assert client["configInfo"]["appInstallData"] == emu.innertube.app_install_data
    (fetch,) = emu.requests_to("/sw.js_data")
    assert fetch.header("Referer") == f"{emu.url}/sw.js"
    assert fetch.header("Accept-Language") == "en"

    session.call("browse", {"browseId": "FEwhat_to_watch"})
    (call,) = innertube_requests(emu, "browse")
    assert call.query == {"prettyPrint": "false"}
    assert call.header("X-Goog-Visitor-Id") == session.visitor_data
    assert call.json["context"]["client"]["visitorData"] == session.visitor_data


def test_web_session_takes_the_web_version_the_server_names_unless_overridden(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    emu.innertube.web_client_version = "2.20991231.00.00"
    fetched = make(emu, open_sessions)
    assert fetched.client_version == "2.20991231.00.00"
    assert fetched.client.version_source == "sw.js_data"
    assert make(emu, open_sessions).client.version_source == "sw.js_data"  # from the cache
    pinned = make(emu, open_sessions, client_version="2.20260101.00.00", cache=False)
    assert pinned.client_version == "2.20260101.00.00"
    assert pinned.client.version_source == ""
    pinned.call("browse")
    assert innertube_requests(emu, "browse")[-1].header("X-YouTube-Client-Version") == (
        "2.20260101.00.00"
    )


def test_without_sw_js_data_the_session_reads_the_embed_page(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    emu.innertube.serve_sw_js_data = False
    session = make(emu, open_sessions)
    assert session.session_data.source == "embed"
    assert session.visitor_data == emu.innertube.issued_visitor_data[-1]
    assert session.rollout_token == emu.innertube.issued_rollout_tokens[-1]
    assert len(emu.requests_to("/sw.js_data")) == 1


def test_no_source_of_visitor_data_gives_an_error_that_names_the_way_out(
    emu: Emulator, cache_dir: Path
) -> None:
    emu.innertube.serve_sw_js_data = False
    emu.innertube.serve_embed_page = False
    with pytest.raises(InnerTubeError, match="generate_session_locally=True"):
        Session.create(base_url=emu.url, retry=FAST)


def test_generate_session_locally_asks_the_server_for_nothing(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions, generate_session_locally=True)
    assert emu.log == []
    decoded = decode_visitor_data(session.visitor_data)
    assert abs(decoded.timestamp - time.time()) < 60
    assert session.session_data.source == "local"
    assert session.rollout_token == ""
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_given_visitor_data_is_used_as_it_is(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    mine = "CgtBQUFBQUFBQUFBQSgA"
    session = make(emu, open_sessions, visitor_data=mine)
    assert session.visitor_data == mine
    assert emu.requests_to("/sw.js_data") == []


def test_a_second_run_of_a_cron_job_reuses_the_cached_session_data(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    first = make(emu, open_sessions)
    second = make(emu, open_sessions)
    assert len(emu.requests_to("/sw.js_data")) == 1
    assert second.visitor_data == first.visitor_data
    assert second.rollout_token == first.rollout_token
    (cache_file,) = cache_dir.glob("session-*.json")
    assert stat.S_IMODE(os.stat(cache_file).st_mode) == 0o600
    envelope = json.loads(cache_file.read_text())
    assert envelope["format"] == "ytsession.youtube.session-data"
    assert envelope["version"] == 1
    assert envelope["key"]["client"] == "WEB"


def test_the_cache_is_keyed_by_language_location_client_and_account(
    emu: Emulator,
    cache_dir: Path,
    open_sessions: list[Session],
    token: RefreshingToken,
) -> None:
    make(emu, open_sessions)
    make(emu, open_sessions, lang="de")
    make(emu, open_sessions, location="DE")
    make(emu, open_sessions, client="ANDROID_VR")
    make(emu, open_sessions, auth=token)
    make(emu, open_sessions, lang="de")  # a hit
    assert len(emu.requests_to("/sw.js_data")) == 5
    assert len(list(cache_dir.glob("session-*.json"))) == 5


def test_cached_session_data_older_than_the_ttl_is_fetched_again(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    first = make(emu, open_sessions, cache_ttl=3600)
    later = SessionCache(cache_dir, ttl=3600, clock=lambda: time.time() + 3601)
    second = make(emu, open_sessions, cache=later)
    assert len(emu.requests_to("/sw.js_data")) == 2
    assert second.visitor_data != first.visitor_data
    # ... and the fresh data replaced the old entry.
    third = make(emu, open_sessions, cache=later)
    assert third.visitor_data == second.visitor_data
    assert len(emu.requests_to("/sw.js_data")) == 2


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "{not json",
        "[1, 2, 3]",
        '{"format": "ytsession.youtube.session-data", "version": 1, "key": {}, "data": {}}',
        "\x00\xff\xfe",
    ],
)
@pytest.mark.slow
def test_a_corrupt_cache_file_is_ignored_and_rewritten(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], garbage: str
) -> None:
    make(emu, open_sessions)
    (cache_file,) = cache_dir.glob("session-*.json")
    cache_file.write_text(garbage, encoding="latin-1")

    session = make(emu, open_sessions)

    assert len(emu.requests_to("/sw.js_data")) == 2
    envelope = json.loads(cache_file.read_text())
    assert envelope["data"]["visitor_data"] == session.visitor_data


def test_a_corrupt_cache_entry_with_the_right_key_is_ignored_too(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    make(emu, open_sessions)
    (cache_file,) = cache_dir.glob("session-*.json")
    envelope = json.loads(cache_file.read_text())
    envelope["data"] = {"visitor_data": 12345}
    cache_file.write_text(json.dumps(envelope))
    session = make(emu, open_sessions)
    assert isinstance(session.visitor_data, str) and session.visitor_data
    assert len(emu.requests_to("/sw.js_data")) == 2


def test_cache_false_neither_reads_nor_writes(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    make(emu, open_sessions, cache=False)
    make(emu, open_sessions, cache=False)
    assert len(emu.requests_to("/sw.js_data")) == 2
    assert not cache_dir.exists() or not any(cache_dir.iterdir())


def test_retrieve_config_fills_config_info_and_is_cached(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions, retrieve_config=True)
    info = session.context["client"]["configInfo"]
    assert info["coldConfigData"] == "CAMSFRUY-emulated-cold-config"
    assert info["coldHashData"] == "CAMSEhUY-emulated-cold-hash"
    assert info["hotHashData"] == "CAMSFBUY-emulated-hot-hash"
    assert session.session_data.config_data == "CAMSEg0Z-emulated-config-data"
    again = make(emu, open_sessions, retrieve_config=True)
    assert again.context["client"]["configInfo"] == info
    assert len(innertube_requests(emu, "config")) == 1


# --- context ---------------------------------------------------------------------------------


def test_the_context_carries_language_location_time_zone_and_user_settings(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(
        emu,
        open_sessions,
        lang="de",
        location="DE",
        tz="Europe/Berlin",
        enable_safety_mode=True,
        on_behalf_of_user="112233445566778899000",
        user_agent="my-script/1.0",
    )
    session.call("browse")
    body = innertube_requests(emu, "browse")[-1].json
    client = body["context"]["client"]
    assert (client["hl"], client["gl"], client["timeZone"]) == ("de", "DE", "Europe/Berlin")
    assert client["utcOffsetMinutes"] in (60, 120)
    assert client["userAgent"] == "my-script/1.0"
    assert body["context"]["user"] == {
        "enableSafetyMode": True,
        "lockedSafetyMode": False,
        "onBehalfOfUser": "112233445566778899000",
    }
    assert body["context"]["request"]["useSsl"] is True
    assert innertube_requests(emu, "browse")[-1].header("User-Agent") == "my-script/1.0"


def test_an_unknown_time_zone_or_client_is_refused_before_any_request(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="time zone"):
        Session.create(base_url=emu.url, tz="Mars/Olympus_Mons")
    with pytest.raises(UnknownClientError, match="TVHTML5"):
        Session.create(base_url=emu.url, client="NOKIA_3310")
    assert emu.log == []


def test_a_per_call_client_gets_its_own_context_and_headers_and_leaves_the_session_alone(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    before = session.context

    session.call("player", {"videoId": "dQw4w9WgXcQ"}, client="ANDROID_VR")
    session.call("player", {"videoId": "dQw4w9WgXcQ"}, client="WEB_EMBEDDED_PLAYER")
    session.call("player", {"videoId": "dQw4w9WgXcQ"})

    vr, embedded, own = innertube_requests(emu, "player")
    assert vr.json["context"]["client"]["clientName"] == "ANDROID_VR"
    assert vr.json["context"]["client"]["androidSdkVersion"] == 32
    assert vr.header("X-YouTube-Client-Name") == "28"
    assert vr.header("User-Agent").startswith("com.google.android.apps.youtube.vr")
    assert vr.json["context"]["client"]["visitorData"] == session.visitor_data
    assert embedded.json["context"]["thirdParty"] == {"embedUrl": "https://www.youtube.com/"}
    assert embedded.header("X-YouTube-Client-Name") == "56"
    assert own.json["context"]["client"]["clientName"] == "WEB"
    assert own.header("X-YouTube-Client-Name") == "1"
    assert "thirdParty" not in own.json["context"]
    assert session.context == before
    assert session.client_name == "WEB"


def test_a_payload_context_is_merged_over_the_session_context(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    session.call("browse", {"context": {"client": {"clientScreen": "WATCH"}}, "browseId": "x"})
    body = innertube_requests(emu, "browse")[-1].json
    assert body["context"]["client"]["clientScreen"] == "WATCH"
    assert body["context"]["client"]["clientName"] == "WEB"
    assert body["browseId"] == "x"


def test_po_token_goes_into_service_integrity_dimensions_on_player_calls_only(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions, po_token="MnQ-emulated-po-token")
    session.call("player", {"videoId": "dQw4w9WgXcQ"})
    session.call("next", {"videoId": "dQw4w9WgXcQ"})
    player = innertube_requests(emu, "player")[-1].json
    assert player["serviceIntegrityDimensions"] == {"poToken": "MnQ-emulated-po-token"}
    assert "serviceIntegrityDimensions" not in innertube_requests(emu, "next")[-1].json


def test_newer_visitor_data_from_an_answer_is_adopted_and_cached(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    first = session.visitor_data
    emu.innertube.rotate_visitor_data = True

    answer = session.call("browse")

    newer = answer["responseContext"]["visitorData"]
    assert newer != first
    assert session.visitor_data == newer
    assert decode_visitor_data(newer).timestamp > decode_visitor_data(first).timestamp
    emu.innertube.rotate_visitor_data = False
    session.call("browse")
    assert innertube_requests(emu, "browse")[-1].header("X-Goog-Visitor-Id") == newer
    session.close()  # stores what waited for the end of the cache write interval
    assert make(emu, open_sessions).visitor_data == newer  # the cache has it too


def test_a_burst_of_renewed_visitor_data_writes_the_cache_once_then_on_close(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    first = session.visitor_data
    (cache_file,) = [p for p in cache_dir.rglob("*.json") if "potoken" not in p.name]
    stored = cache_file.stat().st_mtime_ns, cache_file.read_bytes()
    emu.innertube.rotate_visitor_data = True
    for _ in range(5):
        session.call("browse")
    assert session.visitor_data != first
    assert (cache_file.stat().st_mtime_ns, cache_file.read_bytes()) == stored  # no rewrite
    session.close()
    assert first not in cache_file.read_text() and session.visitor_data in cache_file.read_text()


# --- signing ---------------------------------------------------------------------------------


def test_a_session_signed_with_oauth_uses_tvhtml5_and_its_bearer_is_accepted(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, auth=token)
    assert session.client_name == "TVHTML5"
    assert session.logged_in

    menu = session.call("account/account_menu")

    header = menu["actions"][0]["openPopupAction"]["popup"]["multiPageMenuRenderer"]["header"]
    assert header["activeAccountHeaderRenderer"]["accountName"]["simpleText"] == (
        EMULATED_ACCOUNT_NAME
    )
    assert menu["responseContext"]["mainAppWebResponseContext"]["loggedOut"] is False
    request = innertube_requests(emu, "account/account_menu")[-1]
    assert request.header("Authorization") == f"Bearer {token.access_token}"
    assert request.header("X-YouTube-Client-Name") == "7"


def test_the_one_bearer_signer_is_oauths_and_a_session_reads_it_as_a_token(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    # The Bearer signer knows no InnerTube client; what it means to a session (the TV
    # clients only, TVHTML5 by default, its data cached per token file) is YouTube's.
    from ytsession.oauth.bearer import BearerAuth

    assert ytsession.BearerAuth is BearerAuth is ytsession.youtube.BearerAuth
    assert not {"accepts", "default_client", "kind", "account_key"} & set(dir(BearerAuth))
    bearer = BearerAuth(token)

    session = make(emu, open_sessions, auth=bearer)

    assert session.auth is bearer and session.client_name == "TVHTML5"
    session.call("account/account_menu")
    request = innertube_requests(emu, "account/account_menu")[-1]
    assert request.header("Authorization") == f"Bearer {token.access_token}"
    with pytest.raises(ClientNotSupportedError, match=r"not accept OAuth \(Bearer\) tokens"):
        session.call("browse", client="WEB")
    make(emu, open_sessions, auth=BearerAuth(token))  # the same token file: a cache hit
    make(emu, open_sessions, auth=token)
    assert len(emu.requests_to("/sw.js_data")) == 1


@pytest.mark.slow
def test_bearer_is_also_accepted_from_the_other_tv_clients(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, auth=token)
    for client in ("TVHTML5_SIMPLY", "TVHTML5_SIMPLY_EMBEDDED_PLAYER"):
        answer = session.call("player", {"videoId": "dQw4w9WgXcQ"}, client=client)
        assert answer["playabilityStatus"]["status"] == "OK"
    assert all(call.signed_in for call in emu.innertube.calls)


def test_oauth_on_the_web_client_is_refused_with_a_clear_error_before_sending(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    with pytest.raises(ClientNotSupportedError) as refused:
        Session.create(base_url=emu.url, auth=token, client="WEB")
    assert refused.value.client == "WEB"
    assert refused.value.auth_kind == "oauth"
    assert "TVHTML5" in str(refused.value)
    assert "unsupported_client='warn'" in str(refused.value)

    session = make(emu, open_sessions, auth=token)
    with pytest.raises(ClientNotSupportedError, match="the WEB client does not accept OAuth"):
        session.call("browse", client="WEB")
    assert innertube_requests(emu, "browse") == []


def test_oauth_on_web_when_the_user_opts_in_warns_and_youtube_answers_400(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    with pytest.warns(ClientNotSupportedWarning, match="WEB"):
        session = make(emu, open_sessions, auth=token, client="WEB", unsupported_client="warn")
    with pytest.warns(ClientNotSupportedWarning), pytest.raises(InnerTubeError) as failed:
        session.call("browse")
    error = failed.value
    assert error.status == 400
    assert error.reason == "INVALID_ARGUMENT"
    assert error.message == "Request contains an invalid argument."
    assert error.endpoint == "browse"
    assert "use a TV client" in str(error)
    assert token.access_token not in str(error)


def test_an_expired_access_token_answered_401_is_refreshed_once_and_the_call_retried(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, auth=token)
    updates: list[object] = []
    session.on("update_credentials", updates.append)
    old_access = token.access_token
    emu.google.expire_access_tokens()  # the server forgets it; the file still says valid

    menu = session.call("account/account_menu")

    assert menu["responseContext"]["mainAppWebResponseContext"]["loggedOut"] is False
    assert emu.google.refresh_count == 1
    statuses = [r.status for r in innertube_requests(emu, "account/account_menu")]
    assert statuses == [401, 200]
    assert token.access_token != old_access
    assert updates == [token]
    stored = json.loads(Path(str(token.local_cache)).read_text())
    assert stored["access_token"] == token.access_token


def test_a_refresh_of_a_shared_token_is_announced_to_every_session_not_polled(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    first = make(emu, open_sessions, auth=token)
    second = make(emu, open_sessions, auth=token)
    seen: dict[str, list[object]] = {"first": [], "second": []}
    first.on("update_credentials", seen["first"].append)
    second.on("update_credentials", seen["second"].append)
    emu.google.expire_access_tokens()
    second.call("account/account_menu")  # refused, refreshed, sent again
    assert seen == {"first": [token], "second": [token]}
    token.refresh(force=True)  # outside any call
    assert seen == {"first": [token] * 2, "second": [token] * 2}
    second.close()
    token.refresh(force=True)
    assert seen == {"first": [token] * 3, "second": [token] * 2}  # a closed session stops


def test_a_revoked_login_raises_login_required_and_tells_auth_error_listeners(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, auth=token)
    errors: list[object] = []
    session.on("auth_error", errors.append)
    emu.google.revoke_all()

    with pytest.raises(LoginRequiredError, match="prompt_for_token"):
        session.call("browse")

    assert len(errors) == 1 and isinstance(errors[0], LoginRequiredError)
    assert [r.status for r in innertube_requests(emu, "browse")] == [401]


def test_a_plain_token_that_the_server_refuses_gives_a_typed_401(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    from ytsession import OAuthToken

    plain = OAuthToken.from_json(str(token.local_cache))
    session = make(emu, open_sessions, auth=plain)
    emu.google.expire_access_tokens()
    with pytest.raises(InnerTubeError) as failed:
        session.call("browse")
    assert failed.value.status == 401
    assert failed.value.reason == "UNAUTHENTICATED"
    assert plain.access_token not in str(failed.value)


def test_sign_in_with_the_device_flow_tells_listeners_and_moves_to_tv(
    emu: Emulator,
    cache_dir: Path,
    open_sessions: list[Session],
    credentials: OAuthCredentials,
    tmp_path: Path,
) -> None:
    session = make(emu, open_sessions)
    assert session.client_name == "WEB" and not session.logged_in
    events: list[tuple[str, object]] = []

    @session.on("auth_pending")
    def show_code(code: Any) -> None:
        events.append(("auth_pending", code["user_code"]))
        emu.google.approve(code["user_code"])  # the user, on another device

    session.on("auth", lambda value: events.append(("auth", value)))

    session.sign_in(credentials, to_file=tmp_path / "signed-in.json")

    assert [name for name, _ in events] == ["auth_pending", "auth"]
    signed_in_token = events[1][1]
    assert isinstance(signed_in_token, RefreshingToken)
    assert (tmp_path / "signed-in.json").is_file()
    assert session.logged_in
    assert session.client_name == "TVHTML5"
    session.call("account/account_menu")
    assert emu.innertube.calls[-1].signed_in


def test_sign_in_keeps_an_explicit_non_tv_client_only_by_refusing(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, client="WEB")
    with pytest.raises(ClientNotSupportedError):
        session.sign_in(token)
    assert not session.logged_in


def test_sign_out_revokes_the_token_and_stops_signing(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, auth=token)
    session.sign_out()
    assert not session.logged_in
    session.call("browse")
    assert innertube_requests(emu, "browse")[-1].header("Authorization") is None
    with pytest.raises(LoginRequiredError):
        token.refresh(force=True)


def test_listeners_reject_unknown_events(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    with pytest.raises(ValueError, match="update_credentials"):
        session.on("token_refreshed", print)  # type: ignore[arg-type]


def test_the_session_repr_shows_no_secret(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session], token: RefreshingToken
) -> None:
    session = make(emu, open_sessions, auth=token, po_token="secret-po-token")
    text = repr(session) + repr(session.auth)
    assert token.access_token not in text
    assert token.refresh_token not in text
    assert "secret-po-token" not in text
    assert "TVHTML5" in text


# --- transport -------------------------------------------------------------------------------


@pytest.mark.slow
def test_429_with_retry_after_is_waited_out_then_the_call_succeeds(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    emu.inject_error(
        "/youtubei/v1/browse",
        429,
        {"error": {"code": 429, "message": "Too many requests.", "status": "RESOURCE_EXHAUSTED"}},
        headers={"Retry-After": "1"},
    )

    answer = session.call("browse")

    assert "responseContext" in answer
    first, second = innertube_requests(emu, "browse")
    assert (first.status, second.status) == (429, 200)
    assert second.monotonic - first.monotonic >= 0.9


def test_503_that_does_not_stop_gives_inner_tube_error_after_the_retries(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    emu.inject_error(
        "/youtubei/v1/browse",
        503,
        {
            "error": {
                "code": 503,
                "message": "The service is currently unavailable.",
                "status": "UNAVAILABLE",
            }
        },
        count=None,
    )

    with pytest.raises(InnerTubeError) as failed:
        session.call("browse")

    assert failed.value.status == 503
    assert failed.value.reason == "UNAVAILABLE"
    assert failed.value.message == "The service is currently unavailable."
    assert failed.value.endpoint == "browse"
    assert "after retries" in str(failed.value)
    assert len(innertube_requests(emu, "browse")) == FAST.total + 1


def test_a_connection_reset_is_retried(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    emu.inject_reset("/youtubei/v1/browse")
    assert "responseContext" in session.call("browse")
    assert len(innertube_requests(emu, "browse")) == 2


@pytest.mark.slow
def test_a_hung_server_gives_a_timeout_error_in_bounded_time(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions, timeout=(2.0, 0.3))
    emu.inject_delay("/youtubei/v1/browse", 30, count=None)

    started = time.monotonic()
    with pytest.raises(NetworkError, match="did not answer in time"):
        session.call("browse")
    assert time.monotonic() - started < 5
    emu.clear_faults()


@pytest.mark.slow
def test_a_per_call_timeout_overrides_the_session_timeout(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions, timeout=30.0, retry=RetryPolicy(total=0))
    emu.inject_delay("/youtubei/v1/browse", 30, count=None)
    started = time.monotonic()
    with pytest.raises(NetworkError):
        session.call("browse", timeout=0.3)
    assert time.monotonic() - started < 5
    emu.clear_faults()


def test_calls_reuse_one_connection(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    adapter = session.http.get_adapter(emu.url)
    pool = adapter.poolmanager.connection_from_url(emu.url)  # type: ignore[attr-defined]
    made_before = pool.num_connections
    for _ in range(3):
        session.call("browse")
    hosts = {r.header("Host") for r in innertube_requests(emu, "browse")}
    assert hosts == {emu.url.removeprefix("http://")}
    assert pool.num_connections == made_before <= 1  # the visitor-data fetch's connection
    assert adapter.transport.retry.total == FAST.total  # type: ignore[attr-defined]


def test_an_answer_that_is_not_json_is_a_typed_error(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    emu.inject_error("/youtubei/v1/browse", 200, "<html>not json</html>")
    with pytest.raises(InnerTubeError, match="without a JSON object"):
        session.call("browse")


def test_an_unknown_endpoint_is_a_typed_404(
    emu: Emulator, cache_dir: Path, open_sessions: list[Session]
) -> None:
    session = make(emu, open_sessions)
    with pytest.raises(InnerTubeError) as failed:
        session.call("no/such/endpoint")
    assert failed.value.status == 404
    assert failed.value.endpoint == "no/such/endpoint"


def test_a_session_from_a_stored_profile_signs_its_calls(
    emu: Emulator,
    cache_dir: Path,
    home: Path,
    credentials: OAuthCredentials,
    open_sessions: list[Session],
) -> None:
    from ytsession import Profile, ProfileSettings

    profile = Profile.named("cron")
    logged_in_token(emu, credentials, profile.token_path, expires_in=3600)
    profile.save_settings(
        ProfileSettings(
            kind="oauth",
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            endpoints=credentials.endpoints.as_dict(),
            scope=credentials.scope,
        )
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        session = Session.from_profile("cron", base_url=emu.url, retry=FAST)
    open_sessions.append(session)
    session.call("account/account_menu")
    assert emu.innertube.calls[-1].signed_in
