"""A refresh answer that rotates the refresh token but is otherwise unusable keeps the new
refresh token: stored through the one write step (a token file, a Redis store), for Google's
kind of OAuth server and for PeerTube, with the typed error raised and nothing else changed.

The server here is a loopback token endpoint that rotates refresh tokens and punishes a
replayed one by revoking the whole grant, as PeerTube and certified OAuth servers do. The
answers are generated: every class of fault (a bad ``expires_in``, ``token_type``,
``access_token``, ``scope``, ``refresh_token_expires_in``, JSON the validation layer refuses,
bytes that are not UTF-8) and well-formed answers, which must be taken whole.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ytsession import OAuthCredentials, OAuthEndpoints, PeerTubeCredentials, Profile
from ytsession import _validate as check
from ytsession.errors import InvalidTokenAnswerError
from ytsession.oauth.credentials import Credentials
from ytsession.peertube import PeerTubeBadAnswerError
from ytsession.peertube.models import TOKEN_PATH as PEERTUBE_TOKEN_PATH
from ytsession.store.profiles import ProfileSettings

from tests._support.faulty_server import Answer, FaultyServer, Seen

pytestmark = pytest.mark.slow

GOOGLE_TOKEN_PATH = "/token"
CLIENT_ID = "rotating-client.apps.example"
CLIENT_SECRET = "rotating-client-secret-0001"


# --- a token endpoint that rotates, and revokes the grant on a replay ----------------------


@dataclass
class RotatingTokenServer:
    """The grant of one user: one live refresh token at a time.

    A refresh with the live token spends it and answers with ``answer(new_refresh_token)``
    (the next generated answer); a spent token sent again revokes the whole grant.
    """

    live: str = ""
    revoked: bool = False
    received: list[str] = field(default_factory=list)
    answers: list[Callable[[], tuple[str, bytes]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def grant(self, refresh_token: str) -> None:
        with self.lock:
            self.live, self.revoked, self.received, self.answers = refresh_token, False, [], []

    def behaviour(self, seen: Seen, client: Any) -> bool:
        form = {k: v[0] for k, v in parse_qs(seen.body.decode("latin-1")).items()}
        if (
            seen.path not in (GOOGLE_TOKEN_PATH, PEERTUBE_TOKEN_PATH)
            or form.get("client_secret") != CLIENT_SECRET
        ):
            reply = Answer(401, json.dumps({"error": "invalid_client"}).encode())
        else:
            reply = self._answer(form.get("refresh_token", ""))
        client.sendall(reply.head() + reply.body)
        return True

    def _answer(self, refresh_token: str) -> Answer:
        with self.lock:
            self.received.append(refresh_token)
            if self.revoked or refresh_token != self.live or not self.answers:
                self.revoked = True  # a replay (or an unknown token): the grant is over
                return Answer(400, json.dumps({"error": "invalid_grant"}).encode())
            self.live, body = self.answers.pop(0)()
            return Answer(200, body)


@pytest.fixture
def server() -> Iterator[tuple[RotatingTokenServer, str]]:
    state = RotatingTokenServer()
    with FaultyServer(state.behaviour) as http:
        yield state, http.url


def _credentials(kind: str, url: str) -> tuple[Credentials, ProfileSettings]:
    if kind == "google":
        google = OAuthCredentials(CLIENT_ID, CLIENT_SECRET, endpoints=OAuthEndpoints.under(url))
        return google, ProfileSettings.of_client(google)
    peertube = PeerTubeCredentials(url, CLIENT_ID, CLIENT_SECRET)
    return peertube, peertube.profile_settings("alice")


def _stored(access_token: str, refresh_token: str, *, at: float) -> dict[str, Any]:
    """A stored token (an hour-long one) that expires ``at``."""
    return {
        "scope": "s",
        "token_type": "Bearer",
        "access_token": access_token,
        "refresh_token": refresh_token,
        "expires_at": int(at),
        "expires_in": 3600,
    }


# --- answers -------------------------------------------------------------------------------

#: What HTTP header values may hold: latin-1 without control characters.
_HEADER_CHARS = st.characters(
    codec="latin-1", exclude_categories=("Cc",), exclude_characters="\x85\xa0 "
)
secrets = st.text(_HEADER_CHARS, min_size=8, max_size=40)


def _raw(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


#: Lifetimes the validation layer refuses (as JSON text: NaN and huge integers cannot be
#: written otherwise).
bad_lifetimes = st.one_of(
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "-0.5", "-1"]),
    st.integers(min_value=10**21, max_value=10**60).map(str),  # more digits than allowed
    st.integers(max_value=-1).map(str),
    st.integers(min_value=check.MAX_LIFETIME + 1, max_value=10**19).map(str),
    st.sampled_from(["soon", "", "1h", "3600s", " ", "NaN"]).map(_raw),
    st.sampled_from(["true", "false", "[]", "{}", "[3600]", '{"s": 3600}']),
    # digits of other scripts: int() reads "٣٦٠٠" as 3600, but a server's number is ASCII
    st.text(
        st.characters(categories=("Nd",)).filter(lambda c: not c.isascii()), min_size=1, max_size=5
    ).map(_raw),
)
#: Strings that cannot go into an HTTP header.
unsendable = st.one_of(
    st.tuples(secrets, st.sampled_from(["\r\n", "\n", "\x00", "\x7f", "\x1b"]), secrets).map(
        "".join
    ),
    st.tuples(secrets, st.characters(min_codepoint=0x100)).map("".join),  # not latin-1
    secrets.map(lambda s: f" {s}"),
    secrets.map(lambda s: f"{s}\t"),
    st.just("A" * (check.MAX_TOKEN_CHARS + 1)),
)
not_strings = st.sampled_from(["42", "true", "[]", '{"a": 1}', "1.5", '["Bearer"]'])


@dataclass
class Generated:
    """One generated answer: its fields as JSON text, and whether it is well-formed."""

    fields: dict[str, str]
    valid: bool
    fault: str
    suffix: bytes = b""

    def body(self, rotated: str) -> bytes:
        fields = {**self.fields, "refresh_token": _raw(rotated)}
        text = "{" + ", ".join(f"{_raw(k)}: {v}" for k, v in fields.items()) + "}"
        return text.encode() if not self.suffix else text[:-1].encode() + self.suffix + b"}"


@st.composite
def well_formed(draw: st.DrawFn) -> Generated:
    fields = {
        "access_token": _raw(draw(secrets)),
        "expires_in": draw(
            st.one_of(
                st.integers(1, check.MAX_LIFETIME).map(str),
                st.integers(1, 10**6).map(lambda n: _raw(str(n))),  # "3600" as a string
                st.floats(1, 10**6).map(repr),
            )
        ),
    }
    if draw(st.booleans()):
        fields["token_type"] = _raw(draw(st.sampled_from(["Bearer", "bearer", "BEARER"])))
    if draw(st.booleans()):
        fields["scope"] = _raw(draw(st.text(max_size=30)))
    if draw(st.booleans()):
        fields["refresh_token_expires_in"] = str(draw(st.integers(0, check.MAX_LIFETIME)))
    if draw(st.booleans()):
        fields["id_token"] = _raw(draw(st.text(max_size=20)))  # an unknown extra field
    return Generated(fields, valid=True, fault="")


@st.composite
def ill_formed(draw: st.DrawFn) -> Generated:
    answer = draw(well_formed())
    fields = dict(answer.fields)
    fault = draw(
        st.sampled_from(
            [
                "expires_in",
                "token_type",
                "access_token",
                "no access_token",
                "scope",
                "refresh_token_expires_in",
                "too deep",
                "not utf-8",
            ]
        )
    )
    suffix = b""
    if fault == "expires_in":  # an access token lives one second at least
        fields[fault] = draw(st.one_of(bad_lifetimes, st.sampled_from(["0", "0.5", "0.0"])))
    elif fault == "refresh_token_expires_in":
        fields[fault] = draw(bad_lifetimes)
    elif fault == "token_type":
        fields[fault] = draw(st.one_of(unsendable.map(_raw), not_strings))
    elif fault == "access_token":
        fields[fault] = draw(st.one_of(unsendable.map(_raw), not_strings, st.just('""')))
    elif fault == "no access_token":
        if draw(st.booleans()):
            del fields["access_token"]
        else:
            fields["access_token"] = "null"
    elif fault == "scope":
        fields[fault] = draw(not_strings)
    elif fault == "too deep":
        depth = draw(st.integers(check.MAX_DEPTH + 1, 400))
        fields["extra"] = "[" * depth + "]" * depth
    else:  # a field whose bytes are not UTF-8
        suffix = b', "scope": "' + draw(st.binary(min_size=1, max_size=4).map(_not_utf8)) + b'"'
    return Generated(fields, valid=False, fault=fault, suffix=suffix)


def _not_utf8(data: bytes) -> bytes:
    return data.replace(b'"', b"").replace(b"\\", b"") + b"\xff\xfe"


answers = st.one_of(ill_formed(), well_formed())


# --- the property ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["google", "peertube"])
@given(answer=answers, rotated=secrets, data=st.data())
def test_a_rotated_refresh_token_survives_any_refresh_answer(
    server: tuple[RotatingTokenServer, str],
    store_url: str,
    kind: str,
    answer: Generated,
    rotated: str,
    data: st.DataObject,
) -> None:
    state, url = server
    _, settings = _credentials(kind, url)
    profile = Profile.named("cron", store=store_url)
    old = _stored(  # expiring: the next read refreshes
        "at-old-" + data.draw(secrets), "rt-old-" + data.draw(secrets), at=time.time()
    )
    profile.save_login(settings, token=old)
    state.grant(old["refresh_token"])
    state.answers.append(lambda: (rotated, answer.body(rotated)))
    token = profile.refreshing_token()

    if answer.valid:
        token.refresh()
        stored = profile.load_token()
        assert stored["refresh_token"] == rotated == token.refresh_token
        assert stored["access_token"] == json.loads(answer.fields["access_token"])
        assert stored["expires_at"] >= old["expires_at"]
        return

    with pytest.raises(InvalidTokenAnswerError) as caught:
        token.refresh()
    error = caught.value
    assert rotated not in str(error) and rotated not in repr(error), answer.fault
    stored = profile.load_token()
    # Only the refresh token changed, in the store and in memory alike.
    assert stored == {**old, "refresh_token": rotated}, answer.fault
    assert token.as_dict() == stored

    # The login is alive: another process refreshes with the NEW refresh token, once, and the
    # server (which revokes the whole grant on a replay) honours it.
    fresh = "rt-fresh-" + data.draw(secrets)
    good = {"access_token": "at-fresh-0001", "expires_in": 3600, "refresh_token": fresh}
    state.answers.append(lambda: (fresh, json.dumps(good).encode()))
    assert Profile.named("cron", store=store_url).refreshing_token().access_token == "at-fresh-0001"
    assert state.received == [old["refresh_token"], rotated] and not state.revoked
    assert profile.load_token()["refresh_token"] == fresh


def test_a_peertube_answer_without_an_access_token_is_typed_and_keeps_the_rotation(
    server: tuple[RotatingTokenServer, str], store_url: str
) -> None:
    state, url = server
    _, settings = _credentials("peertube", url)
    profile = Profile.named("tube", store=store_url)
    old = _stored("at-old-000001", "rt-old-000001", at=time.time() + 30)
    profile.save_login(settings, token=old)
    state.grant(old["refresh_token"])
    body = {"token_type": "Bearer", "expires_in": 86400, "refresh_token": "rt-rotated-0001"}
    state.answers.append(lambda: ("rt-rotated-0001", json.dumps(body).encode()))
    with pytest.raises(PeerTubeBadAnswerError, match="no access_token") as caught:
        profile.refreshing_token().refresh(force=True)
    assert isinstance(caught.value, InvalidTokenAnswerError)
    assert caught.value.status == 200
    assert profile.load_token() == {**old, "refresh_token": "rt-rotated-0001"}
