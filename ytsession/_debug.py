"""One line per HTTP answer on the ``ytsession.http`` logger, for ``ytsession -v`` and
``YTSESSION_DEBUG=1``.

The transport's adapter (:class:`ytsession.transport.TransportAdapter`) calls
:func:`log_response` for every answer when DEBUG is on (it also works as a ``requests``
response hook): the one place where traffic is described. A line names the
method, host, path, status, time and retries, never a query string, header or body, so no
token or cookie can reach it.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests

log = logging.getLogger("ytsession.http")


def describe(response: requests.Response) -> str:
    """:return: ``POST www.youtube.com/youtubei/v1/browse -> 200 (123 ms)``, plus the
    retries urllib3 made before this answer."""
    request = response.request
    parts = urlsplit(str(request.url or ""))
    host = parts.hostname or "?"
    if parts.port:
        host = f"{host}:{parts.port}"
    elapsed = response.elapsed.total_seconds() * 1000
    line = (
        f"{request.method} {host}{parts.path or '/'} -> {response.status_code} ({elapsed:.0f} ms)"
    )
    retries = getattr(getattr(response.raw, "retries", None), "history", ())
    if retries:
        causes = ", ".join(
            str(entry.status) if entry.status else type(entry.error).__name__ for entry in retries
        )
        line += f" after {len(retries)} retr{'y' if len(retries) == 1 else 'ies'} ({causes})"
    return line


def log_response(response: requests.Response, *args: Any, **kwargs: Any) -> requests.Response:
    """The response hook: log one line at DEBUG (nothing at all when DEBUG is off)."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("%s", describe(response))
    return response
