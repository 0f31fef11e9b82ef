"""What a person or a test drives by hand at the emulated Google: the verification page
(``/device``), the YouTube TV page and script that carry the TV client's identity, and
the control routes (``/_emulator/approve``, ``deny``, ``pending``, ``slow-down``,
``expire-access-tokens``, ``revoke-all``).

Knows the service only through the callables :func:`register_web` is given.
"""

from __future__ import annotations

import html
from collections.abc import Callable

from ytsession.testing.kit import CONTROL_PREFIX, Request, Response, Router, control_action
from ytsession.testing.services.google_model import (
    EMULATED_USER_EMAIL,
    EMULATOR_TV_CLIENT_ID,
    EMULATOR_TV_CLIENT_SECRET,
    TV_BASE_JS_PATH,
    TV_PAGE_PATH,
    TV_SCOPE,
    VERIFICATION_PATH,
    UnknownUserCodeError,
    oauth_error,
)

__all__ = ["register_web"]

#: Decides a user code (``None``: the only pending one) and returns it, formatted.
Decide = Callable[[str | None], str]


def register_web(
    router: Router,
    *,
    approve: Decide,
    deny: Decide,
    pending: Callable[[], list[str]],
    slow_down: Callable[[int], None],
    expire_access_tokens: Callable[[], None],
    revoke_all: Callable[[], None],
) -> None:
    """Register the verification page, the TV page and script, and the control routes.

    :param router: the emulator's router.
    :param approve: approves a user code.
    :param deny: denies a user code.
    :param pending: the user codes waiting for a decision.
    :param slow_down: answers ``slow_down`` to the next ``count`` polls.
    :param expire_access_tokens: expires every access token.
    :param revoke_all: revokes every grant.
    """

    def verification_submit(request: Request) -> Response:
        return _verification_submit(request, approve, deny)

    router.add("GET", VERIFICATION_PATH, _verification_page)
    router.add("POST", VERIFICATION_PATH, verification_submit)
    router.add("GET", TV_PAGE_PATH, lambda request: Response.html(_TV_PAGE))
    router.add("GET", TV_BASE_JS_PATH, _tv_script_response)
    router.add("POST", CONTROL_PREFIX + "approve", _control_decide(approve))
    router.add("POST", CONTROL_PREFIX + "deny", _control_decide(deny))
    router.add("GET", CONTROL_PREFIX + "pending", lambda request: Response.json(pending()))
    router.add("POST", CONTROL_PREFIX + "slow-down", _control_slow_down(slow_down))
    router.add(
        "POST", CONTROL_PREFIX + "expire-access-tokens", control_action(expire_access_tokens)
    )
    router.add("POST", CONTROL_PREFIX + "revoke-all", control_action(revoke_all))


def _verification_page(request: Request) -> Response:
    return Response.html(_verification_form(request.query.get("user_code", "")))


def _verification_submit(request: Request, approve: Decide, deny: Decide) -> Response:
    user_code = request.form.get("user_code", "")
    action = request.form.get("action", "")
    if action not in ("allow", "deny"):
        message = "Choose Allow or Deny."
        return Response.html(_verification_form(user_code, message), 400)
    try:
        decided = approve(user_code) if action == "allow" else deny(user_code)
    except UnknownUserCodeError:
        message = "That code didn\u2019t work. Check the code and try again."
        return Response.html(_verification_form(user_code, message), 400)
    outcome = "granted" if action == "allow" else "denied"
    return Response.html(
        _page(
            "Done",
            f"<h1>Access {outcome}</h1>"
            f"<p>Code <code>{html.escape(decided)}</code> is done.</p>"
            "<p>You may close this page and return to your device.</p>",
        )
    )


def _tv_script_response(request: Request) -> Response:
    return Response.text(_tv_script(), content_type="text/javascript; charset=utf-8")


def _control_decide(decide: Decide) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        user_code = request.param("user_code")
        try:
            decided = decide(user_code or None)
        except UnknownUserCodeError as exc:
            return oauth_error(404, "unknown_user_code", str(exc))
        return Response.json({"user_code": decided})

    return handle


def _control_slow_down(slow_down: Callable[[int], None]) -> Callable[[Request], Response]:
    def handle(request: Request) -> Response:
        raw = request.param("count") or "1"
        if not raw.isdigit() or int(raw) < 1:
            return oauth_error(400, "invalid_request", "count must be a positive integer")
        slow_down(int(raw))
        return Response.json({})

    return handle


# ---------------------------------------------------------------------- HTML and JS

_STYLE = """
:root { color-scheme: light dark; --accent: #c00; --muted: #666; --line: #ccc; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  background: Canvas; color: CanvasText; }
.emulator { margin: 0; padding: .5rem 1rem; background: #ffd23f; color: #222;
  font-size: .875rem; text-align: center; }
main { max-width: 26rem; margin: 2rem auto; padding: 0 1rem; }
.card { border: 1px solid var(--line); border-radius: 12px; padding: 1.5rem; }
h1 { font-size: 1.5rem; font-weight: 500; margin: 0 0 1rem; }
label { display: block; margin-bottom: .5rem; }
input { width: 100%; font: 1.5rem/1.2 ui-monospace, monospace; letter-spacing: .15em;
  text-transform: uppercase; text-align: center; padding: .6rem; border: 1px solid
  var(--line); border-radius: 8px; background: Field; color: FieldText; }
input:focus { outline: 2px solid #1a73e8; outline-offset: 1px; }
.account { color: var(--muted); font-size: .875rem; }
.actions { display: flex; gap: .75rem; margin-top: 1.25rem; }
button { flex: 1; min-height: 44px; font-size: 1rem; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--line); background: transparent; color: inherit; }
button.primary { background: #1a73e8; border-color: #1a73e8; color: #fff; }
.error { color: var(--accent); font-weight: 500; }
code { font-size: 1.1em; }
"""


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)} \u2013 ytsession emulator</title>"
        f"<style>{_STYLE}</style></head>\n"
        '<body><p class="emulator" role="note">ytsession emulator: a stand-in for Google '
        "on this machine. Nothing here reaches a real account.</p>"
        f'<main><div class="card">{body}</div></main></body></html>\n'
    )


def _verification_form(user_code: str, message: str = "") -> str:
    error = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    return _page(
        "Connect a device",
        "<h1>Connect a device</h1>"
        f"{error}"
        f'<form method="post" action="{VERIFICATION_PATH}">'
        '<label for="user_code">Enter the code shown on your device</label>'
        '<input id="user_code" name="user_code" autocomplete="off" autocapitalize="characters" '
        'spellcheck="false" autofocus placeholder="ABC-DEF-GHI" '
        f'value="{html.escape(user_code, quote=True)}">'
        '<p class="account">The emulated account <b>'
        f"{html.escape(EMULATED_USER_EMAIL)}</b> will be connected.</p>"
        '<div class="actions">'
        '<button type="submit" name="action" value="deny">Deny</button>'
        '<button type="submit" name="action" value="allow" class="primary">Allow</button>'
        "</div></form>",
    )


_TV_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>YouTube on TV</title>"
    '<link rel="stylesheet" href="/s/_/kabuki/_/ss/k=kabuki.base.en_US.css" nonce="x">'
    '<script nonce="x">var ytcfg={d:function(){return window.yt&&yt.config_||{}},'
    'set:function(){}};window.environment={"clientName":"TVHTML5",'
    '"clientVersion":"7.20260101.10.00","hl":"en"};</script>'
    '<script id="polyfills-js" src="/s/_/kabuki/_/js/k=kabuki.polyfills.en_US.js"'
    ' nonce="x"></script>\n'
    '<script id="base-js" src="/s/_/kabuki/_/js/k=kabuki.base.en_US.js"'
    ' nonce="x"></script>\n'
    '<script id="app-js" src="/s/_/kabuki/_/js/k=kabuki.app.en_US.js" nonce="x">'
    "</script>\n"
    '</head><body><div id="leanback" class="loading"><div class="spinner"></div>'
    "</div><noscript>YouTube on TV needs JavaScript.</noscript></body></html>\n"
)


def _tv_script() -> str:
    # Minified-looking noise around the identity, so that clients must search for the
    # `clientId:"...",<any key>:"..."` shape rather than rely on positions.
    before = "".join(
        f'_.{a}{b}=function(a,b){{return a.{b}{a}(b)||"{a}{b}"}};'
        for a in "QRSTUV"
        for b in "abcdefgh"
    )
    after = "".join(f'var {a}k=[{i},{i * 7 % 13},"{a}"];' for i, a in enumerate("mnopqrst"))
    return (
        "var _yt_tv=_yt_tv||{};(function(_){var window=this;try{"
        + before
        + 'var Kx={clientName:"TVHTML5",clientVersion:"7.20260101.10.00",'
        'deviceMake:"Samsung"};_.Yq=function(){return{apiKey:"emulator-api-key"}};'
        f'_.zv={{clientId:"{EMULATOR_TV_CLIENT_ID}",zQk:"{EMULATOR_TV_CLIENT_SECRET}",'
        f'scope:"{TV_SCOPE}",Lr:!0}};'
        + after
        + "}catch(e){_._DumpException(e)}}).call(this,this._yt_tv);\n"
    )
