"""The emulator kit's routing: handlers, the router, and the base class of a service.

Part of :mod:`ytsession.testing.kit`, which knows no service: a service subclasses
:class:`Service` and registers its routes (control routes under :data:`CONTROL_PREFIX`
included) on the :class:`Router` it is given.
"""

from __future__ import annotations

import dataclasses
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from ytsession.testing.kit.messages import Request, Response

__all__ = ["CONTROL_PREFIX", "Handler", "Router", "Service", "control_action", "control_error"]

#: Path prefix of the emulator's own control API. Requests under it are never logged
#: and never hit by injected faults.
CONTROL_PREFIX = "/_emulator/"

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


def control_error(message: str, status: int = 400) -> Response:
    """The answer of a control route to a request it cannot follow.

    :param message: what was wrong and what to send instead.
    :param status: the HTTP status code.
    """
    return Response.json({"error": "invalid_request", "error_description": message}, status)


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
