"""``ytsession emulator`` (the loopback emulator until Ctrl-C) and ``ytsession demo`` (the
whole story against an embedded one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..exits import EXIT_ERROR

if TYPE_CHECKING:
    import argparse

    from ..common import Parents


def cmd_emulator(args: argparse.Namespace) -> int:
    """Run the loopback emulator until Ctrl-C."""
    from ...testing import serve

    try:
        serve(args.host, args.port)
    except OSError as exc:
        import errno

        from ..._console import say

        if exc.errno == errno.EADDRINUSE:
            say(
                f"ytsession: port {args.port} on {args.host} is already in use; pick another "
                "with --port, or --port 0 for a free one"
            )
        else:
            say(f"ytsession: cannot listen on {args.host}:{args.port} ({exc.strerror or exc})")
        return EXIT_ERROR
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the whole story against an embedded emulator."""
    from ..._console import stdin_is_tty
    from ...demo import run_demo

    return run_demo(auto_approve=args.auto_approve or not stdin_is_tty())


def _port(text: str) -> int:
    import argparse

    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535; 0 picks a free one)")
    return port


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    emulator = sub.add_parser("emulator", help="run the loopback emulator until Ctrl-C")
    emulator.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    emulator.add_argument("--port", type=_port, default=0, help="port (default 0: a free one)")
    emulator.set_defaults(handler=cmd_emulator)

    demo = sub.add_parser("demo", help="the whole story against a built-in emulator")
    demo.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve the login by itself after a few seconds (default without a terminal)",
    )
    demo.set_defaults(handler=cmd_demo)
