"""A stand-in for Google's BotGuard attestation service, so PO tokens are minted offline.

Real minting fetches a challenge (``Create``), runs its interpreter script and program in a
browser-like JavaScript engine, trades the program's answer for an integrity token
(``GenerateIT``) and asks the program to mint tokens with it. This service speaks the same
endpoints in the same shapes (``/api/jnn/v1/...`` as on YouTube, and
``/$rpc/google.internal.waa.v1.Waa/...`` as on Google's host), but its interpreter script
is a small, deterministic VM with the real one's entry points:

- ``globalThis[globalName].a(program, vmFunctionsCallback, ...)`` loads the program,
  returns ``[syncSnapshot]`` and hands ``asyncSnapshot``, ``shutdown``, ``passEvent`` and
  ``checkCamera`` to the callback;
- ``asyncSnapshot(callback, [binding, timestamp, webPoSignalOutput, skip])`` answers the
  challenge and puts a ``getMinter(integrityToken)`` into ``webPoSignalOutput[0]``;
- the minter turns an identifier's bytes into a PO token.

A token minted here is ``[0xB6, 1] + integrity token id (8) + expiry (4) + MAC (16) +
identifier``: the MAC is HMAC-SHA256 under a key only this process can derive, so
:func:`verify_po_token` tells a minted token from a forged one and reads its binding. The
emulated InnerTube ``player`` uses it (:func:`po_token_problem`) when its
``require_po_token`` setting is on.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ytsession.testing.kit import Request, Response, Router, Service

__all__ = [
    "BOTGUARD_GLOBAL_NAME",
    "BOTGUARD_REQUEST_KEY",
    "INTERPRETER_PATH",
    "BotGuardService",
    "VerifiedPoToken",
    "player_po_token_refusal",
    "po_token_problem",
    "verify_po_token",
]

#: The request key the service accepts (YouTube web player's, as the runner sends it).
BOTGUARD_REQUEST_KEY = "O43z0dpjhgX20SCx4KAo"
#: The global name the stand-in VM is installed under.
BOTGUARD_GLOBAL_NAME = "ytsessionEmulatorBotGuard"
#: Where the interpreter script is served when it is not inlined in the challenge.
INTERPRETER_PATH = "/js/th/ytsession-emulator-botguard.js"

_YT_PREFIX = "/api/jnn/v1/"
_WAA_PREFIX = "/$rpc/google.internal.waa.v1.Waa/"
_RESPONSE_PREFIX = "emubg1."
_TOKEN_MAGIC = 0xB6
_TOKEN_VERSION = 1
_IT_VERSION = 1
_CHALLENGE_LIFETIME = 600.0
_COLD_START_TAG = 34

# One secret per process: every emulator in it can verify every token minted in it.
_PROCESS_SECRET = secrets.token_bytes(32)

_INTERPRETER = r"""
(function (global) {
  'use strict';
  function fromB64(text) {
    var s = String(text).replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) s += '=';
    var bin = atob(s), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function toB64(bytes) {
    var s = '';
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, '-').replace(/\//g, '_');
  }
  function join(parts) {
    var size = 0, at = 0, i;
    for (i = 0; i < parts.length; i++) size += parts[i].length;
    var out = new Uint8Array(size);
    for (i = 0; i < parts.length; i++) { out.set(parts[i], at); at += parts[i].length; }
    return out;
  }
  function mac(key, data) {
    var subtle = global.crypto && global.crypto.subtle;
    if (!subtle) return Promise.reject(new Error('no WebCrypto in this engine'));
    return subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      .then(function (k) { return subtle.sign('HMAC', k, data); })
      .then(function (sig) { return new Uint8Array(sig).subarray(0, 16); });
  }
  function load(program, vmFunctionsCallback) {
    var state = JSON.parse(new TextDecoder().decode(fromB64(program)));
    var running = true;
    function answer() {
      var seen = { n: state.n, d: typeof global.document === 'object' && global.document ? 1 : 0 };
      return '__PREFIX__' + toB64(new TextEncoder().encode(JSON.stringify(seen)));
    }
    function getMinter(integrityToken) {
      var it = new Uint8Array(integrityToken);
      if (it.length !== 29 || it[0] !== __IT_VERSION__) throw new Error('unknown integrity token');
      var head = it.subarray(1, 13), key = it.subarray(13, 29);
      return function mint(identifier) {
        var id = identifier instanceof Uint8Array
          ? identifier : new TextEncoder().encode(String(identifier));
        return mac(key, id).then(function (m) {
          return join([new Uint8Array([__MAGIC__, __VERSION__]), head, m, id]);
        });
      };
    }
    function offerMinter(args) {
      if (args && Array.isArray(args[2])) args[2][0] = getMinter;
    }
    function asyncSnapshot(callback, args) {
      if (!running) throw new Error('the VM was shut down');
      offerMinter(args);
      Promise.resolve().then(function () { callback(answer()); });
    }
    function syncSnapshot(args) {
      offerMinter(args);
      return answer();
    }
    function shutdown() { running = false; }
    function passEvent() {}
    function checkCamera() {}
    Promise.resolve().then(function () {
      vmFunctionsCallback(asyncSnapshot, shutdown, passEvent, checkCamera);
    });
    return [syncSnapshot];
  }
  global['__GLOBAL__'] = { a: load };
})(typeof globalThis !== 'undefined' ? globalThis : this);
"""


def _script(global_name: str) -> str:
    return (
        _INTERPRETER.replace("__PREFIX__", _RESPONSE_PREFIX)
        .replace("__IT_VERSION__", str(_IT_VERSION))
        .replace("__MAGIC__", str(_TOKEN_MAGIC))
        .replace("__VERSION__", str(_TOKEN_VERSION))
        .replace("__GLOBAL__", global_name)
    )


def _b64decode(text: str) -> bytes:
    value = text.strip().replace("+", "-").replace("/", "_").rstrip("=")
    value += "=" * (-len(value) % 4)
    return base64.b64decode(value, altchars=b"-_", validate=True)


def _derive_key(secret: bytes, head: bytes) -> bytes:
    return hmac.new(secret, b"integrity-token\x00" + head, hashlib.sha256).digest()[:16]


@dataclass(frozen=True)
class VerifiedPoToken:
    """What :func:`verify_po_token` learned from a token.

    :ivar kind: ``"botguard"`` (minted by the stand-in VM) or ``"coldstart"``.
    :ivar binding: the identifier it is bound to.
    :ivar expires_at: when its integrity token expires (``None`` for cold-start tokens).
    """

    kind: str
    binding: str
    expires_at: float | None = None


def verify_po_token(
    token: str, *, secret: bytes | None = None, now: float | None = None
) -> VerifiedPoToken:
    """Check a PO token minted by this process's stand-in BotGuard, or a cold-start token.

    :param token: the token as sent (web-safe base64).
    :param secret: the minting service's secret; the process's when ``None``.
    :param now: the time to check expiry against; now when ``None``.
    :raises ValueError: the token is neither, is forged, or has expired (the message says
        which).
    """
    try:
        raw = _b64decode(token)
    except (binascii.Error, ValueError):
        raise ValueError("the PO token is not base64") from None
    if raw[:2] == bytes([_TOKEN_MAGIC, _TOKEN_VERSION]) and len(raw) > 30:
        head, mac, identifier = raw[2:14], raw[14:30], raw[30:]
        key = _derive_key(secret or _PROCESS_SECRET, head)
        expected = hmac.new(key, identifier, hashlib.sha256).digest()[:16]
        if not hmac.compare_digest(mac, expected):
            raise ValueError("the PO token was not minted by this BotGuard (bad signature)")
        expires_at = float(int.from_bytes(head[8:12], "big"))
        if expires_at <= (time.time() if now is None else now):
            raise ValueError("the integrity token behind this PO token has expired")
        try:
            binding = identifier.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError("the PO token's binding is not UTF-8") from None
        return VerifiedPoToken("botguard", binding, expires_at)
    if raw[:1] == bytes([_COLD_START_TAG]):
        from ytsession.youtube.innertube.potoken.coldstart import decode_cold_start_token

        return VerifiedPoToken("coldstart", decode_cold_start_token(token).binding)
    raise ValueError("not a PO token this emulator knows")


def po_token_problem(
    token: object,
    *,
    context: str = "player",
    client: str,
    video_id: str = "",
    visitor_data: str = "",
    data_sync_id: str = "",
    logged_in: bool = False,
    accept_cold_start: bool = True,
    now: float | None = None,
) -> str | None:
    """Decide whether a request's PO token is good, by ytsession's binding rules.

    :param token: ``serviceIntegrityDimensions.poToken`` of the request (any JSON value).
    :param context: ``"player"``, ``"gvs"`` or ``"subs"``.
    :param client: the request's ``clientName``.
    :param video_id: the request's video id.
    :param visitor_data: the request's visitor data.
    :param data_sync_id: the signed-in account's data sync id, if known.
    :param logged_in: whether the request is signed in.
    :param accept_cold_start: whether a cold-start placeholder with the right binding will
        do (as on YouTube while a session warms up).
    :param now: the time to check expiry against.
    :return: why the token is refused, or ``None`` when it is good (or the client needs
        none).
    """
    from urllib.parse import unquote

    from ytsession.errors import PoTokenBindingError
    from ytsession.youtube.innertube.potoken.binding import content_binding

    try:
        binding = content_binding(
            context,
            client=client,
            logged_in=logged_in,
            visitor_data=visitor_data,
            data_sync_id=data_sync_id,
            video_id=video_id,
        )
    except PoTokenBindingError as exc:
        return f"the request cannot carry a bound PO token ({exc})"
    if binding is None:
        return None
    if not isinstance(token, str) or not token:
        return f"a PO token bound to the {binding.kind.value} is required"
    try:
        verified = verify_po_token(token, now=now)
    except ValueError as exc:
        return str(exc)
    if verified.kind == "coldstart" and not accept_cold_start:
        return "a cold-start PO token is not accepted here; mint one with BotGuard"
    if unquote(verified.binding) != unquote(binding.value):
        return f"the PO token is bound to another {binding.kind.value}"
    return None


@dataclass
class _Challenge:
    issued_at: float
    request_key: str


class BotGuardService(Service):
    """The stand-in attestation service (``emu.botguard``).

    Settings (``POST /_emulator/config``):

    - ``request_key`` (:data:`BOTGUARD_REQUEST_KEY`): the only request key accepted.
    - ``integrity_token_ttl`` (43200): seconds an integrity token, and the tokens minted
      with it, live; ``GenerateIT`` reports it as ``estimatedTtlSecs``.
    - ``mint_refresh_threshold`` (300): ``mintRefreshThreshold`` of ``GenerateIT``.
    - ``inline_interpreter`` (True): put the interpreter script into the challenge; when
      False only its URL (:data:`INTERPRETER_PATH`) is given.
    - ``scramble_challenge`` (False): answer ``Create`` in the scrambled form
      (``[null, base64 of the JSON with every byte minus 97]``).
    - ``require_document`` (True): refuse answers of a VM that ran without a ``document``
      (a runner that set up no DOM).

    :param secret: the key tokens are signed with; the process's shared one when ``None``.
    """

    name: ClassVar[str] = "botguard"
    SETTINGS: ClassVar[Mapping[str, tuple[type, ...]]] = {
        "request_key": (str,),
        "integrity_token_ttl": (int, float),
        "mint_refresh_threshold": (int, float),
        "inline_interpreter": (bool,),
        "scramble_challenge": (bool,),
        "require_document": (bool,),
    }

    def __init__(self, *, secret: bytes | None = None) -> None:
        self.request_key = BOTGUARD_REQUEST_KEY
        self.integrity_token_ttl: float = 12 * 3600
        self.mint_refresh_threshold: float = 300
        self.inline_interpreter = True
        self.scramble_challenge = False
        self.require_document = True
        #: Challenges handed out by ``Create``.
        self.challenges_issued = 0
        #: Integrity tokens handed out by ``GenerateIT``.
        self.integrity_tokens_issued = 0
        self._secret = secret or _PROCESS_SECRET
        self._lock = threading.Lock()
        self._challenges: dict[str, _Challenge] = {}
        self._script = _script(BOTGUARD_GLOBAL_NAME)
        self._hash = hashlib.sha256(self._script.encode()).hexdigest()[:32]

    @property
    def interpreter_hash(self) -> str:
        """The hash ``Create`` names the interpreter script by."""
        return self._hash

    def register(self, router: Router) -> None:
        """Register ``Create`` and ``GenerateIT`` at both prefixes, and the script."""
        for prefix in (_YT_PREFIX, _WAA_PREFIX):
            router.add("POST", prefix + "Create", self._create)
            router.add("POST", prefix + "GenerateIT", self._generate_it)
        router.add("GET", INTERPRETER_PATH, self._interpreter)

    def verify(self, token: str, *, now: float | None = None) -> VerifiedPoToken:
        """:func:`verify_po_token` with this service's secret."""
        return verify_po_token(token, secret=self._secret, now=now)

    # --- handlers ------------------------------------------------------------------------

    def _create(self, request: Request) -> Response:
        body = _json_list(request)
        if body is None or not body or body[0] != self.request_key:
            return _invalid("Create takes [requestKey, interpreterHash?] with a known key")
        if not request.header("x-goog-api-key"):
            return _google_error(
                403, "The request is missing a valid API key.", "PERMISSION_DENIED"
            )
        nonce = secrets.token_urlsafe(12)
        with self._lock:
            self._challenges[nonce] = _Challenge(time.time(), self.request_key)
            self.challenges_issued += 1
        program = base64.urlsafe_b64encode(json.dumps({"n": nonce, "v": 1}).encode()).decode()
        known = len(body) > 1 and body[1] == self._hash
        script = None if known or not self.inline_interpreter else self._script
        url = "//" + request.base_url.split("://", 1)[-1] + INTERPRETER_PATH
        challenge: list[Any] = [
            f"emu-{nonce[:8]}",
            [None, script],
            [None, url],
            self._hash,
            program,
            BOTGUARD_GLOBAL_NAME,
            None,
            "",
        ]
        if self.scramble_challenge:
            raw = json.dumps(challenge).encode("utf-8")
            scrambled = base64.b64encode(bytes((b - 97) % 256 for b in raw)).decode("ascii")
            return Response.json([None, scrambled], headers=_PROTOBUF_JSON)
        return Response.json([challenge], headers=_PROTOBUF_JSON)

    def _generate_it(self, request: Request) -> Response:
        body = _json_list(request)
        if body is None or len(body) < 2 or body[0] != self.request_key:
            return _invalid("GenerateIT takes [requestKey, botguardResponse] with a known key")
        seen = _read_response(body[1])
        if seen is None:
            return _invalid("the BotGuard response is not one the stand-in VM gives")
        now = time.time()
        with self._lock:
            challenge = self._challenges.pop(str(seen.get("n")), None)
        if challenge is None or now - challenge.issued_at > _CHALLENGE_LIFETIME:
            return _invalid("the BotGuard response answers an unknown or expired challenge")
        if self.require_document and seen.get("d") != 1:
            return _invalid("the challenge ran without a document (no DOM was set up)")
        expires = int(now + self.integrity_token_ttl)
        head = secrets.token_bytes(8) + expires.to_bytes(4, "big")
        integrity = bytes([_IT_VERSION]) + head + _derive_key(self._secret, head)
        with self._lock:
            self.integrity_tokens_issued += 1
        return Response.json(
            [
                base64.b64encode(integrity).decode("ascii"),
                self.integrity_token_ttl,
                self.mint_refresh_threshold,
                base64.urlsafe_b64encode(b"fallback-" + head).decode("ascii"),
            ],
            headers=_PROTOBUF_JSON,
        )

    def _interpreter(self, request: Request) -> Response:
        return Response.text(self._script, content_type="text/javascript; charset=utf-8")


_PROTOBUF_JSON = {"Content-Type": "application/json+protobuf; charset=utf-8"}


def _json_list(request: Request) -> list[Any] | None:
    data = request.json
    if data is None:
        try:
            data = json.loads(request.body or b"null")
        except ValueError:
            return None
    return data if isinstance(data, list) else None


def _read_response(value: object) -> dict[str, Any] | None:
    if not isinstance(value, str) or not value.startswith(_RESPONSE_PREFIX):
        return None
    try:
        data = json.loads(_b64decode(value[len(_RESPONSE_PREFIX) :]))
    except (binascii.Error, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _google_error(status: int, message: str, reason: str) -> Response:
    return Response.json({"error": {"code": status, "message": message, "status": reason}}, status)


def _invalid(why: str) -> Response:
    return _google_error(400, f"Request contains an invalid argument. ({why})", "INVALID_ARGUMENT")


def player_po_token_refusal(
    body: Mapping[str, Any], signed_in: bool, data_sync_id: str, *, accept_cold_start: bool
) -> dict[str, Any] | None:
    """The emulated ``player``'s answer to a call without a good PO token, or ``None``.

    :param body: the ``player`` request body.
    :param signed_in: whether the call was signed in.
    :param data_sync_id: the signed-in account's data sync id, or ``""``.
    :param accept_cold_start: whether a cold-start placeholder will do.
    :return: ``{"playabilityStatus": {"status": "LOGIN_REQUIRED", ...}}`` as YouTube
        answers a call it takes for a bot; ``messages`` says what was wrong.
    """
    context = body.get("context")
    client = context.get("client") if isinstance(context, Mapping) else None
    client = client if isinstance(client, Mapping) else {}
    dimensions = body.get("serviceIntegrityDimensions")
    token = dimensions.get("poToken") if isinstance(dimensions, Mapping) else None
    video_id = body.get("videoId")
    visitor_data = client.get("visitorData")
    problem = po_token_problem(
        token,
        context="player",
        client=str(client.get("clientName") or ""),
        video_id=video_id if isinstance(video_id, str) else "",
        visitor_data=visitor_data if isinstance(visitor_data, str) else "",
        data_sync_id=data_sync_id,
        logged_in=signed_in,
        accept_cold_start=accept_cold_start,
    )
    if problem is None:
        return None
    return {
        "playabilityStatus": {
            "status": "LOGIN_REQUIRED",
            "reason": "Sign in to confirm you\u2019re not a bot",
            "messages": [f"Emulator: {problem}."],
            "skip": {"playabilityErrorSkipConfig": {"skipOnPlayabilityError": False}},
        }
    }
