"""The emulator kit's server: a threaded HTTP server on loopback, its request log and faults.

Part of :mod:`ytsession.testing.kit`, which knows no service. A :class:`LoopbackServer`
answers through a :class:`~ytsession.testing.kit.Router`; the emulator
(:class:`ytsession.testing.Emulator`) is one with the services' routes registered on it.

Only the standard library is used, so the emulator runs wherever ytsession runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from collections.abc import Mapping
from types import TracebackType
from typing import Any, TypeVar

from ytsession.testing.kit.faults import Fault, FaultQueue, check_count, error_fault
from ytsession.testing.kit.messages import LoggedRequest, Request, Response
from ytsession.testing.kit.routing import CONTROL_PREFIX, Router, control_action, control_error

__all__ = ["LoopbackServer"]

#: How long :meth:`LoopbackServer.stop` waits for the server thread to end.
_STOP_JOIN_TIMEOUT = 5.0

_T = TypeVar("_T", bound="LoopbackServer")


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: LoopbackServer) -> None:
        self.emulator = emulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients hanging up mid-answer are expected in fault tests; stay quiet.
        exc = sys.exc_info()[1]
        if not isinstance(exc, OSError):
            self.emulator._note_internal_error()


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "ytsession-emulator"

    def version_string(self) -> str:
        return self.server_version

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        with contextlib.suppress(OSError):
            super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the log is :attr:`LoopbackServer.log`, not stderr."""

    def do_GET(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_PUT(self) -> None:
        self._dispatch()

    def do_PATCH(self) -> None:
        self._dispatch()

    def do_DELETE(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._dispatch()

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline(65537).split(b";", 1)[0].strip()
                size = int(size_line or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _parse_request(self) -> Request:
        split = urllib.parse.urlsplit(self.path)
        body = self._read_body()
        content_type = self.headers.get_content_type()
        form: dict[str, str] = {}
        parsed_json: Any = None
        if content_type == "application/x-www-form-urlencoded":
            form = _first_values(body.decode("utf-8", errors="replace"))
        elif content_type == "application/json" or content_type.endswith("+json"):
            try:
                parsed_json = json.loads(body)
            except ValueError:
                parsed_json = None
        host = self.headers.get("Host")
        base_url = f"http://{host}" if host else self.server.emulator.url
        return Request(
            method=self.command.upper(),
            path=urllib.parse.unquote(split.path) or "/",
            query=_first_values(split.query),
            form=form,
            json=parsed_json,
            headers=dict(self.headers.items()),
            body=body,
            base_url=base_url,
            server_url=self.server.emulator.url,
        )

    def _dispatch(self) -> None:
        emulator = self.server.emulator
        arrived = time.monotonic(), time.time()
        try:
            request = self._parse_request()
        except ValueError:  # an unreadable body: answer, then drop the connection
            self.close_connection = True
            self._send(Response.json({"error": "invalid_request"}, 400))
            return
        if request.path.startswith(CONTROL_PREFIX) or request.path == CONTROL_PREFIX[:-1]:
            self._send(emulator._answer(request))
            return
        fault = emulator._take_fault(request.path)
        entry = emulator._record(request, arrived, fault.kind if fault else None)
        # A delay ends without an answer when the emulator stops, or when the client hung up
        # meanwhile (killed, timed out): like a front end that cancels abandoned requests,
        # the request then never reaches the service.
        if (
            fault is not None
            and fault.kind == "delay"
            and (emulator._stopping.wait(fault.seconds) or self._client_gone())
        ):
            self.close_connection = True
            return
        if fault is not None and fault.kind == "reset":
            self._reset()
            return
        if fault is not None and fault.response is not None:
            response = fault.response
        else:
            response = emulator._answer(request)
        emulator._set_status(entry, response.status)
        self._send(response)

    def _client_gone(self) -> bool:
        """Whether the client closed its end of the connection (a peek finds end of file)."""
        timeout = self.connection.gettimeout()
        try:
            self.connection.setblocking(False)
            try:
                data = self.connection.recv(1, socket.MSG_PEEK)
            finally:
                self.connection.settimeout(timeout)
        except BlockingIOError:
            return False
        except OSError:
            return True
        return not data

    def _reset(self) -> None:
        # SO_LINGER with a zero timeout turns close() into a TCP RST.
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass

    def _send(self, response: Response) -> None:
        self.send_response(response.status)
        for key, value in response.headers.items():
            if key.lower() != "content-length":
                self.send_header(key, value)
        for value in response.set_cookies:
            self.send_header("Set-Cookie", value)
        self.send_header("Content-Length", str(len(response.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


def _first_values(qs: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for key, value in urllib.parse.parse_qsl(qs, keep_blank_values=True):
        result.setdefault(key, value)
    return result


class LoopbackServer:
    """A threaded HTTP server on loopback that answers through a :class:`Router`.

    It keeps a log of the requests it answered, answers the faults tests inject instead of
    the routes, and serves its own control API (``/_emulator/log``, ``/_emulator/faults``).
    Requests under :data:`~ytsession.testing.kit.CONTROL_PREFIX` are never logged and never
    hit by faults. Use it as a context manager.

    :param host: the address to bind; keep the default outside of demos.
    :param port: the port to bind; ``0`` picks a free one.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._host = host
        self._port = port
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._faults = FaultQueue()
        self._internal_errors: list[str] = []
        self._router = Router()
        self._register_kit_routes()

    # ----------------------------------------------------------------- lifecycle

    def start(self: _T) -> _T:
        """Bind the socket and serve in a background thread. Returns the server.

        :raises RuntimeError: when it was already started.
        """
        if self._server is not None or self._stopping.is_set():
            raise RuntimeError("a server can be started once; create a new one")
        self._server = _HTTPServer((self._host, self._port), self)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"ytsession-emulator-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: wake delayed requests, close every connection and the socket.

        Safe to call more than once.
        """
        if self._stopping.is_set():
            return
        self._stopping.set()
        server = self._server
        if server is None:
            return
        server.shutdown()
        with server.connections_lock:
            connections = list(server.connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(_STOP_JOIN_TIMEOUT)

    def __enter__(self: _T) -> _T:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: the base URL to point clients at.

        :raises RuntimeError: before :meth:`start`.
        """
        if self._server is None:
            raise RuntimeError("the emulator is not started; call start() or use `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def port(self) -> int:
        """The bound port."""
        return int(self.url.rsplit(":", 1)[1])

    # ----------------------------------------------------------------- request log

    @property
    def log(self) -> list[LoggedRequest]:
        """A snapshot of every request so far (control API requests excluded)."""
        with self._lock:
            return [dataclasses.replace(entry) for entry in self._log]

    def requests_to(self, path: str, method: str | None = None) -> list[LoggedRequest]:
        """Return the logged requests to ``path``, optionally of one method only.

        :param path: the exact path, without query string.
        :param method: an HTTP method, or ``None`` for all.
        """
        wanted = method.upper() if method else None
        return [
            entry
            for entry in self.log
            if entry.path == path and (wanted is None or entry.method == wanted)
        ]

    def clear_log(self) -> None:
        """Forget the logged requests."""
        with self._lock:
            self._log.clear()

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of handler crashes (answered as 500); empty when all is well."""
        with self._lock:
            return list(self._internal_errors)

    def _record(
        self, request: Request, arrived: tuple[float, float], fault: str | None
    ) -> LoggedRequest:
        entry = LoggedRequest(
            monotonic=arrived[0],
            wall_time=arrived[1],
            method=request.method,
            path=request.path,
            query=dict(request.query),
            form=dict(request.form),
            headers=dict(request.headers),
            json=request.json,
            fault=fault,
        )
        with self._lock:
            self._log.append(entry)
        return entry

    def _set_status(self, entry: LoggedRequest, status: int) -> None:
        with self._lock:
            entry.status = status

    def _note_internal_error(self) -> None:
        with self._lock:
            self._internal_errors.append(traceback.format_exc())

    def _answer(self, request: Request) -> Response:
        try:
            return self._router.dispatch(request)
        except Exception as exc:
            self._note_internal_error()
            return Response.json(
                {
                    "error": "emulator_internal_error",
                    "error_description": f"{type(exc).__name__}: {exc}",
                },
                500,
            )

    # ----------------------------------------------------------------- faults

    def inject_error(
        self,
        path: str,
        status: int,
        body: object = None,
        *,
        headers: Mapping[str, str] | None = None,
        count: int | None = 1,
    ) -> None:
        """Answer the next ``count`` requests to ``path`` with an error instead.

        Faults on one path are used in the order they were injected, across kinds.

        :param path: the exact path (e.g. ``"/token"``).
        :param status: the status to answer (e.g. 503 or 429).
        :param body: a dict or list (sent as JSON), a str (sent as text/plain), bytes, or
            ``None`` for an HTML error page like Google's front end sends.
        :param headers: extra headers, e.g. ``{"Retry-After": "1"}``; a ``Content-Type``
            here overrides the body's.
        :param count: how many requests to hit; ``None`` for all until
            :meth:`clear_faults`.
        """
        self._faults.add(path, error_fault(status, body, headers=headers or {}, count=count))

    def inject_delay(self, path: str, seconds: float, count: int | None = 1) -> None:
        """Wait ``seconds`` before answering the next ``count`` requests to ``path``.

        The wait ends early, without an answer, when the emulator stops. A request whose
        client hung up during the wait (killed, or timed out) is dropped unanswered and
        never reaches the service, as a front end cancels abandoned requests: a refresh
        that a killed process sent does not rotate the refresh token.

        :param path: the exact path.
        :param seconds: how long to wait.
        :param count: how many requests to hit; ``None`` for all until cleared.
        """
        if seconds < 0:
            raise ValueError("seconds must not be negative")
        self._faults.add(path, Fault("delay", check_count(count), seconds=seconds))

    def inject_reset(self, path: str, count: int | None = 1) -> None:
        """Reset the connection (TCP RST, no answer) on the next ``count`` requests.

        :param path: the exact path.
        :param count: how many requests to hit; ``None`` for all until cleared.
        """
        self._faults.add(path, Fault("reset", check_count(count)))

    def clear_faults(self, path: str | None = None) -> None:
        """Drop injected faults not used yet.

        :param path: only this path's faults; ``None`` for all.
        """
        self._faults.clear(path)

    def _take_fault(self, path: str) -> Fault | None:
        return self._faults.take(path)

    # ----------------------------------------------------------------- control API

    def _register_kit_routes(self) -> None:
        router = self._router
        prefix = CONTROL_PREFIX

        @router.route("GET", prefix + "log")
        def get_log(request: Request) -> Response:
            return Response.json([entry.to_json() for entry in self.log])

        router.add("DELETE", prefix + "log", control_action(self.clear_log))
        router.add("POST", prefix + "faults", self._control_fault)

        @router.route("DELETE", prefix + "faults")
        def delete_faults(request: Request) -> Response:
            self.clear_faults(request.query.get("path"))
            return Response.json({})

    def _control_fault(self, request: Request) -> Response:
        spec = request.json
        if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
            return control_error('send JSON {"path": ..., "kind": "error"|"delay"|"reset"}')
        path: str = spec["path"]
        count = spec.get("count", 1)
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
            return control_error("count must be an integer or null")
        kind = spec.get("kind", "error")
        try:
            if kind == "error":
                status = spec.get("status")
                headers = spec.get("headers") or {}
                if not isinstance(status, int) or not isinstance(headers, dict):
                    return control_error("an error fault needs an integer status")
                self.inject_error(
                    path,
                    status,
                    spec.get("body"),
                    headers={str(k): str(v) for k, v in headers.items()},
                    count=count,
                )
            elif kind == "delay":
                seconds = spec.get("seconds")
                if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
                    return control_error("a delay fault needs a number of seconds")
                self.inject_delay(path, float(seconds), count=count)
            elif kind == "reset":
                self.inject_reset(path, count=count)
            else:
                return control_error(f"unknown fault kind {kind!r}")
        except (TypeError, ValueError) as exc:
            return control_error(str(exc))
        return Response.json({})
