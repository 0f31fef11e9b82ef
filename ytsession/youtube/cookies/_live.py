"""The jar of :class:`~ytsession.youtube.cookies.jar.YouTubeCookies`: what it holds, and whether
it signs someone in.

:class:`LiveJar` keeps the ``youtube.com`` cookies in a
:class:`requests.cookies.RequestsCookieJar` and answers the questions every signed call
asks (the live values by name, the ``Cookie`` header for a URL) from one scan per jar
change, so a burst of calls does not walk the jar each time. It also takes ``Set-Cookie``
headers in and says which cookies they changed. The login rules (which cookies make a jar
logged in, what is missing, when the first sign-in cookie expires) live beside it.
:mod:`ytsession.youtube.cookies.jar` re-exports the public names.
"""

from __future__ import annotations

import http.cookiejar
import math
import threading
import time
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from requests.cookies import RequestsCookieJar

from ... import _secrets
from ...errors import LoggedOutError
from ._formats import (
    SetCookieResponse,
    breadth,
    cookie_header_for,
    in_jar_order,
    is_youtube_domain,
)

#: Present only in a logged-in browser's jar.
LOGIN_COOKIE = "LOGIN_INFO"
#: The session cookies; at least one must be present to be logged in.
SID_COOKIES = ("SID", "__Secure-1PSID", "__Secure-3PSID")
#: The cookies the SAPISIDHASH is computed from.
APISID_COOKIES = ("SAPISID", "__Secure-1PAPISID", "__Secure-3PAPISID")
#: Every cookie that takes part in signing in: what freshness is judged by.
AUTH_COOKIES = (
    LOGIN_COOKIE,
    *SID_COOKIES,
    "HSID",
    "SSID",
    "APISID",
    *APISID_COOKIES,
    "__Secure-1PSIDTS",
    "__Secure-3PSIDTS",
    "SIDCC",
    "__Secure-1PSIDCC",
    "__Secure-3PSIDCC",
)


@dataclass(frozen=True)
class CookieFreshness:
    """How fresh a cookie jar is; names and times only, never values.

    :ivar logged_in: ``LOGIN_INFO`` and a SID cookie are present and unexpired.
    :ivar saved_at: when the cookie file was last written (its mtime), or ``None``.
    :ivar soonest_expiry: the soonest expiry (Unix time) of a sign-in cookie still valid,
        or ``None`` when all are session cookies.
    :ivar soonest_expiring: that cookie's name.
    :ivar expired: the sign-in cookies that have already expired.
    """

    logged_in: bool
    saved_at: float | None
    soonest_expiry: float | None
    soonest_expiring: str | None
    expired: tuple[str, ...] = ()

    def age(self, now: float | None = None) -> float | None:
        """:return: seconds since the cookie file was written, or ``None``."""
        if self.saved_at is None:
            return None
        return max(0.0, (time.time() if now is None else now) - self.saved_at)


_Snapshot = dict[tuple[str, str, str], tuple[str | None, int | None]]
#: How many URLs the header cache remembers (calls go to a few endpoints).
_URL_CACHE_SIZE = 256


class Scan(NamedTuple):
    """One pass over the jar."""

    generation: int
    #: The soonest expiry of a cookie still live: the scan holds until then.
    valid_until: float
    #: Unexpired values by name; for a name held by several domains, the broadest.
    live: dict[str, str]
    #: The unexpired cookies, in the jar's own order.
    unexpired: list[http.cookiejar.Cookie]
    #: What the live cookies lack to sign someone in (see :func:`missing_for_login`).
    missing: tuple[str, ...]
    #: The live ``*APISID`` cookies the SAPISIDHASH is computed from, as (name, value).
    signing: tuple[tuple[str, str], ...]


class LiveJar:
    """The ``youtube.com`` cookies of one jar, with the views signed calls read from it.

    Every change bumps a generation; the scan and the ``Cookie`` headers are cached per
    generation (and until the soonest expiry passes). Thread-safe through :attr:`lock`,
    which the owner also holds around its own multi-step changes.
    """

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.jar = RequestsCookieJar()
        #: Cookies of other sites that were offered and ignored.
        self.ignored = 0
        self.generation = 0
        self._scan_cache: Scan | None = None
        #: The scan the header caches were made from, and the headers by (scheme, host,
        #: path) and by URL.
        self._header_scan: Scan | None = None
        self._header_cache: dict[tuple[str, str, str], str | None] = {}
        self._header_by_url: dict[str, str | None] = {}
        self._snapshot_of: tuple[Scan, _Snapshot] | None = None

    def fill(self, cookies: Iterable[http.cookiejar.Cookie]) -> None:
        """Add the ``youtube.com`` cookies of ``cookies`` (the others are counted in
        :attr:`ignored`); their values are scrubbed from every message from now on."""
        with self.lock:
            for cookie in cookies:
                if is_youtube_domain(cookie.domain):
                    _secrets.register(cookie.value)
                    self.jar.set_cookie(cookie)
                else:
                    self.ignored += 1
            self.generation += 1

    def replace(self, cookies: Iterable[http.cookiejar.Cookie], *, ignored: int) -> None:
        """Hold ``cookies`` instead of what the jar held."""
        with self.lock:
            self.jar.clear()
            self.fill(cookies)
            self.ignored = ignored

    def cookies(self) -> list[http.cookiejar.Cookie]:
        with self.lock:
            return [cookie for cookie in self.jar]  # a list of Cookie, not of names

    def clear_expired(self) -> None:
        with self.lock:
            self.jar.clear_expired_cookies()
            self.generation += 1

    def scan(self, now: float | None = None) -> Scan:
        """One pass over the jar; cached per generation when ``now`` is not given."""
        current_time = time.time() if now is None else now
        cached = self._scan_cache
        if (
            now is None
            and cached is not None
            and cached.generation == self.generation
            and current_time < cached.valid_until
        ):
            return cached
        stamp = int(current_time)
        chosen: dict[str, http.cookiejar.Cookie] = {}
        unexpired: list[http.cookiejar.Cookie] = []
        valid_until = math.inf
        with self.lock:
            generation = self.generation
            for cookie in in_jar_order(self.jar):
                expires = cookie.expires
                if expires is not None:
                    if expires <= stamp:
                        continue  # expired (Cookie.is_expired, without the call)
                    if expires < valid_until:
                        valid_until = float(expires)
                unexpired.append(cookie)
                if cookie.value is None:
                    continue
                current = chosen.get(cookie.name)
                if current is None or breadth(cookie) > breadth(current):
                    chosen[cookie.name] = cookie
        live = {name: cookie.value or "" for name, cookie in chosen.items()}
        signing = tuple((name, live[name]) for name in APISID_COOKIES if live.get(name))
        missing = tuple(missing_for_login(live))
        scanned = Scan(generation, valid_until, live, unexpired, missing, signing)
        if now is None:
            self._scan_cache = scanned
        return scanned

    def live(self, now: float | None = None) -> dict[str, str]:
        """Unexpired cookies by name; for a name held by several domains, the broadest."""
        return self.scan(now).live

    def header_for(self, url: str) -> str | None:
        """The ``Cookie`` header for ``url``, built once per jar change, scheme, host and
        path (and again once the soonest expiry passes); a URL asked before is answered
        without being parsed again."""
        scanned = self.scan()
        if self._header_scan is not scanned:  # the jar changed, or a cookie expired
            self._header_scan = scanned
            self._header_cache = {}
            self._header_by_url = {}
        elif url in self._header_by_url:
            return self._header_by_url[url]
        scheme, _, rest = url.partition("://")
        host, _, path = rest.partition("/")
        path = "/" + path.partition("?")[0].partition("#")[0]
        host = host.rpartition("@")[2].partition(":")[0].lower()
        key = (scheme.lower(), host, path)
        if key in self._header_cache:
            header = self._header_cache[key]
        else:
            header = cookie_header_for(
                scanned.unexpired, secure=key[0] == "https", host=host, path=path
            )
            self._header_cache[key] = header
        if len(self._header_by_url) >= _URL_CACHE_SIZE:
            self._header_by_url = {}
        self._header_by_url[url] = header
        return header

    def take_set_cookie(self, url: str, values: Sequence[str]) -> tuple[str, ...]:
        """Take the ``Set-Cookie`` headers of an answer from ``url`` by the jar's rules.

        :return: the names of the cookies whose value or expiry changed, sorted; their
            new values are scrubbed from every message from now on.
        """
        with self.lock:
            before = self._held()  # of the scan the signing already made
            self.jar.extract_cookies(
                SetCookieResponse(values),  # type: ignore[arg-type]
                urllib.request.Request(url),  # noqa: S310 (never opened)
            )
            self.generation += 1
            after = self._held()  # also the next call's scan, and the next "before"
        keys = {key for key, _ in before.items() ^ after.items()}  # added, dropped, changed
        _secrets.register(*(after[key][0] for key in keys if key in after))
        return tuple(sorted({key[2] for key in keys}))

    def _held(self) -> _Snapshot:
        """What the current scan holds, by (domain, path, name): made once per scan."""
        scanned = self.scan()
        taken = self._snapshot_of
        if taken is None or taken[0] is not scanned:
            taken = self._snapshot_of = (scanned, _snapshot(scanned.unexpired))
        return taken[1]

    def freshness(self, stamp: float, *, saved_at: float | None) -> CookieFreshness:
        """How fresh the jar is at ``stamp``, its home written at ``saved_at``."""
        soonest: tuple[float, str] | None = None
        expired = set()
        with self.lock:
            for cookie in self.jar:
                if cookie.name not in AUTH_COOKIES:
                    continue
                if cookie.is_expired(int(stamp)):
                    expired.add(cookie.name)
                elif cookie.expires is not None and (
                    soonest is None or cookie.expires < soonest[0]
                ):
                    soonest = (float(cookie.expires), cookie.name)
        live = self.live(stamp)
        return CookieFreshness(
            logged_in=logged_in(live),
            saved_at=saved_at,
            soonest_expiry=soonest[0] if soonest else None,
            soonest_expiring=soonest[1] if soonest else None,
            expired=tuple(sorted(name for name in expired if name not in live)),
        )


def logged_in(live: Mapping[str, str]) -> bool:
    """Whether ``LOGIN_INFO`` and at least one SID cookie are among ``live``."""
    return bool(live.get(LOGIN_COOKIE)) and any(live.get(name) for name in SID_COOKIES)


def missing_for_login(live: Mapping[str, str]) -> list[str]:
    """What a jar holding ``live`` lacks to sign someone in and sign requests, in words."""
    missing = []
    if not live.get(LOGIN_COOKIE):
        missing.append(LOGIN_COOKIE)
    if not any(live.get(name) for name in SID_COOKIES):
        missing.append("a SID cookie (" + ", ".join(SID_COOKIES) + ")")
    if not any(live.get(name) for name in APISID_COOKIES):
        missing.append("a SAPISID cookie (" + ", ".join(APISID_COOKIES) + ")")
    return missing


def login_error(missing: Sequence[str], *, where: str, ignored: int) -> LoggedOutError:
    """The error of a jar (held ``where``, empty after ``ignored`` cookies of other sites
    were left out, if any) that lacks ``missing`` to sign in."""
    hint = f" ({ignored} cookies of other sites were ignored)" if ignored else ""
    return LoggedOutError(
        f"the cookies{where} are not those of a logged-in browser: missing or expired "
        f"{', '.join(missing)}{hint}. Export your cookies again from a browser that is "
        "logged in to YouTube"
    )


def _snapshot(cookies: Iterable[http.cookiejar.Cookie]) -> _Snapshot:
    return {(c.domain, c.path, c.name): (c.value, c.expires) for c in cookies}
