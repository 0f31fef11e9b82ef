"""A run of the command line past the fast path: parse, set up logging (once), run the
command, and turn every error into one line and an exit status."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from .common import one_line
from .exits import EXIT_ERROR, EXIT_LOGIN, EXIT_NETWORK, EXIT_USAGE

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

    Handler = Callable[[argparse.Namespace], int]


def _setup_logging(verbose: bool) -> None:
    """Show the library's warnings (long waits, fallbacks) on stderr, one line each, and
    with ``-v`` one line per HTTP request and answer.

    Safe to call again (``main`` in a loop, a test suite): the handler is added once, and
    each call only sets the level, so a later ``-v`` still takes effect.
    """
    import logging

    class _Stderr(logging.Handler):
        # Writes to sys.stderr as it is when a record comes, not as it was when added.
        def emit(self, record: logging.LogRecord) -> None:
            try:
                print(self.format(record), file=sys.stderr, flush=True)
            except Exception:
                self.handleError(record)

    logger = logging.getLogger("ytsession")
    if not any(h.get_name() == "ytsession-cli" for h in logger.handlers):
        handler = _Stderr()
        handler.set_name("ytsession-cli")
        handler.setFormatter(logging.Formatter("ytsession: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def run(argv: list[str]) -> int:
    """Run the command ``argv`` names (the fast path declined it). :return: the exit status."""
    from .._console import UsageError, say
    from ..errors import (
        LoggedOutError,
        LoginRequiredError,
        NetworkError,
        ServerMismatchError,
        ServerURLError,
        YTSessionError,
    )
    from .parser import build_parser

    args = build_parser().parse_args(argv)
    verbose = bool(getattr(args, "verbose", False)) or os.environ.get(
        "YTSESSION_DEBUG", ""
    ) not in ("", "0")
    _setup_logging(verbose)
    handler: Handler = args.handler
    status = EXIT_ERROR
    try:
        if getattr(args, "server", None):  # a bad URL is a usage error, before anything
            from ..store.servers import checked_server_url

            args.server = checked_server_url(args.server, what="--server")
        return handler(args)
    except (UsageError, ServerMismatchError, ServerURLError) as exc:
        status, error = EXIT_USAGE, one_line(exc)
    except (LoginRequiredError, LoggedOutError) as exc:
        status, error = EXIT_LOGIN, one_line(exc)
    except NetworkError as exc:
        status, error = EXIT_NETWORK, one_line(exc)
    except YTSessionError as exc:
        error = one_line(exc)
    except (EOFError, BrokenPipeError):
        return EXIT_ERROR
    except OSError as exc:  # an unreadable file named on the command line
        name = f" {exc.filename}" if exc.filename else ""
        error = f"cannot use{name}: {exc.strerror or type(exc).__name__}"
    except Exception as exc:  # a bug: still one line at a terminal, the traceback with -v
        if verbose:
            raise
        error = (
            f"unexpected {type(exc).__name__}: {one_line(exc)[:200]}. This is a bug in "
            "ytsession; run again with -v for the traceback and report it"
        )
    say(f"ytsession: {_naming_the_profile(error, args)}")
    return status


_PROFILE_COMMANDS = frozenset({"login", "logout", "token", "status", "whoami", "call"})


def _naming_the_profile(text: str, args: argparse.Namespace) -> str:
    """Make every ``ytsession ...`` command a message suggests name the profile the failed
    command was about, so that following a hint never acts on another (the default) one."""
    name = getattr(args, "profile", None)
    if not name:
        from .._rules import choice_home, default_profile_name

        name = default_profile_name(
            choice_home(getattr(args, "home", None), getattr(args, "store", None))
        )
        if name == "default":
            return text
        # named by $YTSESSION_PROFILE or `profiles use`: say it outright
    home = getattr(args, "home", None)

    def add_flag(match: Any) -> str:
        command = match.group(1)
        if "--profile" in command or command.split()[0] not in _PROFILE_COMMANDS:
            return str(match.group(0))
        extra = f" --profile {name}" + (
            f" --home {home}" if home and "--home" not in command else ""
        )
        return f"`ytsession {command}{extra}`"

    import re

    return re.sub(r"`ytsession ([a-z][^`]*?)`", add_flag, text)
