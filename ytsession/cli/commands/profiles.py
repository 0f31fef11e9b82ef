"""The command line's profile store commands: ``ytsession profiles`` (list),
``ytsession profiles copy NAME --to URL`` (move a login between stores) and
``ytsession profiles use NAME`` (the profile commands use when none is named).

"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from ..._console import say
from ...errors import ProfileError, YTSessionError
from ..common import one_line, one_store

if TYPE_CHECKING:
    from pathlib import Path

    from ...store import ProfileStore
    from ..common import Parents


def register(sub: Any, parents: Parents) -> None:
    """Add ``profiles`` (and ``profiles copy``, ``profiles use``) to the command's
    subparsers."""
    common = parents.store
    profiles = sub.add_parser(
        "profiles",
        parents=[common],
        help="list the profiles of a store (kind, account, server, state), copy one, or "
        "choose the default one",
        description="List every profile of the store (--store, $YTSESSION_STORE or the "
        "default directory; the one commands use without --profile is marked), copy one to "
        "another store with `profiles copy`, or choose that default with `profiles use`.",
    )
    profiles.add_argument("--json", action="store_true", help="print JSON")
    profiles.add_argument(
        "--names", action="store_true", help="print only the names, one a line (for scripts)"
    )
    profiles.set_defaults(handler=cmd_profiles)
    actions = profiles.add_subparsers(dest="profiles_command", metavar="ACTION")
    copy = actions.add_parser(
        "copy",
        parents=[common],
        help="copy a profile to another store (e.g. a laptop's login into the fleet's Redis)",
        description="Copy profile NAME (its settings, token or cookies, and caches) from "
        "--from (default: --store, $YTSESSION_STORE or the default directory) to --to, in "
        "one write. A profile of the same name at --to is kept unless --force is given.",
    )
    copy.add_argument("name", metavar="NAME", help="the profile to copy")
    copy.add_argument("--to", required=True, metavar="URL", help="the store to copy into")
    copy.add_argument("--from", dest="source", metavar="URL", help="the store to copy from")
    copy.add_argument("--as", dest="new_name", metavar="NAME", help="name it NAME at --to")
    copy.add_argument("--force", action="store_true", help="replace a profile at --to")
    copy.add_argument(
        "--move",
        action="store_true",
        help="delete the profile from the source store once copied (keeps one live copy "
        "of a rotating refresh token)",
    )
    copy.set_defaults(handler=cmd_profiles_copy)
    use = actions.add_parser(
        "use",
        parents=[common],
        help="make NAME the profile commands use without --profile (as `gh auth switch`)",
        description="Make profile NAME the default: commands given no --profile (and no "
        "$YTSESSION_PROFILE, which still comes first) use it. The choice is kept in the file "
        "'default-profile' beside the store's profiles/ directory (for a Redis store, in the "
        "user data directory).",
    )
    use.add_argument("name", metavar="NAME", help="the profile to use by default")
    use.set_defaults(handler=cmd_profiles_use)


def _default_home(store: ProfileStore) -> Path | None:
    """Where ``profiles use`` keeps the default profile of ``store`` (``None``: the user's
    default home, for a store that is not files)."""
    from ...store import FileStore

    return store.home if isinstance(store, FileStore) else None


def profile_rows(store: ProfileStore) -> list[dict[str, Any]]:
    """:return: one row per profile of ``store``: name, whether it is the default (the one
    used without ``--profile``), kind, account, server, store and state, read from the
    store only (no network request to a login server)."""
    from ..._rules import default_profile_name
    from ...store.profiles import Profile

    default = default_profile_name(_default_home(store))
    rows = []
    for name in store.profiles():
        profile = Profile(name=name, store=store)
        row: dict[str, Any] = {"profile": name, "default": name == default, "store": store.url}
        lock = store.lock_state(name)  # the Redis store records its holder
        if lock is not None:
            row.update(lock.fields())
        refreshed = store.last_refresh(name)
        row.update(
            refreshed.fields() if refreshed else {"refreshed_at": None, "refreshed_by": None}
        )
        try:
            settings = profile.load_settings()
            kind = profile.kind(settings)
            row.update(
                kind=settings.kind,
                account=kind.account(settings),
                server=kind.server(settings),
                state=kind.state(profile, settings),
            )
        except YTSessionError as exc:
            row.setdefault("kind", None)
            row.update(account=None, server=None, state=f"unusable: {one_line(exc)}")
        rows.append(row)
    return rows


def cmd_profiles(args: argparse.Namespace) -> int:
    """List the profiles of the store."""
    from ...store import open_store

    one_store(args)
    with open_store(args.store, home=args.home) as store:
        rows = profile_rows(store)
        if args.names:
            print("".join(f"{row['profile']}\n" for row in rows), end="")
            return 0
        if args.json:
            print(json.dumps(rows, indent=2))
            return 0
        if not rows:
            say(f"No profiles in {store.url}; log in with `ytsession login`.")
            return 0
    columns = ("profile", "kind", "account", "server", "state")
    table = [[str(row.get(c) or "-") for c in columns] for row in rows]
    for row, line in zip(rows, table, strict=True):
        line[0] += " (default)" if row["default"] else ""
    widths = [max(len(c), *(len(line[i]) for line in table)) for i, c in enumerate(columns)]
    print("  ".join(c.upper().ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for line in table:
        print("  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
    say(f"(store: {rows[0]['store']})")
    return 0


def cmd_profiles_copy(args: argparse.Namespace) -> int:
    """Copy a profile from one store to another, checked first and written in one go."""
    from ... import store as stores
    from ...store._paths import checked_name
    from ...store.profiles import Profile

    if args.source is not None and args.store is not None:
        from ..._console import UsageError

        raise UsageError("give the store to copy from once: --from URL or --store URL")
    name = checked_name(args.name)
    target_name = checked_name(args.new_name or name)
    with (
        stores.open_store(args.source or args.store, home=args.home) as source,
        stores.open_store(args.to) as target,
    ):
        if source.url == target.url and name == target_name:
            raise ProfileError(f"profile '{name}' is already in {target.url}")
        origin = Profile(name=name, store=source)
        with source.lock(name):
            items = source.read_many(name, stores.ITEMS)
            settings = origin.load_settings()  # a missing or corrupt profile stops here
            kind = origin.kind(settings)
            if kind.has_token:
                origin.load_token()
            else:
                origin.load_cookies()
            if target.read(target_name, stores.SETTINGS) is not None and not args.force:
                raise ProfileError(
                    f"profile '{target_name}' exists in {target.url} already; pass --force "
                    "to replace it"
                )
            with target.lock(target_name):
                target.write(target_name, items)  # settings last / all at once
            if args.move:
                source.delete(name)
        say(f"Copied profile '{name}' from {source.url} to {target.url} as '{target_name}'.")
        if args.move:
            say(f"Deleted it from {source.url}.")
        elif kind.has_token:
            say(
                "Both stores now hold the same refresh token: use one of them (a server that "
                "rotates refresh tokens ends the login when both are used), or pass --move."
            )
    return 0


def cmd_profiles_use(args: argparse.Namespace) -> int:
    """Make a profile the default: the one commands use when given no ``--profile``."""
    import os

    from ..._files import atomic_write_text
    from ...store import SETTINGS, open_store
    from ...store._paths import DEFAULT_PROFILE_FILE, PROFILE_ENV, checked_name, home_dir

    one_store(args)
    name = checked_name(args.name)
    with open_store(args.store, home=args.home) as store:
        if store.read(name, SETTINGS) is None:
            raise ProfileError(
                f"there is no profile '{name}' in {store.url}; `ytsession profiles` lists "
                f"them, `ytsession login --profile {name}` makes it"
            )
        path = home_dir(_default_home(store)) / DEFAULT_PROFILE_FILE
    atomic_write_text(path, name + "\n")
    say(f"Commands given no --profile now use profile '{name}' (kept in {path}).")
    shadow = os.environ.get(PROFILE_ENV)
    if shadow and shadow != name:
        say(f"${PROFILE_ENV} is set to '{shadow}', which still comes first in this shell.")
    return 0
