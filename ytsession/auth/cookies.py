"""Browser cookies for YouTube: where they come from, the jar that holds them, write-back.

Since OAuth tokens only sign the TV clients, most InnerTube scripts sign in with the
cookies of a logged-in browser. :class:`YouTubeCookies` reads them from what users have:

- a Netscape ``cookies.txt`` file, as browser extensions (and yt-dlp) export it;
- ytmusicapi's ``browser.json`` (request headers as a JSON object);
- request headers pasted from the browser's developer tools (Firefox's ``Name: value``
  lines or Chrome's name-and-value-on-separate-lines form);
- a raw ``Cookie:`` header string.

The cookies live in a :class:`requests.cookies.RequestsCookieJar` holding only cookies of
``youtube.com`` and its subdomains (others in a file are ignored), so the jar's own domain
rules never hand them to another host. Cookies the server updates (``Set-Cookie``) are
written back to where the jar lives (its home, a
:class:`~ytsession.auth.store.StoredItem`): to their file atomically with mode 0600, in the
file's own format (the lines of other sites in a ``cookies.txt`` are kept as they were), or
to the cookie item of a profile in a store of any backend (file or Redis). The lock a
write-back takes on a file of the user's lives in our cache directory, not beside the file.

No cookie value ever appears in a ``repr``, a log line or an error message.
"""

from __future__ import annotations

import dataclasses
import http.cookiejar
import logging
import math
import threading
import time
import urllib.request
import weakref
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from requests.cookies import RequestsCookieJar

from .. import _secrets
from ..errors import CookieError, CookieFileChangedError, LoggedOutError, YTSessionError
from ._cookie_formats import (
    COOKIE_DOMAIN,
    KEPT_HEADERS,
    TEXT_SOURCE,
    FileFormat,
    ParsedCookies,
    SetCookieResponse,
    breadth,
    check_kept_header,
    cookie_header_for,
    detect_format,
    foreign_lines,
    header_cookies,
    in_jar_order,
    is_youtube_domain,
    make_cookie,
    parse_browser_json,
    parse_cookie_header,
    parse_netscape,
    parse_request_headers,
    parse_text,
    parsed_headers,
    render_browser_json,
    render_netscape,
)
from ._cookie_home import (
    PENDING,
    WRITE_BACK_INTERVAL,
    WRITE_BACK_LOCK_TIMEOUT,
    CookieFreshness,
    CookieUpdate,
    FileJarHome,
    JarHome,
    StoreJarHome,
    fingerprint,
    flush_quietly,
    text_digest,
    what,
)
from .accounts import account_number
from .store import COOKIES, FileItem, ProfileStore, StoredItem

__all__ = [
    "APISID_COOKIES",
    "AUTH_COOKIES",
    "COOKIE_DOMAIN",
    "LOGIN_COOKIE",
    "SID_COOKIES",
    "WRITE_BACK_INTERVAL",
    "CookieFreshness",
    "CookieUpdate",
    "FileJarHome",
    "JarHome",
    "StoreJarHome",
    "YouTubeCookies",
    "detect_format",
    "is_youtube_domain",
    "make_cookie",
    "parse_browser_json",
    "parse_cookie_header",
    "parse_netscape",
    "parse_request_headers",
    "render_netscape",
]

log = logging.getLogger("ytsession.cookies")

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

# --- the jar -----------------------------------------------------------------------------


_Snapshot = dict[tuple[str, str, str], tuple[str | None, int | None]]


class YouTubeCookies:
    """The cookies of a logged-in browser, scoped to ``youtube.com``.

    Make one with :meth:`from_file` (``cookies.txt``, ``browser.json`` or a text file of
    pasted headers), :meth:`from_text`, :meth:`from_cookie_header`,
    :meth:`from_request_headers` or :meth:`from_mapping`. Sign requests with it through
    :class:`~ytsession.auth.cookie_auth.CookieAuth`, or give it to
    :meth:`ytsession.Session.create` as ``auth``.

    Thread-safe. Its ``repr`` shows the file and the number of cookies, never a value.

    :param cookies: the cookies; those of other sites are ignored (and counted in
        :attr:`ignored`).
    :param path: the file to write rotated cookies back to, or ``None`` to keep them in
        memory only.
    :param file_format: the format of ``path``: ``"netscape"`` or ``"browser.json"``
        (``"headers"`` files are not written back).
    :param headers: request headers that came with the cookies (pasted headers,
        ``browser.json``): the user agent, ``X-Goog-AuthUser``, ... (``Cookie`` and
        ``Authorization`` are dropped).
    :param write_back: write cookies the server updates back to ``path`` (or to the
        store a jar of :meth:`from_store` came from): under an inter-process lock, only
        while the file (or stored item) is still the one read here (a newer export is
        adopted instead, see :meth:`apply_set_cookie`), only while the jar is logged in,
        and at most once per ``write_back_interval`` seconds.
    :param write_back_interval: see :data:`WRITE_BACK_INTERVAL`.
    """

    def __init__(
        self,
        cookies: Iterable[http.cookiejar.Cookie] = (),
        *,
        path: str | Path | None = None,
        file_format: FileFormat = "netscape",
        headers: Mapping[str, str] | None = None,
        write_back: bool = True,
        write_back_interval: float = WRITE_BACK_INTERVAL,
    ) -> None:
        self._lock = threading.RLock()
        self._jar = RequestsCookieJar()
        self.ignored = 0
        #: Bumped by every change of the jar: the caches below are of one generation.
        self._generation = 0
        self._live_cache: tuple[int, float, dict[str, str], list[Any]] | None = None
        self._header_cache: dict[tuple[str, str, str], str | None] = {}
        self._header_cache_key: tuple[int, float] = (-1, 0.0)
        self._fill(cookies)
        self.path = Path(path) if path is not None else None
        self._home: StoredItem | None = None  # a store's item (a file is given by path)
        self._file_home: FileItem | None = None  # the item of path
        self.file_format: FileFormat = file_format
        self.headers = {
            k.lower(): v for k, v in (headers or {}).items() if k.lower() in KEPT_HEADERS
        }
        for name, value in self.headers.items():
            check_kept_header(name, value, path=str(path) if path is not None else TEXT_SOURCE)
        self.write_back = write_back and file_format != "headers"
        self.write_back_interval = write_back_interval
        #: Incremented each time the server changes the jar: a credentials "version".
        self.version = 0
        home = self.home
        #: The fingerprint of what was read or written last (see _fingerprint).
        self._seen = fingerprint(home) if home is not None else None
        self._pending = False  # a change waits for the end of the write-back interval
        self._last_write: float | None = None  # time.monotonic() of the last write-back
        self._timer: threading.Timer | None = None

    def _fill(self, cookies: Iterable[http.cookiejar.Cookie]) -> None:
        for cookie in cookies:
            if is_youtube_domain(cookie.domain):
                _secrets.register(cookie.value)  # scrubbed by value from every message
                self._jar.set_cookie(cookie)
            else:
                self.ignored += 1
        self._generation += 1

    # --- making one ------------------------------------------------------------------

    @classmethod
    def from_file(
        cls,
        path: str | Path,
        *,
        write_back: bool = True,
        write_back_interval: float = WRITE_BACK_INTERVAL,
    ) -> YouTubeCookies:
        """Read cookies from a file, whatever it holds: a Netscape ``cookies.txt``,
        ytmusicapi's ``browser.json``, pasted request headers or a ``Cookie`` header.

        :param path: the file.
        :param write_back: write cookies the server updates back to the file (Netscape
            and ``browser.json`` files only; see the class for the rules).
        :param write_back_interval: see :data:`WRITE_BACK_INTERVAL`.
        :raises CookieError: the file is missing, unreadable or malformed.
        """
        path = Path(path)
        try:
            raw = path.read_bytes()
            text = raw.decode("utf-8")
        except FileNotFoundError:
            raise CookieError(f"cookie file {path} does not exist", path=str(path)) from None
        except UnicodeDecodeError:
            raise CookieError(
                f"cookie file {path} is not UTF-8 text; export the cookies again", path=str(path)
            ) from None
        except OSError as exc:
            raise CookieError(
                f"cannot read cookie file {path} ({exc.strerror}); check its permissions",
                path=str(path),
            ) from None
        cookies = cls._from_text(text, source=str(path), path=path, write_back=write_back)
        cookies.write_back_interval = write_back_interval
        cookies._seen = text_digest(text)  # what was read, not what the file holds now
        return cookies

    @classmethod
    def from_store(
        cls,
        store: ProfileStore,
        profile: str,
        *,
        write_back: bool = True,
        write_back_interval: float = WRITE_BACK_INTERVAL,
    ) -> YouTubeCookies:
        """Read the cookies of a profile in a store (any backend); cookies the server
        updates are written back to the store by the same rules as to a file (see
        :meth:`apply_set_cookie`), under the profile's store lock.

        :param store: the store.
        :param profile: the profile's name.
        :param write_back: write cookies the server updates back to the store.
        :param write_back_interval: see :data:`WRITE_BACK_INTERVAL`.
        :raises CookieError: the profile has no cookies, or they are malformed.
        :raises StoreError: the store failed.
        """
        home = store.item(profile, COOKIES)
        cookies = cls._from_home(home, path=None, write_back=write_back)
        if cookies is None:
            raise CookieError(f"{what(home)} {home.describe()} do not exist", path=home.describe())
        cookies._home = home
        cookies.write_back_interval = write_back_interval
        return cookies

    @classmethod
    def _from_home(
        cls, home: StoredItem, *, path: Path | None, write_back: bool
    ) -> YouTubeCookies | None:
        """:return: the cookies ``home`` holds now (``None``: none), with ``path``.

        :raises CookieError: they cannot be read or are malformed.
        """
        where = home.describe()
        try:
            text = home.read()
        except OSError as exc:
            raise CookieError(
                f"cannot read {what(home)} {where} ({exc.strerror}); check its permissions",
                path=where,
            ) from None
        if text is None:
            return None
        cookies = cls._from_text(text, source=where, path=path, write_back=write_back)
        cookies._seen = text_digest(text)
        return cookies

    @classmethod
    def from_text(cls, text: str, *, source: str = TEXT_SOURCE) -> YouTubeCookies:
        """Read cookies from text in any of the formats :meth:`from_file` accepts.

        The result has no file: cookies the server updates are kept in memory only (call
        :meth:`save` to write them somewhere).

        :param text: the text, e.g. headers pasted from the browser's developer tools.
        :param source: where the text comes from, for messages (e.g. ``"<stdin>"``).
        :raises CookieError: the text is malformed or holds no cookies.
        """
        return cls._from_text(text, source=source, path=None, write_back=False)

    @classmethod
    def _from_text(
        cls, text: str, *, source: str, path: Path | None, write_back: bool
    ) -> YouTubeCookies:
        return cls._from_parsed(parse_text(text, source=source), path=path, write_back=write_back)

    @classmethod
    def _from_parsed(
        cls, parsed: ParsedCookies, *, path: Path | None = None, write_back: bool = False
    ) -> YouTubeCookies:
        return cls(
            parsed.cookies,
            path=path,
            file_format=parsed.file_format,
            headers=parsed.headers,
            write_back=write_back,
        )

    @classmethod
    def from_cookie_header(cls, header: str) -> YouTubeCookies:
        """Use a ``Cookie`` header value (``"SID=...; HSID=...; ..."``).

        :raises CookieError: the header is malformed.
        """
        return cls(header_cookies(parse_cookie_header(header)), file_format="headers")

    @classmethod
    def from_request_headers(cls, text: str) -> YouTubeCookies:
        """Use request headers pasted from the browser's developer tools (Firefox or
        Chrome form); the ``Cookie`` header, user agent and ``X-Goog-AuthUser`` are read.

        :raises CookieError: there is no ``Cookie`` header, or it is malformed.
        """
        return cls._from_parsed(parsed_headers(parse_request_headers(text), "headers"))

    @classmethod
    def from_mapping(cls, cookies: Mapping[str, str]) -> YouTubeCookies:
        """Use cookie values by name (domain ``.youtube.com``, path ``/``)."""
        return cls(header_cookies(cookies), file_format="headers")

    # --- what it holds ---------------------------------------------------------------

    @property
    def jar(self) -> RequestsCookieJar:
        """The jar itself (it holds the values: keep it private).

        Reading this property marks the jar as changed, so a change made through it is
        seen by the next signed call; keep no reference to it for later changes.
        """
        self._generation += 1
        return self._jar

    def __len__(self) -> int:
        return len(self._jar)

    def names(self) -> list[str]:
        """:return: the names of the cookies held, sorted (no values)."""
        with self._lock:
            return sorted({cookie.name for cookie in self._jar})

    def get(self, name: str, *, now: float | None = None) -> str | None:
        """Return the value of an unexpired cookie (the ``.youtube.com`` one when several
        domains hold that name), or ``None``."""
        return self._live(now).get(name)

    def _live(self, now: float | None = None) -> dict[str, str]:
        """Unexpired cookies by name; for a name held by several domains, the broadest.

        Without ``now`` the answer is kept until the jar changes or its soonest expiry
        passes, so a burst of signed calls scans the jar once.
        """
        return self._scan(now)[2]

    def _scan(self, now: float | None = None) -> tuple[int, float, dict[str, str], list[Any]]:
        """One pass over the jar: ``(generation, valid until, live values by name, the
        unexpired cookies in the jar's own order)``; cached per generation without ``now``."""
        current_time = time.time() if now is None else now
        cached = self._live_cache
        if (
            now is None
            and cached is not None
            and cached[0] == self._generation
            and current_time < cached[1]
        ):
            return cached
        stamp = int(current_time)
        chosen: dict[str, http.cookiejar.Cookie] = {}
        unexpired: list[http.cookiejar.Cookie] = []
        valid_until = math.inf
        with self._lock:
            generation = self._generation
            for cookie in in_jar_order(self._jar):
                if cookie.expires is not None and cookie.expires > stamp:
                    valid_until = min(valid_until, float(cookie.expires))
                if cookie.is_expired(stamp):
                    continue
                unexpired.append(cookie)
                if cookie.value is None:
                    continue
                current = chosen.get(cookie.name)
                if current is None or breadth(cookie) > breadth(current):
                    chosen[cookie.name] = cookie
        live = {name: cookie.value or "" for name, cookie in chosen.items()}
        scanned = (generation, valid_until, live, unexpired)
        if now is None:
            self._live_cache = scanned
        return scanned

    def signing_values(self, *, now: float | None = None) -> dict[str, str]:
        """:return: the ``*APISID`` cookies the SAPISIDHASH is computed from."""
        live = self._live(now)
        return {name: live[name] for name in APISID_COOKIES if live.get(name)}

    def is_logged_in(self, *, now: float | None = None) -> bool:
        """Return whether ``LOGIN_INFO`` and at least one SID cookie are present and
        unexpired."""
        live = self._live(now)
        return bool(live.get(LOGIN_COOKIE)) and any(live.get(name) for name in SID_COOKIES)

    def check_logged_in(self, *, now: float | None = None) -> None:
        """Check that the jar signs someone in and can sign requests.

        :raises LoggedOutError: ``LOGIN_INFO``, every SID cookie or every ``*APISID``
            cookie is missing or expired; the message says which.
        """
        live = self._live(now)
        missing = []
        if not live.get(LOGIN_COOKIE):
            missing.append(LOGIN_COOKIE)
        if not any(live.get(name) for name in SID_COOKIES):
            missing.append("a SID cookie (" + ", ".join(SID_COOKIES) + ")")
        if not any(live.get(name) for name in APISID_COOKIES):
            missing.append("a SAPISID cookie (" + ", ".join(APISID_COOKIES) + ")")
        if not missing:
            return
        home = self.home
        where = f" in {home.describe()}" if home is not None else ""
        hint = ""
        if not len(self._jar) and self.ignored:
            hint = f" ({self.ignored} cookies of other sites were ignored)"
        raise LoggedOutError(
            f"the cookies{where} are not those of a logged-in browser: missing or expired "
            f"{', '.join(missing)}{hint}. Export your cookies again from a browser that is "
            "logged in to YouTube"
        )

    @property
    def account_index(self) -> int | None:
        """The account index of the pasted headers (``X-Goog-AuthUser``), if any."""
        return account_number(self.headers.get("x-goog-authuser", ""))

    @property
    def page_id(self) -> str | None:
        """The delegated session id of the pasted headers (``X-Goog-PageId``), if any."""
        return self.headers.get("x-goog-pageid") or None

    @property
    def user_agent(self) -> str | None:
        """The browser's user agent from the pasted headers, if any."""
        return self.headers.get("user-agent") or None

    def freshness(self, *, now: float | None = None) -> CookieFreshness:
        """Return whether the jar is logged in, how old its file is and when its first
        sign-in cookie expires (names and times only)."""
        stamp = time.time() if now is None else now
        soonest: tuple[float, str] | None = None
        expired = set()
        with self._lock:
            for cookie in self._jar:
                if cookie.name not in AUTH_COOKIES:
                    continue
                if cookie.is_expired(int(stamp)):
                    expired.add(cookie.name)
                elif cookie.expires is not None and (
                    soonest is None or cookie.expires < soonest[0]
                ):
                    soonest = (float(cookie.expires), cookie.name)
        home = self.home
        saved_at = home.saved_at() if home is not None else None
        live = self._live(stamp)
        return CookieFreshness(
            logged_in=self.is_logged_in(now=stamp),
            saved_at=saved_at,
            soonest_expiry=soonest[0] if soonest else None,
            soonest_expiring=soonest[1] if soonest else None,
            expired=tuple(sorted(name for name in expired if name not in live)),
        )

    # --- sending and receiving -------------------------------------------------------

    def cookie_header(self, url: str) -> str | None:
        """Return the ``Cookie`` header the jar sends to ``url`` (a YouTube URL), by the
        jar's own domain, path, secure and expiry rules; ``None`` when it sends none.

        The header is built once per jar change, URL scheme, host and path (and again once
        the soonest expiry passes), not on every call.
        """
        scheme, _, rest = url.partition("://")
        host, _, path = rest.partition("/")
        path = "/" + path.partition("?")[0].partition("#")[0]
        host = host.rpartition("@")[2].partition(":")[0].lower()
        key = (scheme.lower(), host, path)
        generation, valid_until, _, unexpired = self._scan()
        if self._header_cache_key != (generation, valid_until):
            self._header_cache = {}
            self._header_cache_key = (generation, valid_until)
        elif key in self._header_cache:
            return self._header_cache[key]
        header = cookie_header_for(unexpired, secure=key[0] == "https", host=host, path=path)
        self._header_cache[key] = header
        return header

    def apply_set_cookie(
        self, url: str, values: Sequence[str], *, write: bool = True
    ) -> CookieUpdate:
        """Take the ``Set-Cookie`` headers of a response from ``url`` into the jar and
        write the change back to the cookie file.

        The write-back rules:

        - a jar that is not logged in (the server dropped ``LOGIN_INFO`` or every SID
          cookie, now or earlier) is never written: the file keeps the cookies as they
          were exported; nor are the cookies of an answer that says it was logged out
          (``write=False``), and a write that waited is dropped then;
        - the write holds the file's inter-process lock, and happens only while the file
          on disk is still the one read or written here; when it was replaced (the user
          exported again, or another process wrote it), the new file is read and used
          instead (``adopted``), or, when it cannot be used, a
          :class:`~ytsession.errors.CookieFileChangedError` says so and the file is left
          alone;
        - a burst of changes is written once, then at most once per
          :attr:`write_back_interval` seconds (``pending``); the last change is written
          when the interval ends, by :meth:`flush`, or when the process exits.

        :param url: the (YouTube) URL the response came from; cookies it may not set (of
            other domains) are refused by the jar's rules.
        :param values: the ``Set-Cookie`` header values.
        :param write: ``False`` for an answer that says the cookies no longer sign in
            (``"loggedOut": true``): the jar takes them, the file does not.
        :return: what changed.
        :raises CookieFileChangedError: the file was replaced by one that cannot be used.
        """
        if not values:
            return CookieUpdate()
        with self._lock:
            was_logged_in = self.is_logged_in()
            before = _snapshot(self._scan()[3])  # the scan the signing already made
            self._jar.extract_cookies(
                SetCookieResponse(values),  # type: ignore[arg-type]
                urllib.request.Request(url),  # noqa: S310 (never opened)
            )
            self._generation += 1
            after = _snapshot(self._scan()[3])  # also the next call's scan
            keys = {
                key for key in before.keys() | after.keys() if before.get(key) != after.get(key)
            }
            if not keys:
                return CookieUpdate()
            _secrets.register(*(after[key][0] for key in keys if key in after))
            changed = tuple(sorted({key[2] for key in keys}))
            self.version += 1
            logged_in = self.is_logged_in()
            log.debug("the server updated cookies %s", ", ".join(changed))
            update = CookieUpdate(changed=changed, logged_out=was_logged_in and not logged_in)
            if not (logged_in and write) or not self.write_back or self.home is None:
                if not (logged_in and write) and self._pending:
                    self._pending = False  # what waited was of a jar now logged out
                return update
            self._pending = True
            since = None if self._last_write is None else time.monotonic() - self._last_write
            if since is not None and since < self.write_back_interval:
                self._schedule_flush(self.write_back_interval - since)
                return dataclasses.replace(update, pending=True)
            outcome = self._write_back()
            return dataclasses.replace(
                update, saved=outcome == "saved", adopted=outcome == "adopted"
            )

    def flush(self) -> bool:
        """Write a change that waits for the end of the write-back interval now (same
        rules as :meth:`apply_set_cookie`).

        :return: whether the file was written.
        :raises CookieFileChangedError: the file was replaced by one that cannot be used.
        """
        with self._lock:
            if not self._pending or self.home is None or not self.is_logged_in():
                self._pending = False
                return False
            return self._write_back() == "saved"

    def _schedule_flush(self, delay: float) -> None:
        if self._timer is not None and self._timer.is_alive():
            return
        self._timer = threading.Timer(delay, flush_quietly, args=(weakref.ref(self),))
        self._timer.daemon = True
        self._timer.start()
        PENDING.add(self)

    def _write_back(self) -> Literal["saved", "adopted", "kept"]:
        """Write the jar to its home under the home's lock, unless what the home holds
        changed since it was read here (then adopt it). Called with ``self._lock`` held and
        a logged-in jar."""
        home = self.home
        assert home is not None
        try:
            with home.locked(WRITE_BACK_LOCK_TIMEOUT):
                held = home.read()
                if text_digest(held) != self._seen:
                    return "adopted" if self._adopt_newer(home) else "kept"
                text = self._render(held, self.file_format, where=home.describe())
                home.write(text)
                self._seen = text_digest(text)
        except CookieFileChangedError:
            self._pending = False
            raise
        except (OSError, CookieError, YTSessionError) as exc:
            log.warning(
                "could not write the rotated cookies back to %s (%s); the next run may start "
                "from stale cookies",
                home.describe(),
                exc,
            )
            return "kept"
        self._pending = False
        self._last_write = time.monotonic()
        return "saved"

    def _adopt_newer(self, home: StoredItem) -> bool:
        """The home does not hold what was read here: use what it holds instead of writing
        over it.

        :raises CookieFileChangedError: it cannot be used (malformed or logged out); a
            removed file (or stored item) is only logged (nothing is written back to it).
        """
        where = f"{what(home)} {home.describe()}"
        self._pending = False
        reason = ""
        try:
            fresh = self._from_home(home, path=self.path, write_back=self.write_back)
        except CookieError as exc:
            fresh, reason = None, f"cannot be read ({exc})"
        else:
            if fresh is None:
                log.warning(
                    "the %s was removed; the rotated cookies are kept in memory only", where
                )
                return False
            if not fresh.is_logged_in():
                reason = "is not logged in"
        if reason or fresh is None:
            raise CookieFileChangedError(
                f"the {where} was replaced since it was read (a newer export?) and "
                f"it {reason}; the rotated cookies were not written over it. Fix the file or "
                "export the cookies again from a browser that is logged in to YouTube",
                path=home.describe(),
            )
        log.info(
            "the %s was replaced since it was read (a newer export?): using it "
            "instead of writing this process's rotated cookies over it",
            where,
        )
        self._take(fresh)
        return True

    def _cookies(self) -> list[http.cookiejar.Cookie]:
        with self._lock:
            return [cookie for cookie in self._jar]  # a list of Cookie, not of names

    # --- the file --------------------------------------------------------------------

    def save(
        self, path: str | Path | None = None, *, file_format: FileFormat | None = None
    ) -> None:
        """Write the cookies to a file atomically, with mode 0600.

        A Netscape file keeps its lines of other sites; a ``browser.json`` keeps its other
        headers and gets a new ``cookie`` entry. Expired cookies are not written.

        :param path: the file (default: :attr:`path`).
        :param file_format: ``"netscape"`` or ``"browser.json"`` (default: the format of
            :attr:`path`, or Netscape for a new path).
        :raises ValueError: there is no path to write to, or the format is ``"headers"``.
        :raises CookieError: an existing ``browser.json`` is not a JSON object (it is
            left as it was).
        """
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("these cookies have no file: pass a path to save()")
        if file_format is None:
            file_format = self.file_format if path is None else "netscape"
        if file_format not in ("netscape", "browser.json"):
            raise ValueError("cookies can be saved as 'netscape' or 'browser.json' only")
        item = FileItem(target)
        with self._lock:
            try:
                existing = item.read()
            except OSError:
                existing = None
            text = self._render(existing, file_format, where=str(target))
            item.write(text)
            if target == self.path:
                self._seen = text_digest(text)

    def _render(self, existing: str | None, file_format: FileFormat, *, where: str) -> str:
        """The jar in ``file_format``, without its expired cookies, as the text that
        replaces ``existing``: a Netscape file keeps the other sites' lines of ``existing``;
        a ``browser.json`` keeps its other headers.

        :raises CookieError: ``existing`` should be a ``browser.json`` and is not a JSON
            object.
        """
        with self._lock:
            self._jar.clear_expired_cookies()
            self._generation += 1  # expired cookies were dropped
            if file_format == "browser.json":
                live = self._live()
                return render_browser_json(existing, headers=self.headers, live=live, where=where)
            keep = foreign_lines(existing) if existing else []
            return render_netscape(self._cookies(), keep_lines=keep)

    @property
    def home(self) -> StoredItem | None:
        """Where the cookies live and are written back to: their file (:attr:`path`), the
        store of :meth:`from_store`, or ``None`` (memory only)."""
        if self._home is not None:
            return self._home
        if self.path is None:
            return None
        if self._file_home is None or self._file_home.path != self.path:
            self._file_home = FileItem.foreign(self.path)  # made once: asked on every answer
        return self._file_home

    def changed_on_disk(self) -> bool:
        """Return whether the cookie file (or stored item) was written by someone else
        since it was read or saved here (another process, or the user exporting again): its
        content differs, whatever its time stamp says."""
        home = self.home
        return home is not None and fingerprint(home) != self._seen

    def reload(self) -> None:
        """Read the cookie file (or stored item) again, replacing the jar's cookies.

        :raises ValueError: these cookies have no file.
        :raises CookieError: the file is missing or malformed (the jar is left as it was).
        """
        home = self.home
        if home is None:
            raise ValueError("these cookies have no file to reload")
        fresh = self._from_home(home, path=self.path, write_back=self.write_back)
        if fresh is None:
            where = home.describe()
            raise CookieError(f"{what(home)} {where} does not exist", path=where)
        with self._lock:
            self._take(fresh)

    def _take(self, fresh: YouTubeCookies) -> None:
        """Replace the jar's cookies and file state with those of ``fresh`` (same file)."""
        self._jar.clear()
        self._fill(fresh._cookies())  # all of youtube.com: none is ignored again
        self.ignored = fresh.ignored
        self.file_format = fresh.file_format
        self.headers = dict(fresh.headers)
        self.version += 1
        self._seen = fresh._seen
        self._pending = False

    def __repr__(self) -> str:
        where = f"path={str(self.path)!r}, " if self.path is not None else ""
        if self._home is not None:
            where = f"home={self._home.describe()!r}, "
        return f"YouTubeCookies({where}cookies={len(self._jar)}, logged_in={self.is_logged_in()})"

    __str__ = __repr__


def _snapshot(cookies: Iterable[http.cookiejar.Cookie]) -> _Snapshot:
    return {(c.domain, c.path, c.name): (c.value, c.expires) for c in cookies}
