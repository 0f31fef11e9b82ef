"""The emulator kit's injected faults: errors, delays and connection resets, per path.

Part of :mod:`ytsession.testing.kit`, which knows no service. Tests inject them through
:meth:`~ytsession.testing.kit.LoopbackServer.inject_error` and its siblings, or
``POST /_emulator/faults``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus

from ytsession.testing.kit.messages import Response

__all__ = ["Fault", "FaultQueue", "check_count", "error_fault"]


@dataclass
class Fault:
    """One injected fault, used by the next ``remaining`` requests to its path.

    :param kind: ``"error"``, ``"delay"`` or ``"reset"``.
    :param remaining: how many more requests it hits; ``None`` until cleared.
    :param response: what an error fault answers.
    :param seconds: how long a delay fault waits.
    """

    kind: str
    remaining: int | None
    response: Response | None = None
    seconds: float = 0.0


def check_count(count: int | None) -> int | None:
    """Return ``count`` when it is a valid number of requests to hit.

    :param count: at least 1, or ``None`` for "until cleared".
    :raises ValueError: otherwise.
    """
    if count is not None and count < 1:
        raise ValueError("count must be at least 1, or None for 'until cleared'")
    return count


def error_fault(
    status: int,
    body: object,
    *,
    headers: Mapping[str, str],
    count: int | None,
) -> Fault:
    """An error fault: see :meth:`~ytsession.testing.kit.LoopbackServer.inject_error`.

    :raises TypeError: when ``body`` is of a type that cannot be sent.
    :raises ValueError: when ``count`` is invalid.
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
    _merge_headers(response.headers, headers)
    return Fault("error", check_count(count), response=response)


class FaultQueue:
    """The faults not used yet, per exact path, in the order they were injected."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, deque[Fault]] = {}

    def add(self, path: str, fault: Fault) -> None:
        """Queue a fault for ``path``.

        :param path: the exact path.
        :param fault: the fault.
        """
        with self._lock:
            self._faults.setdefault(path, deque()).append(fault)

    def take(self, path: str) -> Fault | None:
        """Return the fault that hits the request to ``path`` arriving now, if any.

        :param path: the request's path.
        """
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

    def clear(self, path: str | None = None) -> None:
        """Drop faults not used yet.

        :param path: only this path's faults; ``None`` for all.
        """
        with self._lock:
            if path is None:
                self._faults.clear()
            else:
                self._faults.pop(path, None)


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


def _merge_headers(target: dict[str, str], extra: Mapping[str, str]) -> None:
    for key, value in extra.items():
        for existing in [k for k in target if k.lower() == key.lower()]:
            del target[existing]
        target[key] = value
