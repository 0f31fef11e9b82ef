"""One module per ``ytsession`` command, as gh keeps one folder per command: each has its
``cmd_*`` functions and a ``register(sub, parents)`` that adds its subcommand (with its
options and help) to the parser. :data:`COMMANDS` is their order in ``ytsession --help``
and in the shell completions."""

from __future__ import annotations

from types import ModuleType

from . import (
    call,
    completion,
    emulator,
    login,
    logout,
    profiles,
    session_tokens,
    status,
    token,
    whoami,
)

#: The command modules, in the order ``ytsession --help`` lists their commands.
COMMANDS: tuple[ModuleType, ...] = (
    login,
    token,
    status,
    whoami,
    logout,
    call,
    emulator,
    session_tokens,
    profiles,
    completion,
)
