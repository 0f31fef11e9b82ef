"""The ``ytsession`` command line.

Data goes to standard output, messages to standard error. A failure exits non-zero with one
line saying why: 1 for most errors, 2 for usage errors, 3 when a login is missing or dead
(run ``ytsession login``), 4 when the network failed, 130 on Ctrl-C. A person at a terminal
never sees a traceback.

The package: :func:`main` here (the front door, kept small), :mod:`.fast` (``ytsession
token`` with a fresh token, answered before anything else is imported: without
``argparse``, ``typing``, ``pathlib``, ``re`` or ``requests``), :mod:`.app` (parsing,
logging and the error boundary), :mod:`.parser`, and one module per command under
:mod:`.commands`. Nothing outside this package imports it (``tests/test_layers.py``).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from collections.abc import Sequence

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_LOGIN = 3
EXIT_NETWORK = 4
EXIT_INTERRUPTED = 130


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
        print("\nytsession: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED
