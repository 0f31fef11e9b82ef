"""``ytsession whoami``: the account a profile is logged in as."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import OWN_SERVER, alive_account, profile_of, profile_server_of, server_option
from ..exits import EXIT_ERROR

if TYPE_CHECKING:
    import argparse

    from ..common import Parents


def cmd_whoami(args: argparse.Namespace) -> int:
    """Print the account a profile is logged in as (asked of the server).

    :return: 0, or 3 when there is no login or it is dead.
    """
    import json

    profile = profile_of(args)
    settings = profile.load_settings()
    server = profile_server_of(args, profile, settings)
    if args.offline:
        stored = settings.extra.get("account")
        account = stored if isinstance(stored, str) and stored else None
    else:
        account = alive_account(profile, settings, server)
    if args.json:
        print(json.dumps({"profile": profile.name, "kind": settings.kind, "account": account}))
    elif account:
        print(account)
    else:
        from ..._console import say

        say(f"ytsession: the server named no account for profile '{profile.name}'")
        return EXIT_ERROR
    return 0


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    whoami = sub.add_parser(
        "whoami", parents=[parents.profile], help="print the account the profile is logged in as"
    )
    whoami.add_argument("--json", action="store_true", help="print JSON")
    whoami.add_argument(
        "--offline", action="store_true", help="print the account recorded at login"
    )
    server_option(whoami, help=OWN_SERVER)
    whoami.set_defaults(handler=cmd_whoami)
