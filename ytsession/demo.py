"""``ytsession demo``: the whole story against an embedded emulator, finishing on its own.

Login prompt, approval (in a browser, with Enter, or by itself), the token stored in a
temporary profile, a signed request, a forced expiry and the automatic refresh, and a logout
that revokes the token at the server.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
import threading
import time
from typing import TextIO

from .errors import LoginRequiredError
from .oauth.bearer import BearerAuth
from .oauth.credentials import OAuthCredentials, OAuthEndpoints
from .oauth.token import RefreshingToken
from .store.profiles import Profile, ProfileSettings
from .testing import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET, Emulator
from .youtube.innertube.account import ACCOUNTS_LIST, current_account
from .youtube.session import Session

#: Seconds the demo waits before approving the login by itself.
AUTO_APPROVE_DELAY = 3.0


def _approver(emu: Emulator, *, auto_approve: bool, out: TextIO) -> threading.Thread:
    """Approve the login: after a few seconds, or when the user presses Enter."""

    def approve() -> None:
        try:
            user_code = emu.google.wait_for_user_code(timeout=30)
        except Exception:  # the login failed before a code existed; the main thread reports
            return
        if auto_approve:
            time.sleep(AUTO_APPROVE_DELAY)
            print(f"   (the demo approves {user_code} by itself)", file=out, flush=True)
        else:
            with contextlib.suppress(OSError, ValueError):
                sys.stdin.readline()
        if user_code in emu.google.pending_user_codes():
            emu.google.approve(user_code)

    thread = threading.Thread(target=approve, name="ytsession-demo-approver", daemon=True)
    thread.start()
    return thread


def run_demo(*, auto_approve: bool, out: TextIO | None = None) -> int:
    """Run the demo. :return: the exit status (0)."""
    import requests

    stream = out if out is not None else sys.stderr

    def say(text: str) -> None:
        print(text, file=stream, flush=True)

    with Emulator() as emu, tempfile.TemporaryDirectory(prefix="ytsession-demo-") as home:
        emu.google.poll_interval = 1
        say(f"1. Started a loopback emulator of Google's OAuth endpoints at {emu.url}")
        profile = Profile.named("demo", home=home)
        credentials = OAuthCredentials(
            EMULATOR_CLIENT_ID,
            EMULATOR_CLIENT_SECRET,
            endpoints=OAuthEndpoints.under(emu.url),
        )

        say("2. Logging in with the device flow:")
        if auto_approve:
            wait = f"{AUTO_APPROVE_DELAY:.0f} s"
            say(f"   (open the URL below to approve it yourself, or wait {wait})")
        else:
            say("   (open the URL below in a browser and allow, or press Enter to approve here)")
        _approver(emu, auto_approve=auto_approve, out=stream)
        token = RefreshingToken.prompt_for_token(
            credentials, to_file=profile.token_path, out=stream
        )
        profile.save_settings(ProfileSettings.of_client(credentials))
        mode = profile.token_path.stat().st_mode & 0o777
        say(f"3. The token file is private (mode {mode:o}): {token!r}")

        http = requests.Session()
        http.auth = BearerAuth(token)
        userinfo = f"{emu.url}/oauth2/v3/userinfo"
        answer = http.get(userinfo, timeout=10)
        say(f"4. Signed request: HTTP {answer.status_code}, user {answer.json().get('email')}")
        with Session.create(auth=token, base_url=emu.url, cache=False) as session:
            account = current_account(session)
        say(
            f"   Signed InnerTube call as {session.client_name} (the client that accepts "
            f"OAuth): {ACCOUNTS_LIST} shows {str(account) if account else '(not signed in)'!r}"
        )

        say("5. Forcing expiry: the server expires the access token, the file says so too")
        emu.google.expire_access_tokens()
        token.expires_at = int(time.time())
        token.store_token()
        before = emu.google.refresh_count
        answer = http.get(userinfo, timeout=10)
        refreshes = emu.google.refresh_count - before
        say(
            f"   reading access_token refreshed it ({refreshes} refresh request), signed "
            f"request: HTTP {answer.status_code}; new expiry "
            f"{time.strftime('%H:%M:%S', time.localtime(token.expires_at))}"
        )

        say("6. Logging out: revoke at the server, then delete the profile")
        credentials.revoke(token.refresh_token)
        profile.delete()
        try:
            answer = http.get(userinfo, timeout=10)
            say(f"   the revoked token is refused now: HTTP {answer.status_code}")
        except LoginRequiredError:  # the 401 made the signer refresh: refused too
            say("   the revoked token is refused now (HTTP 401), and so is its refresh token")
    say("Done: the emulator stopped and the temporary profile is gone.")
    return 0
