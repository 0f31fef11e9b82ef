"""The ``ytsession token`` fast path: a fresh token, read without the library.

The one place that reads a stored token without building a profile, for the command line's
``ytsession token`` before anything else is imported. The rules (default home, profile
names, file names, the refresh margin) are the library's own
(:mod:`ytsession._rules`, :mod:`ytsession.oauth.rules`). For the file
store it loads :mod:`os`, :mod:`time` and CPython's C JSON scanner, not ``re``, ``json``,
``pathlib``, ``typing`` or ``requests``; for a Redis store, redis-py and the store, and the
expiry is measured by the store's clock (Redis ``TIME``), as the library measures it.

Anything unusual (no settings, an expiring token, a file that is not plainly a token, a
store that fails) is ``None``: the library then refreshes, or reports the problem in its
own words. So this module never needs to explain anything.
"""

from __future__ import annotations

import os

from .. import _rules
from ..oauth import rules as oauth_rules

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from typing import Any


def token_command(argv: list[str]) -> int | None:
    """``ytsession token [--profile NAME] [--home DIR] [--store URL]`` with a fresh token:
    print it. Tried first by :func:`ytsession.cli.main` (so by the ``ytsession`` script and
    ``python -m ytsession``).

    :param argv: the command line's arguments, without the program's name.
    :return: 0 when printed; ``None`` when it is another command, another option, or
        anything is unusual (no token, an expiring or unreadable one, ``$YTSESSION_DEBUG``
        set), leaving it to the full command line to handle and report.
    """
    if argv[:1] != ["token"] or os.environ.get("YTSESSION_DEBUG"):
        return None
    options = {"--profile": "", "--home": "", "--store": ""}
    rest = iter(argv[1:])
    for arg in rest:
        name, eq, value = arg.partition("=")
        if name not in options:
            return None
        if not eq:
            value = next(rest, "")
        if not value:
            return None
        options[name] = value
    if options["--home"] and options["--store"]:
        return None  # the full command line says to give one
    token = fresh_token(
        options["--profile"] or None,
        home=options["--home"] or None,
        store=options["--store"] or None,
    )
    if token is None:
        return None
    import sys

    sys.stdout.write(token + "\n")
    sys.stdout.flush()
    return 0


def fresh_token(
    name: str | None = None,
    *,
    home: str | os.PathLike[str] | None = None,
    store: str | None = None,
) -> str | None:
    """:return: the stored access token of profile ``name`` (default: ``$YTSESSION_PROFILE``,
        else the one ``ytsession profiles use`` chose, else ``"default"``) when it has more
        than :func:`~ytsession.oauth.rules.refresh_margin` left and the profile has settings;
        else ``None``.

    :param home: the file store's directory (``--home``).
    :param store: the store (``--store``): a directory or a URL; default ``$YTSESSION_STORE``
        unless ``home`` is given.
    """
    if store is None and home is None:
        store = os.environ.get(_rules.STORE_ENV) or None
    name = name or _rules.default_profile_name(_rules.choice_home(home, store))
    if not _rules.is_profile_name(name):
        return None
    if store is None or "://" not in store:
        return _from_files(name, store if store is not None else home)
    if store.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        return _from_files(name, unquote(urlsplit(store).path))
    try:
        return _from_store(name, store)
    except Exception:  # unreachable, refused, ...: the library says so in its words
        return None


def _from_files(name: str, home: str | os.PathLike[str] | None) -> str | None:
    directory = os.path.join(_rules.default_home(home), "profiles", name)
    if not os.path.isfile(os.path.join(directory, _rules.SETTINGS_FILE)):
        return None
    try:
        with open(os.path.join(directory, _rules.TOKEN_FILE), encoding="utf-8") as file:
            return _fresh(file.read())
    except (OSError, ValueError):
        return None


def _from_store(name: str, url: str) -> str | None:
    from ..store import SETTINGS, TOKEN, open_store

    with open_store(url) as opened:
        items = opened.read_many(name, (TOKEN, SETTINGS))
        text = items[TOKEN]
        if text is None or items[SETTINGS] is None:
            return None
        return _fresh(text, now=opened.now())  # the store's clock, as the library's


def _fresh(text: str, *, now: float | None = None) -> str | None:
    """:return: the access token of token JSON ``text`` when it is plainly a token and fresh
    at ``now`` (the store's clock; default this machine's, a file store's)."""
    if now is None:
        import time

        now = time.time()
    stored = _json_object(text)
    if stored is None:
        return None
    access, refresh = stored.get("access_token"), stored.get("refresh_token")
    expires_at, lifetime = stored.get("expires_at"), stored.get("expires_in", 0)
    if not isinstance(access, str) or not access or not access.isprintable():
        return None
    if not isinstance(refresh, str) or type(expires_at) is not int or type(lifetime) is not int:
        return None
    return access if expires_at - now > oauth_rules.refresh_margin(lifetime) else None


class _JSONContext:
    """What the C JSON scanner reads from a decoder: plain JSON, nothing else."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    def parse_constant(self, name: str) -> float:
        raise ValueError(f"{name} is not JSON")


def _json_object(text: str) -> dict[str, object] | None:
    """Parse a JSON object with CPython's C scanner directly: :mod:`json` itself imports
    :mod:`re`, which alone costs more than the rest of the fast path.

    :return: the object, or ``None`` when the text is not one JSON object or the C scanner
        is not available.
    """
    try:
        from _json import make_scanner
    except ImportError:
        return None
    stripped = text.strip(" \t\n\r")
    context: Any = _JSONContext()  # the scanner reads a decoder's attributes, no more
    try:
        value, end = make_scanner(context)(stripped, 0)
    except Exception:  # StopIteration, ValueError, and a SystemError where the scanner
        return None  # would import json's own error class: any doubt is the library's
    return value if isinstance(value, dict) and end == len(stripped) else None
