"""Browser cookies as text: the formats users have, and the ``Cookie`` header rules.

Parsers of a Netscape ``cookies.txt``, ytmusicapi's ``browser.json``, request headers pasted
from a browser's developer tools and a raw ``Cookie`` header; the writers of ``cookies.txt``
and ``browser.json``; and the rules that pick the cookies of one request.
:mod:`ytsession.youtube.cookies.jar` (the jar) re-exports the public names. No cookie value ever
appears in a log line or a message.
"""

from __future__ import annotations

import http.cookiejar
import logging
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from email.message import Message
from typing import Any, Literal

from ... import _files
from ... import _validate as check
from ...errors import CookieError
from .accounts import account_number

log = logging.getLogger("ytsession.cookies")

#: The domain every cookie of the jar belongs to (or to one of its subdomains).
YOUTUBE_DOMAIN = "youtube.com"
#: The domain given to cookies that come without one (from a header string).
COOKIE_DOMAIN = ".youtube.com"
#: The first line of a Netscape cookie file.
NETSCAPE_HEADER = "# Netscape HTTP Cookie File"
#: The prefix of an HttpOnly cookie's line in a Netscape cookie file.
HTTPONLY_PREFIX = "#HttpOnly_"
#: Pasted request headers kept besides the cookies (the rest are dropped: stale or secret).
KEPT_HEADERS = (
    "user-agent",
    "accept-language",
    "x-goog-authuser",
    "x-goog-pageid",
    "x-goog-visitor-id",
    "x-origin",
    "origin",
)

FileFormat = Literal["netscape", "browser.json", "headers"]

TEXT_SOURCE = "<text>"
_NETSCAPE_MAGIC = re.compile(r"^#\s*(Netscape\s+)?HTTP Cookie File", re.IGNORECASE)
_NETSCAPE_LINE = re.compile(r"^(#HttpOnly_)?[^\s#][^\t]*\t(TRUE|FALSE)\t", re.IGNORECASE)
_HEADER_LINE = re.compile(r"^\s*:?[A-Za-z0-9-]+\s*:")
_REQUEST_LINE = re.compile(r"^[A-Z]+ \S+ HTTP/\d(\.\d)?$")
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
#: What no cookie value may hold: control characters (C0, DEL, C1) and characters outside
#: latin-1, which an HTTP header cannot carry (they failed only when the request was sent).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]|[^\x00-\xff]")


def is_youtube_domain(domain: str) -> bool:
    """Return whether ``domain`` is ``youtube.com`` or a subdomain (a leading dot and the
    case do not matter)."""
    bare = domain.strip().lower().lstrip(".")
    return bare == YOUTUBE_DOMAIN or bare.endswith("." + YOUTUBE_DOMAIN)


def make_cookie(
    name: str,
    value: str,
    *,
    domain: str = COOKIE_DOMAIN,
    path: str = "/",
    secure: bool | None = None,
    expires: int | None = None,
    http_only: bool = False,
    host_only: bool = False,
) -> http.cookiejar.Cookie:
    """Build a cookie for the jar.

    :param name: the cookie's name.
    :param value: its value.
    :param domain: ``.youtube.com`` (with the dot: for every subdomain) or a host.
    :param path: the path it is sent for.
    :param secure: sent over HTTPS only; by default only ``__Secure-`` and ``__Host-``
        cookies are.
    :param expires: Unix time it expires, or ``None`` for a session cookie.
    :param http_only: the cookie is HttpOnly (kept through a write-back).
    :param host_only: the cookie belongs to ``domain`` exactly, not its subdomains.
    """
    if secure is None:
        secure = name.startswith(("__Secure-", "__Host-"))
    return http.cookiejar.Cookie(
        version=0,
        name=name,
        value=value,
        port=None,
        port_specified=False,
        domain=domain,
        domain_specified=not host_only,
        domain_initial_dot=domain.startswith("."),
        path=path,
        path_specified=True,
        secure=secure,
        expires=expires,
        discard=expires is None,
        comment=None,
        comment_url=None,
        rest={"HttpOnly": ""} if http_only else {},
        rfc2109=False,
    )


def _is_http_only(cookie: http.cookiejar.Cookie) -> bool:
    # Any spelling: the standard library's jar keeps the attribute as the server wrote it
    # ("HttpOnly", "httponly", "HTTPOnly", ...).
    rest: Mapping[str, Any] = getattr(cookie, "_rest", {})
    return any(key.lower() == "httponly" for key in rest)


# --- parsing ---------------------------------------------------------------------------


def _lines(text: str) -> list[str]:
    """Split text into lines, whatever its line endings (LF, CRLF, CR); drop a BOM."""
    return text.removeprefix("\ufeff").splitlines()


def parse_netscape(text: str, *, path: str = TEXT_SOURCE) -> list[http.cookiejar.Cookie]:
    """Parse a Netscape ``cookies.txt``: seven tab-separated fields a line (domain,
    include-subdomains flag, path, secure flag, expiry, name, value).

    Comments and blank lines are skipped; a ``#HttpOnly_`` prefix marks an HttpOnly
    cookie; an expiry of 0 means a session cookie; Windows line endings are fine. Cookies
    of every domain are returned (:class:`YouTubeCookies` keeps YouTube's).

    A malformed line is skipped with a warning naming its number (never its content), as
    yt-dlp's cookie jar skips it; only a file whose every cookie line is malformed is an
    error.

    :param text: the file's content.
    :param path: the file's name, for messages.
    :raises CookieError: no line is a cookie and some line is malformed (the first such
        line's number is in the message and in
        :attr:`~ytsession.errors.CookieError.line`; its content never is).
    """
    cookies = []
    problems: list[CookieError] = []
    for number, raw in enumerate(_lines(text), 1):
        line = raw.strip("\r\n")
        http_only = line.startswith(HTTPONLY_PREFIX)
        if http_only:
            line = line[len(HTTPONLY_PREFIX) :]
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) == 6:  # some exporters drop an empty value's field
            fields.append("")
        if len(fields) != 7:
            problems.append(
                CookieError(
                    f"cookie file {path}, line {number}: expected 7 tab-separated fields, "
                    f"found {len(fields)} (an editor may have turned the tabs into spaces); "
                    "export the cookies again",
                    path=path,
                    line=number,
                )
            )
            continue
        domain, subdomains, cookie_path, secure, expires_text, name, value = fields
        domain = domain.strip().lower()
        problem = None
        expires: int | None = None
        if not domain:
            problem = "the domain is empty"
        elif subdomains.upper() not in ("TRUE", "FALSE"):
            problem = "the second field must be TRUE or FALSE"
        elif secure.upper() not in ("TRUE", "FALSE"):
            problem = "the fourth field (secure) must be TRUE or FALSE"
        elif not _TOKEN.match(name):
            problem = "the cookie name is empty or not a valid name"
        elif _CONTROL.search(value):
            problem = "the cookie value holds a character HTTP headers cannot carry"
        else:
            try:
                stamp = int(float(expires_text.strip() or "0"))
            except (ValueError, OverflowError):  # "nan", "1e400": not a time either
                problem = "the expiry (fifth field) is not a number"
            else:
                expires = stamp if stamp > 0 else None
        if problem is not None:
            problems.append(
                CookieError(
                    f"cookie file {path}, line {number}: {problem}; fix the line or export "
                    "the cookies again",
                    path=path,
                    line=number,
                )
            )
            continue
        include_subdomains = subdomains.upper() == "TRUE"
        if include_subdomains and not domain.startswith("."):
            domain = "." + domain
        cookies.append(
            make_cookie(
                name,
                value,
                domain=domain,
                path=cookie_path or "/",
                secure=secure.upper() == "TRUE",
                expires=expires,
                http_only=http_only,
                host_only=not include_subdomains,
            )
        )
    if problems and not cookies:
        raise problems[0]
    for skipped in problems:
        log.warning("skipping a malformed cookie line: %s", skipped)
    return cookies


def parse_cookie_header(
    text: str, *, path: str = TEXT_SOURCE, line: int | None = None
) -> dict[str, str]:
    """Parse a ``Cookie`` header value: ``name=value; name2=value2`` (a leading
    ``Cookie:`` is allowed; line breaks inside, as a terminal wraps long lines, are dropped).

    :param text: the header value.
    :param path: where it comes from, for messages.
    :param line: its line in that file, for messages.
    :return: the cookies by name, in order (a repeated name keeps its last value).
    :raises CookieError: an element is not ``name=value`` or a name is invalid.
    """
    text = "".join(line.strip() for line in _lines(text))
    if text[:7].lower() == "cookie:":
        text = text[7:]
    where = f"{path}, line {line}" if line is not None else path
    cookies: dict[str, str] = {}
    for position, element in enumerate(text.split(";"), 1):
        element = element.strip()
        if not element:
            continue
        name, separator, value = element.partition("=")
        name = name.strip()
        if not separator or not _TOKEN.match(name):
            raise CookieError(
                f"{where}: element {position} of the Cookie header is not name=value; copy "
                "the whole header again",
                path=path,
                line=line,
            )
        value = value.strip()
        if _CONTROL.search(value):
            raise CookieError(
                f"{where}: the value of element {position} of the Cookie header holds a tab, "
                "another control character or a character HTTP headers cannot carry, which "
                "no cookie value may hold; copy the whole header again",
                path=path,
                line=line,
            )
        cookies[name] = value
    return cookies


def parse_request_headers(text: str, *, path: str = TEXT_SOURCE) -> dict[str, str]:
    """Parse request headers pasted from a browser's developer tools.

    Accepts Firefox's form (``Name: value`` a line, after an optional request line) and
    Chrome's (HTTP/2 pseudo-headers such as ``:authority:`` are skipped; a name alone on a
    line, ending in ``:``, takes the next line as its value). Lines that are neither are
    skipped. Repeated ``cookie`` headers are joined.

    :param text: the pasted text.
    :param path: where it comes from, for messages.
    :return: the headers, names in lower case.
    :raises CookieError: there is no ``Cookie`` header, or it is malformed.
    """
    headers: dict[str, str] = {}
    cookie_lines: list[tuple[int, str]] = []
    pending: str | None = None  # Chrome: a name whose value is on the next line
    for number, raw in enumerate(_lines(text), 1):
        line = raw.strip()
        if not line:
            continue
        if pending is not None:
            name, pending = pending, None
            if not name.startswith(":"):
                check_kept_header(name, line, path=path, line=number)
                _add_header(headers, name, line)
                if name == "cookie":
                    cookie_lines.append((number, line))
            continue
        if _REQUEST_LINE.match(line) or not _HEADER_LINE.match(line):
            continue
        pseudo = line.startswith(":")
        name, _, value = line[1:].partition(":") if pseudo else line.partition(":")
        name = (":" if pseudo else "") + name.strip().lower()
        value = value.strip()
        if not value:
            pending = name
            continue
        if not pseudo:
            check_kept_header(name, value, path=path, line=number)
            _add_header(headers, name, value)
            if name == "cookie":
                cookie_lines.append((number, value))
    if "cookie" not in headers:
        raise CookieError(
            f"the request headers in {path} hold no Cookie header: copy the headers of a "
            "request to youtube.com made while logged in (see the cookies guide)",
            path=path,
        )
    # Checked here so that a fault names its line.
    for number, value in cookie_lines:
        parse_cookie_header(value, path=path, line=number)
    return headers


def kept_headers(headers: Mapping[str, str] | None, *, path: str) -> dict[str, str]:
    """:return: the headers of ``headers`` that are kept (see :data:`KEPT_HEADERS`), by
    lower-case name, each checked by :func:`check_kept_header`.

    :raises CookieError: one of them cannot be sent again.
    """
    kept = {k.lower(): v for k, v in (headers or {}).items() if k.lower() in KEPT_HEADERS}
    for name, value in kept.items():
        check_kept_header(name, value, path=path)
    return kept


def check_kept_header(
    name: str, value: str, *, path: str = TEXT_SOURCE, line: int | None = None
) -> None:
    """Check a pasted request header that is kept (see :data:`KEPT_HEADERS`): it is sent
    again later, so it must be one HTTP can carry (latin-1, no control characters).

    :param name: the header's name, in lower case; other headers are not checked (they are
        dropped).
    :param value: its value.
    :param path: where it comes from, for messages.
    :param line: its line there, for messages.
    :raises CookieError: the value holds a control character or a character outside
        latin-1 (it would fail only when the request is sent), or ``X-Goog-AuthUser`` is not
        an account number in ASCII digits.
    """
    if name not in KEPT_HEADERS:
        return
    where = f"{path}, line {line}" if line is not None else path
    if _CONTROL.search(value):
        raise CookieError(
            f"{where}: the {name} header holds a control character or a character HTTP "
            "headers cannot carry; copy the request headers again from the browser, or leave "
            "that header out",
            path=path,
            line=line,
        )
    if name == "x-goog-authuser" and value.strip() and account_number(value) is None:
        raise CookieError(
            f"{where}: the x-goog-authuser header is not an account number in ASCII digits "
            "(0 for the browser's first account); copy the request headers again from the "
            "browser, or leave that header out",
            path=path,
            line=line,
        )


def _add_header(headers: dict[str, str], name: str, value: str) -> None:
    if name == "cookie" and name in headers:
        headers[name] = f"{headers[name].rstrip('; ')}; {value}"
    else:
        headers[name] = value


def parse_browser_json(data: Mapping[str, Any], *, path: str = TEXT_SOURCE) -> dict[str, str]:
    """Check ytmusicapi's ``browser.json`` (request headers as a JSON object).

    :param data: the decoded JSON object.
    :param path: the file's name, for messages.
    :return: the headers, names in lower case.
    :raises CookieError: there is no ``cookie`` entry, or a value is not a string.
    """
    headers: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise CookieError(
                f"browser headers file {path}: the value of {key!r} is not a string; run the "
                "browser setup again",
                path=path,
            )
        check_kept_header(str(key).lower(), value, path=path)
        headers[str(key).lower()] = value
    if not headers.get("cookie"):
        raise CookieError(
            f"browser headers file {path} holds no 'cookie' entry; run the browser setup again "
            "with the headers of a logged-in request",
            path=path,
        )
    parse_cookie_header(headers["cookie"], path=path)
    return headers


class SetCookieResponse:
    """``Set-Cookie`` header values as what :meth:`http.cookiejar.CookieJar.extract_cookies`
    needs of a response."""

    def __init__(self, values: Iterable[str]) -> None:
        self._message = Message()
        for value in values:
            self._message["Set-Cookie"] = value

    def info(self) -> Message:
        return self._message


@dataclass(frozen=True)
class ParsedCookies:
    """What a text of cookies holds.

    :ivar cookies: the cookies (of every domain).
    :ivar file_format: the text's format, as a file of it is written back.
    :ivar headers: the request headers that came with them (pasted headers,
        ``browser.json``), names in lower case; empty for the other formats.
    """

    cookies: list[http.cookiejar.Cookie]
    file_format: FileFormat
    headers: dict[str, str] = field(default_factory=dict)


def parse_text(text: str, *, source: str = TEXT_SOURCE) -> ParsedCookies:
    """Read cookies from text in any of the formats users have (see :func:`detect_format`).

    :param source: where the text comes from, for messages.
    :raises CookieError: the text is malformed or holds no cookies.
    """
    if not text.strip():
        raise CookieError(f"{source} holds no cookies; export them again", path=source)
    kind = detect_format(text)
    if kind == "netscape":
        return ParsedCookies(parse_netscape(text, path=source), "netscape")
    if kind == "browser.json":
        data = check.json_object(
            text,
            check.Source(
                f"browser headers file {source}",
                "run the browser setup again",
                lambda m: CookieError(m, path=source),
            ),
        )
        return parsed_headers(parse_browser_json(data, path=source), "browser.json")
    if kind == "headers":
        return parsed_headers(parse_request_headers(text, path=source), "headers")
    return ParsedCookies(header_cookies(parse_cookie_header(text, path=source)), "headers")


def parsed_headers(headers: Mapping[str, str], file_format: FileFormat) -> ParsedCookies:
    """:return: the cookies of parsed request headers (their ``cookie`` entry)."""
    cookies = header_cookies(parse_cookie_header(headers["cookie"]))
    return ParsedCookies(cookies, file_format, dict(headers))


def render_browser_json(
    existing: str | None, *, headers: Mapping[str, str], live: Mapping[str, str], where: str
) -> str:
    """A ``browser.json`` holding the ``live`` cookies: ``existing`` (the text it replaces)
    with a new ``cookie`` entry, else the ``headers`` that came with the cookies.

    :raises CookieError: ``existing`` is not a JSON object.
    """
    if existing is None:
        data = {k: v for k, v in headers.items() if k not in ("origin", "x-origin")}
    else:
        source = check.Source(
            f"browser headers file {where}",
            "fix or delete it",
            lambda m: CookieError(m, path=where),
        )
        data = check.json_object(existing, source)
    key = next((k for k in data if k.lower() == "cookie"), "cookie")
    data[key] = "; ".join(f"{name}={value}" for name, value in live.items())
    return _files.json_text(data)


def detect_format(text: str) -> FileFormat | Literal["cookie-header"]:
    """Return what ``text`` holds: ``"browser.json"``, ``"netscape"``, ``"headers"``
    (pasted request headers) or ``"cookie-header"`` (a bare ``Cookie`` header).

    A ``Cookie`` header a terminal wrapped across lines is a ``"cookie-header"`` even when
    a wrapped line happens to start like ``word:`` (``LOGIN_INFO`` values hold colons):
    text that reads as one valid header once its line breaks are dropped is one.
    """
    lines = _lines(text)
    if text.removeprefix("\ufeff").lstrip().startswith("{"):
        return "browser.json"
    if any(_NETSCAPE_MAGIC.match(line) or _NETSCAPE_LINE.match(line) for line in lines):
        return "netscape"
    if any(_HEADER_LINE.match(line) for line in lines) and not _is_cookie_header(text):
        return "headers"
    return "cookie-header"


def _is_cookie_header(text: str) -> bool:
    try:
        return bool(parse_cookie_header(text))
    except CookieError:
        return False


def render_netscape(
    cookies: Iterable[http.cookiejar.Cookie], *, keep_lines: Sequence[str] = ()
) -> str:
    """Write cookies as a Netscape ``cookies.txt``.

    :param cookies: the cookies to write.
    :param keep_lines: lines to keep as they are (other sites' cookies of the same file).
    """
    lines = [
        NETSCAPE_HEADER,
        "# Written by ytsession. Keep this file private: it signs in as you.",
        "",
        *keep_lines,
    ]
    for cookie in sorted(cookies, key=lambda c: (c.domain, c.path, c.name)):
        if _CONTROL.search(cookie.name) or _CONTROL.search(cookie.value or ""):
            log.warning("not writing cookie %s: it holds a control character", cookie.name)
            continue
        prefix = HTTPONLY_PREFIX if _is_http_only(cookie) else ""
        fields = [
            prefix + cookie.domain,
            "TRUE" if cookie.domain.startswith(".") else "FALSE",
            cookie.path or "/",
            "TRUE" if cookie.secure else "FALSE",
            str(int(cookie.expires)) if cookie.expires else "0",
            cookie.name,
            cookie.value or "",
        ]
        lines.append("\t".join(fields))
    return "\n".join(lines) + "\n"


def foreign_lines(text: str) -> list[str]:
    """The cookie lines of a Netscape file that belong to other sites than YouTube."""
    kept = []
    for raw in _lines(text):
        line = raw.strip("\r\n")
        body = line.removeprefix(HTTPONLY_PREFIX)
        if not body.strip() or body.startswith("#"):
            continue
        if not is_youtube_domain(body.split("\t", 1)[0]):
            kept.append(line)
    return kept


def in_jar_order(jar: http.cookiejar.CookieJar) -> Iterator[http.cookiejar.Cookie]:
    """The jar's cookies in the order the standard library sends them (domain, path and
    name as they were added), without the sorting of ``iter(jar)``."""
    by_domain: Mapping[str, Mapping[str, Mapping[str, http.cookiejar.Cookie]]] = getattr(
        jar, "_cookies", {}
    )
    for by_path in by_domain.values():
        for by_name in by_path.values():
            yield from by_name.values()


def cookie_header_for(
    cookies: Sequence[http.cookiejar.Cookie], *, secure: bool, host: str, path: str
) -> str | None:
    """The ``Cookie`` header for a request, by :class:`http.cookiejar.DefaultCookiePolicy`'s
    rules for the version-0 (Netscape) cookies a browser jar holds (the rules yt-dlp's jar
    follows too): the domain and its subdomains, path prefix at a ``/`` boundary,
    ``Secure`` over HTTPS only; longest path first. The suite checks it against the
    standard library's own header for random jars and URLs."""
    dotted = "." + (host if "." in host else host + ".local")  # as the stdlib names it
    chosen = []
    for cookie in cookies:
        if cookie.secure and not secure:
            continue
        domain = cookie.domain.lower()
        if not dotted.endswith(domain if domain.startswith(".") else "." + domain):
            continue
        cookie_path = cookie.path or "/"
        if path != cookie_path and not (
            path.startswith(cookie_path)
            and (cookie_path.endswith("/") or path[len(cookie_path) : len(cookie_path) + 1] == "/")
        ):
            continue
        chosen.append(cookie)
    if not chosen:
        return None
    chosen.sort(key=lambda c: len(c.path or ""), reverse=True)
    return "; ".join([c.name if c.value is None else f"{c.name}={c.value}" for c in chosen])


def breadth(cookie: http.cookiejar.Cookie) -> tuple[bool, int]:
    """Orders cookies of one name: ``.youtube.com`` first, then the shortest domain."""
    return (cookie.domain.lower() == COOKIE_DOMAIN, -len(cookie.domain))


def header_cookies(cookies: Mapping[str, str]) -> list[http.cookiejar.Cookie]:
    return [make_cookie(name, value) for name, value in cookies.items()]
