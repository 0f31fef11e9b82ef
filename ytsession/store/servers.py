"""Which server a request goes to: one rule for the command line and the library.

A stored login is bound to the server it was made on (its OAuth endpoints, the InnerTube
host, the PeerTube instance): every request made with its tokens goes there, and nowhere
else. ``--server`` and ``$YTSESSION_SERVER`` (in Python: ``base_url=``) choose the server of
new logins and of anonymous calls only:

- for a stored login, a server given explicitly (``--server``, ``base_url=``) that is not
  the profile's own is refused with :class:`~ytsession.errors.ServerMismatchError`, which
  names both;
- a different ``$YTSESSION_SERVER`` is ignored for that profile, with a one-line notice
  (a warning of the ``ytsession`` logger, shown on standard error).

Standard library only at import time.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..errors import ServerMismatchError, ServerURLError

if TYPE_CHECKING:
    from .settings import ProfileSettings

__all__ = [
    "SERVER_ENV",
    "YOUTUBE_SERVER",
    "checked_server_url",
    "named_server",
    "profile_server",
    "same_server",
    "server_for",
    "shown_server",
]

log = logging.getLogger("ytsession")

#: The environment variable naming the server of new logins and anonymous calls.
SERVER_ENV = "YTSESSION_SERVER"
#: What ``None`` stands for: YouTube and Google themselves.
YOUTUBE_SERVER = "https://www.youtube.com"
#: The origins that are YouTube and Google themselves (a login made there has no server of
#: its own: ``None``).
_SERVICE_ORIGINS = frozenset(
    {
        "https://www.youtube.com",
        "https://youtube.com",
        "https://m.youtube.com",
        "https://music.youtube.com",
        "https://oauth2.googleapis.com",
        "https://accounts.google.com",
        "https://www.googleapis.com",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK_NAMES = ("localhost", "::1", "[::1]")


def _is_loopback(host: str) -> bool:
    host = host.lower()
    return host in _LOOPBACK_NAMES or host.startswith("127.") or host.endswith(".localhost")


def checked_server_url(text: str, *, what: str = "--server") -> str:
    """Check a server URL given on the command line or in the environment.

    A URL without a scheme gets ``http://`` when it names a loopback host (as
    ``127.0.0.1:8765`` for the emulator); anywhere else the scheme must be written out.

    :param text: the URL, e.g. ``http://127.0.0.1:8765``.
    :param what: where it came from, for the message (``--server``, ``$YTSESSION_SERVER``).
    :return: the URL without a trailing ``/``.
    :raises ServerURLError: not an http(s) URL with a host.
    """
    from urllib.parse import urlsplit

    url = text.strip()
    if "://" not in url:
        host = url.split("/", 1)[0]
        host = host.rpartition("]")[0] + "]" if host.startswith("[") else host.split(":", 1)[0]
        if not _is_loopback(host):
            raise ServerURLError(
                f"{what} {text!r} has no scheme: write it as https://{url} (http:// is "
                "assumed only for loopback addresses such as 127.0.0.1)"
            )
        url = "http://" + url
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # e.g. "Invalid IPv6 URL"
        raise ServerURLError(f"{what} {text!r} is not a URL ({exc})") from None
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:
        raise ServerURLError(f"{what} {text!r} has an invalid port") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ServerURLError(f"{what} {text!r} is not an http:// or https:// URL with a host")
    if parts.query or parts.fragment:
        raise ServerURLError(f"{what} {text!r}: give the server's root URL, without ? or #")
    return url.rstrip("/")


def named_server(
    given: str | None, *, what: str = "--server", environ: Mapping[str, str] | None = None
) -> str | None:
    """The server named for a new login or an anonymous call: ``given`` (``--server``),
    else ``$YTSESSION_SERVER``, checked by :func:`checked_server_url`; ``None`` when neither
    (YouTube and Google themselves).

    :raises ServerURLError: the URL is unusable.
    """
    if given:
        return checked_server_url(given, what=what)
    env = (os.environ if environ is None else environ).get(SERVER_ENV)
    return checked_server_url(env, what=f"${SERVER_ENV}") if env else None


def _key(url: str | None) -> str | None:
    """``url`` reduced to what tells servers apart (scheme, host, port, path), ``None``
    for YouTube and Google themselves."""
    from urllib.parse import urlsplit

    if url is None:
        return None
    text = url.strip()
    if "://" not in text:
        text = "http://" + text  # as checked_server_url reads a bare loopback address
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text.rstrip("/")  # unusable: equal only to itself
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    origin = f"{scheme}://{host}"
    if origin in _SERVICE_ORIGINS:
        return None
    return origin + parts.path.rstrip("/")


def same_server(first: str | None, second: str | None) -> bool:
    """Whether two server URLs name the same server: ``None``, and any of YouTube's and
    Google's own hosts, stand for YouTube and Google themselves.

    :return: ``True`` when they are the same.
    """
    return _key(first) == _key(second)


def shown_server(server: str | None) -> str:
    """:return: ``server`` for a message (``None`` shown as YouTube)."""
    return server if server is not None else f"YouTube ({YOUTUBE_SERVER})"


def profile_server(settings: ProfileSettings) -> str | None:
    """The server a stored login was made on: the one its tokens may be sent to.

    :return: its URL (scheme, host, port), or ``None`` for YouTube and Google themselves.
    :raises ProfileError: the profile's kind is unknown to this version of ytsession.
    """
    from .kinds import kind_of

    server = kind_of(settings).server(settings)
    return None if _key(server) is None else server


_noticed: set[tuple[str, str]] = set()


def server_for(
    settings: ProfileSettings,
    *,
    profile: str,
    given: str | None = None,
    what: str = "--server",
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """The server the requests of a stored login go to: always the one it was made on.

    :param settings: the profile's settings.
    :param profile: the profile's name, for the messages.
    :param given: a server named explicitly (``--server``, ``base_url=``), or ``None``.
    :param what: how the caller names ``given``, for the message (``--server``,
        ``base_url``).
    :param environ: the environment (default :data:`os.environ`): a different
        ``$YTSESSION_SERVER`` there is ignored, with a notice (once per process).
    :return: the profile's server, ``None`` for YouTube and Google themselves.
    :raises ServerMismatchError: ``given`` names another server.
    """
    own = profile_server(settings)
    if given and not same_server(given, own):
        raise ServerMismatchError(
            f"profile '{profile}' was logged in on {shown_server(own)} and its tokens go "
            f"only there, but {what} names {given.strip()}: leave {what} out, or log in on "
            f"{given.strip()} with another profile",
            profile_server=own,
            given_server=given.strip(),
        )
    env = (os.environ if environ is None else environ).get(SERVER_ENV, "").strip()
    if env and not same_server(env, own) and (profile, env) not in _noticed:
        _noticed.add((profile, env))
        log.warning(
            "$%s (%s) is ignored for profile '%s', which was logged in on %s; its tokens "
            "go only there",
            SERVER_ENV,
            env,
            profile,
            shown_server(own),
        )
    return own
