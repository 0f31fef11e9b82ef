"""Redirects: a signed request re-signed between YouTube hosts, and nothing of ours reaching a
foreign host, however many hops lead there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ytsession import CookieAuth, OAuthCredentials, RefreshingToken, Session, YouTubeCookies
from ytsession.testing import Emulator

from tests._support.support import logged_in_token

#: Every header a signed InnerTube call carries that is ours: the signature, the cookies,
#: the account and the session's identity.
OURS = (
    "Authorization",
    "Cookie",
    "X-Origin",
    "Origin",
    "X-Goog-AuthUser",
    "X-Goog-PageId",
    "X-Goog-Visitor-Id",
    "X-YouTube-Client-Name",
    "X-YouTube-Client-Version",
)
BROWSE = "/youtubei/v1/browse"


@pytest.fixture
def music() -> Iterator[Emulator]:
    """A second "YouTube" host (aliased as music.youtube.com)."""
    with Emulator() as server:
        yield server


@pytest.fixture
def foreign() -> Iterator[Emulator]:
    """A host that is not YouTube's."""
    with Emulator() as server:
        yield server


def cookie_auth(emu: Emulator, music: Emulator, cookie_file: Path) -> CookieAuth:
    return CookieAuth(
        YouTubeCookies.from_file(cookie_file),
        on_behalf_of_user="brand-page-id",
        host_aliases={
            f"127.0.0.1:{emu.port}": "www.youtube.com",
            f"127.0.0.1:{music.port}": "music.youtube.com",
        },
    )


def redirect(server: Emulator, path: str, to: str, status: int = 307) -> None:
    server.inject_error(path, status, "", headers={"Location": to})


def assert_nothing_of_ours(server: Emulator, path: str) -> None:
    (entry,) = server.requests_to(path)
    leaked = {name: entry.header(name) for name in OURS if entry.header(name) is not None}
    assert leaked == {}, f"{path} got {sorted(leaked)}"


def test_a_cookie_signed_call_redirected_across_youtube_hosts_then_away_leaks_nothing(
    emu: Emulator, music: Emulator, foreign: Emulator, cookie_file: Path
) -> None:
    music.innertube.cookies.set_cookies(emu.innertube.cookies.browser_cookies())
    auth = cookie_auth(emu, music, cookie_file)
    with Session.create(auth=auth, base_url=emu.url, cache=False) as session:
        redirect(emu, BROWSE, f"{music.url}/hop")  # www -> music: re-signed for music
        redirect(music, "/hop", f"{music.url}/again", 302)  # music -> music
        redirect(music, "/again", f"{foreign.url}/landing")  # music -> a foreign host
        foreign.inject_error("/landing", 200, {"responseContext": {}})
        assert session.call("browse", {"browseId": "FEwhat_to_watch"}) == {"responseContext": {}}
    (hop,) = music.requests_to("/hop")
    assert (hop.header("Authorization") or "").startswith("SAPISIDHASH ")
    assert_nothing_of_ours(foreign, "/landing")


def test_a_redirect_away_and_back_leaks_nothing_to_the_foreign_host(
    emu: Emulator, music: Emulator, foreign: Emulator, cookie_file: Path
) -> None:
    auth = cookie_auth(emu, music, cookie_file)
    with Session.create(auth=auth, base_url=emu.url, cache=False) as session:
        redirect(emu, BROWSE, f"{foreign.url}/bounce")
        redirect(foreign, "/bounce", f"{emu.url}/back")
        emu.inject_error("/back", 200, {"responseContext": {}})
        session.call("browse", {"browseId": "FEwhat_to_watch"})
    assert_nothing_of_ours(foreign, "/bounce")


def test_a_plain_requests_session_with_cookie_auth_leaks_nothing_after_youtube_hops(
    emu: Emulator, music: Emulator, foreign: Emulator, cookie_file: Path
) -> None:
    http = requests.Session()
    http.auth = cookie_auth(emu, music, cookie_file)
    redirect(emu, "/go", f"{music.url}/hop")
    redirect(music, "/hop", f"{emu.url}/hop2", 303)
    redirect(emu, "/hop2", f"{foreign.url}/landing", 302)
    answer = http.post(f"{emu.url}/go", json={}, headers={"X-Origin": "https://www.youtube.com"})
    assert answer.status_code == 404  # the foreign host knows no /landing
    assert (music.requests_to("/hop")[0].header("Cookie") or "").count("SAPISID=") == 1
    assert emu.requests_to("/hop2")[0].header("Authorization")  # re-signed back at www
    assert_nothing_of_ours(foreign, "/landing")


def test_an_oauth_signed_call_redirected_away_leaks_nothing(
    emu: Emulator, foreign: Emulator, credentials: OAuthCredentials, tmp_path: Path
) -> None:
    token: RefreshingToken = logged_in_token(
        emu, credentials, tmp_path / "token.json", expires_in=3600
    )
    with Session.create(auth=token, base_url=emu.url, cache=False) as session:
        redirect(emu, "/youtubei/v1/account/account_menu", f"{emu.url}/same-host")
        redirect(emu, "/same-host", f"{foreign.url}/landing")
        foreign.inject_error("/landing", 200, {"responseContext": {}})
        session.call("account/account_menu")
    assert (emu.requests_to("/same-host")[0].header("Authorization") or "").startswith("Bearer ")
    assert_nothing_of_ours(foreign, "/landing")
