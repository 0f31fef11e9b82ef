"""Lazy re-exports, so that ``import ytsession`` loads no HTTP library.

A cron job that only needs a fresh token from a file should not pay for ``requests``; names
are imported from their modules the first time they are used.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing and collections.abc cost start-up time: annotations only
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_getattr(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """:return: a module ``__getattr__`` that imports ``exports[name]`` (a module path
    relative to ``package``) on first use and caches the name in the package."""

    def __getattr__(name: str) -> Any:
        module_name = exports.get(name)
        if module_name is None:  # also `from . import submodule` asking first: no import
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        import importlib  # here, not at the top: `ytsession token` never needs it

        value = getattr(importlib.import_module(module_name, package), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
