"""``ytsession logout``: revoke the login at its server, then delete the profile."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..common import one_line, profile_of

if TYPE_CHECKING:
    import argparse

    from ..common import Parents


def cmd_logout(args: argparse.Namespace) -> int:
    """Revoke the profile's token at the server, then delete the profile."""
    from ..._console import say
    from ...errors import YTSessionError

    profile = profile_of(args)
    if not profile.exists() and profile.store.read(profile.name, "token") is None:
        say(f"profile '{profile.name}' does not exist; nothing to do")
        return 0
    try:
        settings = profile.load_settings()
        say(profile.kind(settings).logout(profile, settings))
    except YTSessionError as exc:  # NetworkError included
        if not args.local:
            raise YTSessionError(
                f"could not revoke the token ({one_line(exc)}); the profile is kept. Use "
                f"`ytsession logout --local --profile {profile.name}` to delete it without "
                "revoking"
            ) from None
        say(f"Not revoked at the server ({one_line(exc)}).")
    profile.delete()
    say(f"Deleted profile '{profile.name}'.")
    return 0


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    logout = sub.add_parser(
        "logout", parents=[parents.profile], help="revoke the token and delete the profile"
    )
    logout.add_argument(
        "--local",
        action="store_true",
        help="delete the profile even when the server cannot be told",
    )
    logout.set_defaults(handler=cmd_logout)
