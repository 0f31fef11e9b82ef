"""The loopback emulator's core: HTTP server, router, request log and fault injection.

The emulator is a small HTTP server on ``127.0.0.1`` that speaks just enough of the
services ytsession talks to (Google OAuth today) for tests and demos to run offline.
Each service is a :class:`Service` that registers its routes on a :class:`Router`;
the :class:`Emulator` owns the server thread, the request log, the faults injected by
tests and the control API under ``/_emulator/``.

Only the standard library is used, so the emulator runs wherever ytsession runs.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.server
import json
import re
import socket
import struct
import sys
import threading
import time
import traceback
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

if TYPE_CHECKING:
    from ytsession.testing._botguard import BotGuardService
    from ytsession.testing._google import GoogleOAuthService
    from ytsession.testing._innertube import InnerTubeService
    from ytsession.testing._peertube import PeerTubeService

__all__ = [
    "CONTROL_PREFIX",
    "Emulator",
    "Handler",
    "LoggedRequest",
    "Request",
    "Response",
    "Router",
    "Service",
    "serve",
]

#: Path prefix of the emulator's own control API. Requests under it are never logged
#: and never hit by injected faults.
CONTROL_PREFIX = "/_emulator/"

_JSON_TYPE = "application/json; charset=utf-8"
_HTML_TYPE = "text/html; charset=utf-8"
_TEXT_TYPE = "text/plain; charset=utf-8"

#: How long :meth:`Emulator.stop` waits for the server thread to end.
_STOP_JOIN_TIMEOUT = 5.0


# --------------------------------------------------------------------------- messages


def _header(headers: Mapping[str, str], name: str, default: str | None) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return default


@dataclass(frozen=True)
class Request:
    """One HTTP request as the emulator's handlers see it.

    :param method: the HTTP method, upper case.
    :param path: the URL path, without the query string.
    :param query: the query parameters (the first value of each name).
    :param form: the fields of an ``application/x-www-form-urlencoded`` body (the first
        value of each name); empty for other bodies.
    :param json: the decoded body when it is JSON (``application/json`` or ``+json``),
        else ``None``.
    :param headers: the request headers, as sent (a repeated header keeps its last value).
    :param body: the raw body.
    :param base_url: ``http://host:port`` as the client addressed the emulator (from the
        ``Host`` header, else the emulator's own URL); use it to build absolute links.
    :param path_params: values captured by ``{name}`` segments of the matched route.
    :param server_url: the emulator's own ``http://host:port``, whatever ``Host`` said.
    """

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    json: Any
    headers: dict[str, str]
    body: bytes
    base_url: str
    path_params: dict[str, str] = field(default_factory=dict)
    server_url: str = ""

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return a header's value, matching its name case-insensitively.

        :param name: the header name.
        :param default: what to return when the header is absent.
        """
        return _header(self.headers, name, default)

    def param(self, name: str) -> str | None:
        """Return a parameter from the form body, else the JSON body, else the query.

        :param name: the parameter name.
        """
        if name in self.form:
            return self.form[name]
        if isinstance(self.json, dict) and name in self.json:
            value = self.json[name]
            return value if isinstance(value, str) else json.dumps(value)
        return self.query.get(name)


@dataclass
class Response:
    """One HTTP response built by a handler.

    ``Content-Length`` is always computed by the server; do not set it here.

    :param status: the HTTP status code.
    :param headers: response headers.
    :param body: the raw body.
    :param set_cookies: ``Set-Cookie`` header values, one header each (``headers`` holds
        one value per name).
    """

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    set_cookies: list[str] = field(default_factory=list)

    @classmethod
    def json(
        cls,
        data: object,
        status: int = 200,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Build a JSON response.

        :param data: anything :func:`json.dumps` accepts.
        :param status: the HTTP status code.
        :param headers: extra headers.
        """
        all_headers = {"Content-Type": _JSON_TYPE, **(headers or {})}
        return cls(status, all_headers, json.dumps(data).encode("utf-8"))

    @classmethod
    def html(
        cls,
        text: str,
        status: int = 200,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Build an HTML response. Escape whatever the text echoes before calling this.

        :param text: the HTML document.
        :param status: the HTTP status code.
        :param headers: extra headers.
        """
        all_headers = {"Content-Type": _HTML_TYPE, **(headers or {})}
        return cls(status, all_headers, text.encode("utf-8"))

    @classmethod
    def text(
        cls,
        text: str,
        status: int = 200,
        *,
        content_type: str = _TEXT_TYPE,
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Build a plain-text (or other textual) response.

        :param text: the body.
        :param status: the HTTP status code.
        :param content_type: the ``Content-Type`` header.
        :param headers: extra headers.
        """
        all_headers = {"Content-Type": content_type, **(headers or {})}
        return cls(status, all_headers, text.encode("utf-8"))


@dataclass
class LoggedRequest:
    """One request as recorded in the emulator's log.

    :param monotonic: :func:`time.monotonic` when the request arrived.
    :param wall_time: :func:`time.time` when the request arrived.
    :param method: the HTTP method.
    :param path: the URL path, without the query string.
    :param query: the query parameters.
    :param form: the form fields of the body.
    :param headers: the request headers, as sent.
    :param json: the decoded JSON body, if any.
    :param status: the status answered, or ``None`` when no answer was sent (an injected
        reset, or a delayed request cut short by :meth:`Emulator.stop`).
    :param fault: the kind of injected fault that hit this request (``"error"``,
        ``"delay"`` or ``"reset"``), or ``None``.
    """

    monotonic: float
    wall_time: float
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    headers: dict[str, str]
    json: Any = None
    status: int | None = None
    fault: str | None = None

    def header(self, name: str, default: str | None = None) -> str | None:
        """Return a header's value, matching its name case-insensitively.

        :param name: the header name.
        :param default: what to return when the header is absent.
        """
        return _header(self.headers, name, default)

    def to_json(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict (the shape of ``GET /_emulator/log``)."""
        return dataclasses.asdict(self)


# --------------------------------------------------------------------------- routing

#: A route handler: takes the request, returns the response.
Handler = Callable[[Request], Response]


def control_action(action: Callable[[], None]) -> Handler:
    """A control route that runs ``action`` and answers ``{}``.

    :param action: what the route does, e.g. a service's ``revoke_all``.
    """

    def handle(request: Request) -> Response:
        action()
        return Response.json({})

    return handle


_PARAM_SEGMENT = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


@dataclass(frozen=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Maps ``(method, path)`` to handlers.

    A path is matched exactly, or by a template whose ``{name}`` segments match one path
    segment each (``/api/v1/videos/{id}``); captured values land in
    :attr:`Request.path_params`. Exact paths win over templates.
    """

    def __init__(self) -> None:
        self._exact: dict[tuple[str, str], Handler] = {}
        self._templates: list[_Route] = []

    def add(self, method: str, path: str, handler: Handler) -> None:
        """Register a handler.

        :param method: the HTTP method (any case).
        :param path: an exact path, or a template with ``{name}`` segments.
        :param handler: called with the :class:`Request`; returns a :class:`Response`.
        :raises ValueError: when the route is already taken.
        """
        method = method.upper()
        if _PARAM_SEGMENT.search(path) is None:
            if (method, path) in self._exact:
                raise ValueError(f"route already registered: {method} {path}")
            self._exact[(method, path)] = handler
            return
        if any(r.method == method and r.template == path for r in self._templates):
            raise ValueError(f"route already registered: {method} {path}")
        regex = ""
        last = 0
        for match in _PARAM_SEGMENT.finditer(path):
            regex += re.escape(path[last : match.start()])
            regex += f"(?P<{match.group(1)}>[^/]+)"
            last = match.end()
        regex += re.escape(path[last:])
        self._templates.append(_Route(method, path, re.compile(regex), handler))

    def route(self, method: str, *paths: str) -> Callable[[Handler], Handler]:
        """Decorator form of :meth:`add`, registering one handler at several paths.

        :param method: the HTTP method.
        :param paths: the paths (or templates) to serve.
        """

        def decorate(handler: Handler) -> Handler:
            for path in paths:
                self.add(method, path, handler)
            return handler

        return decorate

    def dispatch(self, request: Request) -> Response:
        """Answer a request: its handler's response, 405 or 404 (both JSON).

        :param request: the request to answer.
        """
        handler = self._exact.get((request.method, request.path))
        if handler is not None:
            return handler(request)
        allowed = {m for (m, p) in self._exact if p == request.path}
        for route in self._templates:
            match = route.pattern.fullmatch(request.path)
            if match is None:
                continue
            if route.method == request.method:
                params = {k: urllib.parse.unquote(v) for k, v in match.groupdict().items()}
                return route.handler(dataclasses.replace(request, path_params=params))
            allowed.add(route.method)
        if allowed:
            return Response.json(
                {
                    "error": "method_not_allowed",
                    "error_description": f"{request.method} is not allowed on {request.path}",
                },
                405,
                headers={"Allow": ", ".join(sorted(allowed))},
            )
        return Response.json(
            {"error": "not_found", "error_description": f"no emulated route for {request.path}"},
            404,
        )


# --------------------------------------------------------------------------- services

_SettingTypes = tuple[type, ...]


class Service:
    """Base class of an emulated service (Google OAuth, InnerTube, PeerTube, ...).

    A subclass sets :attr:`name` (its attribute name on the :class:`Emulator`, e.g.
    ``"google"`` for ``emu.google``), lists its tunable attributes in :attr:`SETTINGS`
    (name -> accepted Python types of the JSON value) and registers its routes, control
    routes included, in :meth:`register`.
    """

    #: The service's name: its key in ``POST /_emulator/config`` and ``emu.service()``.
    name: ClassVar[str] = ""
    #: Settings that ``POST /_emulator/config`` may change: attribute name -> types.
    SETTINGS: ClassVar[Mapping[str, _SettingTypes]] = {}

    def register(self, router: Router) -> None:
        """Register the service's routes.

        :param router: the emulator's router.
        """
        raise NotImplementedError

    def settings(self) -> dict[str, object]:
        """Return the current value of every setting in :attr:`SETTINGS`."""
        return {key: getattr(self, key) for key in self.SETTINGS}

    def check_setting(self, key: str, value: object) -> str | None:
        """Return why ``value`` is not acceptable for setting ``key``, or ``None``.

        :param key: the setting name.
        :param value: the decoded JSON value.
        """
        types = self.SETTINGS.get(key)
        if types is None:
            return f"unknown setting {key!r} for {self.name}"
        if isinstance(value, bool) and bool not in types:
            return f"setting {key!r} does not take a boolean"
        if not isinstance(value, types):
            names = ", ".join("null" if t is type(None) else t.__name__ for t in types)
            return f"setting {key!r} takes {names}, not {type(value).__name__}"
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
            return f"setting {key!r} must not be negative"
        return None

    def configure(self, values: Mapping[str, object]) -> None:
        """Apply settings, all or none.

        :param values: setting name -> value.
        :raises ValueError: when a name is unknown or a value has the wrong type.
        """
        problems = [p for k, v in values.items() if (p := self.check_setting(k, v))]
        if problems:
            raise ValueError("; ".join(problems))
        for key, value in values.items():
            setattr(self, key, value)


def _default_services() -> list[Service]:
    # Imported here: the service modules import this one. A new service is one more line.
    from ytsession.testing._botguard import BotGuardService
    from ytsession.testing._google import GoogleOAuthService
    from ytsession.testing._innertube import InnerTubeService
    from ytsession.testing._peertube import PeerTubeService

    google = GoogleOAuthService()
    return [google, PeerTubeService(), InnerTubeService(google), BotGuardService()]


# --------------------------------------------------------------------------- faults


@dataclass
class _Fault:
    kind: str  # "error", "delay" or "reset"
    remaining: int | None  # None: until cleared
    response: Response | None = None
    seconds: float = 0.0


def _injected_error_body(status: int) -> Response:
    # What Google's front end sends for an overloaded or throttled backend: an HTML page.
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    page = (
        "<!DOCTYPE html>\n<html lang=en>\n  <meta charset=utf-8>\n"
        f"  <title>Error {status} ({phrase})!!1</title>\n"
        f"  <p><b>{status}.</b> <ins>That\u2019s an error.</ins>\n"
        "  <p>The emulator was told to fail this request. <ins>That\u2019s all we know.</ins>\n"
    )
    return Response.html(page, status)


# --------------------------------------------------------------------------- HTTP server


class _HTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: Emulator) -> None:
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
        """Stay quiet: the emulator's log is :attr:`Emulator.log`, not stderr."""

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


# --------------------------------------------------------------------------- emulator

_S = TypeVar("_S", bound=Service)


class Emulator:
    """A loopback HTTP server emulating the services ytsession talks to.

    Use it as a context manager::

        with Emulator() as emu:
            requests.post(f"{emu.url}/device/code", data={...})
            emu.google.approve(user_code)

    :param host: the address to bind; keep the default outside of demos.
    :param port: the port to bind; ``0`` picks a free one.
    :param services: the services to emulate; by default all of them.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        services: Iterable[Service] | None = None,
    ) -> None:
        self._host = host
        self._port = port
        self._server: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._log: list[LoggedRequest] = []
        self._faults: dict[str, deque[_Fault]] = {}
        self._internal_errors: list[str] = []
        self._router = Router()
        self._services: dict[str, Service] = {}
        for service in _default_services() if services is None else services:
            if not service.name or service.name in self._services:
                raise ValueError(f"service needs a unique name, got {service.name!r}")
            self._services[service.name] = service
            service.register(self._router)
        self._register_control_routes()

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Emulator:
        """Bind the socket and serve in a background thread. Returns the emulator.

        :raises RuntimeError: when it was already started.
        """
        if self._server is not None or self._stopping.is_set():
            raise RuntimeError("an Emulator can be started once; create a new one")
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

    def __enter__(self) -> Emulator:
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

    # ----------------------------------------------------------------- services

    def service(self, name: str) -> Service:
        """Return a service by name.

        :param name: the service's :attr:`Service.name`.
        :raises KeyError: when the emulator does not run that service.
        """
        return self._services[name]

    def _typed_service(self, name: str, cls: type[_S]) -> _S:
        service = self._services.get(name)
        if not isinstance(service, cls):
            raise AttributeError(f"this emulator does not run the {name!r} service")
        return service

    @property
    def google(self) -> GoogleOAuthService:
        """The Google OAuth service's state and settings."""
        from ytsession.testing._google import GoogleOAuthService

        return self._typed_service("google", GoogleOAuthService)

    @property
    def peertube(self) -> PeerTubeService:
        """The PeerTube instance's state and settings (its ``instance_url`` is :attr:`url`)."""
        from ytsession.testing._peertube import PeerTubeService

        return self._typed_service("peertube", PeerTubeService)

    @property
    def innertube(self) -> InnerTubeService:
        """InnerTube's state and settings (``/sw.js_data``, ``/youtubei/v1/...``)."""
        from ytsession.testing._innertube import InnerTubeService

        return self._typed_service("innertube", InnerTubeService)

    @property
    def botguard(self) -> BotGuardService:
        """The stand-in BotGuard attestation service (``/api/jnn/v1/...``)."""
        from ytsession.testing._botguard import BotGuardService

        return self._typed_service("botguard", BotGuardService)

    @property
    def services(self) -> dict[str, Service]:
        """All services, by name (a copy)."""
        return dict(self._services)

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
        if isinstance(body, (dict, list)):
            response = Response.json(body, status)
        elif isinstance(body, str):
            response = Response.text(body, status)
        elif isinstance(body, bytes):
            response = Response(status, {"Content-Type": "application/octet-stream"}, body)
        elif body is None:
            response = _injected_error_body(status)
        else:
            raise TypeError(f"body must be dict, list, str, bytes or None, not {type(body)}")
        _merge_headers(response.headers, headers or {})
        self._add_fault(path, _Fault("error", _check_count(count), response=response))

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
        self._add_fault(path, _Fault("delay", _check_count(count), seconds=seconds))

    def inject_reset(self, path: str, count: int | None = 1) -> None:
        """Reset the connection (TCP RST, no answer) on the next ``count`` requests.

        :param path: the exact path.
        :param count: how many requests to hit; ``None`` for all until cleared.
        """
        self._add_fault(path, _Fault("reset", _check_count(count)))

    def clear_faults(self, path: str | None = None) -> None:
        """Drop injected faults not used yet.

        :param path: only this path's faults; ``None`` for all.
        """
        with self._lock:
            if path is None:
                self._faults.clear()
            else:
                self._faults.pop(path, None)

    def _add_fault(self, path: str, fault: _Fault) -> None:
        with self._lock:
            self._faults.setdefault(path, deque()).append(fault)

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(path)
            if not queue:
                return None
            fault = queue[0]
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
            return fault

    # ----------------------------------------------------------------- control API

    def configure(self, values: Mapping[str, object]) -> None:
        """Change service settings, all or none (what ``POST /_emulator/config`` does).

        A key naming a service (``{"google": {"token_lifetime": 5}}``) configures that
        service; any other key goes to the one service that has such a setting
        (``{"token_lifetime": 5}``).

        :param values: the settings.
        :raises ValueError: when a key is unknown, ambiguous or a value is invalid.
        """
        plan: dict[str, dict[str, object]] = {}
        problems: list[str] = []
        for key, value in values.items():
            if key in self._services:
                if not isinstance(value, Mapping):
                    problems.append(f"{key!r} must map setting names to values")
                    continue
                for sub_key, sub_value in value.items():
                    plan.setdefault(key, {})[str(sub_key)] = sub_value
                continue
            owners = [s.name for s in self._services.values() if key in s.SETTINGS]
            if len(owners) != 1:
                why = "unknown setting" if not owners else "ambiguous setting"
                problems.append(f"{why} {key!r}; known: {sorted(self.settings())}")
                continue
            plan.setdefault(owners[0], {})[key] = value
        for name, settings in plan.items():
            service = self._services[name]
            problems.extend(p for k, v in settings.items() if (p := service.check_setting(k, v)))
        if problems:
            raise ValueError("; ".join(problems))
        for name, settings in plan.items():
            self._services[name].configure(settings)

    def settings(self) -> dict[str, dict[str, object]]:
        """Return every service's settings, by service name."""
        return {name: service.settings() for name, service in self._services.items()}

    def _register_control_routes(self) -> None:
        router = self._router
        prefix = CONTROL_PREFIX

        @router.route("GET", prefix + "log")
        def get_log(request: Request) -> Response:
            return Response.json([entry.to_json() for entry in self.log])

        router.add("DELETE", prefix + "log", control_action(self.clear_log))

        @router.route("GET", prefix + "config")
        def get_config(request: Request) -> Response:
            return Response.json(self.settings())

        @router.route("POST", prefix + "config")
        def post_config(request: Request) -> Response:
            values = request.json if isinstance(request.json, dict) else None
            if values is None:
                return _control_error("send a JSON object of settings")
            try:
                self.configure(values)
            except ValueError as exc:
                return _control_error(str(exc))
            return Response.json(self.settings())

        @router.route("GET", prefix + "cookies.txt")
        def get_cookies_txt(request: Request) -> Response:
            # The emulated signed-in browser's cookies, as a browser extension exports them.
            return Response.text(self.innertube.cookies.cookies_txt())

        @router.route("POST", prefix + "faults")
        def post_fault(request: Request) -> Response:
            return self._control_fault(request)

        @router.route("DELETE", prefix + "faults")
        def delete_faults(request: Request) -> Response:
            self.clear_faults(request.query.get("path"))
            return Response.json({})

    def _control_fault(self, request: Request) -> Response:
        spec = request.json
        if not isinstance(spec, dict) or not isinstance(spec.get("path"), str):
            return _control_error('send JSON {"path": ..., "kind": "error"|"delay"|"reset"}')
        path: str = spec["path"]
        count = spec.get("count", 1)
        if count is not None and (not isinstance(count, int) or isinstance(count, bool)):
            return _control_error("count must be an integer or null")
        kind = spec.get("kind", "error")
        try:
            if kind == "error":
                status = spec.get("status")
                headers = spec.get("headers") or {}
                if not isinstance(status, int) or not isinstance(headers, dict):
                    return _control_error("an error fault needs an integer status")
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
                    return _control_error("a delay fault needs a number of seconds")
                self.inject_delay(path, float(seconds), count=count)
            elif kind == "reset":
                self.inject_reset(path, count=count)
            else:
                return _control_error(f"unknown fault kind {kind!r}")
        except (TypeError, ValueError) as exc:
            return _control_error(str(exc))
        return Response.json({})


def _control_error(message: str, status: int = 400) -> Response:
    return Response.json({"error": "invalid_request", "error_description": message}, status)


def _check_count(count: int | None) -> int | None:
    if count is not None and count < 1:
        raise ValueError("count must be at least 1, or None for 'until cleared'")
    return count


def _merge_headers(target: dict[str, str], extra: Mapping[str, str]) -> None:
    for key, value in extra.items():
        for existing in [k for k in target if k.lower() == key.lower()]:
            del target[existing]
        target[key] = value


# --------------------------------------------------------------------------- serve


def banner(url: str, *, terminal: bool = False) -> list[str]:
    """The lines ``ytsession emulator`` prints: the exact commands for each kind of login.

    Every line is either a shell command that runs as pasted or a ``#`` comment (what to
    type when a command asks, what to do next), so the whole banner can be pasted at once.
    The suite runs each command line as printed.

    :param url: the emulator's URL.
    :param terminal: the banner goes to a person at a terminal (adds how to stop it).
    """
    from ytsession.testing._google import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET
    from ytsession.testing._peertube import (
        PEERTUBE_2FA_PASSWORD,
        PEERTUBE_2FA_USERNAME,
        PEERTUBE_PASSWORD,
        PEERTUBE_USERNAME,
    )

    browse = """'{"browseId": "FEwhat_to_watch"}'"""
    control = f"{url}{CONTROL_PREFIX}"
    lines = [
        f"# ytsession emulator listening on {url}",
        "# Every line below that is not a comment runs as pasted. First point every command",
        "# at the emulator:",
        f"export YTSESSION_SERVER={url}",
        "",
        "# Google login (device flow) with the emulator's test OAuth client. It shows a code",
        "# and waits until the code is approved in a browser on this machine at",
        f"#   {url}/device",
        "# (the QR code it draws holds that loopback URL, so a phone cannot open it).",
        f"YTSESSION_CLIENT_ID={EMULATOR_CLIENT_ID} "
        f"YTSESSION_CLIENT_SECRET={EMULATOR_CLIENT_SECRET} ytsession login",
        f"ytsession call browse --data {browse}",
        "ytsession token",
        "ytsession status",
        "ytsession whoami",
        "",
        "# Google login with the emulated YouTube TV app's own client (approve it the same way):",
        "ytsession login --youtube-tv --profile tv",
        "",
        "# A signed-in browser's cookies (the emulator serves a ready cookies.txt):",
        f"curl -s {control}cookies.txt -o cookies.txt",
        "ytsession login --cookies cookies.txt --profile cookies",
        "ytsession whoami --profile cookies",
        "",
        "# PeerTube, at the same address. The login asks for the password; type:",
        f"#   {PEERTUBE_PASSWORD}",
        f"ytsession login --peertube {url} --username {PEERTUBE_USERNAME} --profile peertube",
        "ytsession status --profile peertube",
        "",
        "# A two-factor account. The login asks for the password; type:",
        f"#   {PEERTUBE_2FA_PASSWORD}",
        "# then for the current two-factor code, which this prints:",
        f"curl -s {control}peertube/otp",
        f"ytsession login --peertube {url} --username {PEERTUBE_2FA_USERNAME} "
        "--profile peertube-2fa",
        "",
        "# PO tokens: session-tokens runs BotGuard in Node.js 18+, whose npm packages",
        "# botguard-setup installs once (from the npm registry: this one needs the internet):",
        "ytsession botguard-setup",
        "ytsession session-tokens --video-id dQw4w9WgXcQ",
        "",
        "# Log out (the token is revoked at the emulator and the profile deleted):",
        "ytsession logout",
        "ytsession logout --profile peertube",
    ]
    if terminal:
        lines += ["", "# Press Ctrl-C to stop."]
    return lines


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    stop_event: threading.Event | None = None,
) -> None:
    """Run an emulator in the foreground until Ctrl-C or ``stop_event`` is set.

    Prints ``# ytsession emulator listening on http://HOST:PORT`` as the first line of
    stdout, then the exact commands of each kind of login (:func:`banner`), how to stop it
    only when standard output and input are a terminal. Used by ``ytsession emulator``.

    :param host: the address to bind.
    :param port: the port to bind; ``0`` picks a free one.
    :param stop_event: set it (from another thread) to stop serving.
    """
    event = stop_event if stop_event is not None else threading.Event()
    with Emulator(host, port) as emulator:
        terminal = sys.stdout.isatty() and sys.stdin is not None and sys.stdin.isatty()
        print("\n".join(banner(emulator.url, terminal=terminal)), flush=True)
        try:
            while not event.wait(0.2):
                pass
        except KeyboardInterrupt:
            pass
