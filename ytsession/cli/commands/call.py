"""``ytsession call``: one InnerTube request, signed with a profile's login (or not, with
``--anonymous``), its JSON answer printed.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from ..common import (
    flag,
    locale_options,
    named_server_of,
    profile_of,
    profile_server_of,
    server_option,
)

if TYPE_CHECKING:
    import argparse

    from ..common import Parents


def _call_payload(data: str | None) -> dict[str, Any]:
    """Parse ``--data``: JSON, ``@file`` or ``@-`` (standard input).

    :raises UsageError: the text is not a JSON object, or the file cannot be read.
    """
    import json

    from ..._console import UsageError

    if data is None:
        return {}
    text = data
    if data.startswith("@"):
        source = data[1:]
        try:
            if source == "-":
                text = sys.stdin.read()
            else:
                with open(source, encoding="utf-8") as file:
                    text = file.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise UsageError(f"cannot read --data file {source!r} ({reason})") from None
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--data is not valid JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise UsageError('--data must be a JSON object, e.g. \'{"browseId": "FEwhat_to_watch"}\'')
    return payload


def cmd_call(args: argparse.Namespace) -> int:
    """Call an InnerTube endpoint and print the JSON answer.

    Signed with the profile's login; a missing login is an error (exit 3) unless
    ``--anonymous`` asks for an unsigned call.
    """
    import json

    from ..._console import UsageError
    from ...errors import NotLoggedInError, YTSessionError
    from ...youtube.session import Session, youtube_login

    payload = _call_payload(args.data)
    auth = None
    if args.anonymous:
        server = named_server_of(args)
    else:
        profile = profile_of(args)
        if not profile.exists():
            raise NotLoggedInError(
                f"there is no login for profile '{profile.name}'; run `ytsession login"
                f"{flag(profile)}` first, or pass --anonymous for an unsigned call"
            )
        auth = youtube_login(profile.name, store=profile.store)  # signs for its server
        server = profile_server_of(args, profile, profile.load_settings())
    options: dict[str, Any] = {
        "client": args.client,
        "client_version": args.client_version,
        "lang": args.lang,
        "location": args.location,
        "tz": args.tz,
        "base_url": server,
        "cache": not args.no_cache,
        "generate_session_locally": args.generate_session_locally,
        "po_token": args.po_token,
        "timeout": args.timeout,
    }
    try:
        session = Session.create(auth=auth, **options)
    except ValueError as exc:
        if isinstance(exc, YTSessionError):
            raise
        raise UsageError(str(exc)) from None
    with session:
        answer = session.call(args.endpoint, payload)
    print(json.dumps(answer, indent=None if args.compact else 2, ensure_ascii=False))
    return 0


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    call = sub.add_parser(
        "call",
        parents=[parents.profile],
        help="call an InnerTube endpoint and print the JSON answer",
        description=(
            "POST to /youtubei/v1/ENDPOINT with the session's context and print the answer. "
            "Signed with the profile's login (a login defaults to the TVHTML5 client, the "
            "one that accepts it); without a login it fails (exit 3) unless --anonymous."
        ),
    )
    call.add_argument("endpoint", metavar="ENDPOINT", help="e.g. browse, player, next, search")
    call.add_argument(
        "--data",
        metavar="JSON",
        help="the request's fields as a JSON object, or @FILE, or @- for standard input",
    )
    call.add_argument("--client", metavar="NAME", help="client for this call, e.g. WEB, TVHTML5")
    call.add_argument("--client-version", metavar="VERSION", help="override the client version")
    locale_options(call)
    call.add_argument("--tz", default="UTC", help="IANA time zone (default UTC)")
    call.add_argument("--po-token", metavar="TOKEN", help="PO token for player calls")
    server_option(
        call,
        "--base-url",
        help="with --anonymous: send it here instead of YouTube, e.g. an emulator (default: "
        "$YTSESSION_SERVER); a profile's call goes to the server it was logged in on, and "
        "naming another is an error",
    )
    call.add_argument("--anonymous", action="store_true", help="do not sign the call")
    call.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the session data cache"
    )
    call.add_argument(
        "--generate-session-locally",
        action="store_true",
        help="make visitor data locally instead of fetching it",
    )
    call.add_argument("--timeout", type=float, metavar="SECONDS", help="per-request timeout")
    call.add_argument("--compact", action="store_true", help="print the JSON on one line")
    call.set_defaults(handler=cmd_call)
