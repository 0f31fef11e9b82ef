"""Per-call cost of a signed InnerTube call, as ratios measured in the same run.

Each row times one way of making a call against its baseline, a default
``requests.Session().post(url, json=body, headers=headers)`` with the same body and the
same signed headers, to the same endpoint (so it gets the same answer):

- ``oauth``: an OAuth-signed ``Session.call("browse", ...)`` (target: at most 0.90x CPU:
  with the environment read once, the signed call beats a default session);
- ``cookies``: a cookie-signed ``Session.call("browse", ...)`` (target: at most 1.10x CPU);
- ``cookies, Set-Cookie``: the same call answered with a rotating ``Set-Cookie`` each time,
  written back to a cookies.txt (target: at most 1.30x CPU);
- ``cookies, new visitor data``: answered with newer visitor data each time, kept in the
  session data cache (target: at most 1.30x CPU);
- ``cookies, calls older than the deadline``: the ``cookies`` call with a 1-second
  deadline, so that most calls a process has made are older than a deadline, as in any
  process that makes calls for longer than a minute (target: at most 1.10x CPU, as
  ``cookies``: finished calls must cost the deadline watchdog nothing).

All talk to a loopback HTTP server that runs in another process (so its work is not
counted as ours) and answers at once from memory (``/next`` with a ``Set-Cookie``,
``/search`` with new visitor data); CPU time is this process's (``time.process_time``),
wall time is ``time.perf_counter``. Rounds interleave the rows so machine noise hits all
alike; the median per-call time of the rounds is compared.

Add a row by adding a function to :data:`ROWS` that returns the call to time (and its
target CPU ratio), with the headers and body of its own baseline (or ``None`` to be
compared with the baseline of the row before it).
Usage: ``python benchmarks/calls.py [--calls N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from ytsession import (
    CookieAuth,
    OAuthCredentials,
    OAuthEndpoints,
    RefreshingToken,
    Session,
    YouTubeCookies,
)
from ytsession.youtube.innertube.context import build_headers

PAYLOAD = {"browseId": "FEwhat_to_watch"}
VISITOR_DATA = "CgtBQkNERUZHSElKSyiAgICABg%3D%3D"

#: The loopback server: HTTP/1.1 keep-alive, one thread per connection, fixed answers;
#: ``/next`` sets a new ``SIDCC`` each time, ``/search`` hands out newer visitor data.
SERVER = r"""
import base64, http.server, itertools, sys, time, urllib.parse
ANSWER = b'{"responseContext": {"serviceTrackingParams": []}, "contents": {}}'
COUNTER = itertools.count(int(time.time()))
def visitor_data(stamp):
    varint = bytearray()
    while stamp > 0x7F:
        varint.append((stamp & 0x7F) | 0x80)
        stamp >>= 7
    varint.append(stamp)
    raw = b"\x0a\x0bBenchVisit0\x28" + bytes(varint)
    return urllib.parse.quote(base64.urlsafe_b64encode(raw).decode(), safe="")
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        answer, extra = ANSWER, []
        if self.path.startswith("/youtubei/v1/next"):
            extra.append(("Set-Cookie", f"SIDCC=bench-{next(COUNTER)}; Domain=.youtube.com; "
                          "Path=/; Expires=Wed, 01 Jan 2031 00:00:00 GMT; Secure"))
        elif self.path.startswith("/youtubei/v1/search"):
            data = visitor_data(next(COUNTER))
            answer = ('{"responseContext": {"visitorData": "%s"}, "contents": {}}' % data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer)
    def log_message(self, *args):
        pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

#: A logged-in browser's cookies, as an extension exports them (values are made up).
COOKIES = {
    "SID": "g.a000bench" + "s" * 140,
    "HSID": "AbenchHSID00000000",
    "SSID": "AbenchSSID00000000",
    "APISID": "benchAPISID/Abench0000000000000",
    "SAPISID": "benchSAPISID/Abench000000000000",
    "__Secure-1PAPISID": "benchSAPISID/Abench000000000000",
    "__Secure-3PAPISID": "benchSAPISID/Abench000000000000",
    "__Secure-1PSID": "g.a000bench" + "1" * 140,
    "__Secure-3PSID": "g.a000bench" + "3" * 140,
    "LOGIN_INFO": "AFmmF2swRQIhAbench" + "L" * 150 + ":QUQ3MjNmbench" + "x" * 60,
    "__Secure-1PSIDTS": "sidts-bench" + "t" * 60,
    "__Secure-3PSIDTS": "sidts-bench" + "u" * 60,
    "SIDCC": "AKEyXzbench" + "c" * 60,
    "__Secure-1PSIDCC": "AKEyXzbench" + "d" * 60,
    "__Secure-3PSIDCC": "AKEyXzbench" + "e" * 60,
    "PREF": "f6=40000000&tz=UTC",
    "VISITOR_INFO1_LIVE": "benchVisit0",
    "YSC": "benchYSC000",
}


@dataclass
class Row:
    """One way of making a call: what to time, and the CPU ratio it should stay under."""

    name: str
    call: Callable[[], object]
    target: float | None = None
    #: The name of the row this one is compared with (``None``: it is a baseline).
    baseline: str | None = None
    #: The InnerTube endpoint the row calls (its baseline posts there too).
    endpoint: str = "browse"


@contextmanager
def loopback_server() -> Iterator[str]:
    """Run :data:`SERVER` in another process; yield its URL."""
    process = subprocess.Popen([sys.executable, "-c", SERVER], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def oauth_row(url: str, stack: ExitStack, home: Path) -> tuple[Row, dict[str, str], Any]:
    """An OAuth-signed :class:`~ytsession.Session`; its signed headers and body for the
    baseline."""
    credentials = OAuthCredentials(
        "bench.apps.googleusercontent.com", "bench-secret", endpoints=OAuthEndpoints.under(url)
    )
    token = RefreshingToken(
        credentials,
        access_token="ya29.bench-access-token",
        refresh_token="1//bench-refresh-token",
        expires_at=int(time.time()) + 3600,
        expires_in=3600,
        local_cache=home / "oauth.json",
    )
    token.store_token()
    session = stack.enter_context(
        Session.create(base_url=url, auth=token, visitor_data=VISITOR_DATA, cache=False)
    )
    headers = build_headers(session.client, session.settings)
    headers["Authorization"] = token.as_auth()
    body = {"context": session.context, **PAYLOAD}
    row = Row("OAuth-signed Session.call", lambda: session.call("browse", PAYLOAD), 0.90)
    return row, headers, body


def _cookie_session(url: str, stack: ExitStack, home: Path, name: str, **options: Any) -> Session:
    path = home / f"{name}.txt"
    YouTubeCookies.from_mapping(COOKIES).save(path)
    auth = CookieAuth(
        YouTubeCookies.from_file(path),
        host_aliases={url.split("://", 1)[1]: "www.youtube.com"},
        datasync_id="1234567890||",
    )
    return stack.enter_context(
        Session.create(base_url=url, auth=auth, visitor_data=VISITOR_DATA, **options)
    )


def _signed(session: Session, url: str, endpoint: str) -> tuple[dict[str, str], Any]:
    """The headers (Cookie and SAPISIDHASH included) and body a cookie-signed call carries."""
    auth = session.auth
    assert isinstance(auth, CookieAuth)
    headers = build_headers(session.client, session.settings)
    headers.update(auth.headers(session.client))
    prepared = requests.Request("POST", f"{url}/youtubei/v1/{endpoint}", headers=headers)
    signed = auth(prepared.prepare())
    return (
        {k: v for k, v in signed.headers.items() if isinstance(v, str)},
        {"context": session.context, **PAYLOAD},
    )


def cookie_row(url: str, stack: ExitStack, home: Path) -> tuple[Row, dict[str, str], Any]:
    """A cookie-signed :class:`~ytsession.Session`; its signed headers and body for the
    baseline."""
    session = _cookie_session(url, stack, home, "plain", cache=False)
    headers, body = _signed(session, url, "browse")
    row = Row("cookie-signed Session.call", lambda: session.call("browse", PAYLOAD), 1.10)
    return row, headers, body


def set_cookie_row(url: str, stack: ExitStack, home: Path) -> tuple[Row, dict[str, str], Any]:
    """Every answer rotates ``SIDCC`` (written back to the cookie file); the baseline gets
    the same answer."""
    session = _cookie_session(url, stack, home, "rotating", cache=False)
    headers, body = _signed(session, url, "next")
    name = "cookie-signed, answer with Set-Cookie"
    row = Row(name, lambda: session.call("next", PAYLOAD), 1.30, endpoint="next")
    return row, headers, body


def visitor_row(url: str, stack: ExitStack, home: Path) -> tuple[Row, dict[str, str], Any]:
    """Every answer carries newer visitor data (kept in the session data cache); the
    baseline gets the same answer."""
    session = _cookie_session(url, stack, home, "visitor", cache=True)
    headers, body = _signed(session, url, "search")
    name = "cookie-signed, answer with new visitor data"
    row = Row(name, lambda: session.call("search", PAYLOAD), 1.30, endpoint="search")
    return row, headers, body


def old_calls_row(url: str, stack: ExitStack, home: Path) -> tuple[Row, dict[str, str], Any]:
    """The ``cookies`` call with a deadline of one second: after the first second, every
    call a process made is older than its deadline (as after a minute with the default).
    Compared with the baseline of :func:`cookie_row`."""
    session = _cookie_session(url, stack, home, "deadline", cache=False, deadline=1.0)
    name = "cookie-signed, calls older than the deadline"
    return Row(name, lambda: session.call("browse", PAYLOAD), 1.10), {}, None


#: The rows compared with a baseline; each gets the server URL, an exit stack for what it
#: opens, and a private directory. A row that returns headers and a body gets a baseline
#: of its own; one that returns ``None`` shares the baseline of the row before it.
ROWS = [oauth_row, cookie_row, old_calls_row, set_cookie_row, visitor_row]


def baseline_row(
    url: str, session: requests.Session, name: str, headers: Any, body: Any, endpoint: str
) -> Row:
    """A default ``requests`` post of the same body with the same headers to ``endpoint``."""
    target = f"{url}/youtubei/v1/{endpoint}?prettyPrint=false"

    def post() -> object:
        response = session.post(target, json=body, headers=headers)
        response.raise_for_status()
        return response.json()

    return Row(f"requests.Session().post ({name})", post, endpoint=endpoint)


def measure(call: Callable[[], object], calls: int) -> tuple[float, float]:
    """:return: (CPU, wall) seconds per call over ``calls`` calls."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        call()
    return (time.process_time() - cpu) / calls, (time.perf_counter() - wall) / calls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300, help="calls per round (default 300)")
    parser.add_argument("--rounds", type=int, default=15, help="rounds (default 15)")
    args = parser.parse_args()

    with ExitStack() as stack, loopback_server() as url:
        home = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        os.environ["YTSESSION_CACHE_DIR"] = str(home / "cache")
        baseline = stack.enter_context(requests.Session())
        rows: list[Row] = []
        for make in ROWS:
            row, headers, body = make(url, stack, home)
            if body is not None:
                kind = f"{row.name.split()[0].rstrip(',')} headers, /{row.endpoint}"
                rows.append(baseline_row(url, baseline, kind, headers, body, row.endpoint))
            row.baseline = next(r.name for r in reversed(rows) if r.baseline is None)
            rows.append(row)
        for row in rows:  # warm connections, caches and code paths
            measure(row.call, 50)
        samples: dict[str, list[tuple[float, float]]] = {row.name: [] for row in rows}
        for _ in range(args.rounds):
            for row in rows:
                samples[row.name].append(measure(row.call, args.calls))

    print(f"per call, median of {args.rounds} rounds of {args.calls} calls")
    for row in rows:
        cpu = statistics.median(c for c, _ in samples[row.name])
        wall = statistics.median(w for _, w in samples[row.name])
        base = samples[row.baseline or row.name]
        base_cpu = statistics.median(c for c, _ in base)
        base_wall = statistics.median(w for _, w in base)
        line = (
            f"  {row.name:58s} cpu {cpu * 1e6:7.0f} us ({cpu / base_cpu:4.2f}x)  "
            f"wall {wall * 1e6:7.0f} us ({wall / base_wall:4.2f}x)"
        )
        if row.target is not None:
            verdict = "met" if cpu / base_cpu <= row.target else "MISSED"
            line += f"  (target <= {row.target:.2f}x cpu: {verdict})"
        print(line)
    return 0  # printed, not enforced: machine noise must not fail CI


if __name__ == "__main__":
    sys.exit(main())
