"""The ``ytsession`` command line.

Data goes to standard output, messages to standard error. A failure exits non-zero with one
line saying why: 1 for most errors, 2 for usage errors, 3 when a login is missing or dead
(run ``ytsession login``), 4 when the network failed, 130 on Ctrl-C. A person at a terminal
never sees a traceback.

The package: :func:`main` here (the front door, kept small), :mod:`.fast` (``ytsession
token`` with a fresh token, answered before anything else is imported: without
``argparse``, ``typing``, ``pathlib``, ``re`` or ``requests``), :mod:`.app` (parsing,
logging and the error boundary), :mod:`.parser`, :mod:`.exits` (the statuses, also here as
``EXIT_*``), and one module per command under :mod:`.commands`. Nothing outside this
package imports it (``tests/unit/test_layers.py``).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_LOGIN", "EXIT_NETWORK", "EXIT_USAGE", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line. :return: the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        from .fast import token_command

        status = token_command(args_list)  # `ytsession token` with a fresh token
        if status is None:
            from .app import run

            status = run(args_list)
        return status
    except KeyboardInterrupt:
        from .exits import EXIT_INTERRUPTED

        print("\nytsession: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED


def __getattr__(name: str) -> int:
    """The exit statuses (:mod:`.exits`), loaded when asked for: the fast path needs none."""
    if name.startswith("EXIT_"):
        from . import exits

        value = getattr(exits, name, None)
        if isinstance(value, int):
            return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
