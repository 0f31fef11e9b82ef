"""Known secrets, and the one function that removes them from text by value.

Objects that hold a secret (a token's access and refresh token, a client's secret, the
values of browser cookies) register it here when they get it. Every error message passes
through :func:`scrub` (see :class:`~ytsession.errors.YTSessionError`), so a server that
echoes a token in any form (with or without ``Bearer``, inside a URL, in a ``detail``) never
puts it in a message. Scrubbing is by value, not by pattern.

Values shorter than :data:`MIN_CHARS` are not registered (a cookie whose value is ``1``
would blank every ``1`` of a message); no real token, secret or login cookie is that short.
The registry keeps the :data:`MAX_KNOWN` most recent values (old, rotated tokens too).

This module imports nothing.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

#: Shortest value worth registering.
MIN_CHARS = 8
#: How many values are remembered (the oldest are forgotten first).
MAX_KNOWN = 4096
#: What a secret becomes in a message.
HIDDEN = "<hidden>"

_known: OrderedDict[str, None] = OrderedDict()
_by_length: list[str] = []  # longest first, rebuilt lazily
_dirty = False
_lock = threading.Lock()


def register(*values: str | None) -> None:
    """Remember secrets so that :func:`scrub` removes them from every message.

    :param values: the secrets; empty, ``None`` and short values are ignored.
    """
    global _dirty
    fresh = [v for v in values if isinstance(v, str) and len(v) >= MIN_CHARS]
    if not fresh:
        return
    with _lock:
        for value in fresh:
            if value in _known:
                _known.move_to_end(value)
                continue
            _known[value] = None
            _dirty = True
            if len(_known) > MAX_KNOWN:
                _known.popitem(last=False)


def _ordered() -> list[str]:
    global _by_length, _dirty
    with _lock:
        if _dirty:
            _by_length = sorted(_known, key=len, reverse=True)
            _dirty = False
        return _by_length


def scrub(text: str, extra: Iterable[str | None] = ()) -> str:
    """:return: ``text`` with every known secret, and every non-empty value of ``extra``
    (a password, a one-time code), replaced by ``<hidden>``."""
    if not text:
        return text
    for secret in sorted((e for e in extra if e), key=len, reverse=True):
        text = text.replace(secret, HIDDEN)
    for secret in _ordered():
        if secret in text:
            text = text.replace(secret, HIDDEN)
    return text
