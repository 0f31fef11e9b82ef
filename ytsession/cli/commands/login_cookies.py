"""``ytsession login --cookies FILE`` / ``--cookies-from-stdin``: store a logged-in
browser's cookies as a profile; and how ``ytsession status`` words a cookie profile's
logged-in state."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..._console import say, stdin_is_tty
from ...errors import ProfileError
from ...store.profiles import KIND_COOKIES, Profile, ProfileSettings
from ...youtube.cookies._formats import render_netscape
from ...youtube.cookies.jar import YouTubeCookies

_PASTE_HELP = (
    "Paste the request headers of a request to youtube.com made while logged in (developer "
    "tools, Network tab, a request to /youtubei/v1/..., Copy request headers), or a cookies.txt, "
    "then press Ctrl-D."
)


def cmd_login_cookies(args: argparse.Namespace, profile: Profile) -> ProfileSettings:
    """Store a logged-in browser's cookies as profile ``profile`` (kind ``cookies``).

    The cookies come from ``--cookies FILE`` (``cookies.txt``, ``browser.json``, pasted
    headers or a ``Cookie`` header) or from standard input (``--cookies-from-stdin``);
    they are checked to be logged in, then written to the profile's ``cookies.txt`` (0600).

    :return: the stored profile settings.
    """
    if args.cookies_from_stdin:
        if stdin_is_tty():
            say(_PASTE_HELP)
        text = sys.stdin.read() if sys.stdin is not None else ""
        cookies = YouTubeCookies.from_text(text, source="<stdin>")
        source = "stdin"
    else:
        cookies = YouTubeCookies.from_file(args.cookies, write_back=False)
        source = str(args.cookies)
    cookies.check_logged_in()
    account_index = args.account_index
    if account_index is None:
        account_index = cookies.account_index or 0
    if account_index < 0:
        raise ProfileError("--account-index must be 0 or more")
    extra: dict[str, Any] = {"account_index": account_index, "source": source}
    if args.on_behalf_of_user:
        extra["on_behalf_of_user"] = args.on_behalf_of_user
    if cookies.user_agent:
        extra["user_agent"] = cookies.user_agent
    # The cookies first, then the settings that make the profile visible: both atomic.
    settings = ProfileSettings(kind=KIND_COOKIES, extra=extra)
    profile.save_login(settings, cookies=netscape(cookies))
    say(
        f"Stored {len(cookies)} youtube.com cookies of a logged-in browser in profile "
        f"'{profile.name}' ({profile.location})."
    )
    if cookies.ignored:
        say(f"Ignored {cookies.ignored} cookies of other sites.")
    say(
        "Cookies the server rotates are written back to that file. If the browser signs out "
        "or the cookies go stale, export them again and run this command once more."
    )
    return settings


def netscape(cookies: YouTubeCookies) -> str:
    """:return: the cookies as the text of a Netscape ``cookies.txt`` (expired ones left out)."""
    import http.cookiejar

    now = int(time.time())
    live = [
        cookie
        for cookie in cookies.jar
        if isinstance(cookie, http.cookiejar.Cookie) and not cookie.is_expired(now)
    ]
    return render_netscape(live)


def shown_logged_in(info: dict[str, Any], flag: str = "") -> str:
    """:return: how ``ytsession status`` words :func:`cookie_status`'s ``logged_in``.

    :param flag: `` --profile NAME`` for the hint, when not the default profile.
    """
    if info["logged_in"]:
        return "yes"
    return f"NO: export the cookies again and run `ytsession login --cookies FILE{flag}`"
