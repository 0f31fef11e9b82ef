"""Terminal helpers shared by the command-line modules: messages and TTY detection."""

from __future__ import annotations

import sys


def say(message: str) -> None:
    """Print a message for the person at the terminal: to standard error, flushed."""
    print(message, file=sys.stderr, flush=True)


def stdin_is_tty() -> bool:
    """:return: whether standard input is a terminal (never true under cron)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False
