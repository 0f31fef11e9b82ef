"""Where profiles live on disk. Standard library only: the token fast path imports it."""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import ProfileError

#: Environment variable naming the directory that holds the profiles.
HOME_ENV = "YTSESSION_HOME"
#: Environment variable naming the profile store (a directory or a URL).
STORE_ENV = "YTSESSION_STORE"
#: Environment variable naming the profile used when none is given.
PROFILE_ENV = "YTSESSION_PROFILE"
DEFAULT_PROFILE = "default"
TOKEN_FILE = "oauth.json"
SETTINGS_FILE = "profile.json"

_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$")


def home_dir(home: str | Path | None = None) -> Path:
    """The directory holding the file store's profiles.

    :return: ``home``, else ``$YTSESSION_HOME``, else the platform's user data directory.
    """
    if home is not None:
        return Path(home)
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env)
    from platformdirs import user_data_dir

    return Path(user_data_dir("ytsession", appauthor=False))


def default_profile_name() -> str:
    """:return: ``$YTSESSION_PROFILE`` or ``"default"``."""
    return os.environ.get(PROFILE_ENV) or DEFAULT_PROFILE


def checked_name(name: str | None) -> str:
    """:return: ``name`` (or the default profile name when ``None``).

    :raises ProfileError: the name is not 1-64 letters, digits, ``_``, ``.`` or ``-``.
    """
    name = name or default_profile_name()
    if not _NAME.match(name):
        raise ProfileError(
            f"profile name {name!r} is not usable: use 1-64 letters, digits, '_', '.' "
            "or '-', not starting with '.' or '-'"
        )
    return name


def profile_dir(name: str | None = None, home: str | Path | None = None) -> Path:
    """:return: the directory of profile ``name``."""
    return home_dir(home) / "profiles" / checked_name(name)
