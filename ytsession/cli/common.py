"""What the commands share: the profile a command is about, its server, its account, and
one-line messages.

Names here are public to the package's command modules (no leading underscore); nothing
outside :mod:`ytsession.cli` uses them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import YTSessionError

if TYPE_CHECKING:
    import argparse

    from ..store.profiles import Profile, ProfileSettings


@dataclass(frozen=True)
class Parents:
    """The option sets commands take as ``argparse`` parents."""

    #: ``--profile``, ``--home``, ``--store``: a command about one profile.
    profile: argparse.ArgumentParser
    #: ``--home``, ``--store``: a command about a whole store (``profiles``).
    store: argparse.ArgumentParser


def profile_of(args: argparse.Namespace) -> Profile:
    from ..store.profiles import Profile

    one_store(args)
    return Profile.named(args.profile, home=args.home, store=args.store)


def one_store(args: argparse.Namespace) -> None:
    """:raises UsageError: both ``--store`` and ``--home`` name where the profiles are."""
    if getattr(args, "store", None) and getattr(args, "home", None):
        from .._console import UsageError

        raise UsageError("give --store URL or --home DIR, not both (--home is a file store)")


def flag(profile: Profile) -> str:
    """`` --profile NAME`` for hints about ``profile`` (nothing for the default one)."""
    from ..store.profiles import flag_of

    return flag_of(profile.name, profile.store)


def named_server_of(args: argparse.Namespace) -> str | None:
    """The server of an anonymous call: ``--server``, else ``$YTSESSION_SERVER``, else
    ``None`` (YouTube and Google themselves).

    :raises UsageError: the URL is unusable.
    """
    from ..store.servers import named_server

    return named_server(getattr(args, "server", None))


def profile_server_of(
    args: argparse.Namespace, profile: Profile, settings: ProfileSettings
) -> str | None:
    """The server a stored login talks to: always the one it was made on.

    :raises ServerMismatchError: ``--server`` names another one (exit 2); a different
        ``$YTSESSION_SERVER`` is ignored with a notice.
    """
    from ..store.servers import server_for

    return server_for(settings, profile=profile.name, given=getattr(args, "server", None))


def login_server(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None, service: str
) -> str | None:
    """The server of a new login: ``--server``, else ``$YTSESSION_SERVER``, else the one
    the profile's previous login of the same service was made on. A login on another
    server replaces the profile's binding (said in one line).

    :raises UsageError: the URL is unusable.
    """
    from ..store.servers import named_server, profile_server, same_server, shown_server

    named = named_server(getattr(args, "server", None))
    own = None
    if previous is not None and profile.kind(previous).service == service:
        own = profile_server(previous)
    if named is None or same_server(named, own):
        return own
    if previous is not None:
        from .._console import say

        say(
            f"Profile '{profile.name}' was logged in on {shown_server(own)}; this login on "
            f"{named} replaces it."
        )
    return named


def where(profile: Profile) -> str:
    """Where a profile lives, for the success line of a login (a password hidden)."""
    from ..store import FileStore

    return str(profile.store.home) if isinstance(profile.store, FileStore) else profile.store.url


def logged_in_line(account: str | None, profile: Profile) -> str:
    who = account or "an account the server did not name"
    return f"Logged in as {who}; saved as profile {profile.name} in {where(profile)}"


# --- accounts ----------------------------------------------------------------------------


def account_of(profile: Profile, settings: ProfileSettings, server: str | None) -> str | None:
    """Ask the server which account the profile's login belongs to (the kind knows how:
    InnerTube's ``account/accounts_list`` for an OAuth login, ``account/account_menu`` for
    cookies, ``/api/v1/users/me`` for PeerTube).

    :return: the account's name, or ``None`` when the answer names none.
    :raises LoginRequiredError: the login is dead (the refresh was refused).
    :raises NetworkError: the server could not be reached.
    """
    return profile.kind(settings).ask_account(profile, settings, server)


def record_account(profile: Profile, settings: ProfileSettings, account: str | None) -> None:
    if account and settings.extra.get("account") != account:
        settings.extra["account"] = account
        profile.save_settings(settings)


def look_up_account(profile: Profile, settings: ProfileSettings) -> str | None:
    """The account right after a login: a failure here must not fail the login."""
    from ..errors import YTSessionError
    from ..store.servers import profile_server

    try:
        account = account_of(profile, settings, profile_server(settings))
    except (YTSessionError, ValueError) as exc:
        from .._console import say

        say(f"(could not ask the server for the account's name: {one_line(exc)})")
        return None
    record_account(profile, settings, account)
    return account


def check_login(
    profile: Profile, settings: ProfileSettings, server: str | None
) -> tuple[str, str | None, str]:
    """Check a login with the server (the account question, signed with the access token).

    :return: ``(state, account, detail)``: state ``"valid"`` or ``"dead"``.
    :raises NetworkError: the server could not be reached.
    """
    from ..errors import LoggedOutError, LoginRequiredError

    try:
        # One authenticated call with the stored access token: it is refreshed first only
        # when it is expiring, and once more only when the server refuses it.
        account = account_of(profile, settings, server)
    except (LoginRequiredError, LoggedOutError) as exc:
        return "dead", None, one_line(exc)
    record_account(profile, settings, account)
    return "valid", account, ""


def alive_account(profile: Profile, settings: ProfileSettings, server: str | None) -> str | None:
    """Check the login with the server (:func:`check_login`).

    :return: the account the server named, if any.
    :raises LoginRequiredError: the login is dead (exit 3), with the command that revives it.
    """
    from ..errors import LoginRequiredError

    state, account, detail = check_login(profile, settings, server)
    if state == "dead":
        raise LoginRequiredError(
            f"{without_login_hint(detail)}; log in again with `ytsession login{flag(profile)}`"
        )
    return account


def without_login_hint(detail: str) -> str:
    """``detail`` without the library's own "run `ytsession login` ..." advice, for messages
    that end with a hint of their own (naming the profile)."""
    import re

    return re.sub(
        r";?\s*(?:run|log in again with) `ytsession login[^`]*`(?: again| first)?", "", detail
    )


def one_line(exc: BaseException) -> str:
    """:return: the error as one line, with its hint in the command line's words
    (:meth:`~ytsession.errors.YTSessionError.cli_message`)."""
    text = exc.cli_message() if isinstance(exc, YTSessionError) else str(exc)
    return " ".join(text.split()) or type(exc).__name__


def server_option(parser: argparse.ArgumentParser, *aliases: str, help: str) -> None:
    parser.add_argument("--server", *aliases, dest="server", metavar="URL", help=help)


#: ``--server``'s help where a stored login is used.
OWN_SERVER = (
    "the server the profile was logged in on (the default); its login is sent nowhere "
    "else, so naming another server is an error"
)


def locale_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--lang`` and ``--location``: the language and region an InnerTube context
    names (``hl`` and ``gl``), the same for every command that makes one."""
    parser.add_argument("--lang", default="en", help="interface language, hl (default en)")
    parser.add_argument("--location", default="US", help="content region, gl (default US)")
