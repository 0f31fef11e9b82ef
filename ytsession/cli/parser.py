"""The ``ytsession`` argument parser: the program's own options and the options every
command shares; each command module under :mod:`.commands` adds its own subcommand."""

from __future__ import annotations

import argparse
from typing import NoReturn

from .commands import COMMANDS
from .common import Parents
from .exits import EXIT_USAGE


class OneLineParser(argparse.ArgumentParser):
    """Usage errors in one line (and exit status 2), pointing at ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")


def _store_options(parser: argparse.ArgumentParser) -> None:
    """``--home`` and ``--store`` (where the profiles are), and ``-v`` after the command."""
    parser.add_argument(
        "--home",
        help="directory holding the profiles (default: $YTSESSION_HOME or the user data dir)",
    )
    parser.add_argument(  # the profile store: see commands/profiles.py and docs/fleet.rst
        "--store",
        metavar="URL",
        help="profile store: a directory, file:///path, redis://[user:password@]host:port/db "
        "or rediss://... (default: $YTSESSION_STORE, else the --home directory)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help=argparse.SUPPRESS, default=argparse.SUPPRESS
    )


def build_parser() -> argparse.ArgumentParser:
    """:return: the argument parser of the ``ytsession`` command."""
    from .._version import __version__

    parser = OneLineParser(
        prog="ytsession",
        description="Authenticated, long-lived sessions for YouTube InnerTube and PeerTube.",
    )
    parser.add_argument("--version", action="version", version=f"ytsession {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every HTTP request and answer on stderr (or set YTSESSION_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile",
        help="profile name (default: $YTSESSION_PROFILE, else the one `ytsession profiles "
        "use` chose, else 'default')",
    )
    _store_options(common)
    stores = argparse.ArgumentParser(add_help=False)  # `profiles`: a store, no --profile
    _store_options(stores)
    parents = Parents(profile=common, store=stores)
    for command in COMMANDS:
        command.register(sub, parents)
    parser.set_defaults(parser=parser)  # for `completion`, which describes the parser
    return parser
