"""The one transport: deadlines, replay safety, Retry-After, proxies and the signing seam.

Every test talks HTTP over loopback to a server it starts: the emulator, a server that
misbehaves on purpose (:mod:`faulty_server`), or a recording proxy.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from filelock import FileLock

from ytsession import (
    AuthorizedSession,
    BearerAuth,
    NetworkError,
    OAuthCredentials,
    OAuthEndpoints,
    OAuthToken,
    PeerTubeCredentials,
    PeerTubeSession,
    RefreshingToken,
    RetryLaterError,
    RetryPolicy,
    Session,
    Transport,
    YTSessionError,
    _files,
)
from ytsession.errors import DeadlineExceededError
from ytsession.oauth.tv_client import discover_youtube_tv_client
from ytsession.peertube import PeerTubeRateLimitError
from ytsession.peertube.credentials import fetch_local_client
from ytsession.peertube.models import TOKEN_PATH
from ytsession.testing import (
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
    Emulator,
)
from ytsession.youtube.innertube.potoken import BotGuardProvider

from tests._support.botguard_support import require_botguard_runtime
from tests._support.faulty_server import Answer, FaultyServer, RecordingProxy, answer, drip, drop
from tests._support.support import logged_in_token, login

#: A short deadline, so that a test of it takes seconds.
DEADLINE = 1.5
#: Fast retries.
FAST = RetryPolicy(total=2, backoff=0.01)
VISITOR_DATA = "CgtBQkNERUZHSElKSyiAgICABg%3D%3D"


def google(url: str, transport: Transport) -> OAuthCredentials:
    return OAuthCredentials(
        EMULATOR_CLIENT_ID,
        EMULATOR_CLIENT_SECRET,
        endpoints=OAuthEndpoints.under(url),
        transport=transport,
    )


def peertube(url: str, transport: Transport) -> PeerTubeCredentials:
    return PeerTubeCredentials(url, "client-id", "client-secret", transport=transport)


def plain_token() -> OAuthToken:
    return OAuthToken(
        access_token="access", refresh_token="refresh", expires_at=int(time.time()) + 3600
    )


@pytest.fixture
def no_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "cache"
    monkeypatch.setenv("YTSESSION_CACHE_DIR", str(directory))
    return directory


# --- replay safety ---------------------------------------------------------------------------


@pytest.mark.slow
def test_an_oauth_refresh_the_server_processed_is_never_sent_again() -> None:
    with FaultyServer(drop) as server:
        credentials = google(server.url, Transport(retry=FAST))
        with pytest.raises(NetworkError):
            credentials.refresh_token("1//rotating-refresh-token")
        assert len(server.to("/token")) == 1


@pytest.mark.slow
def test_a_peertube_refresh_the_server_processed_is_never_sent_again() -> None:
    with FaultyServer(drop) as server:
        credentials = peertube(server.url, Transport(retry=FAST))
        with pytest.raises(NetworkError):
            credentials.refresh_token("rotating-refresh-token")
        assert len(server.to(TOKEN_PATH)) == 1


@pytest.mark.slow
def test_an_innertube_action_the_server_processed_is_never_sent_again(no_cache: Path) -> None:
    with FaultyServer(drop) as server:
        session = Session.create(base_url=server.url, visitor_data=VISITOR_DATA, retry=FAST)
        with session, pytest.raises(NetworkError):
            session.call("like/like", {"target": {"videoId": "dQw4w9WgXcQ"}})
        assert len(server.to("/youtubei/v1/like/like")) == 1


@pytest.mark.slow
def test_an_innertube_read_is_sent_again_after_a_lost_answer(no_cache: Path) -> None:
    with FaultyServer(drop) as server:
        session = Session.create(base_url=server.url, visitor_data=VISITOR_DATA, retry=FAST)
        with session, pytest.raises(NetworkError):
            session.call("browse", {"browseId": "FEwhat_to_watch"})
        assert len(server.to("/youtubei/v1/browse")) == FAST.total + 1


@pytest.mark.slow
def test_the_device_code_poll_is_sent_again_after_a_lost_answer() -> None:
    with FaultyServer(drop) as server:
        credentials = google(server.url, Transport(retry=FAST))
        with pytest.raises(NetworkError):
            credentials.token_from_code("device-code")
        assert len(server.to("/token")) == FAST.total + 1


@pytest.mark.slow
def test_a_refresh_is_sent_again_when_the_connection_was_refused() -> None:
    with FaultyServer(drop) as server:
        url = server.url
    started = time.monotonic()  # the port is closed now: nothing can have arrived
    with pytest.raises(NetworkError, match="connection refused"):
        google(url, Transport(retry=RetryPolicy(total=2, backoff=0.2))).refresh_token("r")
    assert time.monotonic() - started >= 0.2 + 0.4  # both backoffs: it was tried 3 times


@pytest.mark.slow
def test_a_5xx_answer_to_a_refresh_is_not_retried_but_a_429_is() -> None:
    error = Answer(503, b'{"error": "temporarily_unavailable"}')
    with FaultyServer(answer(error)) as server:
        with pytest.raises(YTSessionError):
            google(server.url, Transport(retry=FAST)).refresh_token("r")
        assert len(server.to("/token")) == 1
    busy = Answer(429, b'{"error": "slow"}', {"Retry-After": "0"})
    fresh = Answer(body=json.dumps({"access_token": "new", "expires_in": 3600}).encode())
    with FaultyServer(answer(busy, fresh)) as server:
        assert google(server.url, Transport(retry=FAST)).refresh_token("r")["access_token"]
        assert len(server.to("/token")) == 2


# --- deadlines -------------------------------------------------------------------------------


def _tv_discovery(url: str, transport: Transport) -> object:
    return discover_youtube_tv_client(transport.new_session(), url + "/tv")


PATHS: dict[str, Callable[[str, Transport], object]] = {
    "device code": lambda url, t: google(url, t).get_code(),
    "device poll": lambda url, t: google(url, t).token_from_code("device-code"),
    "oauth refresh": lambda url, t: google(url, t).refresh_token("refresh"),
    "oauth revoke": lambda url, t: google(url, t).revoke("refresh"),
    "innertube call": lambda url, t: Session.create(
        base_url=url, visitor_data=VISITOR_DATA, transport=t
    ).call("browse"),
    "visitor data": lambda url, t: Session.create(base_url=url, cache=False, transport=t),
    "peertube client": lambda url, t: fetch_local_client(url, t.new_session()),
    "peertube login": lambda url, t: peertube(url, t).login("user", "password"),
    "peertube refresh": lambda url, t: peertube(url, t).refresh_token("refresh"),
    "peertube call": lambda url, t: PeerTubeSession(plain_token(), url, transport=t).me(),
    "youtube tv client": _tv_discovery,
}


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.slow
def test_a_dripping_server_ends_in_a_typed_error_within_the_deadline(
    path: str, no_cache: Path
) -> None:
    with FaultyServer(drip()) as server:
        transport = Transport(deadline=DEADLINE, retry=FAST)
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError, match=r"deadline of 1\.5 s"):
            PATHS[path](server.url, transport)
        assert time.monotonic() - started < DEADLINE + 1
        assert server.seen, "the request never reached the server"


@pytest.mark.parametrize("path", ["oauth refresh", "innertube call", "peertube call"])
@pytest.mark.slow
def test_a_body_that_drips_after_quick_headers_is_cut_at_the_deadline(
    path: str, no_cache: Path
) -> None:
    with FaultyServer(drip(headers_first=True)) as server:
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError):
            PATHS[path](server.url, Transport(deadline=DEADLINE, retry=FAST))
        assert time.monotonic() - started < DEADLINE + 1


@pytest.mark.slow
def test_a_refresh_against_a_dripping_server_frees_the_token_file_lock_by_the_deadline(
    tmp_path: Path,
) -> None:
    path = tmp_path / "oauth.json"
    with FaultyServer(drip()) as server:
        credentials = google(server.url, Transport(deadline=DEADLINE))
        token = RefreshingToken(
            credentials, access_token="old", refresh_token="r", expires_at=1, local_cache=path
        )
        token.store_token()
        started = time.monotonic()
        with pytest.raises(DeadlineExceededError):
            token.refresh(force=True)
        assert time.monotonic() - started < DEADLINE + 1
        with FileLock(str(_files.lock_path(path)), timeout=0):
            pass  # free: another process would not wait
        assert json.loads(path.read_text())["access_token"] == "old"


@pytest.mark.slow
def test_a_token_refresh_inside_a_call_shares_the_call_deadline(
    emu: Emulator, tmp_path: Path, no_cache: Path
) -> None:
    credentials = google(emu.url, Transport())
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=0)
    emu.inject_delay("/token", 30, count=None)  # the refresh, not the login, is held up
    session = Session.create(base_url=emu.url, auth=token, deadline=DEADLINE)
    started = time.monotonic()
    with session, pytest.raises(DeadlineExceededError):
        session.call("browse")
    assert time.monotonic() - started < DEADLINE + 1
    emu.clear_faults()


# --- Retry-After -----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_retry_after_longer_than_the_deadline_ends_the_call_at_once() -> None:
    busy = Answer(429, b'{"error": "rate_limited"}', {"Retry-After": "300"})
    with FaultyServer(answer(busy)) as server:
        credentials = peertube(server.url, Transport(deadline=60))
        started = time.monotonic()
        with pytest.raises(PeerTubeRateLimitError) as caught:  # a RetryLaterError
            credentials.login("user", "password")
        assert isinstance(caught.value, RetryLaterError)
        assert time.monotonic() - started < 2
        assert caught.value.retry_after == 300
        assert caught.value.status == 429
        assert caught.value.retry_at == pytest.approx(time.time() + 300, abs=5)
        assert "300 s" in str(caught.value) and "try again after" in str(caught.value)
        assert "password" not in str(caught.value)
        assert len(server.seen) == 1


@pytest.mark.slow
def test_a_short_retry_after_is_waited_out_and_announced(
    no_cache: Path, caplog: pytest.LogCaptureFixture
) -> None:
    busy = Answer(429, b"{}", {"Retry-After": "3"})
    ok = Answer(body=b'{"responseContext": {}}')
    with FaultyServer(answer(busy, ok)) as server:
        session = Session.create(base_url=server.url, visitor_data=VISITOR_DATA, retry=FAST)
        started = time.monotonic()
        with session, caplog.at_level(logging.INFO, logger="ytsession"):
            assert "responseContext" in session.call("like/like")  # 429: not processed
        assert time.monotonic() - started >= 2.9
        assert len(server.seen) == 2
    waits = [r for r in caplog.records if "waiting 3 s" in r.getMessage()]
    assert waits and waits[0].levelno >= logging.INFO and waits[0].name.startswith("ytsession")


@pytest.mark.slow
def test_retries_and_their_waits_stay_within_the_deadline(no_cache: Path) -> None:
    unavailable = Answer(503, b"{}", {"Retry-After": "1"})
    with FaultyServer(answer(unavailable)) as server:
        transport = Transport(deadline=2.5, retry=RetryPolicy(total=10, backoff=0.01))
        session = Session.create(
            base_url=server.url, visitor_data=VISITOR_DATA, transport=transport
        )
        started = time.monotonic()
        with session, pytest.raises(RetryLaterError) as caught:
            session.call("browse")  # a read: 503 is retried while the waits fit
        assert time.monotonic() - started < 2.5 + 1
        assert caught.value.retry_after == 1
        assert 2 <= len(server.seen) <= 3


# --- one transport for every path: proxies ------------------------------------------------


@pytest.mark.slow
def test_proxies_given_to_the_session_reach_the_visitor_fetch_the_refresh_and_the_calls(
    emu: Emulator, tmp_path: Path, no_cache: Path
) -> None:
    credentials = google(emu.url, Transport())
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=0)
    with RecordingProxy() as proxy:
        session = Session.create(base_url=emu.url, auth=token, proxies={"http": proxy.url})
        with session:
            session.call("browse")
        relayed = {seen.path for seen in proxy.seen}
    assert {"/sw.js_data", "/token", "/youtubei/v1/browse"} <= relayed
    assert all(seen.target.startswith(emu.url) for seen in proxy.seen)  # absolute-form


@pytest.mark.slow
def test_proxies_given_to_a_peertube_session_reach_its_refresh(
    emu: Emulator, tmp_path: Path
) -> None:
    login_answer = PeerTubeCredentials(emu.url).login(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    token = RefreshingToken.from_login_answer(PeerTubeCredentials(emu.url), login_answer)
    token.expires_at = 0
    with RecordingProxy() as proxy:
        with PeerTubeSession(token, proxies={"http": proxy.url}) as session:
            session.me()
        relayed = {seen.path for seen in proxy.seen}
    assert {TOKEN_PATH, "/api/v1/users/me"} <= relayed


@pytest.mark.slow
def test_sessions_sharing_one_token_each_refresh_through_their_own_transport(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)
    one = Session.create(
        auth=token, base_url=emu.url, cache=False, transport=Transport(user_agent="transport-one")
    )
    two = Session.create(
        auth=token, base_url=emu.url, cache=False, transport=Transport(user_agent="transport-two")
    )
    with one, two:
        for session in (one, two, one):
            token.expires_at = 0  # expiring: the next signed call refreshes first
            token.store_token()
            session.call("account/account_menu")
    refreshes = emu.requests_to("/token")[1:]  # after the login's device-code exchange
    assert {r.form.get("grant_type") for r in refreshes} == {"refresh_token"}
    agents = [r.header("User-Agent") for r in refreshes]
    assert agents == ["transport-one", "transport-two", "transport-one"]
    assert credentials.transport.user_agent is None  # the shared credentials kept their own


@pytest.mark.slow
def test_proxies_of_two_peertube_sessions_sharing_a_token_each_reach_their_own_refresh(
    emu: Emulator,
) -> None:
    credentials = PeerTubeCredentials(emu.url)
    token = credentials.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    with RecordingProxy() as first, RecordingProxy() as second:
        sessions = [
            PeerTubeSession(token, proxies={"http": first.url}),
            PeerTubeSession(token, proxies={"http": second.url}),
        ]
        for session in sessions:
            token.expires_at = 0
            session.me()
            session.close()
        assert len(first.to(TOKEN_PATH)) == 1
        assert len(second.to(TOKEN_PATH)) == 1


@pytest.mark.slow
def test_the_environment_is_read_once_when_the_transport_is_made(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    with RecordingProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        transport = Transport()
        monkeypatch.delenv("HTTP_PROXY")
        session = transport.new_session()
        assert transport.send(session, "GET", emu.url + "/sw.js_data").ok
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert transport.send(session, "GET", emu.url + "/sw.js_data").ok
        assert len(proxy.to("/sw.js_data")) == 2  # both went through the proxy read at first
        bypassed = Transport()
        assert bypassed.send(bypassed.new_session(), "GET", emu.url + "/sw.js_data").ok
        assert len(proxy.to("/sw.js_data")) == 2


# --- the AuthorizedSession seam --------------------------------------------------------------


def test_the_signed_requests_session_signs_get_and_post(emu: Emulator) -> None:
    credentials = PeerTubeCredentials(emu.url)
    token = credentials.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    with PeerTubeSession(token) as pt:
        signed: requests.Session = pt.authorized
        assert signed.get(emu.url + "/api/v1/users/me").json()["username"] == PEERTUBE_USERNAME
        signed.post(emu.url + "/api/v1/users/me", json={})
    sent = emu.requests_to("/api/v1/users/me")
    assert [r.method for r in sent] == ["GET", "POST"]
    assert all(r.header("Authorization") == f"Bearer {token.access_token}" for r in sent)


def test_an_authorized_session_refreshes_once_after_a_401_and_sends_again(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=3600)
    signed = AuthorizedSession(BearerAuth(token))
    emu.inject_error("/youtubei/v1/browse", 401, {"error": {"code": 401}})
    before = emu.google.refresh_count
    response = signed.post(emu.url + "/youtubei/v1/browse", json={"context": {}})
    assert response.status_code != 401
    assert emu.google.refresh_count == before + 1
    browse = emu.requests_to("/youtubei/v1/browse")
    assert len(browse) == 2 and browse[0].header("Authorization") != browse[1].header(
        "Authorization"
    )


def test_sharing_one_session_between_credentials_and_signer_does_not_recurse(
    emu: Emulator, tmp_path: Path
) -> None:
    shared = requests.Session()
    credentials = OAuthCredentials(
        EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, shared, endpoints=OAuthEndpoints.under(emu.url)
    )
    token = logged_in_token(emu, credentials, tmp_path / "oauth.json", expires_in=0)
    shared.auth = BearerAuth(token)
    before = emu.google.refresh_count
    shared.post(emu.url + "/youtubei/v1/browse", json={"context": {}})  # no RecursionError
    assert emu.google.refresh_count == before + 1
    browse = emu.requests_to("/youtubei/v1/browse")[-1]
    assert browse.header("Authorization") == f"Bearer {token.access_token}"
    refresh = emu.requests_to("/token")[-1]
    assert refresh.header("Authorization") is None  # the token request was not signed


def test_signing_in_and_out_re_keys_the_session_cache(
    emu: Emulator, credentials: OAuthCredentials, tmp_path: Path, no_cache: Path
) -> None:
    from ytsession.youtube.innertube.cache import SessionCache

    session = Session.create(base_url=emu.url, client="TVHTML5")
    anonymous = session._data.key
    token = RefreshingToken.from_login_answer(
        credentials, login(emu, credentials), to_file=tmp_path / "oauth.json"
    )
    with session:
        session.sign_in(token)
        signed_key = session._data.key
        assert signed_key is not None and signed_key != anonymous
        assert "oauth" in signed_key.account
        session.call("browse")
        session.sign_out()
        assert session._data.key == anonymous
    assert SessionCache(no_cache).load(anonymous) is not None


@pytest.mark.slow
def test_the_botguard_runner_gets_the_session_proxy_and_user_agent(
    emu: Emulator, no_cache: Path
) -> None:
    require_botguard_runtime()
    provider = BotGuardProvider(base_url=emu.url, timeout=30)
    agent = "Mozilla/5.0 (ytsession transport test)"
    with RecordingProxy() as proxy:
        session = Session.create(
            base_url=emu.url,
            visitor_data=VISITOR_DATA,
            user_agent=agent,
            proxies={"http": proxy.url},
            po_token_providers=[provider],
        )
        with session:
            token = session.po_token_for("gvs")
        relayed = proxy.to("/api/jnn/v1/Create") + proxy.to("/api/jnn/v1/GenerateIT")
    assert token is not None and token.provider == "botguard"
    assert (provider.proxy, provider.user_agent) == (proxy.url, agent)
    assert len(relayed) == 2
    assert all(seen.headers.get("user-agent") == agent for seen in relayed)


def _drip_call_in_child(url: str) -> None:
    started = time.monotonic()
    try:
        google(url, Transport(deadline=DEADLINE)).refresh_token("r")
    except DeadlineExceededError:
        os._exit(0 if time.monotonic() - started < DEADLINE + 1 else 2)
    os._exit(1)


@pytest.mark.slow
def test_a_forked_worker_keeps_its_deadlines() -> None:
    with FaultyServer(drip()) as server:
        with pytest.raises(DeadlineExceededError):  # the parent's watchdog is running now
            google(server.url, Transport(deadline=0.5)).refresh_token("r")
        worker = multiprocessing.get_context("fork").Process(
            target=_drip_call_in_child, args=(server.url,)
        )
        worker.start()
        worker.join(timeout=30)
        assert worker.exitcode == 0
