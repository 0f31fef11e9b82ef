"""What youtube.com really sent, replayed through the public API.

``../shared/recordings/`` (beside the checkout) holds answers recorded by other public
projects (its README says which). Each test starts a loopback server that serves recorded
bytes with their recorded status, content type and ``Set-Cookie`` headers, points the
public API at it and checks what comes out against the bytes, read here in the plainest
way (by the positions and keys the protocol notes name). The recordings are read in place,
never copied into the repository. Without the folder the tests skip; in CI (``CI=true`` or
``YTSESSION_REQUIRE_RECORDINGS=1``) they fail instead.

Each ``Set-Cookie`` is replayed at the age it had when recorded: its ``Expires`` moves by
the time since the recorded ``Date``, so a cookie that was alive then is alive now and a
deletion stays a deletion; nothing else in it changes.
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import requests

from ytsession import CookieAuth, Session, YouTubeCookies
from ytsession.errors import CookiesRotatedOutWarning, LoggedOutError
from ytsession.testing import CookieChecker, Emulator, Response, Router, Service
from ytsession.youtube.innertube.account import ACCOUNTS_LIST, Account, current_account
from ytsession.youtube.innertube.player import fetch_player_id
from ytsession.youtube.innertube.visitor import (
    EMBED_VIDEO_ID,
    decode_visitor_data,
    encode_visitor_data,
)

from tests._support.paths import REPO
from tests._support.support import unavailable

RECORDINGS = REPO.parent / "shared" / "recordings"
#: Set (like ``CI``) to make a missing recordings folder a failure instead of a skip.
REQUIRE_ENV = "YTSESSION_REQUIRE_RECORDINGS"
JSON_TYPE = "application/json; charset=utf-8"  # what youtubei answers carry (recorded)

#: Every file of the folder, by the pattern the tests below replay it by.
REPLAYED = (
    "visitor/sw_js_data_*.body.txt",  # Session.create from sw.js_data
    "visitor/*.newpipe-mock.json",  # sw.js_data, the embed page; their Set-Cookie headers
    "visitor/visitor_id_*.body.json",  # visitor data adoption; a logged-out answer
    "player/iframe_api_*.newpipe-mock.json",  # the player id; its Set-Cookie headers
    "player/player_*.body.json",  # the attestation challenge returned intact
    "account/accounts_list_*.json",  # the account; a signed-in answer
    "cookies/set_cookie_samples_*.json",  # Set-Cookie samples through the write-back
    "*/*.source.txt",  # each recording's provenance and digest
    "README.md",  # the files it names are here
)


# --- the folder ---------------------------------------------------------------------------


@pytest.fixture
def recordings() -> Path:
    """The recordings folder (skips without it; fails in CI)."""
    if not RECORDINGS.is_dir():
        unavailable(
            f"the real recordings are not beside the checkout ({RECORDINGS} is missing)",
            require_env=REQUIRE_ENV,
            fix="CI must place shared/recordings/ beside the repository",
        )
    return RECORDINGS


def files(recordings: Path, pattern: str) -> list[Path]:
    """The recordings that match ``pattern`` (at least one: the folder's README names it)."""
    found = sorted(recordings.glob(pattern))
    assert found, f"no recording matches {pattern}"
    return found


def test_every_recording_is_replayed(recordings: Path) -> None:
    listed = {p.relative_to(recordings).as_posix() for p in recordings.rglob("*") if p.is_file()}
    replayed = {
        p.relative_to(recordings).as_posix()
        for pattern in REPLAYED
        for p in files(recordings, pattern)
    }
    assert replayed == listed


def test_each_recording_has_the_bytes_its_source_names(recordings: Path) -> None:
    import hashlib

    for source in files(recordings, "*/*.source.txt"):
        text = source.read_text(encoding="utf-8")
        assert text.startswith("repo: "), source
        stem = source.name.removesuffix(".source.txt")
        siblings = sorted(source.parent.glob(f"{stem}.*"))
        recorded = [p for p in siblings if p != source]
        assert recorded, f"{source.name} describes no file that is here"
        for path in recorded:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            named = re.findall(r"\b[0-9a-f]{64}\b", text)
            if named:  # the sources that give digests give one for every file they name
                assert digest in named, f"{path.name} is not the bytes its source names"


def test_the_readme_names_only_recordings_that_are_here(recordings: Path) -> None:
    readme = (recordings / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`([a-z]+/[^`*]+\.(?:json|txt))`", readme))
    assert named
    assert {name for name in named if not (recordings / name).is_file()} == set()


# --- replaying -----------------------------------------------------------------------------


def _http_date(value: str) -> float:
    parsed = http.cookiejar.http2time(value)
    assert parsed is not None, value
    return float(parsed)


def at_recorded_age(set_cookie: str, recorded_at: float) -> str:
    """``set_cookie`` with its ``Expires`` moved by the time since ``recorded_at``."""
    shift = time.time() - recorded_at

    def moved(match: re.Match[str]) -> str:
        when = time.gmtime(_http_date(match.group(2)) + shift)
        return match.group(1) + time.strftime("%a, %d-%b-%Y %H:%M:%S GMT", when)

    return re.sub(r"(?i)(;\s*expires=)([^;]+)", moved, set_cookie)


def wrapper_response(path: Path) -> tuple[Response, dict[str, Any]]:
    """The recorded response of a NewPipe wrapper, as recorded (cookies at their age)."""
    recorded = json.loads(path.read_text(encoding="utf-8"))["response"]
    headers = {k.lower(): v for k, v in recorded["responseHeaders"].items()}
    date = _http_date(headers["date"][0])
    response = Response(
        recorded["responseCode"],
        {"Content-Type": headers["content-type"][0]},
        recorded["responseBody"].encode("utf-8"),
        [at_recorded_age(value, date) for value in headers.get("set-cookie", [])],
    )
    return response, recorded


def json_response(path: Path, set_cookies: list[str] | None = None) -> Response:
    """A recorded youtubei answer (only its body was kept), with its content type."""
    return Response(200, {"Content-Type": JSON_TYPE}, path.read_bytes(), set_cookies or [])


class Replay(Service):
    """Serves recorded responses at fixed routes."""

    name = "replay"

    def __init__(self, routes: Mapping[tuple[str, str], Response]) -> None:
        self.routes = dict(routes)

    def register(self, router: Router) -> None:
        for (method, path), response in self.routes.items():
            router.add(method, path, lambda _request, answer=response: answer)


@pytest.fixture
def serve() -> Iterator[Any]:
    started: list[Emulator] = []

    def start(routes: Mapping[tuple[str, str], Response]) -> Emulator:
        server = Emulator(services=[Replay(routes)]).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


# --- session data --------------------------------------------------------------------------


def written_values(body: str) -> dict[str, str]:
    """The six session values as the body holds them, read by the positions the protocol
    notes give: the dense index in the list, else the trailing object's key (index + 1)."""
    info = json.loads(body.removeprefix(")]}'"))[0][2][0][0]
    tail = info[-1]
    assert isinstance(tail, dict) and len(info) == 47  # the sparse form, as recorded
    return {
        "visitor_data": info[13],
        "client_version": info[16],
        "remote_host": info[3],
        "app_install_data": tail["62"][-1],
        "device_experiment_id": tail["104"],
        "rollout_token": tail["108"],
    }


def test_each_sw_js_data_body_gives_the_session_its_values(recordings: Path, serve: Any) -> None:
    for body_file in files(recordings, "visitor/sw_js_data_*.body.txt"):
        wrapper = body_file.with_name(body_file.name.replace(".body.txt", ".newpipe-mock.json"))
        response, recorded = wrapper_response(wrapper)
        body = body_file.read_text(encoding="utf-8")
        assert recorded["responseBody"] == body
        expected = written_values(body)
        assert all(isinstance(v, str) and v and f'"{v}"' in body for v in expected.values())

        server = serve({("GET", "/sw.js_data"): response})
        with Session.create(base_url=server.url, cache=False) as session:
            data, client = session.session_data, session.context["client"]
            assert data.source == "sw.js_data"
            assert {key: getattr(data, key) for key in expected} == expected
            assert session.visitor_data == client["visitorData"] == expected["visitor_data"]
            assert session.client.version == client["clientVersion"] == expected["client_version"]
            assert session.client.version_source == "sw.js_data"
            assert client["rolloutToken"] == expected["rollout_token"]
            assert client["deviceExperimentId"] == expected["device_experiment_id"]
            assert client["configInfo"]["appInstallData"] == expected["app_install_data"]


def test_the_emulator_serves_sw_js_data_in_the_recorded_layout(recordings: Path) -> None:
    (body_file, *_) = files(recordings, "visitor/sw_js_data_*.body.txt")
    real = json.loads(body_file.read_text(encoding="utf-8").removeprefix(")]}'"))[0][2][0][0]
    with Emulator() as emu:
        served = requests.get(f"{emu.url}/sw.js_data", timeout=10).text
    ours = json.loads(served.removeprefix(")]}'"))[0][2][0][0]
    assert len(ours) == len(real) and isinstance(ours[-1], dict)
    assert set(ours[-1]) == set(real[-1])
    assert len(ours[-1]["62"]) == len(real[-1]["62"])  # appInstallData at the same place


def test_without_sw_js_data_the_embed_page_gives_the_session_data(
    recordings: Path, serve: Any
) -> None:
    for wrapper in files(recordings, "visitor/embed_*.newpipe-mock.json"):
        response, recorded = wrapper_response(wrapper)
        page = recorded["responseBody"]
        # the page's own config names the visitor data a second time, under another key
        (visitor,) = set(re.findall(r'"VISITOR_DATA":"([^"]+)"', page))
        # and the same response sets the rollout token as a cookie
        (rollout,) = [
            v.split(";")[0].split("=", 1)[1]
            for v in response.set_cookies
            if v.startswith("__Secure-ROLLOUT_TOKEN=")
        ]
        server = serve(
            {
                ("GET", "/sw.js_data"): Response.text("Not Found", 404),
                ("GET", "/embed/{v}"): response,
            }
        )
        with Session.create(base_url=server.url, cache=False) as session:
            assert session.session_data.source == "embed"
            assert session.visitor_data == visitor
            assert session.rollout_token == rollout
        assert [r.path for r in server.log] == ["/sw.js_data", f"/embed/{EMBED_VIDEO_ID}"]


def test_newer_visitor_data_of_the_visitor_id_answer_is_adopted_and_older_ignored(
    recordings: Path, serve: Any
) -> None:
    for path in files(recordings, "visitor/visitor_id_*.body.json"):
        recorded = json.loads(path.read_text(encoding="utf-8"))["responseContext"]["visitorData"]
        issued = decode_visitor_data(recorded).timestamp
        server = serve({("POST", "/youtubei/v1/visitor_id"): json_response(path)})
        older = encode_visitor_data("AAAAAAAAAAA", issued - 3600)
        with Session.create(base_url=server.url, visitor_data=older, cache=False) as session:
            session.call("visitor_id")
            assert session.visitor_data == recorded
        newer = encode_visitor_data("BBBBBBBBBBB", issued + 3600)
        with Session.create(base_url=server.url, visitor_data=newer, cache=False) as session:
            session.call("visitor_id")
            assert session.visitor_data == newer


# --- the player -----------------------------------------------------------------------------


def test_iframe_api_names_the_player(recordings: Path, serve: Any) -> None:
    for wrapper in files(recordings, "player/iframe_api_*.newpipe-mock.json"):
        named = wrapper.name.split("_")[2]  # iframe_api_<player id>_<date>
        response, _ = wrapper_response(wrapper)
        server = serve({("GET", "/iframe_api"): response})
        assert fetch_player_id(requests.Session(), server.url, timeout=10) == named


def test_the_player_answer_comes_back_with_its_attestation_challenge_intact(
    recordings: Path, serve: Any
) -> None:
    for path in files(recordings, "player/player_*.body.json"):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        attestation = recorded["attestation"]["playerAttestationRenderer"]
        video_id = re.search(r"(?:^|&)e=([^&]+)", attestation["challenge"])
        assert video_id is not None
        server = serve({("POST", "/youtubei/v1/player"): json_response(path)})
        payload = {
            "videoId": video_id.group(1),
            "playbackContext": {"contentPlaybackContext": {"signatureTimestamp": 20000}},
        }
        with Session.create(base_url=server.url, cache=False, generate_session_locally=True) as s:
            answer = s.call("player", payload)
        assert answer == recorded
        assert answer["attestation"]["playerAttestationRenderer"] == attestation
        assert attestation["challenge"] and attestation["botguardData"]["program"]


# --- the account ----------------------------------------------------------------------------


def test_the_accounts_list_answer_names_the_account(recordings: Path, serve: Any) -> None:
    for path in files(recordings, "account/accounts_list_*.json"):
        recorded = json.loads(path.read_text(encoding="utf-8"))
        section = recorded["contents"][0]["accountSectionListRenderer"]["contents"][0]
        item = section["accountItemSectionRenderer"]["contents"][0]["accountItem"]
        assert item["isSelected"] is True
        expected = Account(item["accountName"]["simpleText"], item["accountByline"]["simpleText"])
        server = serve({("POST", f"/youtubei/v1/{ACCOUNTS_LIST}"): json_response(path)})
        with Session.create(
            base_url=server.url, client="TVHTML5", cache=False, generate_session_locally=True
        ) as session:
            assert current_account(session) == expected
        (asked,) = server.requests_to(f"/youtubei/v1/{ACCOUNTS_LIST}")
        assert asked.header("X-YouTube-Client-Name") == "7"
        assert asked.json["callCircumstance"] == 2


# --- cookies ---------------------------------------------------------------------------------


def cookie_lines(path: Path) -> dict[str, tuple[str, str]]:
    """A cookies.txt as ``{name: (domain, value)}``, read line by line."""
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.removeprefix("#HttpOnly_")
        if not line or line.startswith("#"):
            continue
        domain, _flag, _path, _secure, _expires, name, value = line.split("\t")
        found[name] = (domain, value)
    return found


def logged_in_export(tmp_path: Path) -> Path:
    """A logged-in browser's cookies.txt that also holds the cookies the recordings delete."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "cookies.txt"
    year = str(int(time.time()) + 365 * 86400)
    extra = "\t".join([".youtube.com", "TRUE", "/", "TRUE", year, "__Secure-YEC", "old-yec"])
    path.write_text(CookieChecker().cookies_txt() + extra + "\n")
    path.chmod(0o600)
    return path


def expected_jar(
    before: dict[str, tuple[str, str]], set_cookies: list[str], sent_at: float
) -> dict[str, tuple[str, str]]:
    """The cookies after ``set_cookies`` (in order): a live one set on ``.youtube.com`` (with
    or without the dot), one expired before ``sent_at`` deleted, another domain's ignored."""
    after = dict(before)
    for value in set_cookies:
        name, _, rest = value.partition("=")
        cookie_value, *attributes = rest.split(";")
        attrs = {k.strip().lower(): v.strip() for k, _, v in (a.partition("=") for a in attributes)}
        if attrs.get("domain", ".youtube.com").lstrip(".") != "youtube.com":
            continue
        if "expires" in attrs and _http_date(attrs["expires"]) <= sent_at:
            after.pop(name, None)
        else:
            after[name] = (".youtube.com", cookie_value)
    return after


def test_recorded_set_cookie_headers_through_cookie_auth_are_written_back(
    recordings: Path, serve: Any, tmp_path: Path
) -> None:
    wrappers = [
        *files(recordings, "visitor/*.newpipe-mock.json"),
        *files(recordings, "player/*.newpipe-mock.json"),
    ]
    for number, wrapper in enumerate(wrappers):
        response, _ = wrapper_response(wrapper)
        assert response.set_cookies, wrapper.name
        server = serve({("GET", "/recorded"): response})
        export = logged_in_export(tmp_path / str(number))
        before = cookie_lines(export)
        auth = CookieAuth(
            YouTubeCookies.from_file(export, write_back_interval=0),
            host_aliases={f"127.0.0.1:{server.port}": "www.youtube.com"},
        )
        http = requests.Session()
        http.auth = auth
        assert http.get(f"{server.url}/recorded", timeout=10).status_code == 200
        after = cookie_lines(export)
        assert after == expected_jar(before, response.set_cookies, time.time()), wrapper.name
        assert after != before
        # what the recordings show: a bare Domain=youtube.com is kept as .youtube.com, and
        # the logged-out answers' deletions are applied
        for value in response.set_cookies:
            name = value.split("=", 1)[0]
            if "Domain=youtube.com;" in value:
                assert after[name][0] == ".youtube.com"
            if re.search(r"^[^=]+=;", value):
                assert name not in after


def samples_response(recordings: Path) -> list[str]:
    """Every recorded Set-Cookie sample, at its recorded age, in the file's order."""
    samples = json.loads(files(recordings, "cookies/set_cookie_samples_*.json")[0].read_text())
    return [
        at_recorded_age(s["set_cookie"], _http_date(s["response_date"])) for s in samples["samples"]
    ]


def test_recorded_set_cookie_samples_of_a_signed_in_answer_are_written_back(
    recordings: Path, serve: Any, tmp_path: Path
) -> None:
    set_cookies = samples_response(recordings)
    (signed_in,) = files(recordings, "account/accounts_list_*.json")
    route = ("POST", f"/youtubei/v1/{ACCOUNTS_LIST}")
    server = serve({route: json_response(signed_in, set_cookies)})
    export = logged_in_export(tmp_path)
    before = cookie_lines(export)
    auth = CookieAuth(
        YouTubeCookies.from_file(export, write_back_interval=0),
        host_aliases={f"127.0.0.1:{server.port}": "www.youtube.com"},
    )
    with Session.create(
        auth=auth, base_url=server.url, client="TVHTML5", cache=False, generate_session_locally=True
    ) as session:
        assert current_account(session) is not None
    after = cookie_lines(export)
    assert after == expected_jar(before, set_cookies, time.time())
    assert "CONSENT" not in before and "CONSENT" in after  # set on .youtube.com
    googleapis = [v for v in set_cookies if "domain=.googleapis.com" in v]
    assert googleapis and all(
        v.split(";")[0].split("=", 1)[1] != after["CONSENT"][1] for v in googleapis
    )
    assert after["LOGIN_INFO"] == before["LOGIN_INFO"] and after["SID"] == before["SID"]


def test_recorded_set_cookie_samples_of_logged_out_answers_are_never_written(
    recordings: Path, serve: Any, tmp_path: Path
) -> None:
    set_cookies = samples_response(recordings)
    (logged_out,) = files(recordings, "visitor/visitor_id_*.body.json")
    assert json.loads(logged_out.read_text())["responseContext"]["mainAppWebResponseContext"] == {
        "loggedOut": True
    }
    server = serve({("POST", "/youtubei/v1/visitor_id"): json_response(logged_out, set_cookies)})

    # a logged-in export, answered as logged out: warned, and the file stays as exported
    export = logged_in_export(tmp_path / "in")
    exported = export.read_bytes()
    auth = CookieAuth(
        YouTubeCookies.from_file(export, write_back_interval=0),
        host_aliases={f"127.0.0.1:{server.port}": "www.youtube.com"},
        stale="warn",
    )
    with (
        Session.create(
            auth=auth, base_url=server.url, cache=False, generate_session_locally=True
        ) as session,
        pytest.warns(CookiesRotatedOutWarning, match="logged out"),
    ):
        session.call("visitor_id")
    assert export.read_bytes() == exported

    # an export of a logged-out browser: no CookieAuth, and its jar never writes the file
    visitor_only = tmp_path / "out" / "cookies.txt"
    visitor_only.parent.mkdir()
    lines = [line for line in exported.decode().splitlines() if "VISITOR_INFO1_LIVE" in line]
    visitor_only.write_text("# Netscape HTTP Cookie File\n" + "\n".join(lines) + "\n")
    kept = visitor_only.read_bytes()
    jar = YouTubeCookies.from_file(visitor_only, write_back_interval=0)
    with pytest.raises(LoggedOutError):
        CookieAuth(jar)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        jar.apply_set_cookie("https://www.youtube.com/youtubei/v1/visitor_id", set_cookies)
    assert jar.get("YSC") is not None  # taken into the jar ...
    assert visitor_only.read_bytes() == kept  # ... never written
