"""Input that used to escape as an untyped exception (``UnicodeEncodeError`` at send time,
``ValueError`` from ``int()`` or ``urllib``) is refused with the typed error of its source,
and well-formed input of the same kind is accepted. The inputs are generated; requests go
over loopback to the emulator.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ytsession import CookieAuth, CookieError, Session, YouTubeCookies, YTSessionError
from ytsession.testing import Emulator

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
