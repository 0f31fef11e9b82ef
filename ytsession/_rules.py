"""The rules ``ytsession token`` shares with the library, written once.

Where the profiles live by default, what a profile name may be, the file names of a profile
(the refresh margin is :mod:`ytsession.oauth.rules`'). The library (:mod:`._paths`) and the
command line's fast path (:mod:`ytsession.cli.fast`) both import them
from here, so they cannot drift apart. Imports :mod:`os` and :mod:`sys` only: no ``re``,
``pathlib`` or ``typing``, which would cost ``ytsession token`` more than the rest of its work.
"""

from __future__ import annotations

import os
import sys

#: Environment variable naming the directory that holds the profiles.
HOME_ENV = "YTSESSION_HOME"
#: Environment variable naming the profile store (a directory or a URL).
STORE_ENV = "YTSESSION_STORE"
#: Environment variable naming the profile used when none is given.
PROFILE_ENV = "YTSESSION_PROFILE"
DEFAULT_PROFILE = "default"
TOKEN_FILE = "oauth.json"
SETTINGS_FILE = "profile.json"
#: The file beside ``profiles/`` that names the default profile (``ytsession profiles use``):
#: one line, the profile's name. Read with :mod:`os` alone by the ``ytsession token`` fast path.
DEFAULT_PROFILE_FILE = "default-profile"

#: The longest profile name.
NAME_MAX = 64
_NAME_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_NAME_REST = _NAME_FIRST | frozenset(".-")


def is_profile_name(name: str) -> bool:
    """:return: whether ``name`` is 1-64 ASCII letters, digits, ``_``, ``.`` or ``-``, not
    starting with ``.`` or ``-`` (so it is one safe path component and one Redis key part)."""
    return (
        0 < len(name) <= NAME_MAX
        and name[0] in _NAME_FIRST
        and all(c in _NAME_REST for c in name[1:])
    )


def chosen_profile(home: str | os.PathLike[str] | None = None) -> str | None:
    """The profile ``ytsession profiles use NAME`` made the default: the text of
    :data:`DEFAULT_PROFILE_FILE` in :func:`default_home` (``home``: the file store's
    directory; other stores keep it in the user's own default home).

    :return: the stored text, stripped (not checked: :func:`is_profile_name` is the
        caller's), or ``None`` when none is set or the file cannot be read.
    """
    try:
        with open(os.path.join(default_home(home), DEFAULT_PROFILE_FILE), encoding="utf-8") as f:
            text = f.read(NAME_MAX + 2)
    except (OSError, ValueError):
        return None
    return text.strip() or None


def choice_home(
    home: str | os.PathLike[str] | None = None, store: str | None = None
) -> str | os.PathLike[str] | None:
    """Where ``ytsession profiles use`` keeps its choice for these ``--home`` / ``--store``
    values: the file store's directory, or ``None`` (the user's default home) for a store
    that is not files (Redis).

    :param store: a directory or a URL; default ``$YTSESSION_STORE`` unless ``home`` is given.
    """
    if store is None and home is None:
        store = os.environ.get(STORE_ENV) or None
    if store is None:
        return home
    if store.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        return unquote(urlsplit(store).path)
    return None if "://" in store else store


def default_profile_name(home: str | os.PathLike[str] | None = None) -> str:
    """The profile a command uses when none is named.

    :param home: the file store's directory (where ``profiles use`` keeps its choice).
    :return: ``$YTSESSION_PROFILE``, else the one ``ytsession profiles use`` chose
        (:func:`chosen_profile`), else ``"default"``.
    """
    return os.environ.get(PROFILE_ENV) or chosen_profile(home) or DEFAULT_PROFILE


def default_home(home: str | os.PathLike[str] | None = None) -> str:
    """The directory holding the file store's profiles.

    :return: ``home``, else ``$YTSESSION_HOME``, else the user data directory: on Linux
        ``$XDG_DATA_HOME/ytsession`` (when absolute) or ``~/.local/share/ytsession``, worked
        out here because importing platformdirs would triple the fast path's time; elsewhere
        platformdirs' ``user_data_dir``.
    """
    if home is not None:
        return os.fspath(home)
    env = os.environ.get(HOME_ENV)
    if env:
        return env
    if sys.platform == "linux" and not hasattr(sys, "getandroidapilevel"):
        data = os.environ.get("XDG_DATA_HOME", "")
        if not os.path.isabs(data):
            data = os.path.expanduser("~/.local/share")
        return os.path.join(data, "ytsession")
    from platformdirs import user_data_dir

    return user_data_dir("ytsession", appauthor=False)
