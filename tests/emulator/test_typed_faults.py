"""Input that used to escape as an untyped exception (``UnicodeEncodeError`` at send time,
``ValueError`` from ``int()`` or ``urllib``) is refused with the typed error of its source,
and well-formed input of the same kind is accepted. The inputs are generated; requests go
over loopback to the emulator.
"""

from __future__ import annotations

import contextlib
import io
import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from ytsession import (
    CookieAuth,
    CookieError,
    InnerTubeError,
    OAuthCredentials,
    OAuthEndpoints,
    OAuthServerError,
    PeerTubeCredentials,
    PeerTubeSession,
    Profile,
    ProfileError,
    RetryLaterError,
    Session,
    YouTubeCookies,
    YTSessionError,
)
from ytsession._console import show_device_code
from ytsession.cli import EXIT_USAGE, main
from ytsession.errors import CookiesRefusedError
from ytsession.testing import (
    EMULATOR_CLIENT_ID,
    EMULATOR_CLIENT_SECRET,
    PEERTUBE_PASSWORD,
    PEERTUBE_USERNAME,
    Emulator,
)
from ytsession.transport import RetryPolicy
from ytsession.youtube.innertube.player import parse_signature_timestamp

# --- strategies ----------------------------------------------------------------------------

#: What an HTTP header value may hold: latin-1 without control characters.
header_chars = st.characters(codec="latin-1", exclude_categories=("Cc",))
header_values = st.text(header_chars, min_size=1, max_size=30).map(str.strip).filter(bool)
#: Characters no header value can carry and that do not end a line for ``str.splitlines``
#: (a pasted line cut in two is two lines, not one bad value): other controls, and
#: everything outside latin-1.
unsendable_chars = st.one_of(
    st.sampled_from([*"\x00\x01\x07\x08\t\x0e\x1b\x1f\x7f\x80\x84\x86\x9f"]),
    st.characters(min_codepoint=0x100, exclude_categories=("Cs",)).filter(
        lambda c: c not in "\u2028\u2029"
    ),
)
unsendable_values = st.tuples(header_values, unsendable_chars, header_values).map("".join)

#: Pasted headers that are kept and sent again (X-Goog-AuthUser has rules of its own).
SENT_AGAIN = ["User-Agent", "Accept-Language", "X-Goog-PageId", "X-Goog-Visitor-Id", "X-Origin"]


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    """One emulator for every example of a module (the tests read, never change, it)."""
    with Emulator() as emu:
        yield emu
        assert emu.internal_errors == [], "the emulator itself failed"


def _cookie_line(emu: Emulator) -> str:
    jar = YouTubeCookies.from_text(emu.innertube.cookies.cookies_txt())
    return "Cookie: " + "; ".join(f"{name}={jar.get(name)}" for name in jar.names())


def _pasted(emu: Emulator, name: str, value: str, *, chrome: bool) -> tuple[str, int]:
    """Request headers as dev tools copy them, with ``name: value``; and that line's number."""
    lines = ["GET /youtubei/v1/browse HTTP/1.1", "Host: www.youtube.com", _cookie_line(emu)]
    lines += [f"{name}:", value] if chrome else [f"{name}: {value}"]
    return "\n".join(lines) + "\n", len(lines)


def _session(emu: Emulator, cookies: YouTubeCookies) -> Session:
    auth = CookieAuth(cookies, host_aliases={f"127.0.0.1:{emu.port}": "www.youtube.com"})
    return Session.create(auth=auth, base_url=emu.url, cache=False, generate_session_locally=True)


# --- pasted request headers ----------------------------------------------------------------


def _sendable(value: str) -> bool:
    """:return: whether HTTP/1.1 can carry ``value`` in a header (latin-1, no controls)."""
    return not any(ord(c) > 0xFF or ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in value)


@given(
    name=st.sampled_from(SENT_AGAIN),
    value=st.one_of(header_values, unsendable_values),
    chrome=st.booleans(),
)
@pytest.mark.slow
def test_a_pasted_header_is_sent_as_pasted_or_refused_naming_its_line(
    emulator: Emulator, name: str, value: str, chrome: bool
) -> None:
    text, line = _pasted(emulator, name, value, chrome=chrome)
    if not _sendable(value):
        with pytest.raises(CookieError) as caught:
            _session(emulator, YouTubeCookies.from_text(text)).call("browse", {})
        assert caught.value.line == line and name.lower() in str(caught.value)
        assert value not in str(caught.value)
        return
    cookies = YouTubeCookies.from_text(text)
    assert cookies.headers[name.lower()] == value
    if name != "X-Goog-PageId":
        return  # kept for the profile (the user agent) or dropped on send: not sent
    with contextlib.suppress(YTSessionError):  # the emulator knows no such brand account
        _session(emulator, cookies).call("browse", {})
    sent = emulator.requests_to("/youtubei/v1/browse")[-1]
    assert sent.header("X-Goog-PageId") == value


@given(name=st.sampled_from(SENT_AGAIN), value=st.one_of(header_values, unsendable_values))
@pytest.mark.slow
def test_a_browser_json_header_is_kept_or_refused(
    emulator: Emulator, tmp_path_factory: pytest.TempPathFactory, name: str, value: str
) -> None:
    path = tmp_path_factory.mktemp("browser") / "browser.json"
    cookie = _cookie_line(emulator).removeprefix("Cookie: ")
    path.write_text(json.dumps({"cookie": cookie, name: value}))
    if _sendable(value):
        assert YouTubeCookies.from_file(path, write_back=False).headers[name.lower()] == value
        return
    with pytest.raises(CookieError) as caught:
        YouTubeCookies.from_file(path, write_back=False)
    assert caught.value.path == str(path) and name.lower() in str(caught.value)


# --- account indexes and other numbers: ASCII digits only ----------------------------------

#: Digits of other scripts and superscripts: ``int()`` takes ``"٣"`` for 3, ``isdigit()``
#: takes ``"²"``, which ``int()`` then refuses with a ``ValueError``.
unicode_digits = st.characters(categories=("Nd", "No")).filter(lambda c: c not in "0123456789")
ascii_digits = st.text("0123456789", max_size=2)
not_ascii_numbers = st.tuples(ascii_digits, unicode_digits, ascii_digits).map("".join)
#: Those of them an HTTP header can carry (latin-1): "²", "³", "¹", "¼", "½", "¾".
latin1_not_ascii_numbers = st.tuples(ascii_digits, st.sampled_from([*"²³¹¼½¾"]), ascii_digits).map(
    "".join
)
account_indexes = st.one_of(
    st.integers(0, 9999).map(str),
    st.integers(0, 9).map(lambda n: f"00{n}"),  # leading zeros are still the number
    not_ascii_numbers,
)


def _an_account_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and int(text) <= 9999


@given(value=account_indexes, chrome=st.booleans())
@pytest.mark.slow
def test_a_pasted_account_index_is_ascii_digits_or_a_cookie_error(
    emulator: Emulator, value: str, chrome: bool
) -> None:
    text, line = _pasted(emulator, "X-Goog-AuthUser", value, chrome=chrome)
    if not _an_account_number(value):
        with pytest.raises(CookieError) as caught:
            _session(emulator, YouTubeCookies.from_text(text)).call("browse", {})
        assert caught.value.line == line and "x-goog-authuser" in str(caught.value)
        return
    cookies = YouTubeCookies.from_text(text)
    assert cookies.account_index == int(value)
    with contextlib.suppress(YTSessionError):  # the emulated browser has two accounts
        _session(emulator, cookies).call("browse", {})
    assert emulator.requests_to("/youtubei/v1/browse")[-1].header("X-Goog-AuthUser") == str(
        int(value)
    )


@given(value=st.one_of(st.sampled_from(["0", "1", "01"]), not_ascii_numbers))
@pytest.mark.slow
def test_the_account_index_option_takes_ascii_digits_only(
    emu: Emulator, cookie_file: Path, home: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    login = ["login", "--cookies", str(cookie_file), "--server", emu.url]
    if not _an_account_number(value):
        with pytest.raises(SystemExit) as caught:
            main([*login, "--account-index", value])
        assert caught.value.code == EXIT_USAGE
        assert "--account-index" in capsys.readouterr().err
        return
    assert main([*login, "--account-index", value]) == 0
    capsys.readouterr()
    assert Profile.named().load_settings().extra["account_index"] == int(value)


@given(
    value=st.one_of(
        st.integers(0, 1),
        st.sampled_from(["0", "1", " 1 "]),
        not_ascii_numbers,
        st.sampled_from([-1, True, 1.0, [1], {"n": 1}, ""]),
    )
)
@pytest.mark.slow
def test_a_stored_account_index_is_a_number_or_a_profile_error(
    emu: Emulator, cookie_file: Path, home: Path, capsys: pytest.CaptureFixture[str], value: object
) -> None:
    assert main(["login", "--cookies", str(cookie_file), "--server", emu.url]) == 0
    capsys.readouterr()
    path = home / "profiles" / "default" / "profile.json"
    settings = json.loads(path.read_text())
    settings["extra"]["account_index"] = value  # edited by hand
    path.write_text(json.dumps(settings))
    valid = (type(value) is int and value >= 0) or (
        isinstance(value, str) and _an_account_number(value.strip())
    )
    if not valid:
        with pytest.raises(ProfileError, match="account_index"):
            Session.from_profile(generate_session_locally=True, cache=False)
        return
    with Session.from_profile(generate_session_locally=True, cache=False) as session:
        session.call("browse", {})
    expected = str(int(value.strip() if isinstance(value, str) else value))  # type: ignore[arg-type]
    assert emu.requests_to("/youtubei/v1/browse")[-1].header("X-Goog-AuthUser") == expected


@given(value=st.one_of(st.integers(100, 10**6).map(str), latin1_not_ascii_numbers))
@pytest.mark.slow
def test_a_retry_after_in_other_digits_is_ignored_not_a_crash(
    emulator: Emulator, value: str
) -> None:
    session = Session.create(
        base_url=emulator.url,
        cache=False,
        generate_session_locally=True,
        retry=RetryPolicy(total=1, backoff=0),
    )
    emulator.inject_error("/youtubei/v1/browse", 429, {}, headers={"Retry-After": value})
    with session:
        if _an_account_number(value) or value.isascii():
            # honoured: more than the deadline allows, so it is not waited for
            with pytest.raises(RetryLaterError) as caught:
                session.call("browse", {})
            assert caught.value.retry_after == int(value)
        else:
            assert "responseContext" in session.call("browse", {})  # retried at once


def _web_headers(client: dict[str, str]) -> dict[str, str]:
    return {"X-YouTube-Client-Name": "1", "X-YouTube-Client-Version": client["clientVersion"]}


def test_the_emulator_refuses_an_account_index_in_other_digits(emulator: Emulator) -> None:
    jar = YouTubeCookies.from_text(emulator.innertube.cookies.cookies_txt())
    auth = CookieAuth(jar, host_aliases={f"127.0.0.1:{emulator.port}": "www.youtube.com"})
    web = {"clientName": "WEB", "clientVersion": "2.20260301.01.00"}
    with requests.Session() as http, pytest.raises(CookiesRefusedError):
        http.post(
            emulator.url + "/youtubei/v1/browse",
            json={"context": {"client": web}},
            headers={"X-Goog-AuthUser": "\u00b2", **_web_headers(web)},
            auth=auth,
            timeout=10,
        )
    assert emulator.requests_to("/youtubei/v1/browse")[-1].status == 401
    assert emulator.internal_errors == []


#: Five digits, one of another script (int() reads "12٣45" as 12345).
five_digits_not_ascii = st.tuples(
    st.text("0123456789", min_size=2, max_size=2),
    st.characters(categories=("Nd",)).filter(lambda c: not c.isascii()),
    st.text("0123456789", min_size=2, max_size=2),
).map("".join)


@given(value=st.one_of(st.integers(10000, 99999).map(str), five_digits_not_ascii))
def test_a_signature_timestamp_is_five_ascii_digits(value: str) -> None:
    if value.isascii():
        assert parse_signature_timestamp(value) == int(value)
        return
    with pytest.raises(InnerTubeError, match="signatureTimestamp"):
        parse_signature_timestamp(value)


# --- device-code answers -------------------------------------------------------------------

DEVICE_FIELDS = [
    "device_code",
    "user_code",
    "verification_url",
    "verification_uri",
    "verification_uri_complete",
]
lone_surrogates = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
# No control characters: a shown field holding one is refused (see the test below).
device_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=30)


@st.composite
def device_code_answers(draw: st.DrawFn) -> tuple[dict[str, object], str | None]:
    """A device-code answer, and the field given a lone surrogate (``None``: well-formed)."""
    answer: dict[str, object] = {key: draw(device_text) for key in DEVICE_FIELDS}
    answer.update(expires_in=1800, interval=5)
    broken = draw(st.one_of(st.none(), st.sampled_from(DEVICE_FIELDS)))
    if broken is not None:
        text = str(answer[broken])
        at = draw(st.integers(0, len(text)))
        answer[broken] = text[:at] + draw(lone_surrogates) + text[at:]
    return answer, broken


@given(drawn=device_code_answers())
@pytest.mark.slow
def test_a_device_code_answer_is_shown_or_refused_never_a_unicode_error(
    emulator: Emulator, drawn: tuple[dict[str, object], str | None]
) -> None:
    answer, broken = drawn
    credentials = OAuthCredentials(
        EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, endpoints=OAuthEndpoints.under(emulator.url)
    )
    # JSON spells a lone surrogate as an escape ("\ud800"): the body itself is ASCII.
    body = json.dumps(answer).encode("ascii")
    emulator.inject_error("/device/code", 200, body, headers={"Content-Type": "application/json"})
    if broken is not None:
        with pytest.raises(OAuthServerError) as caught:
            credentials.get_code()
        assert caught.value.error == "invalid_answer" and f"'{broken}'" in str(caught.value)
        return
    code = credentials.get_code()
    assert {key: code.get(key) for key in DEVICE_FIELDS} == {k: answer[k] for k in DEVICE_FIELDS}
    shown = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", newline="")
    show_device_code(code, out=shown, qr=True)  # printed, and drawn as a QR code
    shown.seek(0)
    assert str(answer["user_code"]) in shown.read()


ESCAPES = {
    "user_code": "ABCD-EFGH\x1b]0;pwned\x07\x1b[2K\rWXYZ-0000",
    "verification_url": "https://www.google.com/device\r\x1b[1Ahttps://evil.example/device",
    "verification_uri_complete": "https://www.google.com/device?user_code=\x9b2J",
}


@pytest.mark.parametrize("field", sorted(ESCAPES))
def test_a_device_code_a_terminal_would_obey_is_refused_not_shown(
    emulator: Emulator, field: str
) -> None:
    answer: dict[str, object] = {
        "device_code": "device-code",
        "user_code": "ABCD-EFGH",
        "verification_url": "https://www.google.com/device",
        "expires_in": 1800,
        "interval": 5,
    }
    answer[field] = ESCAPES[field]
    credentials = OAuthCredentials(
        EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, endpoints=OAuthEndpoints.under(emulator.url)
    )
    emulator.inject_error("/device/code", 200, answer)
    with pytest.raises(OAuthServerError) as caught:
        credentials.get_code()
    assert caught.value.error == "invalid_answer"
    assert f"'{field}' with a control character" in str(caught.value)
    assert "\x1b" not in str(caught.value) and "\r" not in str(caught.value)


# --- a PeerTube instance URL read from a profile --------------------------------------------

ipv6_hosts = st.ip_addresses(v=6).map(lambda a: f"[{a}]")


def _a_bracketed_host(inside: str) -> bool:
    try:
        ipaddress.IPv6Address(inside)
    except ValueError:
        return False
    return True


@st.composite
def bad_instance_urls(draw: st.DrawFn) -> str:
    """Instance URLs urllib refuses (``ValueError``) or nothing can send."""
    scheme = draw(st.sampled_from(["http://", "https://"]))
    inside = draw(st.text("0123456789abcdefABCDEF:.vx%-_g", max_size=12))
    kind = draw(st.sampled_from(["unclosed", "not ipv6", "port", "port name", "space"]))
    if kind == "unclosed":
        return f"{scheme}[{inside}"
    if kind == "not ipv6":
        return f"{scheme}[{draw(st.just(inside).filter(lambda i: not _a_bracketed_host(i)))}]/"
    if kind == "port":
        return f"{scheme}[::1]:{draw(st.integers(65536, 10**6))}/"
    if kind == "port name":
        return f"{scheme}127.0.0.1:{draw(st.text('xyz:', min_size=1, max_size=3))}"
    gap = draw(st.sampled_from([" ", "\t", "\x00", "\u3000"]))
    return f"{scheme}exa{gap}mple.org"


@pytest.fixture
def tube_profile(emu: Emulator, home: Path) -> tuple[Path, dict[str, object]]:
    """A PeerTube login in a profile; its profile.json and that file's settings."""
    peertube = PeerTubeCredentials(emu.url)
    token = peertube.login_token(PEERTUBE_USERNAME, PEERTUBE_PASSWORD)
    Profile.named("tube").save_login(
        peertube.profile_settings(PEERTUBE_USERNAME), token=token.as_dict()
    )
    path = home / "profiles" / "tube" / "profile.json"
    return path, json.loads(path.read_text())


@given(
    drawn=st.one_of(
        bad_instance_urls().map(lambda url: ("bad", url)),
        st.sampled_from(["{}", "{}/", " {} ", "{}//"]).map(lambda url: ("emulator", url)),
        ipv6_hosts.map(lambda host: ("ipv6", f"https://{host}")),
    )
)
@pytest.mark.slow
def test_a_stored_instance_url_is_used_or_a_profile_error(
    emu: Emulator, tube_profile: tuple[Path, dict[str, object]], drawn: tuple[str, str]
) -> None:
    path, settings = tube_profile
    kind, url = drawn[0], drawn[1].format(emu.url)
    endpoints = dict(settings["endpoints"])  # type: ignore[call-overload]
    path.write_text(json.dumps({**settings, "endpoints": {**endpoints, "instance_url": url}}))
    if kind == "emulator":  # written loosely, read as the instance it is
        with PeerTubeSession.from_profile("tube") as session:
            assert session.me()["username"] == PEERTUBE_USERNAME
    elif kind == "ipv6":  # no request: the profile holds the client
        credentials = PeerTubeCredentials.from_settings(Profile.named("tube").load_settings())
        assert credentials.instance_url == url
    else:
        with pytest.raises(ProfileError, match="instance URL"):
            PeerTubeSession.from_profile("tube")


@given(
    index=st.one_of(
        st.integers(-(10**6), 10**6),
        st.sampled_from([0, 9999, 10_000, -1, True, "3", 2.0]),
    )
)
def test_an_account_index_is_sent_as_given_or_a_profile_error(
    emulator: Emulator, index: object
) -> None:
    jar = YouTubeCookies.from_text(emulator.innertube.cookies.cookies_txt())
    aliases = {f"127.0.0.1:{emulator.port}": "www.youtube.com"}
    if type(index) is not int or not 0 <= index <= 9999:
        with pytest.raises(ProfileError, match="account_index") as caught:
            CookieAuth(jar, host_aliases=aliases, account_index=index)  # type: ignore[arg-type]
        assert "0 for the first account" in str(caught.value)
        return
    auth = CookieAuth(jar, host_aliases=aliases, account_index=index)
    with contextlib.suppress(YTSessionError):  # the emulator signs in account 0 only
        Session.create(
            auth=auth, base_url=emulator.url, cache=False, generate_session_locally=True
        ).call("browse", {})
    assert emulator.requests_to("/youtubei/v1/browse")[-1].header("X-Goog-AuthUser") == str(index)


@given(page_id=st.one_of(header_values, unsendable_values))
@pytest.mark.slow
def test_a_brand_account_id_is_sent_as_given_or_a_profile_error(
    emulator: Emulator, page_id: str
) -> None:
    jar = YouTubeCookies.from_text(emulator.innertube.cookies.cookies_txt())
    aliases = {f"127.0.0.1:{emulator.port}": "www.youtube.com"}
    if not _sendable(page_id.replace("\t", " ")):  # HTTP carries a tab inside a value
        with pytest.raises(ProfileError, match="on_behalf_of_user"):
            CookieAuth(jar, host_aliases=aliases, on_behalf_of_user=page_id)
        return
    auth = CookieAuth(jar, host_aliases=aliases, on_behalf_of_user=page_id)
    with contextlib.suppress(YTSessionError):  # the emulator knows no such brand account
        Session.create(
            auth=auth, base_url=emulator.url, cache=False, generate_session_locally=True
        ).call("browse", {})
    assert emulator.requests_to("/youtubei/v1/browse")[-1].header("X-Goog-PageId") == page_id
