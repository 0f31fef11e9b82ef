"""Browser-cookie sign-in, emulated: SAPISIDHASH checks and cookie rotation.

:class:`CookieChecker` holds the cookies of the emulated logged-in browser and judges the
cookie-signed requests the InnerTube service receives, the way YouTube does:

- every ``SAPISIDHASH``, ``SAPISID1PHASH`` and ``SAPISID3PHASH`` part of
  ``Authorization`` must hash the right cookie, time and origin (and the user session id
  for the ``_u`` form), with a timestamp no further than :attr:`CookieChecker.max_skew`
  seconds from now;
- ``LOGIN_INFO`` and a SID cookie must be sent, and every cookie sent that the browser
  holds must have its current value (a rotated-out value is refused);
- ``X-Goog-AuthUser`` must name an existing account, ``X-Goog-PageId`` a known brand
  account.

Tests get the browser's cookies from :meth:`CookieChecker.browser_cookies` or, as a
``cookies.txt``, from :meth:`CookieChecker.cookies_txt`; :meth:`CookieChecker.rotate`
makes the next signed answers carry ``Set-Cookie`` headers with new values (or drop the
login cookies, as for a signed-out browser).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ytsession.testing.kit import Request, Response
from ytsession.youtube.cookies.sapisidhash import DEFAULT_ORIGIN, sapisidhash_part

__all__ = [
    "EMULATED_BRAND_ACCOUNT_ID",
    "EMULATED_COOKIES",
    "EMULATED_USER_SESSION_ID",
    "ROTATING_COOKIES",
    "CookieChecker",
    "CookieRefusal",
]

#: The cookies of the emulated logged-in browser (fake values of a realistic shape).
EMULATED_COOKIES: Mapping[str, str] = {
    "SID": "g.a000emulatedSID0000000000000000000000000000000000000000000000000000000",
    "__Secure-1PSID": "g.a000emulated1PSID00000000000000000000000000000000000000000000000000",
    "__Secure-3PSID": "g.a000emulated3PSID00000000000000000000000000000000000000000000000000",
    "HSID": "AemulatedHSID00000",
    "SSID": "AemulatedSSID00000",
    "APISID": "emulatedAPISID000/Aemulated000000000",
    "SAPISID": "emulatedSAPISID00/Aemulated000000000",
    "__Secure-1PAPISID": "emulatedSAPISID00/Aemulated000000000",
    "__Secure-3PAPISID": "emulatedSAPISID00/Aemulated000000000",
    "LOGIN_INFO": "AFmmF2swRQIhAEmulatedLoginInfo000000000:QUQ3MjNmemulated000000",
    "__Secure-1PSIDTS": "sidts-emulated1PSIDTS0000000000000000000000000000000000",
    "__Secure-3PSIDTS": "sidts-emulated3PSIDTS0000000000000000000000000000000000",
    "SIDCC": "AKEyXzemulatedSIDCC00000000000000000000000000000000",
    "__Secure-1PSIDCC": "AKEyXzemulated1PSIDCC000000000000000000000000000000",
    "__Secure-3PSIDCC": "AKEyXzemulated3PSIDCC000000000000000000000000000000",
    "PREF": "f6=40000000&tz=UTC",
    "YSC": "emulatedYSC",
    "VISITOR_INFO1_LIVE": "emulatedVisitor",
}
#: The user session id of the emulated account (its data sync id is ``"<id>||"``).
EMULATED_USER_SESSION_ID = "112233445566778899000"
#: A brand account the emulated user may act for (``X-Goog-PageId``).
EMULATED_BRAND_ACCOUNT_ID = "998877665544332211000"
#: The cookies browsers rotate while a session lives.
ROTATING_COOKIES = (
    "__Secure-1PSIDTS",
    "__Secure-3PSIDTS",
    "SIDCC",
    "__Secure-1PSIDCC",
    "__Secure-3PSIDCC",
)
#: The cookies dropped when the browser's session ends.
_LOGIN_COOKIES = (
    "LOGIN_INFO",
    "SID",
    "__Secure-1PSID",
    "__Secure-3PSID",
    "HSID",
    "SSID",
    "APISID",
    "SAPISID",
    "__Secure-1PAPISID",
    "__Secure-3PAPISID",
)
_SID_COOKIES = ("SID", "__Secure-1PSID", "__Secure-3PSID")
_SCHEME_COOKIES = {
    "SAPISIDHASH": ("SAPISID", "__Secure-3PAPISID"),
    "SAPISID1PHASH": ("__Secure-1PAPISID",),
    "SAPISID3PHASH": ("__Secure-3PAPISID",),
}
_PART = re.compile(r"(SAPISID(?:1P|3P)?HASH) (\d+)_([0-9a-f]{40})(_u)?")
_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class CookieRefusal:
    """Why a cookie-signed request was refused.

    :ivar reason: a word tests can match: ``missing_cookie``, ``stale_cookie``,
        ``missing_hash``, ``bad_hash``, ``old_timestamp``, ``bad_account``.
    :ivar message: a sentence for the error answer (never a cookie value).
    """

    reason: str
    message: str


@dataclass
class _Rotation:
    drop_login: bool
    remaining: int


class CookieChecker:
    """The emulated browser's cookies and the rules a cookie-signed request must pass.

    :ivar max_skew: how many seconds a SAPISIDHASH timestamp may be from now.
    :ivar accounts: how many accounts the browser is signed in to (``X-Goog-AuthUser``
        must be below this).
    :ivar require_user_session_hash: refuse hashes without the ``_u`` form.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cookies: dict[str, str] = dict(EMULATED_COOKIES)
        self._previous: dict[str, str] = {}
        self._rotations: list[_Rotation] = []
        self.max_skew = 300
        self.accounts = 2
        self.require_user_session_hash = False
        self.user_session_id = EMULATED_USER_SESSION_ID
        self.brand_accounts: set[str] = {EMULATED_BRAND_ACCOUNT_ID}
        self.accepted = 0
        self.refusals: list[CookieRefusal] = []
        self.rotated = 0

    # --- controls --------------------------------------------------------------------

    def browser_cookies(self) -> dict[str, str]:
        """:return: the cookies the logged-in browser holds now (what a user exports)."""
        with self._lock:
            return dict(self._cookies)

    def set_cookies(self, cookies: Mapping[str, str]) -> None:
        """Replace the browser's cookies (the valid ones)."""
        with self._lock:
            self._cookies = dict(cookies)

    def cookies_txt(self, *, expires_in: int = _YEAR, now: float | None = None) -> str:
        """Return the browser's cookies as a Netscape ``cookies.txt``, as a browser
        extension exports it (``.youtube.com``, HttpOnly for the SID family)."""
        expiry = int((time.time() if now is None else now) + expires_in)
        lines = ["# Netscape HTTP Cookie File", "# Exported from the emulated browser", ""]
        for name, value in self.browser_cookies().items():
            prefix = "#HttpOnly_" if name in ("HSID", "SSID", *_SID_COOKIES) else ""
            secure = "TRUE" if name.startswith("__Secure-") or "APISID" in name else "FALSE"
            lines.append(
                "\t".join([f"{prefix}.youtube.com", "TRUE", "/", secure, str(expiry), name, value])
            )
        return "\n".join(lines) + "\n"

    def rotate(self, *, drop_login: bool = False, count: int = 1) -> None:
        """Make the next ``count`` accepted cookie-signed answers rotate cookies.

        :param drop_login: instead of new values, drop the login cookies (``LOGIN_INFO``,
            the SID and APISID families) as a signed-out browser session does; the old
            values are refused from then on.
        :param count: how many answers rotate.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._rotations.append(_Rotation(drop_login=drop_login, remaining=count))

    def sign_out(self) -> None:
        """End the browser session at the server: every cookie sent so far is refused."""
        with self._lock:
            for name in _LOGIN_COOKIES:
                if name in self._cookies:
                    self._cookies[name] = _new_value(name)

    def datasync_id(self, page_id: str | None = None) -> str:
        """Return the data sync id answers carry (``"<brand>||<user>"`` when acting for
        a brand account, else ``"<user>||"``)."""
        if page_id:
            return f"{page_id}||{self.user_session_id}"
        return f"{self.user_session_id}||"

    # --- checks ----------------------------------------------------------------------

    @staticmethod
    def is_cookie_request(request: Request) -> bool:
        """Return whether the request is cookie-signed (or tries to be): a SAPISIDHASH,
        or sign-in cookies (cookies such as ``PREF`` alone do not count)."""
        if (request.header("Authorization") or "").startswith("SAPISID"):
            return True
        sent = _cookie_header(request.header("Cookie") or "")
        return any(name in sent for name in _LOGIN_COOKIES)

    def check(self, request: Request, *, now: float | None = None) -> CookieRefusal | None:
        """Judge a cookie-signed request.

        :return: ``None`` when it is accepted, else why it is refused (also recorded in
            :attr:`refusals`).
        """
        refusal = self._judge(request, time.time() if now is None else now)
        with self._lock:
            if refusal is None:
                self.accepted += 1
            else:
                self.refusals.append(refusal)
        return refusal

    def _judge(self, request: Request, now: float) -> CookieRefusal | None:
        sent = _cookie_header(request.header("Cookie") or "")
        with self._lock:
            valid = dict(self._cookies)
        if "LOGIN_INFO" not in sent or not any(name in sent for name in _SID_COOKIES):
            return CookieRefusal("missing_cookie", "The request carries no login cookies.")
        for name, value in sent.items():
            if name in valid and value != valid[name]:
                return CookieRefusal(
                    "stale_cookie", f"The cookie {name} is not current (rotated or signed out)."
                )
        parts = _PART.findall(request.header("Authorization") or "")
        if not parts:
            return CookieRefusal("missing_hash", "The request carries no SAPISIDHASH.")
        origin = request.header("X-Origin") or request.header("Origin") or DEFAULT_ORIGIN
        for scheme, ts_text, _digest, u_form in parts:
            names = _SCHEME_COOKIES[scheme]
            cookie = next((name for name in names if name in sent), None)
            if cookie is None:
                return CookieRefusal("missing_cookie", f"{scheme} needs the {names[0]} cookie.")
            ts = int(ts_text)
            if abs(now - ts) > self.max_skew:
                return CookieRefusal(
                    "old_timestamp", f"The {scheme} timestamp is {int(now - ts)} s from now."
                )
            if self.require_user_session_hash and not u_form:
                return CookieRefusal("bad_hash", f"{scheme} lacks the user session id.")
            expected = sapisidhash_part(
                scheme,
                sent[cookie],
                origin,
                ts=ts,
                user_session_id=self.user_session_id if u_form else None,
            )
            if expected != f"{scheme} {ts_text}_{_digest}{u_form}":
                return CookieRefusal("bad_hash", f"The {scheme} does not match.")
        index = request.header("X-Goog-AuthUser") or "0"
        if not re.fullmatch(r"[0-9]{1,4}", index) or int(index) >= self.accounts:
            return CookieRefusal("bad_account", f"No signed-in account at index {index}.")
        page_id = request.header("X-Goog-PageId")
        if page_id and page_id not in self.brand_accounts:
            return CookieRefusal("bad_account", "The page id names no account of this user.")
        return None

    # --- answers ---------------------------------------------------------------------

    def refusal_response(self, refusal: CookieRefusal) -> Response:
        """:return: the 401 answer YouTube gives a refused cookie-signed request."""
        return Response.json(
            {
                "error": {
                    "code": 401,
                    "message": f"Request had invalid authentication credentials. {refusal.message}",
                    "status": "UNAUTHENTICATED",
                    "errors": [
                        {
                            "message": refusal.message,
                            "domain": "emulator",
                            "reason": refusal.reason,
                        }
                    ],
                }
            },
            401,
        )

    def response_context(self, request: Request) -> dict[str, Any]:
        """:return: ``mainAppWebResponseContext`` for an accepted request."""
        return {
            "datasyncId": self.datasync_id(request.header("X-Goog-PageId")),
            "loggedOut": False,
        }

    def take_rotation(self, *, now: float | None = None) -> list[str]:
        """Apply a pending rotation, if any.

        :return: the ``Set-Cookie`` values the answer carries (none without a rotation).
        """
        stamp = time.time() if now is None else now
        with self._lock:
            if not self._rotations:
                return []
            rotation = self._rotations[0]
            rotation.remaining -= 1
            if rotation.remaining <= 0:
                self._rotations.pop(0)
            self.rotated += 1
            if rotation.drop_login:
                names = [name for name in _LOGIN_COOKIES if name in self._cookies]
                for name in names:
                    self._cookies[name] = _new_value(name)  # the old values die
                return [_set_cookie(name, "", stamp - _YEAR) for name in names]
            names = [name for name in ROTATING_COOKIES if name in self._cookies]
            for name in names:
                self._cookies[name] = _new_value(name)
            return [_set_cookie(name, self._cookies[name], stamp + _YEAR) for name in names]


def _cookie_header(text: str) -> dict[str, str]:
    cookies = {}
    for element in text.split(";"):
        name, separator, value = element.strip().partition("=")
        if separator and name:
            cookies[name.strip()] = value.strip()
    return cookies


def _new_value(name: str) -> str:
    return f"{name.lower().strip('_')}-{secrets.token_urlsafe(24)}"


def _set_cookie(name: str, value: str, expires: float) -> str:
    # In the shape Google's front end writes: lower-case attribute names, a dashed date,
    # ``priority=high``, and ``SameSite=none`` on the third-party cookies.
    date = time.strftime("%a, %d-%b-%Y %H:%M:%S GMT", time.gmtime(max(expires, 0)))
    attributes = [f"{name}={value}", f"expires={date}", "path=/", "domain=.youtube.com"]
    if name.startswith("__Secure-"):
        attributes.append("Secure")
    if "APISID" not in name and name != "SIDCC":
        attributes.append("HttpOnly")
    attributes.append("priority=high")
    if name.startswith("__Secure-3P"):
        attributes.append("SameSite=none")
    return "; ".join(attributes)
