"""A certified OAuth server on loopback for the tests: panva's ``oidc-provider`` (OpenID
Certified), pinned in ``tests/peers/package.json`` and run by ``tests/peers/oidc_server.mjs``.

:class:`OIDCServer` starts it on a free port and plays the user's browser on its own device
pages (``/device``, the user-code confirmation, the development login and consent
interactions), so an approval or a denial goes through the server's real pages over HTTP.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import requests

from tests._support.peers_support import PEERS_DIR, require_node_peer

#: The clients the server knows, by the client authentication each registered. The Basic
#: client's secret has characters (``:``, ``+``, ``%``, space) that only survive HTTP Basic
#: when form-encoded first, as RFC 6749 §2.3.1 says.
BASIC_CLIENT = ("ytsession-basic", "basic-secret:9f2K+q7%Lw 3Xz")
POST_CLIENT = ("ytsession-post", "post-secret-4Hn8Vt1Rb6Mc")
PUBLIC_CLIENT_ID = "ytsession-public"
#: The scopes its clients ask for: ``offline_access`` is what earns a refresh token.
SCOPE = "openid offline_access"

_CLIENTS = [
    {
        "client_id": BASIC_CLIENT[0],
        "client_secret": BASIC_CLIENT[1],
        "token_endpoint_auth_method": "client_secret_basic",
    },
    {
        "client_id": POST_CLIENT[0],
        "client_secret": POST_CLIENT[1],
        "token_endpoint_auth_method": "client_secret_post",
    },
    {"client_id": PUBLIC_CLIENT_ID, "token_endpoint_auth_method": "none"},
]


@dataclass
class _Form:
    action: str
    form_id: str
    fields: dict[str, str]


class _Forms(HTMLParser):
    """The forms of a page with their hidden and text inputs (what a browser would submit)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.forms.append(_Form(attributes.get("action", ""), attributes.get("id", ""), {}))
        elif tag == "input" and self.forms and attributes.get("name"):
            self.forms[-1].fields[attributes["name"]] = attributes.get("value", "")


def _forms(page: requests.Response) -> list[_Form]:
    parser = _Forms()
    parser.feed(page.text)
    return parser.forms


class OIDCServer:
    """oidc-provider running in Node on ``127.0.0.1``; stopped by :meth:`close`.

    :param settings: ``accessTokenTtl``, ``refreshTokenTtl``, ``deviceCodeTtl``, ``interval``
        (seconds), passed to the script.
    """

    def __init__(self, **settings: Any) -> None:
        node = require_node_peer("oidc-provider")
        self._process = subprocess.Popen(
            [node, "oidc_server.mjs", json.dumps({"clients": _CLIENTS, **settings})],
            cwd=PEERS_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: queue.Queue[str] = queue.Queue()
        assert self._process.stdout is not None
        stdout = self._process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=30)
        except queue.Empty:
            self.close()
            raise AssertionError("oidc-provider did not start within 30 s") from None
        if not first:
            self.close()
            raise AssertionError(f"oidc-provider did not start: {self._stderr()}")
        #: The issuer URL, ``http://127.0.0.1:PORT``.
        self.issuer: str = json.loads(first)["issuer"]

    def stats(self) -> dict[str, Any]:
        """What the server did so far: ``refreshes``, ``deviceGrants``, ``slowDowns``,
        ``revokedGrants``, ``revocations``, ``grantErrors`` (from oidc-provider's events)."""
        answer = requests.get(f"{self.issuer}/_test/stats", timeout=10)
        answer.raise_for_status()
        data: dict[str, Any] = answer.json()
        return data

    def approve(self, user_code: str) -> None:
        """Approve ``user_code`` on the server's own pages, as the user's browser would:
        enter the code, confirm it, sign in, consent."""
        browser = requests.Session()
        confirm = self._confirmation(browser, user_code)
        page = browser.post(confirm.action, data=confirm.fields, timeout=10)
        for _ in range(4):  # the login prompt, then the consent prompt
            forms = [f for f in _forms(page) if f.fields.get("prompt") in ("login", "consent")]
            if not forms:
                break
            form = forms[0]
            if form.fields["prompt"] == "login":
                form.fields.update(login="user-1", password="any")
            page = browser.post(urljoin(page.url, form.action), data=form.fields, timeout=10)
        if "Sign-in Success" not in page.text:
            raise AssertionError(f"approving {user_code} did not succeed: {page.text[:500]}")

    def deny(self, user_code: str) -> None:
        """Deny ``user_code``: its confirmation page's Abort button."""
        browser = requests.Session()
        confirm = self._confirmation(browser, user_code)
        page = browser.post(confirm.action, data={**confirm.fields, "abort": "yes"}, timeout=10)
        if "interrupted" not in page.text:
            raise AssertionError(f"denying {user_code} did not succeed: {page.text[:500]}")

    def _confirmation(self, browser: requests.Session, user_code: str) -> _Form:
        """Open the verification URL with the code and submit it; return the confirm form."""
        page = browser.get(f"{self.issuer}/device", params={"user_code": user_code}, timeout=10)
        submit = _forms(page)[0]
        page = browser.post(urljoin(page.url, submit.action), data=submit.fields, timeout=10)
        confirm = [f for f in _forms(page) if f.form_id == "op.deviceConfirmForm"]
        if not confirm:
            raise AssertionError(f"no confirmation form for {user_code}: {page.text[:500]}")
        confirm[0].action = urljoin(page.url, confirm[0].action)
        return confirm[0]

    def close(self) -> None:
        """Stop the server (closing its stdin ends it) and reap it."""
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()

    def _stderr(self) -> str:
        self._process.wait(timeout=10)
        assert self._process.stderr is not None
        return self._process.stderr.read()[-2000:]


@contextmanager
def oidc_server(**settings: Any) -> Iterator[OIDCServer]:
    """Run :class:`OIDCServer` for the duration of a ``with`` block."""
    server = OIDCServer(**settings)
    try:
        yield server
    finally:
        server.close()
