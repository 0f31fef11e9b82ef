"""The command line's exit statuses (see :mod:`ytsession.cli`)."""

from __future__ import annotations

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_LOGIN = 3
EXIT_NETWORK = 4
EXIT_INTERRUPTED = 130
