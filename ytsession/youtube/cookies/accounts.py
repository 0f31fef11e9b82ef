"""Which account a cookie session speaks for: account index, data sync id, brand accounts.

A browser signed in to several Google accounts picks one with ``X-Goog-AuthUser`` (the
account index, 0 for the first). A brand account (or any delegated session) is picked
with ``X-Goog-PageId`` and ``context.user.onBehalfOfUser``. YouTube names the session it
answers for in its data sync id (``DATASYNC_ID`` in a page's config, and
``responseContext.mainAppWebResponseContext.datasyncId`` in InnerTube answers):

- ``"A||B"``: delegated session id ``A`` (the brand account) and user session id ``B``;
- ``"A||"``: user session id ``A`` only.

The user session id, when known, goes into the SAPISIDHASH (its ``_u`` form).

Standard library only (and the validation layer).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ... import _validate as check

__all__ = ["DataSyncId", "account_number", "find_datasync_id", "parse_datasync_id"]

#: The highest account index accepted (a browser is signed in to a handful of accounts).
MAX_ACCOUNT_INDEX = 9999

_SEPARATOR = "||"
# "DATASYNC_ID":"..." in a page's ytcfg, "datasyncId":"..." in an answer's JSON text.
_IN_TEXT = re.compile(r'"(?:DATASYNC_ID|datasyncId)"\s*:\s*"((?:[^"\\]|\\.)*)"')


@dataclass(frozen=True)
class DataSyncId:
    """A parsed data sync id.

    :ivar user_session_id: the signed-in user's session id, or ``None``.
    :ivar delegated_session_id: the brand account's (delegated session's) id, or ``None``;
        it is what ``X-Goog-PageId`` carries.
    :ivar raw: the id as the page or answer gave it (what PO tokens are bound to), or
        ``""`` when it was built from its parts.
    """

    user_session_id: str | None = None
    delegated_session_id: str | None = None
    raw: str = field(default="", compare=False)

    def __bool__(self) -> bool:
        return bool(self.user_session_id or self.delegated_session_id)

    def __str__(self) -> str:
        """:return: the whole id as it was given (``"A||B"``, ``"A||"``), else built from
        its parts."""
        if self.raw:
            return self.raw
        if self.delegated_session_id:
            return f"{self.delegated_session_id}{_SEPARATOR}{self.user_session_id or ''}"
        return f"{self.user_session_id or ''}{_SEPARATOR}" if self.user_session_id else ""


def parse_datasync_id(value: str) -> DataSyncId:
    """Parse a data sync id.

    ``"A||B"`` gives delegated session id ``A`` and user session id ``B``; ``"A||"`` (or a
    plain ``"A"``) gives user session id ``A``; an empty string gives an empty id.

    :param value: the data sync id, e.g. ``"1234||"``.
    """
    value = value.strip()
    first, separator, second = value.partition(_SEPARATOR)
    first, second = first.strip(), second.strip()
    if not separator:
        return DataSyncId(user_session_id=first or None, raw=value)
    if second:
        return DataSyncId(user_session_id=second, delegated_session_id=first or None, raw=value)
    return DataSyncId(user_session_id=first or None, raw=value)


def find_datasync_id(source: str | bytes | Mapping[str, Any]) -> str | None:
    """Find the data sync id in a page, a page config or an InnerTube answer.

    :param source: an InnerTube answer (or its ``responseContext``) as a mapping, its JSON
        text, or a page's HTML holding ``ytcfg`` (``"DATASYNC_ID":"..."``).
    :return: the raw data sync id, or ``None`` when there is none.
    """
    if isinstance(source, Mapping):
        context = source.get("responseContext", source)
        web = context.get("mainAppWebResponseContext") if isinstance(context, Mapping) else None
        found = web.get("datasyncId") if isinstance(web, Mapping) else None
        if isinstance(found, str):
            return found
        ytcfg = source.get("DATASYNC_ID")
        return ytcfg if isinstance(ytcfg, str) else None
    text = source.decode("utf-8", errors="replace") if isinstance(source, bytes) else source
    match = _IN_TEXT.search(text)
    if match is None:
        return None
    try:
        found = json.loads(f'"{match.group(1)}"')
    except ValueError:
        return None
    return found if isinstance(found, str) else None


def account_number(value: str) -> int | None:
    """Read an account index (``X-Goog-AuthUser``, ``authuser``, ``--account-index``).

    :param value: the text; white space around it is ignored.
    :return: the index, or ``None`` when the text is not ASCII digits up to
        :data:`MAX_ACCOUNT_INDEX` (a Unicode digit such as ``"²"`` or ``"٣"`` is not one).
    """
    number = check.ascii_int(value)
    return number if number is not None and 0 <= number <= MAX_ACCOUNT_INDEX else None


def account_index_of(value: object) -> int | None:
    """Read an account index given as a number, or as text (see :func:`account_number`).

    :return: the index, or ``None`` when ``value`` is not one: a number below 0 or above
        :data:`MAX_ACCOUNT_INDEX`, a ``bool``, text that is not ASCII digits, another type.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value <= MAX_ACCOUNT_INDEX else None
    return account_number(value) if isinstance(value, str) else None
