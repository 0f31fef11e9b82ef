"""Reading browser cookies from what users have, and keeping them private and in step."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import pytest

from ytsession import CookieError, YouTubeCookies
from ytsession.errors import LoggedOutError
from ytsession.youtube.cookies.jar import (
    detect_format,
    parse_cookie_header,
    parse_netscape,
    parse_request_headers,
)

FUTURE = int(time.time()) + 30 * 24 * 3600
SOON = int(time.time()) + 3600
PAST = int(time.time()) - 3600

# Distinct, recognisable values: no message or repr may ever show one of them.
SECRETS = {
    "SID": "sid-secret-value-1",
    "HSID": "hsid-secret-value-2",
    "SAPISID": "sapisid-secret-value/3",
    "__Secure-3PAPISID": "sapisid-secret-value/3",
    "LOGIN_INFO": "login-secret:value=4",
    "__Secure-3PSIDTS": "sidts-secret-value-5",
}


def netscape(*lines: str, newline: str = "\n") -> str:
    return newline.join(["# Netscape HTTP Cookie File", "", *lines]) + newline


def line(name: str, value: str, *, domain: str = ".youtube.com", expires: int = FUTURE) -> str:
    secure = "TRUE" if name.startswith("__Secure-") or "APISID" in name else "FALSE"
    return "\t".join([domain, "TRUE", "/", secure, str(expires), name, value])


def youtube_lines(**overrides: int) -> list[str]:
    lines = [
        line(name, value, expires=overrides.get(name.replace("-", "_"), FUTURE))
        for name, value in SECRETS.items()
    ]
    lines[0] = "#HttpOnly_" + lines[0]  # SID is HttpOnly, as browsers export it
    return lines


def assert_no_secret(text: str) -> None:
    for value in SECRETS.values():
        assert value not in text


# --- cookies.txt -------------------------------------------------------------------------


def test_cookies_txt_from_a_browser_extension_signs_in(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(
        netscape(
            "# https://curl.se/docs/http-cookies.html",
            *youtube_lines(),
            line("NID", "google-value", domain=".google.com"),
            "#HttpOnly_" + line("sessionid", "other-site", domain="example.org"),
        )
    )
    cookies = YouTubeCookies.from_file(path)
    assert cookies.is_logged_in()
    assert cookies.file_format == "netscape"
    assert cookies.ignored == 2  # google.com and example.org stay out of the jar
    assert "NID" not in cookies.names() and "sessionid" not in cookies.names()
    assert cookies.get("SID") == SECRETS["SID"]
    assert cookies.signing_values() == {
        "SAPISID": SECRETS["SAPISID"],
        "__Secure-3PAPISID": SECRETS["__Secure-3PAPISID"],
    }
    assert_no_secret(repr(cookies))
    assert_no_secret(str(cookies))


def test_httponly_prefix_is_a_cookie_line_not_a_comment() -> None:
    [cookie] = parse_netscape("#HttpOnly_" + line("SID", "v"))
    assert cookie.name == "SID"
    assert cookie.has_nonstandard_attr("HttpOnly")
    assert cookie.domain == ".youtube.com" and cookie.domain_specified


def test_windows_line_endings_and_a_bom_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_bytes(("\ufeff" + netscape(*youtube_lines(), newline="\r\n")).encode())
    cookies = YouTubeCookies.from_file(path)
    assert cookies.is_logged_in()
    assert cookies.get("LOGIN_INFO") == SECRETS["LOGIN_INFO"]  # no stray "\r"


def test_session_cookie_host_only_cookie_and_empty_value() -> None:
    text = "\n".join(
        [
            "\t".join(["www.youtube.com", "FALSE", "/", "FALSE", "0", "PREF", "f6=4"]),
            "\t".join([".youtube.com", "TRUE", "/", "TRUE", "1.7e9", "EMPTY"]),  # 6 fields
        ]
    )
    pref, empty = parse_netscape(text)
    assert pref.expires is None and pref.discard
    assert not pref.domain_specified
    assert empty.value == "" and empty.expires == 1700000000


def test_a_bad_line_is_skipped_with_a_warning_naming_the_line_never_the_value(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cookies.txt"
    lines = youtube_lines()
    lines.insert(2, line("PREF", "pref-secret-value-6").replace("\t", "    "))
    path.write_text(netscape(*lines))
    with caplog.at_level("WARNING", logger="ytsession.cookies"):
        cookies = YouTubeCookies.from_file(path)  # as yt-dlp's jar: skipped, not refused
    assert cookies.is_logged_in() and "PREF" not in cookies.names()
    assert sorted(cookies.names()) == sorted(SECRETS)
    assert "line 5" in caplog.text and "tabs" in caplog.text  # magic, blank, two good ones
    assert_no_secret(caplog.text)
    assert "pref-secret-value-6" not in caplog.text


def test_a_file_of_bad_lines_only_names_the_first_never_the_value(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(*(text.replace("\t", "    ") for text in youtube_lines())))
    with pytest.raises(CookieError) as caught:
        YouTubeCookies.from_file(path)
    assert caught.value.line == 3 and caught.value.path == str(path)
    assert "line 3" in str(caught.value) and "tabs" in str(caught.value)
    assert_no_secret(str(caught.value))


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (
            "\t".join([".youtube.com", "YES", "/", "FALSE", "0", "SID", "sid-secret-value-1"]),
            "TRUE",
        ),
        (
            "\t".join([".youtube.com", "TRUE", "/", "FALSE", "soon", "SID", "sid-secret-value-1"]),
            "expiry",
        ),
        (
            "\t".join([".youtube.com", "TRUE", "/", "maybe", "0", "SID", "sid-secret-value-1"]),
            "secure",
        ),
        ("\t".join([".youtube.com", "TRUE", "/", "FALSE", "0", "", "sid-secret-value-1"]), "name"),
        ("\t".join(["", "TRUE", "/", "FALSE", "0", "SID", "sid-secret-value-1"]), "domain"),
    ],
)
def test_malformed_fields_are_reported_with_their_line(bad: str, why: str) -> None:
    with pytest.raises(CookieError) as caught:
        parse_netscape(netscape("# a comment", bad), path="cookies.txt")
    assert caught.value.line == 4
    assert why in str(caught.value)
    assert_no_secret(str(caught.value))


def test_a_file_of_other_sites_only_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(line("NID", "x", domain=".google.com")))
    cookies = YouTubeCookies.from_file(path)
    with pytest.raises(LoggedOutError, match="1 cookies of other sites were ignored"):
        cookies.check_logged_in()


def test_missing_unreadable_and_empty_files_are_cookie_errors(tmp_path: Path) -> None:
    with pytest.raises(CookieError, match="does not exist"):
        YouTubeCookies.from_file(tmp_path / "nope.txt")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CookieError, match="not UTF-8"):
        YouTubeCookies.from_file(tmp_path / "binary.txt")
    (tmp_path / "empty.txt").write_text("  \n")
    with pytest.raises(CookieError, match="holds no cookies"):
        YouTubeCookies.from_file(tmp_path / "empty.txt")


# --- logged in or not --------------------------------------------------------------------


def test_a_logged_out_jar_is_refused_with_what_is_missing() -> None:
    cookies = YouTubeCookies.from_mapping({"PREF": "f6=4", "YSC": "x", "VISITOR_INFO1_LIVE": "y"})
    assert not cookies.is_logged_in()
    with pytest.raises(LoggedOutError) as caught:
        cookies.check_logged_in()
    text = str(caught.value)
    assert "LOGIN_INFO" in text and "SID" in text and "export your cookies again" in text.lower()


def test_expired_login_cookies_mean_logged_out() -> None:
    text = netscape(*youtube_lines(LOGIN_INFO=PAST))
    cookies = YouTubeCookies.from_text(text)
    assert not cookies.is_logged_in()
    assert "LOGIN_INFO" in cookies.freshness().expired


def test_sid_without_apisid_is_logged_in_but_cannot_sign() -> None:
    cookies = YouTubeCookies.from_mapping({"LOGIN_INFO": "a", "SID": "b"})
    assert cookies.is_logged_in()
    with pytest.raises(LoggedOutError, match="SAPISID"):
        cookies.check_logged_in()


def test_freshness_names_the_soonest_expiring_cookie_and_the_file_age(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(*youtube_lines(__Secure_3PSIDTS=SOON)))
    fresh = YouTubeCookies.from_file(path).freshness()
    assert fresh.logged_in
    assert fresh.soonest_expiring == "__Secure-3PSIDTS"
    assert fresh.soonest_expiry == SOON
    age = fresh.age()
    assert age is not None and age < 60
    assert_no_secret(repr(fresh))


# --- header strings ----------------------------------------------------------------------


def test_raw_cookie_header_with_or_without_its_name() -> None:
    header = "; ".join(f"{k}={v}" for k, v in SECRETS.items())
    for text in (header, f"Cookie: {header}", f"cookie:{header};"):
        cookies = YouTubeCookies.from_text(text)
        assert cookies.is_logged_in()
        assert cookies.get("LOGIN_INFO") == SECRETS["LOGIN_INFO"]  # '=' and ':' in a value


def test_a_header_wrapped_by_the_terminal_is_joined_again() -> None:
    header = "SID=sid-secret-val\nue-1; LOGIN_INFO=x; SAPISID=y"
    assert parse_cookie_header(header)["SID"] == "sid-secret-value-1"


def test_a_wrapped_header_whose_line_starts_like_word_colon_is_still_a_header() -> None:
    # LOGIN_INFO values hold colons: a terminal may wrap the header right before one.
    header = (
        "SID=sid-secret-value-1; SAPISID=sapisid-secret-value/3; LOGIN_INFO=AFmmF2swRQIhAKx\n"
        "QUQ3MjNmeEhjTn:ZJM2x4; HSID=hsid-secret-value-2"
    )
    assert detect_format(header) == "cookie-header"
    cookies = YouTubeCookies.from_text(header)
    assert cookies.is_logged_in()
    assert cookies.get("LOGIN_INFO") == "AFmmF2swRQIhAKxQUQ3MjNmeEhjTn:ZJM2x4"
    indented = "Cookie: SID=a; LOGIN_INFO=AFm\n\tx:y; SAPISID=b"  # a tab-indented wrap
    assert parse_cookie_header(indented)["LOGIN_INFO"] == "AFmx:y"


def test_a_tab_inside_a_header_value_is_refused_and_never_written(tmp_path: Path) -> None:
    with pytest.raises(CookieError, match="tab") as caught:
        YouTubeCookies.from_cookie_header("SID=sid-secret\tvalue-1; LOGIN_INFO=x; SAPISID=y")
    assert "element 1" in str(caught.value) and "sid-secret" not in str(caught.value)
    cookies = YouTubeCookies.from_mapping({**SECRETS, "PREF": "a\tb"})  # given directly
    cookies.save(tmp_path / "cookies.txt")
    again = YouTubeCookies.from_file(tmp_path / "cookies.txt")  # loads: no broken line
    assert "PREF" not in again.names() and again.is_logged_in()


@pytest.mark.parametrize("spelling", ["HttpOnly", "httponly", "HTTPOnly", "HTTPONLY"])
def test_httponly_of_any_spelling_survives_a_write_back(tmp_path: Path, spelling: str) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(*youtube_lines()))
    cookies = YouTubeCookies.from_file(path)
    cookies.apply_set_cookie(
        "https://www.youtube.com/",
        [f"SIDCC=rotated; Domain=.youtube.com; Path=/; Secure; {spelling}"],
    )
    assert "#HttpOnly_.youtube.com\tTRUE\t/\tTRUE\t0\tSIDCC\trotated" in path.read_text()


def test_malformed_header_element_is_named_by_position_not_value() -> None:
    with pytest.raises(CookieError) as caught:
        YouTubeCookies.from_cookie_header("SID=sid-secret-value-1; hsid-secret-value-2; A=b")
    assert "element 2" in str(caught.value)
    assert_no_secret(str(caught.value))


def test_header_cookies_are_scoped_to_youtube_and_secure_ones_need_https() -> None:
    cookies = YouTubeCookies.from_mapping(SECRETS)
    header = cookies.cookie_header("https://music.youtube.com/youtubei/v1/browse")
    assert header is not None and "__Secure-3PAPISID=" in header
    plain = cookies.cookie_header("http://www.youtube.com/")
    assert plain is not None and "__Secure-3PAPISID" not in plain and "SID=" in plain
    assert cookies.cookie_header("https://example.com/") is None
    assert cookies.cookie_header("https://notyoutube.com/") is None
    assert cookies.cookie_header("https://youtube.com.evil.example/") is None


# --- pasted request headers --------------------------------------------------------------

COOKIE = (
    "SID=sid-secret-value-1; HSID=hsid-secret-value-2; SAPISID=sapisid-secret-value/3; "
    "LOGIN_INFO=login-secret:value=4"
)

FIREFOX = f"""POST /youtubei/v1/browse?prettyPrint=false HTTP/2
Host: music.youtube.com
User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0
Accept: */*
Accept-Language: en-US,en;q=0.5
Content-Type: application/json
X-Goog-AuthUser: 1
X-Origin: https://music.youtube.com
Authorization: SAPISIDHASH 1700000000_0123456789abcdef0123456789abcdef01234567
Origin: https://music.youtube.com
Connection: keep-alive
Cookie: {COOKIE}
Sec-Fetch-Dest: empty
"""

CHROME = f""":authority:
music.youtube.com
:method:
POST
:path:
/youtubei/v1/browse?prettyPrint=false
accept:
*/*
content-type:
application/json
cookie:
{COOKIE}
origin:
https://music.youtube.com
user-agent:
Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0
x-goog-authuser:
2
x-origin:
https://music.youtube.com
"""

CHROME_ONE_LINE = """:authority: www.youtube.com
:method: POST
cookie: SID=sid-secret-value-1; LOGIN_INFO=login-secret:value=4
cookie: SAPISID=sapisid-secret-value/3
x-goog-authuser: 0
"""


def test_firefox_request_headers_pasted_from_dev_tools() -> None:
    cookies = YouTubeCookies.from_request_headers(FIREFOX)
    assert cookies.is_logged_in()
    assert cookies.account_index == 1
    assert cookies.user_agent is not None and "Firefox" in cookies.user_agent
    assert "authorization" not in cookies.headers  # a stale signature is not kept
    assert cookies.get("SAPISID") == SECRETS["SAPISID"]


def test_chrome_request_headers_with_values_on_their_own_lines() -> None:
    cookies = YouTubeCookies.from_text(CHROME)
    assert cookies.is_logged_in()
    assert cookies.account_index == 2
    assert cookies.headers["x-origin"] == "https://music.youtube.com"


def test_chrome_headers_on_one_line_each_with_a_split_cookie_header() -> None:
    cookies = YouTubeCookies.from_text(CHROME_ONE_LINE.replace("\n", "\r\n"))
    assert cookies.get("SAPISID") == SECRETS["SAPISID"]
    assert cookies.is_logged_in() and cookies.account_index == 0


def test_pasted_headers_without_a_cookie_say_what_to_copy() -> None:
    with pytest.raises(CookieError, match="no Cookie header"):
        parse_request_headers("Host: www.youtube.com\nAccept: */*\n")


def test_a_malformed_cookie_in_pasted_headers_names_its_line() -> None:
    text = "Host: www.youtube.com\nAccept: */*\nCookie: SID=a; sid-secret-value-1\n"
    with pytest.raises(CookieError) as caught:
        parse_request_headers(text)
    assert caught.value.line == 3
    assert_no_secret(str(caught.value))


def test_each_source_is_recognised() -> None:
    assert detect_format(netscape(line("SID", "x"))) == "netscape"
    assert detect_format(line("SID", "x")) == "netscape"  # no magic line
    assert detect_format('{"cookie": "SID=x"}') == "browser.json"
    assert detect_format(FIREFOX) == "headers"
    assert detect_format(CHROME) == "headers"
    assert detect_format("SID=x; LOGIN_INFO=a:b") == "cookie-header"


# --- ytmusicapi's browser.json -----------------------------------------------------------


def browser_json(path: Path, **extra: str) -> Path:
    data = {
        "accept": "*/*",
        "accept-language": "en-US,en;q=0.5",
        "content-type": "application/json",
        "cookie": "; ".join(f"{k}={v}" for k, v in SECRETS.items()),
        "user-agent": "Mozilla/5.0 Firefox/128.0",
        "x-goog-authuser": "0",
        "x-origin": "https://music.youtube.com",
        **extra,
    }
    path.write_text(json.dumps(data, indent=4, sort_keys=True))
    return path


def test_ytmusicapi_browser_json_signs_in(tmp_path: Path) -> None:
    cookies = YouTubeCookies.from_file(browser_json(tmp_path / "browser.json"))
    assert cookies.file_format == "browser.json"
    assert cookies.is_logged_in() and cookies.account_index == 0


def test_browser_json_problems_are_cookie_errors(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"accept": "*/*"}')
    with pytest.raises(CookieError, match="no 'cookie' entry"):
        YouTubeCookies.from_file(tmp_path / "a.json")
    (tmp_path / "b.json").write_text('{"cookie": "SID=x",\n')
    with pytest.raises(CookieError, match="not valid JSON") as caught:
        YouTubeCookies.from_file(tmp_path / "b.json")
    assert caught.value.line == 2
    (tmp_path / "c.json").write_text('{"cookie": ["SID=x"]}')
    with pytest.raises(CookieError, match="not a string"):
        YouTubeCookies.from_file(tmp_path / "c.json")


def test_rotation_is_written_back_into_browser_json_keeping_other_headers(tmp_path: Path) -> None:
    path = browser_json(tmp_path / "browser.json")
    cookies = YouTubeCookies.from_file(path)
    update = cookies.apply_set_cookie(
        "https://music.youtube.com/youtubei/v1/browse",
        ["__Secure-3PSIDTS=rotated; Domain=.youtube.com; Path=/; Secure; HttpOnly"],
    )
    assert update.changed == ("__Secure-3PSIDTS",) and update.saved
    data = json.loads(path.read_text())
    assert "__Secure-3PSIDTS=rotated" in data["cookie"]
    assert data["user-agent"] == "Mozilla/5.0 Firefox/128.0"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- write-back --------------------------------------------------------------------------


def test_rotated_cookies_are_written_back_atomically_keeping_other_sites(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    google = line("NID", "google-value", domain=".google.com")
    path.write_text(netscape(*youtube_lines(), google, newline="\r\n"))
    path.chmod(0o644)
    cookies = YouTubeCookies.from_file(path)
    update = cookies.apply_set_cookie(
        "https://www.youtube.com/youtubei/v1/browse",
        [
            f"__Secure-3PSIDTS=rotated-ts; Domain=.youtube.com; Path=/; Expires="
            f"{time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(FUTURE))}; Secure; HttpOnly",
            "SIDCC=new-sidcc; Domain=.youtube.com; Path=/",
        ],
    )
    assert update.changed == ("SIDCC", "__Secure-3PSIDTS")
    assert update.saved and not update.logged_out
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert google in text  # the other site's line is kept as it was
    again = YouTubeCookies.from_file(path)
    assert again.get("__Secure-3PSIDTS") == "rotated-ts"
    assert again.get("SIDCC") == "new-sidcc"
    assert again.get("SID") == SECRETS["SID"]
    [sid] = [c for c in again.jar if c.name == "SID"]
    assert sid.has_nonstandard_attr("HttpOnly")  # the #HttpOnly_ prefix survives


def test_set_cookie_for_another_domain_is_refused_by_the_jar(tmp_path: Path) -> None:
    cookies = YouTubeCookies.from_mapping(SECRETS)
    update = cookies.apply_set_cookie(
        "https://www.youtube.com/", ["EVIL=1; Domain=.example.com; Path=/"]
    )
    assert update.changed == ()
    assert "EVIL" not in cookies.names()


def test_a_response_dropping_the_login_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(*youtube_lines()))
    before = path.read_bytes()
    cookies = YouTubeCookies.from_file(path)
    update = cookies.apply_set_cookie(
        "https://www.youtube.com/",
        [
            "LOGIN_INFO=; Domain=.youtube.com; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
            "SID=; Domain=.youtube.com; Path=/; Max-Age=0",
        ],
    )
    assert update.logged_out and not update.saved
    assert set(update.changed) == {"LOGIN_INFO", "SID"}
    assert not cookies.is_logged_in()
    assert path.read_bytes() == before


def test_header_cookies_are_saved_only_where_asked(tmp_path: Path) -> None:
    cookies = YouTubeCookies.from_mapping(SECRETS)
    with pytest.raises(ValueError, match="no file"):
        cookies.save()
    target = tmp_path / "new" / "cookies.txt"
    cookies.save(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert YouTubeCookies.from_file(target).is_logged_in()


def test_changed_on_disk_and_reload(tmp_path: Path) -> None:
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(*youtube_lines()))
    cookies = YouTubeCookies.from_file(path)
    assert not cookies.changed_on_disk()
    path.write_text(netscape(*youtube_lines(), line("SIDCC", "fresh-export-value")))
    assert cookies.changed_on_disk()
    cookies.reload()
    assert cookies.get("SIDCC") == "fresh-export-value"
    assert not cookies.changed_on_disk()


def test_the_cached_cookie_header_is_the_standard_librarys() -> None:
    """Random jars and URLs: our header (built once per jar change) is byte for byte the
    one :meth:`http.cookiejar.CookieJar.add_cookie_header` builds."""
    import random
    import urllib.request

    from ytsession.youtube.cookies.jar import make_cookie

    rng = random.Random(1026)
    domains = [".youtube.com", "youtube.com", "www.youtube.com", "music.youtube.com"]
    paths = ["/", "/youtubei", "/youtubei/v1", "/youtubei/v1/", "/api"]
    urls = [
        f"{scheme}://{host}{path}"
        for scheme in ("https", "http")
        for host in ("www.youtube.com", "music.youtube.com", "youtube.com")
        for path in ("/", "/youtubei/v1/browse?prettyPrint=false", "/youtubei", "/api/x")
    ]
    for _ in range(200):
        cookies = YouTubeCookies()
        for number in range(rng.randint(0, 12)):
            domain = rng.choice(domains)
            cookies.jar.set_cookie(
                make_cookie(
                    f"C{number}",
                    f"v{number}",
                    domain=domain,
                    path=rng.choice(paths),
                    secure=rng.random() < 0.4,
                    expires=rng.choice([None, FUTURE, PAST]),
                    host_only=not domain.startswith("."),
                )
            )
        for url in rng.sample(urls, 6):
            request = urllib.request.Request(url)
            cookies.jar.add_cookie_header(request)
            assert cookies.cookie_header(url) == request.get_header("Cookie"), url


def test_a_google_style_set_cookie_is_taken_and_written_back(tmp_path: Path) -> None:
    """Lower-case attributes, a dashed date and ``priority=high``, as Google's front end
    writes them."""
    path = tmp_path / "cookies.txt"
    path.write_text(netscape(*youtube_lines()))
    cookies = YouTubeCookies.from_file(path)
    update = cookies.apply_set_cookie(
        "https://www.youtube.com/youtubei/v1/browse",
        [
            "__Secure-3PSIDTS=sidts-rotated; expires=Mon, 29-Nov-2027 20:00:00 GMT; path=/; "
            "domain=.youtube.com; Secure; HttpOnly; priority=high; SameSite=none",
            "SIDCC=AKEyXz-rotated; expires=Mon, 29-Nov-2027 20:00:00 GMT; path=/; "
            "domain=.youtube.com; priority=high",
        ],
    )
    assert update.saved and update.changed == ("SIDCC", "__Secure-3PSIDTS")
    text = path.read_text()
    assert (
        "#HttpOnly_.youtube.com\tTRUE\t/\tTRUE\t1827518400\t__Secure-3PSIDTS\tsidts-rotated" in text
    )
    assert ".youtube.com\tTRUE\t/\tFALSE\t1827518400\tSIDCC\tAKEyXz-rotated" in text
