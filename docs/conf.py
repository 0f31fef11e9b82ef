"""Sphinx configuration for ytsession's documentation."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(".."))

from ytsession import __version__

project = "ytsession"
author = "the ytsession developers"
copyright = "2026, the ytsession developers"
release = __version__
version = __version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Type hints name classes from libraries whose docs are not linked here; do not warn on them.
nitpicky = False

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "furo"
html_title = f"ytsession {release}"
exclude_patterns = ["_build"]
