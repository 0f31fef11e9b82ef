"""The emulator kit's messages: a request as handlers see it, a response, a log entry.

Part of :mod:`ytsession.testing.kit`, which knows no service.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LoggedRequest", "Request", "Response"]

_JSON_TYPE = "application/json; charset=utf-8"
_HTML_TYPE = "text/html; charset=utf-8"
_TEXT_TYPE = "text/plain; charset=utf-8"


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
