"""``ytsession status``: a profile's kind, account and server, whether the login still works,
and when its access token expires; never a secret.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..._console import local_time
from ..common import (
    OWN_SERVER,
    check_login,
    flag,
    profile_of,
    profile_server_of,
    server_option,
    without_login_hint,
)
from ..exits import EXIT_LOGIN

if TYPE_CHECKING:
    import argparse

    from ..common import Parents


def duration(seconds: float) -> str:
    """:return: a time span in words: ``23 h 59 min``, ``5 min``, ``less than a minute``."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "less than a minute"
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def describe_access_token(expires_at: int) -> str:
    """:return: an access token's expiry in words (it is renewed by itself)."""
    left = expires_at - time.time()
    stamp = local_time(expires_at)
    if left <= 0:
        return f"expired at {stamp}; a new one is fetched on next use"
    return f"valid until {stamp} ({duration(left)} left; renewed automatically)"


def _span(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"


def _when(stamp: float, now: float) -> str:
    text = local_time(stamp)
    delta = stamp - now
    return f"{text} ({_span(delta)} from now)" if delta >= 0 else f"{text} ({_span(-delta)} ago)"


def _worded(fields: dict[str, Any]) -> dict[str, Any]:
    """:return: a kind's :meth:`~ytsession.store.kinds.LoginKind.status_fields` with its
    times also in words, each after the field it words: ``access_token`` (a token's
    expiry), ``saved`` and ``expires`` (a cookie jar's)."""
    now = time.time()
    worded: dict[str, Any] = {}
    for key, value in fields.items():
        worded[key] = value
        if key == "access_token_expires_at":
            worded["access_token"] = describe_access_token(value)
        elif key == "saved_at":
            worded["saved"] = _when(value, now) if value is not None else "unknown"
        elif key == "soonest_expiring":
            expiry = fields.get("soonest_expiry")
            worded["expires"] = (
                f"{_when(expiry, now)}: {value}"
                if expiry is not None
                else "with the browser session (no expiry dates)"
            )
    return worded


def _status_info(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """:return: the fields ``status`` shows and whether the login is dead."""
    profile = profile_of(args)
    settings = profile.load_settings()
    kind = profile.kind(settings)
    server = profile_server_of(args, profile, settings)
    info: dict[str, Any] = {"profile": profile.name, "kind": settings.kind}
    stored_account = settings.extra.get("account")
    info.update(_worded(kind.status_fields(profile, settings)))
    info.update(kind.where_fields(settings, server))
    info.setdefault("store", profile.store.url)
    lock = profile.store.lock_state(profile.name)  # the Redis store records its holder
    if lock is not None:
        info["lock"] = lock  # shown by cmd_status: in words, or as JSON fields
    dead = False
    if args.offline:
        info["account"] = stored_account or "unknown (not checked: --offline)"
        info["login"] = "not checked (--offline)"
    else:
        state, account, detail = check_login(profile, settings, server)
        dead = state == "dead"
        info["account"] = account or stored_account or "unknown (the server named none)"
        if dead:
            info["login"] = (
                f"DEAD: {without_login_hint(detail)}. Log in again: "
                f"`ytsession login{flag(profile)}`"
            )
            if "access_token" in info:
                info["access_token"] = "refused with the login (it is not renewed any more)"
        else:
            info["login"] = f"valid (the server accepted the {kind.credential} just now)"
            if kind.has_token:  # the check may have renewed it
                info.update(_worded(kind.status_fields(profile, settings)))
    # Read after the check, which may have refreshed; shown in words or as JSON fields
    refreshed = profile.store.last_refresh(profile.name) if kind.has_token else None
    if refreshed is not None:
        info["last_refresh"] = refreshed
    return info, dead


def cmd_status(args: argparse.Namespace) -> int:
    """Show a profile: kind, account, server, whether the login still works (asked of the
    server unless ``--offline``) and the access token's expiry; never a secret.

    :return: 0, or 3 when the server refused the login.
    """
    import json

    from ..._console import print_fields
    from ...store import LastRefresh, LockState

    info, dead = _status_info(args)
    if args.json:
        if isinstance(info.get("lock"), LockState):
            info.update(info.pop("lock").fields())
        if isinstance(info.get("last_refresh"), LastRefresh):
            info.update(info.pop("last_refresh").fields())
        info["login_ok"] = None if args.offline else not dead
        print(json.dumps(info, indent=2))
    else:
        if "logged_in" in info:  # a cookie profile
            from .login_cookies import shown_logged_in

            info["logged_in"] = shown_logged_in(info, flag(profile_of(args)))
        if isinstance(info.get("lock"), LockState):
            info["lock"] = info["lock"].describe()
        if isinstance(info.get("last_refresh"), LastRefresh):
            info["last_refresh"] = info["last_refresh"].describe()
        print_fields(
            info, hide=("access_token_expires_at", "saved_at", "soonest_expiry", "soonest_expiring")
        )
    return EXIT_LOGIN if dead else 0


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    status = sub.add_parser(
        "status",
        parents=[parents.profile],
        help="show a profile and check its login with the server (no secrets)",
        description="Show the profile's kind, account and server, ask the server whether "
        "the login still works (exit 3 when it does not), and when the short-lived access "
        "token expires (it is renewed automatically while the login works).",
    )
    status.add_argument("--json", action="store_true", help="print JSON")
    status.add_argument(
        "--offline", action="store_true", help="do not ask the server; show what is stored"
    )
    server_option(status, help=OWN_SERVER)
    status.set_defaults(handler=cmd_status)
