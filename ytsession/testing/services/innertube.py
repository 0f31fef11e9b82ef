"""YouTube's InnerTube API, emulated: session data sources and a few endpoints.

Serves ``/sw.js_data`` and ``/embed/<video id>`` (where clients get visitor data and a
rollout token), ``/iframe_api`` and the player script it names (where they get the
``signatureTimestamp``) and ``POST /youtubei/v1/{config,browse,next,player,search,
account/account_menu,account/accounts_list}``. ``sw.js_data`` is JSPB in the sparse form
YouTube sends; the account answers have the shapes of real ones (see
:mod:`ytsession.testing.services.innertube_shapes`).

Every InnerTube call is checked the way YouTube checks it: the body must carry
``context.client`` with a known ``clientName`` and a ``clientVersion``; the
``X-YouTube-Client-Name`` and ``X-YouTube-Client-Version`` headers must match it; an
embedded client must name ``thirdParty.embedUrl``; and a Bearer token is honoured only
from the TV clients (others get the same 400 ``INVALID_ARGUMENT`` YouTube sends) and only
when the Google service issued it and it is still valid (else 401 ``UNAUTHENTICATED``).

Answers carry a realistic ``responseContext``: visitor data (a new one when the request
had none, or every time with ``rotate_visitor_data``), ``serviceTrackingParams`` and
``mainAppWebResponseContext.loggedOut``.

Tests drive it through :class:`InnerTubeService` (``emu.innertube``).
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ytsession.testing.kit import Request, Response, Router, Service
from ytsession.testing.services.botguard import player_po_token_refusal
from ytsession.testing.services.cookies import CookieChecker
from ytsession.testing.services.google import GoogleOAuthService
from ytsession.testing.services.google_model import EMULATED_USER_EMAIL, EMULATED_USER_SUB
from ytsession.testing.services.innertube_shapes import (
    EXTRA_CONTEXT,
    account_menu_answer,
    accounts_list_answer,
    browse_answer,
    config_answer,
    iframe_api_script,
    next_answer,
    player_script,
    search_answer,
    sw_js_data_body,
    visitor_data,
)

__all__ = [
    "EMULATED_ACCOUNT_NAME",
    "EMULATOR_API_KEY",
    "INNERTUBE_ENDPOINTS",
    "TV_CLIENTS",
    "InnerTubeCall",
    "InnerTubeService",
]

#: The endpoints served under ``/youtubei/v1/``.
INNERTUBE_ENDPOINTS = (
    "config",
    "browse",
    "next",
    "player",
    "search",
    "account/account_menu",
    "account/accounts_list",
)
#: Client names whose requests may carry a Bearer token.
TV_CLIENTS = frozenset({"TVHTML5", "TVHTML5_SIMPLY", "TVHTML5_SIMPLY_EMBEDDED_PLAYER"})
#: The account name ``account/account_menu`` and ``account/accounts_list`` show when
#: signed in.
EMULATED_ACCOUNT_NAME = "Emulated User"
#: The API key the emulated ``sw.js_data`` names (clients need not send it).
EMULATOR_API_KEY = "AIzaSy-emulator-innertube-key-000000000"

# clientName -> the number sent as X-YouTube-Client-Name.
_CLIENT_NUMBERS = {
    "WEB": 1,
    "MWEB": 2,
    "ANDROID": 3,
    "IOS": 5,
    "TVHTML5": 7,
    "ANDROID_CREATOR": 14,
    "ANDROID_MUSIC": 21,
    "ANDROID_VR": 28,
    "WEB_EMBEDDED_PLAYER": 56,
    "WEB_CREATOR": 62,
    "WEB_REMIX": 67,
    "TVHTML5_SIMPLY": 75,
    "WEB_KIDS": 76,
    "TVHTML5_SIMPLY_EMBEDDED_PLAYER": 85,
    "VISIONOS": 101,
}
_EMBEDDED_CLIENTS = frozenset({"WEB_EMBEDDED_PLAYER", "TVHTML5_SIMPLY_EMBEDDED_PLAYER"})
_ID_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

_INVALID_ARGUMENT = "Request contains an invalid argument."
_UNAUTHENTICATED = (
    "Request had invalid authentication credentials. Expected OAuth 2 access token, login "
    "cookie or other valid authentication credential. See "
    "https://developers.google.com/identity/sign-in/web/devconsole-project."
)


@dataclass(frozen=True)
class InnerTubeCall:
    """One InnerTube call the emulator answered with 2xx.

    :param endpoint: e.g. ``"browse"`` or ``"account/account_menu"``.
    :param client_name: ``context.client.clientName``.
    :param client_version: ``context.client.clientVersion``.
    :param visitor_data: ``context.client.visitorData`` (``""`` when absent).
    :param signed_in: whether a valid Bearer token signed it.
    :param body: the request body.
    """

    endpoint: str
    client_name: str
    client_version: str
    visitor_data: str
    signed_in: bool
    body: Mapping[str, Any]


def _google_error(status: int, word: str, message: str, reason: str, **extra: str) -> Response:
    error_item = {"message": message, "domain": "global", "reason": reason, **extra}
    return Response.json(
        {"error": {"code": status, "message": message, "errors": [error_item], "status": word}},
        status,
    )


def _invalid_argument(detail: str | None = None) -> Response:
    return _google_error(400, "INVALID_ARGUMENT", detail or _INVALID_ARGUMENT, "badRequest")


class InnerTubeService(Service):
    """InnerTube, with its state and settings as plain attributes.

    Settings (changeable over ``POST /_emulator/config``):

    - ``serve_sw_js_data`` (True): ``False`` makes ``/sw.js_data`` answer 404, so
      clients fall back to the embed page.
    - ``serve_embed_page`` (True): ``False`` makes ``/embed/...`` answer 404 too.
    - ``sparse_sw_js_data`` (True): ``/sw.js_data`` keeps the device info sparse, as
      YouTube does (fields past the 46th in a trailing object keyed by number); ``False``
      pads it to a dense list, the form some older readers (YouTube.js 18) index.
    - ``rotate_visitor_data`` (False): every answer carries new, newer visitor data.
    - ``web_client_version`` (``"2.20260301.01.00"``): the WEB version ``sw.js_data``
      names.
    - ``require_client_headers`` (True): calls without ``X-YouTube-Client-Name`` and
      ``X-YouTube-Client-Version`` answer 400.
    - ``require_po_token`` (False): ``player`` calls from clients that use PO tokens must
      carry ``serviceIntegrityDimensions.poToken`` bound as ytsession's binding rules say
      (minted by the emulator's stand-in BotGuard, see
      :func:`~ytsession.testing.po_token_problem`); others answer ``LOGIN_REQUIRED``.
    - ``accept_cold_start_po_token`` (True): with ``require_po_token``, a cold-start
      placeholder with the right binding will do, as on YouTube while a session warms up.
    - ``player_id`` (``"e7567ecf"``): the player ``/iframe_api`` names; its script is
      served at ``/s/player/<id>/player_ias.vflset/en_US/base.js`` (and ``player_es6``;
      other ids: 404).
    - ``signature_timestamp`` (20358): the ``signatureTimestamp`` in that script.

    State: :attr:`issued_visitor_data` (every visitor data handed out, oldest first),
    :attr:`calls` (every InnerTube call answered with 2xx).

    Cookie-signed calls (SAPISIDHASH) are judged by :attr:`cookies`, the emulated
    logged-in browser (:class:`~ytsession.testing.CookieChecker`): its cookies, the allowed
    timestamp skew, rotation and sign-out.

    :param google: the Google OAuth service whose access tokens sign calls; without one,
        every Bearer token is refused.
    """

    name: ClassVar[str] = "innertube"
    SETTINGS: ClassVar[Mapping[str, tuple[type, ...]]] = {
        "serve_sw_js_data": (bool,),
        "serve_embed_page": (bool,),
        "sparse_sw_js_data": (bool,),
        "rotate_visitor_data": (bool,),
        "web_client_version": (str,),
        "require_client_headers": (bool,),
        "require_po_token": (bool,),
        "accept_cold_start_po_token": (bool,),
        "player_id": (str,),
        "signature_timestamp": (int,),
    }

    def __init__(self, google: GoogleOAuthService | None = None) -> None:
        self.google = google
        self.serve_sw_js_data = True
        self.serve_embed_page = True
        self.sparse_sw_js_data = True
        self.rotate_visitor_data = False
        self.web_client_version = "2.20260301.01.00"
        self.require_client_headers = True
        self.require_po_token = False
        self.accept_cold_start_po_token = True
        self.player_id = "e7567ecf"
        self.signature_timestamp = 20358
        self.app_install_data = "CJ-emulated-app-install-data"
        self.cookies = CookieChecker()
        self._lock = threading.Lock()
        self._last_issued = 0
        self._issued: list[str] = []
        self._rollout_tokens: list[str] = []
        self._calls: list[InnerTubeCall] = []

    # ------------------------------------------------------------------ state

    @property
    def issued_visitor_data(self) -> list[str]:
        """Every visitor data handed out so far, oldest first (a copy)."""
        with self._lock:
            return list(self._issued)

    @property
    def issued_rollout_tokens(self) -> list[str]:
        """Every rollout token handed out so far, oldest first (a copy)."""
        with self._lock:
            return list(self._rollout_tokens)

    @property
    def calls(self) -> list[InnerTubeCall]:
        """Every InnerTube call answered with 2xx, oldest first (a copy)."""
        with self._lock:
            return list(self._calls)

    def issue_visitor_data(self, region: str = "US") -> str:
        """Hand out new visitor data, strictly newer than any before it.

        :param region: the region the nested field names.
        """
        with self._lock:
            issued_at = max(int(time.time()), self._last_issued + 1)
            self._last_issued = issued_at
            visitor_id = "".join(secrets.choice(_ID_LETTERS) for _ in range(11))
            value = visitor_data(visitor_id, issued_at, region[:2] or "US")
            self._issued.append(value)
            return value

    def _issue_rollout_token(self) -> str:
        token = "CL" + secrets.token_urlsafe(24)
        with self._lock:
            self._rollout_tokens.append(token)
        return token

    # ------------------------------------------------------------------ routes

    def register(self, router: Router) -> None:
        """Register ``/sw.js_data``, ``/embed/{video_id}``, ``/iframe_api``, the player
        script and the InnerTube endpoints.

        :param router: the emulator's router.
        """
        router.add("GET", "/sw.js_data", self._sw_js_data)
        router.add("GET", "/embed/{video_id}", self._embed_page)
        router.add("GET", "/iframe_api", self._iframe_api)
        for variant in ("player_ias", "player_es6"):  # YouTube serves both builds
            router.add(
                "GET",
                f"/s/player/{{player_id}}/{variant}.vflset/en_US/base.js",
                self._player_script,
            )
        handlers: dict[str, Callable[[Request, Mapping[str, Any], bool], dict[str, Any]]] = {
            "config": lambda request, body, signed_in: config_answer(),
            "browse": lambda request, body, signed_in: browse_answer(body),
            "next": lambda request, body, signed_in: next_answer(body),
            "player": self._player,
            "search": lambda request, body, signed_in: search_answer(body),
            "account/account_menu": self._account_menu,
            "account/accounts_list": self._accounts_list,
        }
        for endpoint, handler in handlers.items():
            router.add("POST", f"/youtubei/v1/{endpoint}", self._endpoint(endpoint, handler))

    def _sw_js_data(self, request: Request) -> Response:
        if not self.serve_sw_js_data:
            return Response.text("Not Found", 404)
        lang = (request.header("Accept-Language") or "en").split(",")[0].strip() or "en"
        body = sw_js_data_body(
            lang=lang,
            visitor=self.issue_visitor_data(),
            client_version=self.web_client_version,
            app_install_data=self.app_install_data,
            device_experiment_id="ChdEMUxBVEVEX0RFVklDRV9FWFBfSUQ%3D",
            rollout_token=self._issue_rollout_token(),
            api_key=EMULATOR_API_KEY,
            sparse=self.sparse_sw_js_data,
        )
        return Response.text(body, content_type="application/json; charset=utf-8")

    def _iframe_api(self, request: Request) -> Response:
        script = iframe_api_script(self.player_id)
        return Response.text(script, content_type="text/javascript; charset=utf-8")

    def _player_script(self, request: Request) -> Response:
        if request.path_params.get("player_id") != self.player_id:
            return Response.text("Not Found", 404)
        script = player_script(self.signature_timestamp)
        return Response.text(script, content_type="text/javascript; charset=utf-8")

    def _embed_page(self, request: Request) -> Response:
        if not self.serve_embed_page:
            return Response.text("Not Found", 404)
        video_id = request.path_params.get("video_id", "")
        config = {
            "INNERTUBE_API_KEY": EMULATOR_API_KEY,
            "INNERTUBE_CONTEXT": {
                "client": {
                    "hl": "en",
                    "gl": "US",
                    "visitorData": self.issue_visitor_data(),
                    "rolloutToken": self._issue_rollout_token(),
                    "clientName": "WEB_EMBEDDED_PLAYER",
                    "clientVersion": "1.20260301.01.00",
                }
            },
            "VIDEO_ID": video_id,
        }
        script = json.dumps(config).replace("</", "<\\/")
        page = (
            "<!DOCTYPE html><html><head><title>YouTube (emulated)</title></head><body>"
            f"<p>Embedded player for {html.escape(video_id)}</p>"
            f"<script>ytcfg.set({script});</script>"
            "</body></html>"
        )
        return Response.html(page)

    def _endpoint(
        self,
        endpoint: str,
        handler: Callable[[Request, Mapping[str, Any], bool], dict[str, Any]],
    ) -> Callable[[Request], Response]:
        def answer(request: Request) -> Response:
            return self._answer(request, endpoint, handler)

        return answer

    def _answer(
        self,
        request: Request,
        endpoint: str,
        handler: Callable[[Request, Mapping[str, Any], bool], dict[str, Any]],
    ) -> Response:
        body = request.json
        if not isinstance(body, dict):
            return _invalid_argument("Invalid JSON payload received.")
        context = body.get("context")
        client = context.get("client") if isinstance(context, dict) else None
        if not isinstance(client, dict):
            return _invalid_argument()
        name = client.get("clientName")
        version = client.get("clientVersion")
        if not isinstance(name, str) or name not in _CLIENT_NUMBERS:
            return _invalid_argument()
        if not isinstance(version, str) or not version:
            return _invalid_argument()
        problem = self._check_headers(request, name, version)
        if problem is not None:
            return problem
        if name in _EMBEDDED_CLIENTS:
            third_party = context.get("thirdParty") if isinstance(context, dict) else None
            if not isinstance(third_party, dict) or not third_party.get("embedUrl"):
                return _invalid_argument()
        signed_in, refusal = self._check_auth(request, name)
        if refusal is not None:
            return refusal
        answer = handler(request, body, signed_in)
        visitor_data = client.get("visitorData")
        sent = visitor_data if isinstance(visitor_data, str) else ""
        gl = client.get("gl") if isinstance(client.get("gl"), str) else "US"
        response_context = self._response_context(name, version, sent, signed_in, str(gl))
        response_context.update(answer.pop(EXTRA_CONTEXT, {}))
        set_cookies: list[str] = []
        if signed_in and CookieChecker.is_cookie_request(request):
            response_context["mainAppWebResponseContext"].update(
                self.cookies.response_context(request)
            )
            set_cookies = self.cookies.take_rotation()
        answer = {"responseContext": response_context, **answer}
        with self._lock:
            self._calls.append(InnerTubeCall(endpoint, name, version, sent, signed_in, body))
        response = Response.json(answer)
        response.set_cookies = set_cookies
        return response

    def _check_headers(self, request: Request, name: str, version: str) -> Response | None:
        number = request.header("X-YouTube-Client-Name")
        header_version = request.header("X-YouTube-Client-Version")
        if number is None and header_version is None and not self.require_client_headers:
            return None
        if number != str(_CLIENT_NUMBERS[name]) or header_version != version:
            return _invalid_argument()
        return None

    def _check_auth(self, request: Request, client_name: str) -> tuple[bool, Response | None]:
        if CookieChecker.is_cookie_request(request):
            refusal = self.cookies.check(request)
            if refusal is not None:
                return False, self.cookies.refusal_response(refusal)
            return True, None
        authorization = request.header("Authorization")
        if authorization is None:
            return False, None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return False, self._unauthenticated()
        if client_name not in TV_CLIENTS:
            # What YouTube answers Bearer-signed calls from non-TV clients since late 2024.
            return False, _invalid_argument()
        if self.google is None or not self.google.access_token_valid(token.strip()):
            return False, self._unauthenticated()
        return True, None

    @staticmethod
    def _unauthenticated() -> Response:
        response = _google_error(
            401,
            "UNAUTHENTICATED",
            _UNAUTHENTICATED,
            "authError",
            location="Authorization",
            locationType="header",
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="https://accounts.google.com/"'
        return response

    def _response_context(
        self, name: str, version: str, sent: str, signed_in: bool, region: str
    ) -> dict[str, Any]:
        if self.rotate_visitor_data or not sent:
            visitor_data = self.issue_visitor_data(region)
        else:
            visitor_data = sent
        return {
            "visitorData": visitor_data,
            "serviceTrackingParams": [
                {
                    "service": "GFEEDBACK",
                    "params": [
                        {"key": "logged_in", "value": "1" if signed_in else "0"},
                        {"key": "e", "value": "23804281,23966208,24004644"},
                    ],
                },
                {
                    "service": "ECATCHER",
                    "params": [
                        {"key": "client.version", "value": version},
                        {"key": "client.name", "value": name},
                    ],
                },
            ],
            "maxAgeSeconds": 0,
            "mainAppWebResponseContext": {
                "loggedOut": not signed_in,
                "trackingParam": "kx_fmPxhoPZR-emulated",
            },
            "webResponseContextExtensionData": {"hasDecorated": True},
        }

    # ------------------------------------------------------------------ endpoints

    def _player(self, request: Request, body: Mapping[str, Any], signed_in: bool) -> dict[str, Any]:
        video_id = body.get("videoId")
        if not isinstance(video_id, str) or not video_id:
            return {
                "playabilityStatus": {
                    "status": "ERROR",
                    "reason": "The page needs to be reloaded.",
                }
            }
        if self.require_po_token:
            datasync = ""
            if signed_in and CookieChecker.is_cookie_request(request):
                datasync = self.cookies.datasync_id(request.header("X-Goog-PageId"))
            refusal = player_po_token_refusal(
                body, signed_in, datasync, accept_cold_start=self.accept_cold_start_po_token
            )
            if refusal is not None:
                return refusal
        return {
            "playabilityStatus": {"status": "OK", "playableInEmbed": True},
            "videoDetails": {
                "videoId": video_id,
                "title": f"Emulated video {video_id}",
                "lengthSeconds": "19",
                "channelId": "UCemulatedchannel000000",
                "author": "ytsession emulator",
                "isPrivate": False,
            },
            "playbackTracking": {},
        }

    def _account_menu(
        self, request: Request, body: Mapping[str, Any], signed_in: bool
    ) -> dict[str, Any]:
        return account_menu_answer(
            name=EMULATED_ACCOUNT_NAME if signed_in else None,
            email=EMULATED_USER_EMAIL,
            handle="@emulated-user",
        )

    def _accounts_list(
        self, request: Request, body: Mapping[str, Any], signed_in: bool
    ) -> dict[str, Any]:
        return accounts_list_answer(
            name=EMULATED_ACCOUNT_NAME if signed_in else None,
            byline=EMULATED_USER_EMAIL,
            gaia_id=EMULATED_USER_SUB,
        )
