"""``ytsession token``: print a valid access token (a fresh one was printed by
:mod:`ytsession.cli.fast` before this module was loaded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import alive_account, profile_of, profile_server_of

if TYPE_CHECKING:
    import argparse

    from ..common import Parents


def cmd_token(args: argparse.Namespace) -> int:
    """Print a valid access token, refreshing it first when it is about to expire; with
    ``--check``, first ask the server whether the login still works.

    :return: 0, or 3 (raised) when there is no login or ``--check`` found it dead.
    """
    profile = profile_of(args)  # a fresh token was printed by `token_command` before this
    profile.check_replaceable()  # a corrupt token is named before anything else
    settings = profile.load_settings()
    kind = profile.kind(settings)
    if args.check and kind.has_token:
        alive_account(profile, settings, profile_server_of(args, profile, settings))
    print(kind.access_token(profile, settings))
    return 0


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    token = sub.add_parser(
        "token",
        parents=[parents.profile],
        help="print a valid access token (refreshing it if needed)",
        description="Print the profile's access token, refreshed first when it is about to "
        "expire. Without --check nothing is sent while the stored token is fresh, so a login "
        "revoked at the server goes unnoticed until the token is refused or renewed.",
    )
    token.add_argument(
        "--check",
        action="store_true",
        help="first ask the server whether the login still works (one request); exit 3 "
        "when it does not",
    )
    token.set_defaults(handler=cmd_token)
