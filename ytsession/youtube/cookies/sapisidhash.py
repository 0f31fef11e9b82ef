"""The ``SAPISIDHASH`` authorization of a browser-cookie session, as a pure function.

A browser signed in to YouTube proves to InnerTube that a request comes from a page of the
right origin by hashing one of its ``*APISID`` cookies with the time and the origin::

    SAPISIDHASH <ts>_<sha1_hex("<ts> <SAPISID> <origin>")>

Newer browsers send one part per cookie they hold (``SAPISIDHASH``, ``SAPISID1PHASH``,
``SAPISID3PHASH``), and put the user session id of the data sync id first in the hashed
words, marking such a part with ``_u``. :func:`sapisidhash` builds the whole header value;
the time is injectable so the result can be checked against known answers.

Standard library only.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping

__all__ = ["DEFAULT_ORIGIN", "HASH_SCHEMES", "sapisidhash", "sapisidhash_part"]

#: The origin the hash is bound to when the request names none.
DEFAULT_ORIGIN = "https://www.youtube.com"

#: (scheme, cookie names in order of preference): one header part per scheme whose cookie
#: is present. Google may add schemes; keep them in this one table.
HASH_SCHEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("SAPISIDHASH", ("SAPISID", "__Secure-3PAPISID")),
    ("SAPISID1PHASH", ("__Secure-1PAPISID",)),
    ("SAPISID3PHASH", ("__Secure-3PAPISID",)),
)


def sapisidhash_part(
    scheme: str,
    value: str,
    origin: str,
    *,
    ts: int,
    user_session_id: str | None = None,
) -> str:
    """Build one part of the header: ``"<scheme> <ts>_<sha1>"`` (``"..._u"`` with a user
    session id).

    :param scheme: e.g. ``"SAPISIDHASH"``.
    :param value: the cookie's value.
    :param origin: e.g. ``"https://www.youtube.com"``.
    :param ts: Unix time in whole seconds.
    :param user_session_id: the data sync id's user session id, when known.
    """
    words = [str(ts), value, origin]
    if user_session_id:
        words.insert(0, user_session_id)
    digest = hashlib.sha1(" ".join(words).encode("utf-8"), usedforsecurity=False).hexdigest()
    part = f"{scheme} {ts}_{digest}"
    return part + "_u" if user_session_id else part


def sapisidhash(
    cookies: Mapping[str, str],
    origin: str = DEFAULT_ORIGIN,
    *,
    user_session_id: str | None = None,
    now: float | None = None,
) -> str | None:
    """Build the ``Authorization`` value for a cookie-signed request.

    For each scheme of :data:`HASH_SCHEMES` whose cookie is in ``cookies`` (with a
    non-empty value) one part is made; the parts are joined by single spaces.

    :param cookies: cookie values by name; only the ``*APISID`` ones are read.
    :param origin: the origin the request is sent from (its ``X-Origin``).
    :param user_session_id: the user session id of the data sync id, when known: it is
        hashed first and each part ends in ``_u``.
    :param now: Unix time to use instead of :func:`time.time` (rounded to whole seconds
        with :func:`round`, as yt-dlp does).
    :return: the header value, or ``None`` when no ``*APISID`` cookie is present.
    """
    ts = round(time.time() if now is None else now)
    parts = []
    for scheme, names in HASH_SCHEMES:
        value = next((cookies[name] for name in names if cookies.get(name)), None)
        if value is not None:
            parts.append(
                sapisidhash_part(scheme, value, origin, ts=ts, user_session_id=user_session_id)
            )
    return " ".join(parts) or None
