"""Property-based tests over every parser of untrusted input: whatever the bytes, only a
:class:`~ytsession.YTSessionError` subclass escapes, no file changes, and every header value
that comes out is fit to send (latin-1, no control characters).

The number of examples comes from the hypothesis profile (``tests/conftest.py``): small and
fast by default, at least 10,000 across these tests with ``HYPOTHESIS_PROFILE=ci`` (which
``.ci/run`` sets), derandomized so that CI is reproducible.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from ytsession import (
    CookieAuth,
    InnerTubeError,
    OAuthServerError,
    OAuthToken,
    PeerTubeError,
    RefreshingToken,
    TokenFileError,
    YouTubeCookies,
    YTSessionError,
    _secrets,
)
from ytsession import _validate as check
from ytsession.errors import VisitorDataError
from ytsession.oauth import tokenfile
from ytsession.oauth.credentials import Credentials, oauth_error
from ytsession.peertube.errors import CONTEXT_API, CONTEXT_REFRESH, error_from_answer
from ytsession.store.profiles import Profile
from ytsession.youtube.cookies.jar import parse_cookie_header, parse_netscape, parse_request_headers
from ytsession.youtube.innertube.call import answer_error as innertube_error
from ytsession.youtube.innertube.clients import client_profile
from ytsession.youtube.innertube.visitor import (
    decode_visitor_data,
    parse_embed_page,
    parse_sw_js_data,
)

# --- strategies ----------------------------------------------------------------------------

#: Text with what breaks parsers and headers: controls, line breaks, non-latin-1, NUL.
nasty_text = st.text(
    alphabet=st.one_of(
        st.characters(),
        st.sampled_from(["\r", "\n", "\x00", "\t", "\u2028", "\u00e9", "\U0001f600", '"', "\\"]),
    ),
    max_size=40,
)
#: Numbers a server might send: NaN, infinities, huge ints, negative, bools.
nasty_numbers = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from([0, 1, 59, 60, 3599, 3600, 10**12, "3600", "soon", "", None]),
)
scalars = st.one_of(st.none(), st.booleans(), nasty_numbers, nasty_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
TOKEN_KEYS = [
    "access_token",
    "refresh_token",
    "expires_in",
    "expires_at",
    "scope",
    "token_type",
    "refresh_token_expires_in",
]
#: Objects shaped like token files and token answers, every field possibly wrong.
token_like = st.dictionaries(st.sampled_from(TOKEN_KEYS), json_values, max_size=7).map(
    lambda d: {**d, "access_token": d.get("access_token", "at-fuzz-000001")}
)


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


#: Raw bodies: any bytes, JSON texts of the shapes above, deep nesting, NaN, huge ints.
json_bodies = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v)),
    token_like.map(lambda v: json.dumps(v)),
    st.integers(min_value=30, max_value=100_000).map(_deep),
    st.integers(min_value=30, max_value=5_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.sampled_from(['{"expires_in": NaN}', '{"a": Infinity}', '{"a": -Infinity}']),
    st.integers(min_value=21, max_value=5_000).map(lambda n: '{"expires_in": ' + "9" * n + "}"),
).map(lambda v: v.encode("utf-8", "surrogatepass") if isinstance(v, str) else v)


def _header_safe(value: str) -> None:
    value.encode("latin-1")
    assert not any(c in value for c in "\r\n\x00"), repr(value)
    requests.utils.check_header_validity(("X-Checked", value))


# --- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


class _NoServer(Credentials):
    """Credentials whose refresh answer is whatever the test hands over (no network)."""

    client_id = "fuzz"
    client_secret = "fuzz-secret-0001"
    answer: object = None

    def get_code(self) -> Any:
        raise NotImplementedError

    def token_from_code(self, device_code: str) -> Any:
        raise NotImplementedError

    def refresh_token(self, refresh_token: str) -> Any:
        return self.answer

    def revoke(self, token: str) -> None:
        raise NotImplementedError


@pytest.fixture
def secrets_registered() -> Iterator[tuple[str, ...]]:
    values = ("at-secret-fuzz-0001", "rt-secret-fuzz-0001", "client-secret-fuzz-01")
    _secrets.register(*values)
    yield values


# --- JSON ----------------------------------------------------------------------------------


@given(json_bodies)
@pytest.mark.slow
def test_json_is_parsed_or_refused_with_a_typed_error(body: bytes) -> None:
    source = tokenfile.answer_source("https://fuzz.example")
    for parse in (check.loads, check.maybe_json):
        try:
            value = parse(body, source)
        except YTSessionError as exc:
            assert "fuzz.example" in str(exc)
            continue
        json.dumps(value, allow_nan=False)  # finite, no huge ints, not too deep to dump


# --- token files ---------------------------------------------------------------------------


@given(json_bodies)
@pytest.mark.slow
def test_a_token_file_is_loaded_or_refused_and_never_changed(workdir: Path, body: bytes) -> None:
    path = workdir / "oauth.json"
    path.write_bytes(body)
    try:
        stored = tokenfile.load_token(path)
    except TokenFileError as exc:
        assert str(path) in str(exc) and exc.path == str(path)
    else:
        for key in ("access_token", "token_type"):
            _header_safe(stored[key])
        assert 0 <= stored["expires_at"] <= check.MAX_EPOCH
    assert path.read_bytes() == body


@given(token_like)
@pytest.mark.slow
def test_a_token_mapping_is_parsed_or_refused(data: dict[str, Any]) -> None:
    try:
        token = OAuthToken.from_dict(data)
    except TokenFileError:
        return
    _header_safe(token.as_auth())


@given(st.text(max_size=30), st.text(max_size=12))
def test_a_token_in_memory_signs_a_header_or_is_refused(access: str, token_type: str) -> None:
    token = OAuthToken(access_token=access, refresh_token="rt-0000001", token_type=token_type)
    try:
        value = token.as_auth()
    except TokenFileError:
        return
    _header_safe(value)


# --- token-endpoint answers ----------------------------------------------------------------


@given(st.one_of(token_like, json_values))
@pytest.mark.slow
def test_a_token_answer_is_taken_whole_or_not_at_all(answer: Any) -> None:
    token = OAuthToken(access_token="at-old-00001", refresh_token="rt-old-00001", expires_in=60)
    before = token.as_dict()
    try:
        token.update(answer)
    except OAuthServerError:
        assert token.as_dict() == before
        return
    _header_safe(token.as_auth())
    assert 1 <= token.expires_in <= check.MAX_LIFETIME
    if isinstance(answer.get("refresh_token"), str) and answer["refresh_token"]:
        assert token.refresh_token == answer["refresh_token"]


@given(st.one_of(token_like, json_values))
@pytest.mark.slow
def test_a_refresh_answer_is_validated_written_then_adopted(workdir: Path, answer: Any) -> None:
    path = workdir / "refreshing.json"
    credentials = _NoServer()
    credentials.answer = answer
    token = RefreshingToken(
        credentials, path, access_token="at-old-00001", refresh_token="rt-old-00001"
    )
    token.store_token()
    before = path.read_bytes()
    try:
        token.refresh(force=True)
    except YTSessionError:
        stored = json.loads(path.read_bytes())
        rotated = answer.get("refresh_token") if isinstance(answer, dict) else None
        if path.read_bytes() != before:  # only a rotated refresh token may be kept
            assert stored["refresh_token"] == rotated and stored["expires_at"] == 0
            assert stored["access_token"] == "at-old-00001"
    assert json.loads(path.read_bytes()) == token.as_dict()  # memory never ahead of the file
    assert not [p for p in os.listdir(workdir) if p.endswith(".tmp")]


# --- profile.json --------------------------------------------------------------------------


@given(
    st.one_of(
        json_bodies,
        st.dictionaries(
            st.sampled_from(["kind", "client_id", "client_secret", "endpoints", "scope", "extra"]),
            json_values,
        ).map(lambda d: json.dumps(d).encode()),
    )
)
@pytest.mark.slow
def test_a_profile_file_is_loaded_or_refused_and_never_changed(workdir: Path, body: bytes) -> None:
    profile = Profile.named("fuzz", home=workdir / "home")
    profile.directory.mkdir(parents=True, exist_ok=True)
    profile.settings_path.write_bytes(body)
    try:
        settings = profile.load_settings()
    except YTSessionError:
        pass
    else:
        assert isinstance(settings.kind, str) and settings.kind
    assert profile.settings_path.read_bytes() == body


# --- cookies -------------------------------------------------------------------------------

cookie_names = st.sampled_from(
    ["SAPISID", "__Secure-3PAPISID", "__Secure-1PAPISID", "SID", "HSID", "LOGIN_INFO", "PREF"]
)
cookie_lines = st.one_of(
    st.tuples(
        st.sampled_from([".youtube.com", "www.youtube.com", "#HttpOnly_.youtube.com", "x"]),
        st.sampled_from(["TRUE", "FALSE", "maybe"]),
        st.sampled_from(["/", ""]),
        st.sampled_from(["TRUE", "FALSE"]),
        st.one_of(st.sampled_from(["0", "2000000000", "1e400", "nan", "-1"]), nasty_text),
        st.one_of(cookie_names, nasty_text),
        nasty_text,
    ).map("\t".join),
    nasty_text,
)
cookie_files = st.lists(cookie_lines, max_size=8).map(
    lambda lines: "# Netscape HTTP Cookie File\n" + "\n".join(lines)
)
cookie_headers = st.lists(
    st.tuples(st.one_of(cookie_names, nasty_text), nasty_text).map("=".join), max_size=6
).map("; ".join)


def _sign_with(cookies: YouTubeCookies) -> None:
    request = requests.Request("POST", "https://www.youtube.com/youtubei/v1/browse").prepare()
    try:
        CookieAuth(cookies)(request)
    except YTSessionError:
        return
    for value in request.headers.values():
        _header_safe(value if isinstance(value, str) else value.decode("latin-1"))


@given(st.one_of(cookie_files, cookie_headers, nasty_text))
def test_cookie_text_is_parsed_or_refused_and_signs_safe_headers(text: str) -> None:
    for parse in (parse_netscape, parse_cookie_header, parse_request_headers):
        with contextlib.suppress(YTSessionError):
            parse(text)
    try:
        cookies = YouTubeCookies.from_text(text)
    except YTSessionError:
        return
    _sign_with(cookies)


@given(st.one_of(json_bodies, cookie_files.map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_a_cookie_file_is_loaded_or_refused_and_never_changed(workdir: Path, body: bytes) -> None:
    for name in ("cookies.txt", "browser.json"):
        path = workdir / name
        path.write_bytes(body)
        try:
            cookies = YouTubeCookies.from_file(path, write_back=False)
        except YTSessionError:
            pass
        else:
            _sign_with(cookies)
        assert path.read_bytes() == body


# --- error answers -------------------------------------------------------------------------


@given(st.integers(min_value=100, max_value=599), json_values, st.sampled_from([None, "1", "x"]))
def test_a_problem_json_answer_is_a_peertube_error_without_secrets(
    secrets_registered: tuple[str, ...], status: int, data: Any, retry_after: str | None
) -> None:
    if isinstance(data, dict):
        data = {**data, "detail": f"{data.get('detail')} {secrets_registered[0]}"}
    headers = {"Retry-After": retry_after} if retry_after else {}
    for context in (CONTEXT_API, CONTEXT_REFRESH):
        error = error_from_answer(
            status, data, context=context, where="https://fuzz.example", headers=headers
        )
        assert isinstance(error, PeerTubeError)
        shown = " ".join(str(v) for v in (error, error.detail, error.title))
        assert not any(secret in shown for secret in secrets_registered)


oauth_errors = st.dictionaries(
    st.one_of(st.sampled_from(["error", "error_description", "error_uri"]), st.text(max_size=8)),
    json_values,
    max_size=4,
)


@given(st.integers(min_value=100, max_value=599), oauth_errors)
def test_an_oauth_error_answer_is_typed_without_secrets(
    secrets_registered: tuple[str, ...], status: int, data: dict[str, Any]
) -> None:
    data = {**data, "error_description": f"bad {secrets_registered[1]}"}
    error = oauth_error(data, status)
    assert isinstance(error, OAuthServerError)
    assert not any(secret in str(error) for secret in secrets_registered)


@given(st.integers(min_value=100, max_value=599), json_values)
def test_an_innertube_error_answer_is_typed_without_secrets(
    secrets_registered: tuple[str, ...], status: int, data: Any
) -> None:
    if isinstance(data, dict):
        data = {"error": {**data, "message": f"token {secrets_registered[0]} refused"}}
    error = innertube_error(status, data, "browse", client_profile("WEB"), None)
    assert isinstance(error, InnerTubeError)
    assert not any(secret in f"{error} {error.message}" for secret in secrets_registered)


# --- visitor data and session data ---------------------------------------------------------


@given(st.one_of(json_bodies.map(lambda b: b.decode("utf-8", "replace")), nasty_text))
def test_sw_js_data_and_embed_pages_are_read_or_refused(text: str) -> None:
    for body in (text, ")]}'\n" + text, f'"visitorData":"{text}"'):
        for parse in (parse_sw_js_data, parse_embed_page):
            try:
                data = parse(body, now=time.time())
            except VisitorDataError:
                continue
            assert data.visitor_data
        with contextlib.suppress(VisitorDataError):
            decode_visitor_data(body)
