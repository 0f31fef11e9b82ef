"""Loopback HTTP servers that misbehave on purpose, for the transport tests.

:class:`FaultyServer` reads each request completely (so the test knows it arrived), records
it, and then does what its ``behaviour`` says: answer, drop the connection without a word,
or drip its answer a byte at a time. :class:`RecordingProxy` is a forward HTTP proxy that
records the requests it relays.
"""

from __future__ import annotations

import http.client
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


@dataclass
class Answer:
    """What to send back: a status, headers and a body."""

    status: int = 200
    body: bytes = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/json"})

    def head(self, length: int | None = None) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {http.client.responses.get(self.status, 'X')}"]
        size = len(self.body) if length is None else length
        lines += [f"{k}: {v}" for k, v in {**self.headers, "Content-Length": str(size)}.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode()


#: A behaviour gets the request and the client socket; it returns whether to keep the
#: connection open for another request.
Behaviour = Callable[[Seen, socket.socket], bool]


def answer(*answers: Answer) -> Behaviour:
    """Answer with ``answers`` in turn (the last one for every later request)."""
    queue = list(answers)

    def act(_seen: Seen, client: socket.socket) -> bool:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        client.sendall(reply.head() + reply.body)
        return True

    return act


def drop(_seen: Seen, client: socket.socket) -> bool:
    """Process the request (it was read in full), then close the connection unanswered."""
    return False


def drip(interval: float = 0.25, *, headers_first: bool = False) -> Behaviour:
    """Send a 200 answer one byte every ``interval`` seconds; with ``headers_first``, send
    the headers at once and drip only the body."""

    def act(_seen: Seen, client: socket.socket) -> bool:
        reply = Answer(body=b'{"access_token": "x", "device_code": "d", "user_code": "u"}')
        head, body = reply.head(length=len(reply.body) + 400), reply.body + b" " * 400
        if headers_first:
            client.sendall(head)
            slow = body
        else:
            slow = head + body
        for byte in slow:
            client.sendall(bytes([byte]))
            time.sleep(interval)
        return False

    return act


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        client: socket.socket = self.request
        client.settimeout(30)
        reader = client.makefile("rb")
        try:
            while True:
                seen = _read_request(reader)
                if seen is None:
                    return
                with self.server.lock:
                    self.server.seen.append(seen)
                if not self.server.behaviour(seen, client):
                    return
        except OSError:
            return
        finally:
            reader.close()


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, behaviour: Behaviour) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = behaviour
        self.seen: list[Seen] = []
        self.lock = threading.Lock()


def _read_request(reader: Any) -> Seen | None:
    line = reader.readline(65536)
    if not line.strip():
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        raw = reader.readline(65536).decode("latin-1")
        if raw in ("\r\n", "\n", ""):
            break
        name, _, value = raw.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = reader.read(length) if length else b""
    return Seen(method=method, target=target, headers=headers, body=body)


class FaultyServer:
    """A loopback server with one behaviour for every request; a context manager."""

    def __init__(self, behaviour: Behaviour) -> None:
        self._server = _Server(behaviour)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def seen(self) -> list[Seen]:
        with self._server.lock:
            return list(self._server.seen)

    def to(self, path: str) -> list[Seen]:
        """:return: the requests to ``path``."""
        return [s for s in self.seen if s.path == path]

    def __enter__(self) -> FaultyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class RecordingProxy(FaultyServer):
    """A forward HTTP proxy (plain http targets) that records what it relays."""

    def __init__(self) -> None:
        super().__init__(self._relay)

    @staticmethod
    def _relay(seen: Seen, client: socket.socket) -> bool:
        parts = urlsplit(seen.target)
        upstream = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        headers = {k: v for k, v in seen.headers.items() if k not in ("proxy-connection",)}
        upstream.request(seen.method, path, body=seen.body or None, headers=headers)
        reply = upstream.getresponse()
        body = reply.read()
        kept = {
            k: v
            for k, v in reply.getheaders()
            if k.lower() not in ("content-length", "transfer-encoding", "connection")
        }
        upstream.close()
        client.sendall(Answer(reply.status, body, kept).head() + body)
        return True
