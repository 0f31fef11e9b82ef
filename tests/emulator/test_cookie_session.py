"""Cookie-signed sessions over loopback HTTP: the user's story from export to stale jar."""

from __future__ import annotations

import io
import json
import stat
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from ytsession import CookieAuth, Profile, ProfileError, Session, YouTubeCookies
from ytsession.cli import EXIT_ERROR, EXIT_LOGIN, main
from ytsession.errors import (
    CookiesRefusedError,
    CookiesRotatedOutError,
    CookiesRotatedOutWarning,
    LoggedOutError,
)
from ytsession.testing import (
    EMULATED_BRAND_ACCOUNT_ID,
    EMULATED_USER_SESSION_ID,
    Emulator,
    LoggedRequest,
)

WEB_BODY = {"context": {"client": {"clientName": "WEB", "clientVersion": "2.20260301.01.00"}}}
WEB_HEADERS = {"X-YouTube-Client-Name": "1", "X-YouTube-Client-Version": "2.20260301.01.00"}


def youtube_alias(emu: Emulator) -> dict[str, str]:
    return {f"127.0.0.1:{emu.port}": "www.youtube.com"}


def cookie_auth(emu: Emulator, path: Path, **options: object) -> CookieAuth:
    return CookieAuth(
        YouTubeCookies.from_file(path),
        host_aliases=youtube_alias(emu),
        **options,  # type: ignore[arg-type]
    )


def session_for(emu: Emulator, auth: CookieAuth, **options: object) -> Session:
    return Session.create(auth=auth, base_url=emu.url, cache=False, **options)  # type: ignore[arg-type]


def last_call(emu: Emulator, endpoint: str) -> LoggedRequest:
    return emu.requests_to(f"/youtubei/v1/{endpoint}")[-1]


@pytest.fixture
def other_host() -> Iterator[Emulator]:
    """A second loopback server that is not YouTube."""
    with Emulator() as other:
        yield other


# --- accepted --------------------------------------------------------------------------


def test_cookie_signed_session_uses_web_and_is_accepted(emu: Emulator, cookie_file: Path) -> None:
    auth = cookie_auth(emu, cookie_file)
    with session_for(emu, auth) as session:
        assert session.client_name == "WEB"
        menu = session.call("account/account_menu")
    assert "activeAccountHeaderRenderer" in json.dumps(menu)
    sent = last_call(emu, "account/account_menu")
    assert (sent.header("Authorization") or "").startswith("SAPISIDHASH ")
    assert "SAPISID3PHASH" in (sent.header("Authorization") or "")
    assert "LOGIN_INFO=" in (sent.header("Cookie") or "")
    assert sent.header("X-Goog-AuthUser") == "0"
    assert sent.header("X-Origin") == "https://www.youtube.com"
    assert emu.innertube.cookies.refusals == []
    for value in emu.innertube.cookies.browser_cookies().values():
        assert value not in repr(auth) and value not in repr(session)
    # session data came unsigned: no cookie went to sw.js_data
    assert all(r.header("Cookie") is None for r in emu.requests_to("/sw.js_data"))


def test_data_sync_id_is_adopted_and_later_hashes_use_the_user_session(
    emu: Emulator, cookie_file: Path
) -> None:
    auth = cookie_auth(emu, cookie_file)
    with session_for(emu, auth) as session:
        session.call("browse", {"browseId": "FEwhat_to_watch"})
        assert auth.user_session_id == EMULATED_USER_SESSION_ID
        emu.innertube.cookies.require_user_session_hash = True
        session.call("browse", {"browseId": "FEwhat_to_watch"})
    parts = (last_call(emu, "browse").header("Authorization") or "").split(" ")
    assert parts[1::2] and all(part.endswith("_u") for part in parts[1::2])


def test_account_index_and_brand_account_reach_headers_context_and_datasync(
    emu: Emulator, cookie_file: Path
) -> None:
    auth = cookie_auth(emu, cookie_file)
    with session_for(
        emu, auth, account_index=1, on_behalf_of_user=EMULATED_BRAND_ACCOUNT_ID
    ) as session:
        session.call("browse", {"browseId": "FElibrary"})
    sent = last_call(emu, "browse")
    assert sent.header("X-Goog-AuthUser") == "1"
    assert sent.header("X-Goog-PageId") == EMULATED_BRAND_ACCOUNT_ID
    assert sent.json["context"]["user"]["onBehalfOfUser"] == EMULATED_BRAND_ACCOUNT_ID
    assert auth.datasync_id.delegated_session_id == EMULATED_BRAND_ACCOUNT_ID
    assert auth.datasync_id.user_session_id == EMULATED_USER_SESSION_ID


def test_a_plain_requests_session_can_use_the_signer(emu: Emulator, cookie_file: Path) -> None:
    http = requests.Session()
    http.auth = cookie_auth(emu, cookie_file)
    answer = http.post(f"{emu.url}/youtubei/v1/browse", json=WEB_BODY, headers=WEB_HEADERS)
    assert answer.status_code == 200
    assert answer.json()["responseContext"]["mainAppWebResponseContext"]["loggedOut"] is False


# --- refused ---------------------------------------------------------------------------


def test_cookies_the_server_no_longer_knows_are_refused(emu: Emulator, cookie_file: Path) -> None:
    auth = cookie_auth(emu, cookie_file)
    emu.innertube.cookies.sign_out()  # the browser signed out: the export is dead
    with session_for(emu, auth) as session, pytest.raises(CookiesRefusedError) as caught:
        session.call("browse", {"browseId": "FElibrary"})
    assert caught.value.status == 401
    assert "export your cookies again" in str(caught.value).lower()
    assert emu.innertube.cookies.refusals[-1].reason == "stale_cookie"
    for value in emu.innertube.cookies.browser_cookies().values():
        assert value not in str(caught.value)


def test_an_old_timestamp_is_refused(emu: Emulator, cookie_file: Path) -> None:
    auth = cookie_auth(emu, cookie_file, clock=lambda: time.time() - 900)
    with session_for(emu, auth) as session, pytest.raises(CookiesRefusedError):
        session.call("browse", {"browseId": "FElibrary"})
    assert emu.innertube.cookies.refusals[-1].reason == "old_timestamp"


def test_a_wrong_hash_or_a_missing_cookie_is_refused_by_the_emulator(emu: Emulator) -> None:
    cookies = emu.innertube.cookies.browser_cookies()
    cookie_header = "; ".join(f"{k}={v}" for k, v in cookies.items())
    url = f"{emu.url}/youtubei/v1/browse"
    wrong = {"Authorization": f"SAPISIDHASH {int(time.time())}_{'0' * 40}", "Cookie": cookie_header}
    answer = requests.post(url, json=WEB_BODY, headers={**WEB_HEADERS, **wrong})
    assert answer.status_code == 401
    assert answer.json()["error"]["status"] == "UNAUTHENTICATED"
    assert emu.innertube.cookies.refusals[-1].reason == "bad_hash"
    no_cookie = {"Authorization": f"SAPISIDHASH {int(time.time())}_{'0' * 40}"}
    answer = requests.post(url, json=WEB_BODY, headers={**WEB_HEADERS, **no_cookie})
    assert answer.status_code == 401
    assert emu.innertube.cookies.refusals[-1].reason == "missing_cookie"
    unsigned = {"Cookie": cookie_header}
    answer = requests.post(url, json=WEB_BODY, headers={**WEB_HEADERS, **unsigned})
    assert answer.status_code == 401
    assert emu.innertube.cookies.refusals[-1].reason == "missing_hash"


def test_an_unknown_account_index_is_refused(emu: Emulator, cookie_file: Path) -> None:
    auth = cookie_auth(emu, cookie_file)
    with session_for(emu, auth, account_index=7) as session, pytest.raises(CookiesRefusedError):
        session.call("browse", {"browseId": "FElibrary"})
    assert emu.innertube.cookies.refusals[-1].reason == "bad_account"


def test_a_logged_out_jar_is_refused_before_anything_is_sent(emu: Emulator) -> None:
    logged_out = YouTubeCookies.from_mapping({"PREF": "f6=4", "YSC": "abc"})
    with pytest.raises(LoggedOutError, match="LOGIN_INFO"):
        Session.create(auth=logged_out, base_url=emu.url, cache=False)
    assert emu.log == []


# --- never to another host ---------------------------------------------------------------


def test_cookies_are_never_sent_to_another_host(
    emu: Emulator, cookie_file: Path, other_host: Emulator
) -> None:
    http = requests.Session()
    http.auth = cookie_auth(emu, cookie_file)
    # another port on the same address, and the same server under another name
    http.post(f"{other_host.url}/youtubei/v1/browse", json=WEB_BODY, headers=WEB_HEADERS)
    http.post(f"http://localhost:{emu.port}/youtubei/v1/browse", json=WEB_BODY, headers=WEB_HEADERS)
    # a YouTube answer redirecting elsewhere
    emu.inject_error("/go", 302, "", headers={"Location": f"{other_host.url}/landing"})
    http.get(f"{emu.url}/go")
    received = [*other_host.log, *emu.requests_to("/youtubei/v1/browse")]
    assert len(received) == 3
    for entry in received:
        assert entry.header("Cookie") is None, entry.path
        assert entry.header("Authorization") is None, entry.path
        assert entry.header("X-Goog-AuthUser") is None, entry.path
    assert emu.requests_to("/go")[0].header("Cookie") is not None  # the aliased host got them


def test_a_session_pointed_at_an_unaliased_host_says_how_to_alias_it(
    emu: Emulator, cookie_file: Path
) -> None:
    with pytest.raises(ValueError, match="host_aliases"):
        Session.create(auth=YouTubeCookies.from_file(cookie_file), base_url=emu.url, cache=False)


def test_host_aliases_must_map_to_youtube() -> None:
    cookies = YouTubeCookies.from_mapping({"LOGIN_INFO": "a", "SID": "b", "SAPISID": "c"})
    with pytest.raises(ValueError, match=r"youtube\.com"):
        CookieAuth(cookies, host_aliases={"127.0.0.1:1": "example.com"})
    auth = CookieAuth(cookies)
    assert auth.youtube_url("https://music.youtube.com/youtubei/v1/browse") is not None
    assert auth.youtube_url("http://www.youtube.com/") is None  # no signature in clear text
    assert auth.youtube_url("https://www.youtube.com.example.org/") is None
    assert auth.youtube_url("https://127.0.0.1/") is None


# --- rotation ----------------------------------------------------------------------------


def test_rotated_cookies_are_written_back_and_the_file_stays_private(
    emu: Emulator, cookie_file: Path
) -> None:
    auth = cookie_auth(emu, cookie_file)
    stale_copy = cookie_file.read_text()
    updates: list[object] = []
    with session_for(emu, auth) as session:
        session.on("update_credentials", updates.append)
        emu.innertube.cookies.rotate()
        session.call("browse", {"browseId": "FEwhat_to_watch"})
        session.call("browse", {"browseId": "FEwhat_to_watch"})  # with the new values
    assert updates == [auth]
    assert stat.S_IMODE(cookie_file.stat().st_mode) == 0o600
    current = emu.innertube.cookies.browser_cookies()
    on_disk = YouTubeCookies.from_file(cookie_file)
    for name in ("__Secure-3PSIDTS", "SIDCC"):
        assert on_disk.get(name) == current[name]
    assert emu.innertube.cookies.refusals == []
    # the next cron job starts from the file and is accepted ...
    with session_for(emu, cookie_auth(emu, cookie_file)) as session:
        session.call("browse", {"browseId": "FEwhat_to_watch"})
    # ... while a copy of the jar as exported is stale now
    old = cookie_file.with_name("old.txt")
    old.write_text(stale_copy)
    with session_for(emu, cookie_auth(emu, old)) as session, pytest.raises(CookiesRefusedError):
        session.call("browse", {"browseId": "FEwhat_to_watch"})


def test_a_cookie_file_rotated_by_another_process_is_read_again(
    emu: Emulator, cookie_file: Path
) -> None:
    first = cookie_auth(emu, cookie_file)
    second = cookie_auth(emu, cookie_file)  # another cron job, started earlier
    with session_for(emu, first) as session:
        emu.innertube.cookies.rotate()
        session.call("browse", {"browseId": "FEwhat_to_watch"})
    with session_for(emu, second) as session:
        session.call("browse", {"browseId": "FEwhat_to_watch"})  # refused once, re-read, sent
    reasons = [r.reason for r in emu.innertube.cookies.refusals]
    assert reasons == ["stale_cookie"]


def test_a_users_own_session_with_cookie_auth_reads_a_rotated_file_after_a_401(
    emu: Emulator, cookie_file: Path
) -> None:
    first = cookie_auth(emu, cookie_file)
    second = cookie_auth(emu, cookie_file)  # another job's signer, on a plain session
    renewed: list[object] = []
    second.on_refresh(renewed.append)
    with session_for(emu, first) as session:
        emu.innertube.cookies.rotate()
        session.call("browse", {"browseId": "FEwhat_to_watch"})  # rotated, written back
    http = requests.Session()
    http.auth = second
    url = f"{emu.url}/youtubei/v1/browse"
    answer = http.post(url, json=WEB_BODY, headers=WEB_HEADERS, timeout=30)
    assert answer.status_code == 200  # refused once, the file read again, sent again
    assert [r.reason for r in emu.innertube.cookies.refusals] == ["stale_cookie"]
    assert renewed == [second]
    assert [r.status for r in emu.requests_to("/youtubei/v1/browse")][-2:] == [401, 200]


def test_an_answer_dropping_the_login_says_export_again_and_keeps_the_file(
    emu: Emulator, cookie_file: Path
) -> None:
    before = cookie_file.read_bytes()
    auth = cookie_auth(emu, cookie_file)
    with session_for(emu, auth) as session:
        emu.innertube.cookies.rotate(drop_login=True)
        with pytest.raises(CookiesRotatedOutError, match="rotated out; export them again"):
            session.call("browse", {"browseId": "FEwhat_to_watch"})
        sent = len(emu.requests_to("/youtubei/v1/browse"))
        with pytest.raises(CookiesRotatedOutError):
            session.call("browse", {"browseId": "FEwhat_to_watch"})
        assert len(emu.requests_to("/youtubei/v1/browse")) == sent  # not even sent
    assert cookie_file.read_bytes() == before


def test_a_session_can_ask_for_a_warning_instead(emu: Emulator, cookie_file: Path) -> None:
    auth = cookie_auth(emu, cookie_file, stale="warn")
    with session_for(emu, auth) as session:
        emu.innertube.cookies.rotate(drop_login=True)
        with pytest.warns(CookiesRotatedOutWarning, match="export them again"):
            answer = session.call("browse", {"browseId": "FEwhat_to_watch"})
    assert "responseContext" in answer


# --- the command line --------------------------------------------------------------------


def test_cli_login_with_a_cookie_file_then_status_token_and_call(
    emu: Emulator,
    cookie_file: Path,
    home: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    login = ["login", "--cookies", str(cookie_file), "--account-index", "1", "--server", emu.url]
    assert main(login) == 0
    assert "Logged in as" in capsys.readouterr().err  # the emulator's account menu named it
    stored = home / "profiles" / "default" / "cookies.txt"
    assert stat.S_IMODE(stored.stat().st_mode) == 0o600
    assert YouTubeCookies.from_file(stored).is_logged_in()
    capsys.readouterr()

    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "logged in" in out and "yes" in out and "account index  1" in out
    assert "expires" in out
    for value in emu.innertube.cookies.browser_cookies().values():
        assert value not in out
    assert main(["status", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["logged_in"] is True and info["account_index"] == 1 and info["kind"] == "cookies"

    assert main(["token"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "no bearer token" in err and "Use `ytsession call`" in err
    assert "Session.from_profile" not in err  # the library's words stay in the library
    with pytest.raises(ProfileError, match=r"no bearer token\. Sign requests .*from_profile"):
        profile = Profile.named("default", home=home)
        profile.kind(profile.load_settings()).access_token(profile, profile.load_settings())

    assert main(["call", "browse", "--base-url", emu.url, "--no-cache"]) == 0
    capsys.readouterr()
    sent = last_call(emu, "browse")
    assert sent.header("X-Goog-AuthUser") == "1"
    assert (sent.header("Authorization") or "").startswith("SAPISIDHASH")

    assert main(["logout"]) == 0
    assert not stored.exists()


@pytest.mark.slow
def test_cli_login_from_pasted_chrome_headers(
    emu: Emulator, home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cookies = emu.innertube.cookies.browser_cookies()
    pasted = "\n".join(
        [
            ":authority:",
            "www.youtube.com",
            "cookie:",
            "; ".join(f"{k}={v}" for k, v in cookies.items()),
            "x-goog-authuser:",
            "0",
            "",
        ]
    )
    monkeypatch.setattr("sys.stdin", io.StringIO(pasted))
    assert main(["login", "--cookies-from-stdin", "--profile", "pasted"]) == 0
    jar = YouTubeCookies.from_file(home / "profiles" / "pasted" / "cookies.txt")
    assert jar.get("SAPISID") == cookies["SAPISID"]


def test_cli_refuses_a_logged_out_export(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(".youtube.com\tTRUE\t/\tFALSE\t0\tPREF\tf6=4\n")
    assert main(["login", "--cookies", str(path)]) == EXIT_LOGIN
    assert "logged-in browser" in capsys.readouterr().err
    assert not (home / "profiles" / "default").exists()


def test_cli_names_the_bad_line_of_a_cookie_file(
    tmp_path: Path, home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text("# Netscape HTTP Cookie File\n.youtube.com TRUE / FALSE 0 SID secret-sid\n")
    assert main(["login", "--cookies", str(path)]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "line 2" in err and "secret-sid" not in err


def test_warnings_are_not_raised_for_a_healthy_jar(emu: Emulator, cookie_file: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with session_for(emu, cookie_auth(emu, cookie_file)) as session:
            session.call("browse", {"browseId": "FEwhat_to_watch"})
