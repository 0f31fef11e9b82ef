"""Terminal helpers shared by the command-line modules: messages, TTY detection, tables."""

from __future__ import annotations

import sys
import time
from collections.abc import Collection, Mapping


def say(message: str) -> None:
    """Print a message for the person at the terminal: to standard error, flushed."""
    print(message, file=sys.stderr, flush=True)


def stdin_is_tty() -> bool:
    """:return: whether standard input is a terminal (never true under cron)."""
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def local_time(stamp: float) -> str:
    """:return: Unix time ``stamp`` as local date, time and zone, e.g.
    ``2026-03-01 12:00:00 CET``."""
    return time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(stamp))


def print_fields(fields: Mapping[str, object], *, hide: Collection[str] = ()) -> None:
    """Print ``fields`` to standard output as aligned ``name  value`` lines (``_`` in a name
    shown as a space), leaving out the names in ``hide``."""
    shown = {name: value for name, value in fields.items() if name not in hide}
    width = max(len(name) for name in shown)
    for name, value in shown.items():
        print(f"{name.replace('_', ' '):<{width}}  {value}")
