"""Signing requests with browser cookies: :class:`CookieAuth`.

:class:`CookieAuth` is a :class:`requests.auth.AuthBase` (and an
:class:`~ytsession.youtube.innertube.InnerTubeAuth`, so a :class:`~ytsession.Session` takes it as
``auth``). For a request to ``youtube.com`` or one of its subdomains, and to nothing else,
it

- sets ``Cookie`` from the :class:`~ytsession.youtube.cookies.jar.YouTubeCookies` jar, by the
  jar's own domain rules;
- sets ``Authorization`` to the SAPISIDHASH parts (see
  :func:`~ytsession.youtube.cookies.sapisidhash.sapisidhash`), with the ``_u`` form once a user
  session id is known;
- sets ``X-Origin``, ``X-Goog-AuthUser`` (the account index) and, for a brand account,
  ``X-Goog-PageId``;
- reads the response: cookies the server rotates (``Set-Cookie``) go into the jar and back
  to the cookie file (see :meth:`~ytsession.youtube.cookies.jar.YouTubeCookies.apply_set_cookie`
  for the write-back rules), announced to :meth:`~ytsession.transport.Signer.on_refresh`
  listeners; a data sync id is adopted; a response that drops the login cookies raises
  :class:`~ytsession.errors.CookiesRotatedOutError` (or warns);
- after a 401, reads the cookie file again when another process rotated it meanwhile, and
  re-sends once;
- follows a redirect to another YouTube URL itself, signing the next hop for its host
  (requests would send it without the cookies); a redirect anywhere else is left to
  requests with nothing of ours attached.

All of this is the one signing flow of :class:`~ytsession.transport.Signer`; this class
gives its steps (:meth:`CookieAuth.sign`, :meth:`CookieAuth.observe`,
:meth:`CookieAuth.refresh`, :meth:`CookieAuth.signs_for`).

Under a :class:`~ytsession.Session`, the session facts (``loggedOut``, the data sync id)
are read from the answer the session parses anyway (:meth:`CookieAuth.observe_answer`); on
a plain :class:`requests.Session` the signer reads them from the JSON body itself. The
``Cookie`` header and the SAPISIDHASH are built once per jar change (and per second), so a
burst of calls costs little more than unsigned ones.

Requests to any other host pass through untouched: no cookie, no signature. Tests that
run YouTube on a loopback address name it explicitly in ``host_aliases``; the jar's domain
rules stay those of ``youtube.com``.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from ... import _validate as check
from ..._hints import COOKIES_LOG_IN_AGAIN
from ...errors import (
    CookiesRefusedError,
    CookiesRotatedOutError,
    CookiesRotatedOutWarning,
    LoggedOutError,
    ProfileError,
)
from ...transport.signing import MAX_REDIRECTS, Signer, is_streamed
from ..signing import ClientInfo, InnerTubeAuth
from .accounts import (
    MAX_ACCOUNT_INDEX,
    DataSyncId,
    account_index_of,
    find_datasync_id,
    parse_datasync_id,
)
from .jar import YouTubeCookies, is_youtube_domain, profile_cookies
from .sapisidhash import sapisidhash

if TYPE_CHECKING:
    import requests
    from requests import PreparedRequest, Response

    from ...store.kinds import StoredProfile
    from ...store.settings import ProfileSettings

__all__ = ["MAX_REDIRECTS", "CookieAuth", "StalePolicy"]

log = logging.getLogger("ytsession.cookies")

#: What to do when the server drops the login cookies or answers as if logged out.
StalePolicy = Literal["raise", "warn"]

_URL_CACHE_SIZE = 256
_LOGGED_OUT = re.compile(rb'"loggedOut"\s*:\s*true')
_ROTATED_OUT = (
    "YouTube dropped the login cookies ({names}): your exported cookies have been rotated "
    "out; export them again from a browser that is logged in to YouTube"
)


#: Where a brand account's page id comes from (an argument, a profile, --on-behalf-of-user).
_BRAND_ACCOUNT = check.Source(
    "the cookie sign-in",
    "give the brand account's page id as YouTube shows it (its digits)",
    ProfileError,
)


_ACCOUNT_INDEX = check.Source(
    "the cookie sign-in",
    "give account_index as the account's number in the browser: 0 for the first account, "
    f"1, ... (at most {MAX_ACCOUNT_INDEX})",
    ProfileError,
)


class CookieAuth(Signer, InnerTubeAuth):
    """Signs YouTube requests with a logged-in browser's cookies (SAPISIDHASH).

    Works on any :class:`requests.Session` (``session.auth = CookieAuth(cookies)``) and as
    the ``auth`` of :meth:`ytsession.Session.create`, which then defaults to the ``WEB``
    client.

    :param cookies: the browser's cookies.
    :param account_index: the signed-in account to use (``X-Goog-AuthUser``); default the
        pasted headers' index, else 0. A session's own ``account_index`` wins.
    :param on_behalf_of_user: a brand account's page id (``X-Goog-PageId``); by default
        the delegated session id of the data sync id, when there is one.
    :param datasync_id: the data sync id (``"A||B"`` or ``"A||"``) if already known;
        otherwise it is adopted from the first answer that names it.
    :param host_aliases: extra hosts to treat as a YouTube host, each mapped explicitly
        to the YouTube host it stands for, e.g. ``{"127.0.0.1:8080": "www.youtube.com"}``
        for a loopback emulator. Keys are ``host`` or ``host:port``; values must be
        ``youtube.com`` hosts. The jar's rules are applied to the mapped host.
    :param stale: when the server drops the login cookies (``Set-Cookie``) or answers a
        signed request as logged out: ``"raise"``
        :class:`~ytsession.errors.CookiesRotatedOutError` or ``"warn"``.
    :param clock: the clock for the SAPISIDHASH timestamp (tests inject one).
    :raises LoggedOutError: the cookies are not those of a logged-in browser.
    :raises ProfileError: ``account_index`` is not an account number (0 to 9999), or
        ``on_behalf_of_user`` holds characters HTTP headers cannot carry.
    :raises ValueError: an alias maps to a host outside ``youtube.com``.
    """

    kind = "cookies"
    description = "cookies sign-in"
    default_client = "WEB"
    signed_headers = ("Cookie", "Authorization", "X-Origin", "X-Goog-AuthUser", "X-Goog-PageId")
    follows_redirects = True

    def __init__(
        self,
        cookies: YouTubeCookies,
        *,
        account_index: int | None = None,
        on_behalf_of_user: str | None = None,
        datasync_id: str | None = None,
        host_aliases: Mapping[str, str] | None = None,
        stale: StalePolicy = "raise",
        clock: Callable[[], float] = time.time,
    ) -> None:
        if stale not in ("raise", "warn"):
            raise ValueError("stale must be 'raise' or 'warn'")
        # a number only: "3", True, -1 and 10_000 are not account indexes
        if account_index is not None and account_index_of(account_index) != account_index:
            raise _ACCOUNT_INDEX.fail(f"has account_index={account_index!r}")
        if on_behalf_of_user is not None:  # sent as X-Goog-PageId: refused now, not at send
            check.header_safe(on_behalf_of_user, "'on_behalf_of_user'", _BRAND_ACCOUNT)
        cookies.check_logged_in()
        self.cookies = cookies
        self.account_index = account_index
        self.on_behalf_of_user = on_behalf_of_user
        self.stale: StalePolicy = stale
        self._clock = clock
        self._lock = threading.Lock()
        self._datasync = parse_datasync_id(datasync_id) if datasync_id else DataSyncId()
        self._datasync_given = datasync_id is not None
        self._rotated_out: tuple[str, ...] | None = None
        self._observed = False  # a Session hands us its parsed answers
        self._targets: dict[str, str | None] = {}
        self._hash_cache: tuple[tuple[object, ...], str | None] = ((), None)
        self._merge_cache: tuple[str, str, str] = ("", "", "")
        self._aliases: dict[str, str] = {}
        for alias, host in (host_aliases or {}).items():
            self.add_host_alias(alias, host)

    # --- hosts -----------------------------------------------------------------------

    def add_host_alias(self, alias: str, host: str = "www.youtube.com") -> None:
        """Treat ``alias`` (``host`` or ``host:port``) as the YouTube host ``host``.

        :raises ValueError: ``host`` is not ``youtube.com`` or a subdomain.
        """
        if not is_youtube_domain(host) or host.startswith("."):
            raise ValueError(f"a host alias must map to a youtube.com host, not {host!r}")
        self._aliases[alias.strip().lower()] = host.strip().lower()
        self._targets = {}

    def check_base_url(self, base_url: str | None) -> None:
        """Make sure calls sent to ``base_url`` get the cookies.

        :raises ValueError: ``base_url`` is neither a ``youtube.com`` HTTPS URL nor a host
            alias; the message says how to alias it.
        """
        if base_url is None or self.youtube_url(base_url.rstrip("/") + "/youtubei/v1/") is not None:
            return
        netloc = urlsplit(base_url).netloc.rpartition("@")[2] or base_url
        raise ValueError(
            f"cookies are sent to youtube.com hosts only, so calls to {netloc} would go "
            "unsigned; to send them there, name it explicitly: "
            f"CookieAuth(cookies, host_aliases={{{netloc!r}: 'www.youtube.com'}})"
        )

    @classmethod
    def from_profile(
        cls, profile: StoredProfile, settings: ProfileSettings | None = None
    ) -> CookieAuth:
        """Sign with a ``cookies`` profile (``ytsession login --cookies``): its cookie file
        (written back as the server rotates it), account index and brand account. When the
        login was made on another server than YouTube (an emulator), that server stands for
        YouTube: the cookies go there, and only there.

        :raises NotLoggedInError: the profile has no cookie file.
        :raises CookieError: the cookie file is malformed.
        :raises LoggedOutError: the cookies are not those of a logged-in browser.
        :raises ProfileError: the stored account index is not an account number.
        """
        from ...store.servers import profile_server

        settings = settings or profile.load_settings()
        index = _stored_account_index(profile, settings.extra.get("account_index"))
        behalf = settings.extra.get("on_behalf_of_user")
        server = profile_server(settings)
        return cls(
            profile_cookies(profile),
            account_index=index,
            on_behalf_of_user=behalf if isinstance(behalf, str) and behalf else None,
            host_aliases={urlsplit(server).netloc: "www.youtube.com"} if server else None,
        )

    @property
    def host_aliases(self) -> dict[str, str]:
        """The explicit host aliases (a copy)."""
        return dict(self._aliases)

    def youtube_url(self, url: str) -> str | None:
        """Return the YouTube URL a request to ``url`` is signed for (``url`` itself for
        an HTTPS URL of ``youtube.com`` or a subdomain, the mapped URL for an alias), or
        ``None`` when ``url`` is not YouTube's: such a request gets nothing."""
        try:
            return self._targets[url]
        except KeyError:
            pass
        target = self._youtube_url(url)
        if len(self._targets) >= _URL_CACHE_SIZE:
            self._targets = {}
        self._targets[url] = target
        return target

    def _youtube_url(self, url: str) -> str | None:
        parts = urlsplit(url)
        netloc = parts.netloc.rpartition("@")[2].lower()
        mapped = self._aliases.get(netloc) or self._aliases.get(parts.hostname or "")
        if mapped is not None:
            return urlunsplit(("https", mapped, parts.path or "/", parts.query, ""))
        if parts.scheme == "https" and parts.hostname and is_youtube_domain(parts.hostname):
            return url
        return None

    # --- accounts --------------------------------------------------------------------

    @property
    def datasync_id(self) -> DataSyncId:
        """The data sync id given or adopted from an answer (empty until known)."""
        return self._datasync

    @property
    def user_session_id(self) -> str | None:
        """The user session id of the data sync id, once known: the hash's ``_u`` form."""
        return self._datasync.user_session_id

    def page_id(self, on_behalf_of_user: str | None = None) -> str | None:
        """Return the ``X-Goog-PageId`` to send: ``on_behalf_of_user`` (the session's or
        this object's), else the data sync id's delegated session id, else the pasted
        headers' page id."""
        return (
            on_behalf_of_user
            or self.on_behalf_of_user
            or self._datasync.delegated_session_id
            or self.cookies.page_id
        )

    def effective_account_index(self, account_index: int | None = None) -> int:
        """:return: ``account_index``, else this object's, else the pasted headers', else 0."""
        for candidate in (account_index, self.account_index, self.cookies.account_index):
            if candidate is not None:
                return candidate
        return 0

    def adopt_datasync_id(self, value: str) -> bool:
        """Use a data sync id found in an answer or a page (unless one was given).

        :return: whether it was adopted.
        """
        parsed = parse_datasync_id(value)
        if self._datasync_given or not parsed or parsed == self._datasync:
            return False
        with self._lock:
            self._datasync = parsed
        log.debug("adopted the data sync id of an answer")
        return True

    # --- InnerTubeAuth ---------------------------------------------------------------

    @property
    def signer(self) -> CookieAuth:
        """Itself: the cookie signer answers an InnerTube session's questions too."""
        return self

    def accepts(self, profile: ClientInfo) -> bool:
        """:return: whether ``profile`` is a client that accepts cookie sign-in."""
        return profile.accepts_cookies

    def headers(
        self,
        profile: ClientInfo,
        *,
        account_index: int | None = None,
        on_behalf_of_user: str | None = None,
    ) -> dict[str, str]:
        """:return: ``X-Goog-AuthUser`` and, for a brand account, ``X-Goog-PageId``."""
        headers = {"X-Goog-AuthUser": str(self.effective_account_index(account_index))}
        page_id = self.page_id(on_behalf_of_user)
        if page_id:
            headers["X-Goog-PageId"] = page_id
        return headers

    def refresh(self, http: requests.Session | None = None) -> bool:
        """After a 401: when the cookie file was rewritten meanwhile (another process
        rotated the cookies, or the user exported them again), read it and try once more.

        :raises CookiesRefusedError: the cookies were refused and there are no newer ones.
        """
        home = self.cookies.home
        if home is not None and self.cookies.changed_on_disk():
            log.info("the cookies in %s changed; reading them again", home.describe())
            self.cookies.reload()
            self._announce(self)
            return True
        raise CookiesRefusedError(
            "YouTube refused the cookie-signed request (HTTP 401): the cookies were signed "
            "out, rotated out or belong to another account, or the system clock is wrong. "
            "Export your cookies again from a browser that is logged in to YouTube",
            status=401,
        )

    @property
    def account_key(self) -> str:
        """``cookies`` plus where the jar lives (its file's path) when it lives somewhere."""
        home = self.cookies.home
        return f"cookies:{home.describe()}" if home is not None else "cookies"

    # --- the steps of the signing flow -------------------------------------------------

    def signs_for(self, url: str) -> str | None:
        """Where a request to ``url`` is signed for (see :meth:`youtube_url`).

        :return: the YouTube URL it is signed as, or ``None``: never a cookie or a
            signature for another host.
        """
        return self.youtube_url(url)

    def sign(self, r: PreparedRequest, target: str, http: requests.Session | None) -> None:
        """Set ``Cookie``, the SAPISIDHASH ``Authorization``, ``X-Origin``,
        ``X-Goog-AuthUser`` and ``X-Goog-PageId`` for the YouTube URL ``target``.

        :raises LoggedOutError: the jar is not logged in.
        :raises CookiesRotatedOutError: the server rotated the login cookies out.
        """
        self._check_logged_in()
        jar_header = self.cookies.cookie_header(target)
        if jar_header:
            r.headers["Cookie"] = self._merged(jar_header, r.headers.get("Cookie"))
        origin = (
            r.headers.get("X-Origin")
            or r.headers.get("Origin")
            or f"https://{urlsplit(target).hostname or 'www.youtube.com'}"
        )
        authorization = self._authorization(origin)
        if authorization is not None:  # check_logged_in made sure of it
            r.headers["Authorization"] = authorization
        r.headers.setdefault("X-Origin", origin)
        if "X-Goog-AuthUser" not in r.headers:  # a Session's call carries its own
            r.headers["X-Goog-AuthUser"] = str(self.effective_account_index())
        page_id = self.page_id()
        if page_id:
            r.headers.setdefault("X-Goog-PageId", page_id)

    def _authorization(self, origin: str) -> str | None:
        """The SAPISIDHASH value, computed once per second, origin and cookie values."""
        now = self._clock()
        values = self.cookies.signing_values()
        key = (round(now), origin, self.user_session_id, *values.items())
        cached_key, cached = self._hash_cache
        if cached_key == key:
            return cached
        authorization = sapisidhash(values, origin, user_session_id=self.user_session_id, now=now)
        self._hash_cache = (key, authorization)
        return authorization

    def _merged(self, ours: str, existing: str | bytes | None) -> str:
        if not existing:
            return ours
        text = existing.decode("latin-1") if isinstance(existing, bytes) else existing
        last_ours, last_existing, merged = self._merge_cache
        if last_ours == ours and last_existing == text:
            return merged
        merged = _merged_cookie_header(ours, text)
        self._merge_cache = (ours, text, merged)
        return merged

    def observe(self, response: Response, target: str) -> None:
        """Take the ``Set-Cookie`` values of an answer into the jar (and its file), and tell
        the :meth:`~ytsession.transport.Signer.on_refresh` listeners when the jar
        changed. Outside a :class:`~ytsession.Session`, also read the data sync id and a
        logged-out answer from a JSON body (unless it is streamed).

        :raises CookiesRotatedOutError: the answer dropped the login cookies.
        :raises CookiesRefusedError: a JSON answer says the request was logged out.
        """
        values = _set_cookie_values(response)
        if values:
            # An answer that says the cookies no longer sign in is no login to keep: its
            # cookies go into the jar, never into the user's file.
            version = self.cookies.version
            update = self.cookies.apply_set_cookie(
                target, values, write=not _says_logged_out(response)
            )
            if self.cookies.version != version:
                self._announce(self)
            if update.logged_out:
                self._rotated_out = update.changed
                self._stale(
                    _ROTATED_OUT.format(names=", ".join(update.changed)),
                    CookiesRotatedOutError,
                )
        if self._observed or response.is_redirect or is_streamed(response):
            return  # a Session reads the parsed answer (observe_answer)
        if "json" not in response.headers.get("Content-Type", ""):
            return
        content = response.content
        if b"datasyncId" in content:
            found = find_datasync_id(content)
            if found:
                self.adopt_datasync_id(found)
        if response.ok and b"loggedOut" in content and _LOGGED_OUT.search(content):
            self._logged_out_answer()

    def observe_answer(self, answer: Mapping[str, Any]) -> None:
        """Read ``responseContext.mainAppWebResponseContext`` of a parsed 2xx answer: adopt
        its ``datasyncId``; a ``loggedOut: true`` means the cookies no longer sign in
        (:class:`~ytsession.errors.CookiesRefusedError`, or a warning with
        ``stale="warn"``). Called by :class:`~ytsession.Session`; from then on the signer
        no longer reads bodies itself.
        """
        self._observed = True
        context = answer.get("responseContext")
        main = context.get("mainAppWebResponseContext") if isinstance(context, Mapping) else None
        if not isinstance(main, Mapping):
            return
        found = main.get("datasyncId")
        if isinstance(found, str) and found:
            self.adopt_datasync_id(found)
        if main.get("loggedOut") is True:
            self._logged_out_answer()

    def _logged_out_answer(self) -> None:
        self._stale(
            "YouTube answered the cookie-signed request as logged out: the cookies no "
            "longer sign in (rotated out, or signed out in the browser). Export them again "
            "from a browser that is logged in to YouTube",
            CookiesRefusedError,
        )

    def _check_logged_in(self) -> None:
        try:
            self.cookies.check_logged_in()
        except LoggedOutError:
            if self._rotated_out is None:
                raise
            if self.stale == "warn":
                return  # the user asked to go on with what is left
            raise CookiesRotatedOutError(
                _ROTATED_OUT.format(names=", ".join(self._rotated_out))
            ) from None

    def _stale(
        self, message: str, error: type[CookiesRotatedOutError | CookiesRefusedError]
    ) -> None:
        if self.stale == "warn":
            warnings.warn(message, CookiesRotatedOutWarning, stacklevel=2)
            return
        raise error(message)

    def __repr__(self) -> str:
        return (
            f"CookieAuth({self.cookies!r}, account_index={self.effective_account_index()}, "
            f"aliases={sorted(self._aliases)})"
        )


def _merged_cookie_header(ours: str, existing: str | bytes | None) -> str:
    """Our cookies, plus cookies of the existing header (the HTTP session's own jar) whose
    names we do not hold."""
    if not existing:
        return ours
    text = existing.decode("latin-1") if isinstance(existing, bytes) else existing
    names = {part.split("=", 1)[0].strip() for part in ours.split(";")}
    extra = [
        part.strip()
        for part in text.split(";")
        if part.strip() and part.split("=", 1)[0].strip() not in names
    ]
    return "; ".join([ours, *extra]) if extra else ours


def _says_logged_out(response: Response) -> bool:
    """Whether a (non-streamed, JSON) answer says ``"loggedOut": true``."""
    if is_streamed(response) or "json" not in response.headers.get("Content-Type", ""):
        return False
    content = response.content
    return b"loggedOut" in content and _LOGGED_OUT.search(content) is not None


def _set_cookie_values(response: Response) -> list[str]:
    raw = response.raw
    headers = getattr(raw, "headers", None)
    getlist = getattr(headers, "getlist", None)
    if callable(getlist):
        return [str(value) for value in getlist("Set-Cookie")]
    value = response.headers.get("Set-Cookie")
    return [value] if value else []


def _stored_account_index(profile: StoredProfile, value: object) -> int | None:
    """The account index a profile's settings hold: a number, or ASCII digits in a file
    edited by hand; ``None`` when there is none.

    :raises ProfileError: it is something else (``"²"``, ``-1``, ``true``, ...).
    """
    if value is None:
        return None
    index = account_index_of(value)
    if index is None:
        raise ProfileError(
            f"profile '{profile.name}' ({profile.location}) holds an account_index that is not "
            "an account number (0 for the browser's first account, 1, ... in ASCII digits); "
            "fix it"
        ).with_hint(COOKIES_LOG_IN_AGAIN)
    return index
