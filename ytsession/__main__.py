"""``python -m ytsession`` runs the command line, like the ``ytsession`` script."""

import sys

from .cli import main

sys.exit(main())
