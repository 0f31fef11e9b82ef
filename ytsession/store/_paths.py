"""Where profiles live on disk, as paths. The rules themselves (default home, profile
names, file names) are :mod:`._rules`', shared with the ``ytsession token`` fast path."""

from __future__ import annotations

import os
from pathlib import Path

from .._hints import CHOOSE_DEFAULT_PROFILE
from .._rules import (
    DEFAULT_PROFILE,
    DEFAULT_PROFILE_FILE,
    HOME_ENV,
    PROFILE_ENV,
    SETTINGS_FILE,
    STORE_ENV,
    TOKEN_FILE,
    chosen_profile,
    default_home,
    default_profile_name,
    is_profile_name,
)
from ..errors import ProfileError

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_PROFILE_FILE",
    "HOME_ENV",
    "PROFILE_ENV",
    "SETTINGS_FILE",
    "STORE_ENV",
    "TOKEN_FILE",
    "checked_name",
    "chosen_profile",
    "default_profile_name",
    "home_dir",
    "profile_dir",
]


def home_dir(home: str | Path | None = None) -> Path:
    """The directory holding the file store's profiles.

    :return: ``home``, else ``$YTSESSION_HOME``, else the user data directory
        (:func:`~ytsession._rules.default_home`).
    """
    return Path(default_home(home))


def checked_name(name: str | None, *, home: str | Path | None = None) -> str:
    """:return: ``name`` (or the default profile name when ``None``: see
        :func:`~ytsession._rules.default_profile_name`).

    :param home: the file store's directory, where ``ytsession profiles use`` keeps the
        default profile's name.
    :raises ProfileError: the name is not 1-64 letters, digits, ``_``, ``.`` or ``-``.
    """
    if not name and not os.environ.get(PROFILE_ENV):
        chosen = chosen_profile(home)
        if chosen is not None and not is_profile_name(chosen):
            raise ProfileError(
                f"{Path(default_home(home)) / DEFAULT_PROFILE_FILE} does not name a usable profile"
            ).with_hint(CHOOSE_DEFAULT_PROFILE)
    name = name or default_profile_name(home)
    if not is_profile_name(name):
        raise ProfileError(
            f"profile name {name!r} is not usable: use 1-64 letters, digits, '_', '.' "
            "or '-', not starting with '.' or '-'"
        )
    return name


def profile_dir(name: str | None = None, home: str | Path | None = None) -> Path:
    """:return: the directory of profile ``name``."""
    return home_dir(home) / "profiles" / checked_name(name)
