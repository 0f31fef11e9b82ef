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
:class:`~ytsession.store.StoredItem`): to their file atomically with mode 0600, in the
file's own format (the lines of other sites in a ``cookies.txt`` are kept as they were), or
to the cookie item of a profile in a store of any backend (file or Redis). The lock a
write-back takes on a file of the user's lives in our cache directory, not beside the file.

No cookie value ever appears in a ``repr``, a log line or an error message.
"""

from __future__ import annotations

import http.cookiejar
import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from requests.cookies import RequestsCookieJar

from ..._hints import log_in_first
from ...errors import NotLoggedInError
from ...store import COOKIES, FileStore, ProfileStore, StoredItem
from ._formats import (
    COOKIE_DOMAIN,
    TEXT_SOURCE,
    FileFormat,
    ParsedCookies,
    detect_format,
    header_cookies,
    is_youtube_domain,
    kept_headers,
    make_cookie,
    parse_browser_json,
    parse_cookie_header,
    parse_netscape,
    parse_request_headers,
    parse_text,
    parsed_headers,
    render_netscape,
)
from ._home import (
    WRITE_BACK_INTERVAL,
    CookieUpdate,
    FileJarHome,
    JarHome,
    Outcome,
    StoreJarHome,
    WriteBack,
    fingerprint,
    no_cookies_in,
    read_cookie_file,
    read_home,
    read_newer,
    render,
    save_file,
    text_digest,
)
from ._live import (
    APISID_COOKIES,
    AUTH_COOKIES,
    LOGIN_COOKIE,
    SID_COOKIES,
    CookieFreshness,
    LiveJar,
    logged_in,
    login_error,
)
from .accounts import account_number

if TYPE_CHECKING:
    from ...store.kinds import StoredProfile

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
    "profile_cookies",
    "render_netscape",
]

log = logging.getLogger("ytsession.cookies")


class YouTubeCookies:
    """The cookies of a logged-in browser, scoped to ``youtube.com``.

    Make one with :meth:`from_file` (``cookies.txt``, ``browser.json`` or a text file of
    pasted headers), :meth:`from_text`, :meth:`from_cookie_header`,
    :meth:`from_request_headers` or :meth:`from_mapping`. Sign requests with it through
    :class:`~ytsession.youtube.cookies.signer.CookieAuth`, or give it to
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
        self._jar = LiveJar()  # the cookies, and the views signed calls read from them
        self._lock = self._jar.lock
        self._jar.fill(cookies)
        self.path = Path(path) if path is not None else None
        self._written = WriteBack()  # where the jar lives, and its write-back
        self.file_format: FileFormat = file_format
        where = str(path) if path is not None else TEXT_SOURCE
        self.headers = kept_headers(headers, path=where)
        self.write_back = write_back and file_format != "headers"
        self.write_back_interval = write_back_interval
        #: Incremented each time the server changes the jar: a credentials "version".
        self.version = 0
        home = self.home
        self._written.seen = fingerprint(home) if home is not None else None

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
        text = read_cookie_file(path)
        cookies = cls._from_parsed(
            parse_text(text, source=str(path)), path=path, write_back=write_back
        )
        cookies.write_back_interval = write_back_interval
        cookies._written.seen = text_digest(text)  # what was read, not what it holds now
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
            raise no_cookies_in(home)
        cookies._written.store_home = home
        cookies.write_back_interval = write_back_interval
        return cookies

    @classmethod
    def _from_home(
        cls, home: StoredItem, *, path: Path | None, write_back: bool
    ) -> YouTubeCookies | None:
        """:return: the cookies ``home`` holds now (``None``: none), with ``path``.

        :raises CookieError: they cannot be read or are malformed.
        """
        text = read_home(home)
        if text is None:
            return None
        cookies = cls._from_parsed(
            parse_text(text, source=home.describe()), path=path, write_back=write_back
        )
        cookies._written.seen = text_digest(text)
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
        return cls._from_parsed(parse_text(text, source=source), path=None, write_back=False)

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
        self._jar.generation += 1
        return self._jar.jar

    @property
    def ignored(self) -> int:
        """How many cookies of other sites were offered and left out of the jar."""
        return self._jar.ignored

    def __len__(self) -> int:
        return len(self._jar.jar)

    def names(self) -> list[str]:
        """:return: the names of the cookies held, sorted (no values)."""
        return sorted({cookie.name for cookie in self._jar.cookies()})

    def get(self, name: str, *, now: float | None = None) -> str | None:
        """Return the value of an unexpired cookie (the ``.youtube.com`` one when several
        domains hold that name), or ``None``."""
        return self._jar.live(now).get(name)

    def signing_values(self, *, now: float | None = None) -> dict[str, str]:
        """:return: the ``*APISID`` cookies the SAPISIDHASH is computed from."""
        return dict(self._jar.scan(now).signing)  # picked once per jar change

    def is_logged_in(self, *, now: float | None = None) -> bool:
        """Return whether ``LOGIN_INFO`` and at least one SID cookie are present and
        unexpired."""
        return logged_in(self._jar.live(now))

    def check_logged_in(self, *, now: float | None = None) -> None:
        """Check that the jar signs someone in and can sign requests.

        :raises LoggedOutError: ``LOGIN_INFO``, every SID cookie or every ``*APISID``
            cookie is missing or expired; the message says which.
        """
        if missing := self._jar.scan(now).missing:  # judged once per jar change
            where = f" in {self.home.describe()}" if self.home is not None else ""
            raise login_error(missing, where=where, ignored=0 if len(self) else self.ignored)

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
        home = self.home
        saved_at = home.saved_at() if home is not None else None
        return self._jar.freshness(time.time() if now is None else now, saved_at=saved_at)

    # --- sending and receiving -------------------------------------------------------

    def cookie_header(self, url: str) -> str | None:
        """Return the ``Cookie`` header the jar sends to ``url`` (a YouTube URL), by the
        jar's own domain, path, secure and expiry rules; ``None`` when it sends none.

        The header is built once per jar change, URL scheme, host and path (and again once
        the soonest expiry passes), not on every call.
        """
        return self._jar.header_for(url)

    def apply_set_cookie(
        self, url: str, values: Sequence[str], *, write: bool = True
    ) -> CookieUpdate:
        """Take the ``Set-Cookie`` headers of a response from ``url`` into the jar and
        write the change back to its home (file or store), by the rules of
        :ref:`cookie-write-back`: never a logged-out jar; under the home's lock, and only
        while it holds what was read here (else a newer export is ``adopted``, or a
        :class:`~ytsession.errors.CookieFileChangedError` leaves it alone); a burst is
        written once, then at most once per :attr:`write_back_interval` seconds
        (``pending``: written when the interval ends, by :meth:`flush`, or at exit).

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
            changed = self._jar.take_set_cookie(url, values)
            if not changed:
                return CookieUpdate()
            self.version += 1
            now_logged_in = self.is_logged_in()
            log.debug("the server updated cookies %s", ", ".join(changed))
            update = CookieUpdate(changed=changed, logged_out=was_logged_in and not now_logged_in)
            writes = self.write_back and self.home is not None
            return self._written.after_change(
                update,
                self,
                allowed=now_logged_in and write,
                interval=self.write_back_interval if writes else None,
                write=self._write_back,
            )

    def flush(self) -> bool:
        """Write a change that waits for the end of the write-back interval now (same
        rules as :meth:`apply_set_cookie`).

        :return: whether the file was written.
        :raises CookieFileChangedError: the file was replaced by one that cannot be used.
        """
        with self._lock:
            if not self._written.pending or self.home is None or not self.is_logged_in():
                self._written.pending = False
                return False
            return self._write_back() == "saved"

    def _write_back(self) -> Outcome:
        """Write the jar to its home (see :meth:`WriteBack.write`). Called with
        ``self._lock`` held and a logged-in jar."""
        home = self.home
        assert home is not None

        def adopt() -> bool:  # use what the home holds now instead of writing over it
            fresh = read_newer(
                home, lambda item: self._from_home(item, path=self.path, write_back=self.write_back)
            )
            if fresh is not None:
                self._take(fresh)
            return fresh is not None

        where = home.describe()
        return self._written.write(
            home,
            lambda held: render(
                self._jar, held, self.file_format, headers=self.headers, where=where
            ),
            adopt,
        )

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
        if file_format is None:
            file_format = self.file_format if path is None else "netscape"
        text = save_file(self._jar, target, file_format, headers=self.headers)
        if target == self.path:
            self._written.seen = text_digest(text)

    @property
    def home(self) -> StoredItem | None:
        """Where the cookies live and are written back to: their file (:attr:`path`), the
        store of :meth:`from_store`, or ``None`` (memory only)."""
        return self._written.home(self.path)

    def changed_on_disk(self) -> bool:
        """Return whether the cookie file (or stored item) was written by someone else
        since it was read or saved here (another process, or the user exporting again): its
        content differs, whatever its time stamp says."""
        home = self.home
        return home is not None and self._written.changed(home)

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
            raise no_cookies_in(home)
        self._take(fresh)

    def _take(self, fresh: YouTubeCookies) -> None:
        """Replace the jar's cookies and file state with those of ``fresh`` (same file)."""
        with self._lock:
            # all of youtube.com: none is ignored again
            self._jar.replace(fresh._jar.cookies(), ignored=fresh.ignored)
            self.file_format = fresh.file_format
            self.headers = dict(fresh.headers)
            self.version += 1
            self._written.seen = fresh._written.seen
            self._written.pending = False

    def __repr__(self) -> str:
        where = f"path={str(self.path)!r}, " if self.path is not None else ""
        if self._written.store_home is not None:
            where = f"home={self._written.store_home.describe()!r}, "
        return f"YouTubeCookies({where}cookies={len(self)}, logged_in={self.is_logged_in()})"

    __str__ = __repr__


def profile_cookies(profile: StoredProfile) -> YouTubeCookies:
    """Read the cookies of a ``cookies`` profile (any store; in the file store, its
    ``cookies.txt``), written back where they came from as the server rotates them (what
    :meth:`Profile.load_cookies <ytsession.store.profiles.Profile.load_cookies>` returns).

    :raises NotLoggedInError: the profile has no cookies.
    :raises CookieError: the cookies are malformed.
    """
    from ...store.profiles import flag_of, in_store

    name, store = profile.name, profile.store
    if store.read(name, COOKIES) is None:
        raise NotLoggedInError(f"profile '{name}'{in_store(store)} has no cookies").with_hint(
            log_in_first(name, flag_of(name, store), cookies=True)
        )
    if isinstance(store, FileStore):
        return YouTubeCookies.from_file(store.path(name, COOKIES))
    return YouTubeCookies.from_store(store, name)
