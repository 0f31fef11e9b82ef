"""The ``ytsession`` command line.

Data goes to standard output, messages to standard error. A failure exits non-zero with one
line saying why: 1 for most errors, 2 for usage errors, 3 when a login is missing or dead
(run ``ytsession login``), 4 when the network failed, 130 on Ctrl-C. A person at a terminal
never sees a traceback.

``ytsession token`` with a fresh token is answered before anything else is imported, by
:func:`ytsession.auth._token_fast.token_command` (the ``ytsession`` script calls it before
it imports this module): without ``argparse``, ``typing``, ``pathlib``, ``re`` or
``requests``.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn

    from .auth.credentials import OAuthCredentials
    from .auth.profiles import Profile, ProfileSettings

    Handler = Callable[[argparse.Namespace], int]

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_LOGIN = 3
EXIT_NETWORK = 4
EXIT_INTERRUPTED = 130

CLIENT_ID_ENV = "YTSESSION_CLIENT_ID"
CLIENT_SECRET_ENV = "YTSESSION_CLIENT_SECRET"


# --- shared helpers ----------------------------------------------------------------------


def _profile(args: argparse.Namespace) -> Profile:
    from .auth.profiles import Profile

    _one_store(args)
    return Profile.named(args.profile, home=args.home, store=args.store)


def _one_store(args: argparse.Namespace) -> None:
    """:raises UsageError: both ``--store`` and ``--home`` name where the profiles are."""
    if getattr(args, "store", None) and getattr(args, "home", None):
        from ._console import UsageError

        raise UsageError("give --store URL or --home DIR, not both (--home is a file store)")


def _flag(profile: Profile) -> str:
    """`` --profile NAME`` for hints about ``profile`` (nothing for the default one)."""
    from .auth._paths import default_profile_name
    from .auth.store import FileStore

    home = profile.store.home if isinstance(profile.store, FileStore) else None
    return "" if profile.name == default_profile_name(home) else f" --profile {profile.name}"


def _named_server(args: argparse.Namespace) -> str | None:
    """The server of an anonymous call: ``--server``, else ``$YTSESSION_SERVER``, else
    ``None`` (YouTube and Google themselves).

    :raises UsageError: the URL is unusable.
    """
    from .auth.servers import named_server

    return named_server(getattr(args, "server", None))


def _profile_server(
    args: argparse.Namespace, profile: Profile, settings: ProfileSettings
) -> str | None:
    """The server a stored login talks to: always the one it was made on.

    :raises ServerMismatchError: ``--server`` names another one (exit 2); a different
        ``$YTSESSION_SERVER`` is ignored with a notice.
    """
    from .auth.servers import server_for

    return server_for(settings, profile=profile.name, given=getattr(args, "server", None))


def _login_server(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None, service: str
) -> str | None:
    """The server of a new login: ``--server``, else ``$YTSESSION_SERVER``, else the one
    the profile's previous login of the same service was made on. A login on another
    server replaces the profile's binding (said in one line).

    :raises UsageError: the URL is unusable.
    """
    from .auth.servers import named_server, profile_server, same_server, shown_server

    named = named_server(getattr(args, "server", None))
    own = None
    if previous is not None and profile.kind(previous).service == service:
        own = profile_server(previous)
    if named is None or same_server(named, own):
        return own
    if previous is not None:
        from ._console import say

        say(
            f"Profile '{profile.name}' was logged in on {shown_server(own)}; this login on "
            f"{named} replaces it."
        )
    return named


def _where(profile: Profile) -> str:
    """Where a profile lives, for the success line of a login (a password hidden)."""
    from .auth.store import FileStore

    return str(profile.store.home) if isinstance(profile.store, FileStore) else profile.store.url


def _logged_in_line(account: str | None, profile: Profile) -> str:
    who = account or "an account the server did not name"
    return f"Logged in as {who}; saved as profile {profile.name} in {_where(profile)}"


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


def _record_account(profile: Profile, settings: ProfileSettings, account: str | None) -> None:
    if account and settings.extra.get("account") != account:
        settings.extra["account"] = account
        profile.save_settings(settings)


def _look_up_account(profile: Profile, settings: ProfileSettings) -> str | None:
    """The account right after a login: a failure here must not fail the login."""
    from .auth.servers import profile_server
    from .errors import YTSessionError

    try:
        account = account_of(profile, settings, profile_server(settings))
    except (YTSessionError, ValueError) as exc:
        from ._console import say

        say(f"(could not ask the server for the account's name: {_one_line(exc)})")
        return None
    _record_account(profile, settings, account)
    return account


# --- login -------------------------------------------------------------------------------


def _cached_tv_client(previous: ProfileSettings | None, tv_url: str) -> OAuthCredentials | None:
    """The YouTube TV client identity a previous login of this profile discovered."""
    from .youtube_kinds import YOUTUBE_TV

    return YOUTUBE_TV.cached_client(previous, tv_url=tv_url)


def _oauth_client(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None
) -> tuple[OAuthCredentials, ProfileSettings]:
    """The OAuth client of a Google login: the flags, else the profile's own (a re-login),
    else the environment; the server likewise."""
    from ._console import ask, say, stdin_is_tty
    from .auth.credentials import OAuthCredentials, OAuthEndpoints
    from .auth.kinds import YOUTUBE
    from .auth.profiles import KIND_OAUTH, KIND_YOUTUBE_TV, credentials_for
    from .auth.servers import profile_server, same_server
    from .errors import InteractionRequiredError
    from .youtube_kinds import GOOGLE_OAUTH, YOUTUBE_TV

    server = _login_server(args, profile, previous, YOUTUBE)
    extra: dict[str, Any] = {"server": server} if server else {}
    was_tv = previous is not None and YOUTUBE_TV.describes(previous)
    reuse = (
        previous is not None
        and (GOOGLE_OAUTH.describes(previous) or was_tv)
        and not args.client_id
        and not args.youtube_tv
        and (was_tv or not args.client_secret)
        and same_server(profile_server(previous), server)
    )
    if args.youtube_tv or (reuse and was_tv):
        tv_url = f"{server}/tv" if server else "https://www.youtube.com/tv"
        cached = None if args.rediscover else _cached_tv_client(previous, tv_url)
        if cached is not None:
            say("Using the YouTube TV client identity cached in the profile.")
            credentials = cached
        else:
            say(f"Reading the YouTube TV app's client identity from {tv_url} ...")
            credentials = OAuthCredentials.from_youtube_tv(tv_url=tv_url)
        extra["tv_url"] = tv_url
        return credentials, credentials.profile_settings(KIND_YOUTUBE_TV, extra=extra)
    if reuse and previous is not None:
        say(f"Logging in again with profile '{profile.name}''s own OAuth client.")
        reused = credentials_for(previous)
        assert isinstance(reused, OAuthCredentials)
        return reused, reused.profile_settings(KIND_OAUTH, extra=extra)
    client_id = args.client_id or os.environ.get(CLIENT_ID_ENV)
    client_secret = args.client_secret or os.environ.get(CLIENT_SECRET_ENV)
    if not client_id:
        raise InteractionRequiredError(
            "no OAuth client given: pass --client-id (or set "
            f"{CLIENT_ID_ENV}) and the secret, or use --youtube-tv"
        )
    if not client_secret:
        if not stdin_is_tty():
            raise InteractionRequiredError(
                f"no client secret given and no terminal to ask for it: set "
                f"{CLIENT_SECRET_ENV} or pass --client-secret"
            )
        client_secret = ask("OAuth client secret: ", what="client secret", secret=True)
        if not client_secret:
            raise InteractionRequiredError("no client secret was entered; nothing was sent")
    endpoints = OAuthEndpoints.under(server) if server else OAuthEndpoints.google()
    credentials = OAuthCredentials(client_id, client_secret, endpoints=endpoints)
    return credentials, credentials.profile_settings(KIND_OAUTH, extra=extra)


def _browser_mode(args: argparse.Namespace) -> str:
    from ._console import BROWSER_NO, BROWSER_OFFER, BROWSER_OPEN, stdin_is_tty

    if args.no_browser:
        return BROWSER_NO
    if args.open_browser:
        return BROWSER_OPEN
    return BROWSER_OFFER if stdin_is_tty() else BROWSER_NO


def cmd_login(args: argparse.Namespace) -> int:
    """Log in with Google's device flow (or PeerTube, or cookies) and store the profile."""
    profile = _profile(args)
    previous = profile.load_settings() if profile.exists() else None  # corrupt: reported
    profile.check_replaceable()  # a corrupt token is reported, never overwritten
    previous_kind = profile.kind(previous) if previous is not None else None
    if args.ytmusicapi:
        return _login_ytmusicapi(args, profile, previous)
    google_flags = args.client_id or args.youtube_tv
    cookie_flags = args.cookies or args.cookies_from_stdin
    if args.peertube is not None or (
        previous_kind is not None
        and previous_kind.service == "peertube"
        and not google_flags
        and not cookie_flags
    ):
        from ._console import say
        from .peertube._cli import login_profile

        settings = login_profile(args, profile, previous)
        account = _look_up_account(profile, settings) or settings.extra.get("username")
        instance = settings.endpoints.get("instance_url", "")
        say(_logged_in_line(f"{account} on {instance}", profile))
        return 0
    if cookie_flags or (
        previous_kind is not None and not previous_kind.has_token and not google_flags
    ):
        from .auth._cookie_cli import cmd_login_cookies

        if not cookie_flags:
            from .errors import InteractionRequiredError

            raise InteractionRequiredError(
                f"profile '{profile.name}' signs in with browser cookies: export them again "
                f"and run `ytsession login --cookies FILE{_flag(profile)}`"
            )
        from ._console import say
        from .auth.kinds import YOUTUBE

        server = _login_server(args, profile, previous, YOUTUBE)
        settings = cmd_login_cookies(args, profile)
        if server:
            settings.extra["server"] = server
            profile.save_settings(settings)
        say(_logged_in_line(_look_up_account(profile, settings), profile))
        return 0
    return _login_google(args, profile, previous)


#: What to do about a file ``login --ytmusicapi`` cannot use.
_YTMUSICAPI_ADVICE = "give the oauth.json that `ytmusicapi oauth` wrote (it is only read)"


def _login_ytmusicapi(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None
) -> int:
    """Import ytmusicapi's ``oauth.json`` into the profile, kept only once the server
    accepted a refresh with it and the given client. The file itself is only read."""
    from pathlib import Path

    from ._console import UsageError, say
    from .auth.token import RefreshingToken
    from .auth.tokenfile import parse_token, read_json_object
    from .errors import LoginRequiredError, TokenFileError

    if args.youtube_tv or args.cookies or args.cookies_from_stdin or args.peertube is not None:
        raise UsageError(
            "--ytmusicapi imports a login made with your own OAuth client: give it with "
            "--client-id and --client-secret (or the environment), without --youtube-tv, "
            "--cookies or --peertube"
        )
    path, what = Path(args.ytmusicapi), "ytmusicapi file"
    data = read_json_object(path, what=what, advice=_YTMUSICAPI_ADVICE)
    if "access_token" not in data and any(key.lower() == "cookie" for key in data):
        raise TokenFileError(
            f"{what} {path} is a browser login (request headers), not an OAuth one: import "
            f"it with `ytsession login --cookies {path}{_flag(profile)}`",
            path=str(path),
        )
    stored = parse_token(data, path=str(path), what=what, advice=_YTMUSICAPI_ADVICE)
    credentials, settings = _oauth_client(args, profile, previous)
    token = RefreshingToken(credentials, **stored)  # in memory: the file stays as it is
    try:
        # The check: only a refresh proves the refresh token and the client together
        # (Google does not rotate refresh tokens, so ytmusicapi's copy keeps working).
        token.refresh(force=True)
    except LoginRequiredError as exc:
        raise LoginRequiredError(
            f"the server refused the login in {path} ({_without_login_hint(_one_line(exc))}); "
            f"nothing was kept. Log in anew with `ytsession login{_flag(profile)}`"
        ) from None
    profile.save_login(settings, token=token.as_dict())  # the token first, then the settings
    say(f"Imported the ytmusicapi login from {path} (the file is left as it was).")
    say(_logged_in_line(_look_up_account(profile, settings), profile))
    return 0


def _login_google(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None
) -> int:
    from ._console import device_login, say
    from .auth.token import RefreshingToken

    credentials, settings = _oauth_client(args, profile, previous)
    qr = False if args.no_qr else None  # None: when stderr is a terminal
    raw = device_login(credentials, out=sys.stderr, qr=qr, browser=_browser_mode(args))
    token = RefreshingToken.from_login_answer(credentials, raw)
    profile.save_login(settings, token=token.as_dict())  # the token first, then the settings
    say(_logged_in_line(_look_up_account(profile, settings), profile))
    return 0


# --- token -------------------------------------------------------------------------------


def cmd_token(args: argparse.Namespace) -> int:
    """Print a valid access token, refreshing it first when it is about to expire; with
    ``--check``, first ask the server whether the login still works.

    :return: 0, or 3 (raised) when there is no login or ``--check`` found it dead.
    """
    profile = _profile(args)  # a fresh token was printed by `token_command` before this
    profile.check_replaceable()  # a corrupt token is named before anything else
    settings = profile.load_settings()
    kind = profile.kind(settings)
    if args.check and kind.has_token:
        _alive_account(profile, settings, _profile_server(args, profile, settings))
    print(kind.access_token(profile, settings))
    return 0


# --- status and whoami -------------------------------------------------------------------


def _check_login(
    profile: Profile, settings: ProfileSettings, server: str | None
) -> tuple[str, str | None, str]:
    """Check a login with the server (the account question, signed with the access token).

    :return: ``(state, account, detail)``: state ``"valid"`` or ``"dead"``.
    :raises NetworkError: the server could not be reached.
    """
    from .errors import LoggedOutError, LoginRequiredError

    try:
        # One authenticated call with the stored access token: it is refreshed first only
        # when it is expiring, and once more only when the server refuses it.
        account = account_of(profile, settings, server)
    except (LoginRequiredError, LoggedOutError) as exc:
        return "dead", None, _one_line(exc)
    _record_account(profile, settings, account)
    return "valid", account, ""


def _alive_account(profile: Profile, settings: ProfileSettings, server: str | None) -> str | None:
    """Check the login with the server (:func:`_check_login`).

    :return: the account the server named, if any.
    :raises LoginRequiredError: the login is dead (exit 3), with the command that revives it.
    """
    from .errors import LoginRequiredError

    state, account, detail = _check_login(profile, settings, server)
    if state == "dead":
        raise LoginRequiredError(
            f"{_without_login_hint(detail)}; log in again with `ytsession login{_flag(profile)}`"
        )
    return account


def _without_login_hint(detail: str) -> str:
    """``detail`` without the library's own "run `ytsession login` ..." advice, for messages
    that end with a hint of their own (naming the profile)."""
    import re

    return re.sub(
        r";?\s*(?:run|log in again with) `ytsession login[^`]*`(?: again| first)?", "", detail
    )


def _status_info(args: argparse.Namespace) -> tuple[dict[str, Any], bool]:
    """:return: the fields ``status`` shows and whether the login is dead."""
    profile = _profile(args)
    settings = profile.load_settings()
    kind = profile.kind(settings)
    server = _profile_server(args, profile, settings)
    info: dict[str, Any] = {"profile": profile.name, "kind": settings.kind}
    stored_account = settings.extra.get("account")
    info.update(kind.status_fields(profile, settings))
    info.update(kind.where_fields(settings, server))
    dead = False
    if args.offline:
        info["account"] = stored_account or "unknown (not checked: --offline)"
        info["login"] = "not checked (--offline)"
    else:
        state, account, detail = _check_login(profile, settings, server)
        dead = state == "dead"
        info["account"] = account or stored_account or "unknown (the server named none)"
        if dead:
            info["login"] = (
                f"DEAD: {_without_login_hint(detail)}. Log in again: "
                f"`ytsession login{_flag(profile)}`"
            )
            if "access_token" in info:
                info["access_token"] = "refused with the login (it is not renewed any more)"
        else:
            info["login"] = f"valid ({kind.login_word})"
            if kind.has_token:  # the check may have renewed it
                info.update(kind.status_fields(profile, settings))
    return info, dead


def cmd_status(args: argparse.Namespace) -> int:
    """Show a profile: kind, account, server, whether the login still works (asked of the
    server unless ``--offline``) and the access token's expiry; never a secret.

    :return: 0, or 3 when the server refused the login.
    """
    import json

    from ._console import print_fields

    info, dead = _status_info(args)
    if args.json:
        info["login_ok"] = None if args.offline else not dead
        print(json.dumps(info, indent=2))
    else:
        if "logged_in" in info:  # a cookie profile
            from .auth._cookie_cli import shown_logged_in

            info["logged_in"] = shown_logged_in(info, _flag(_profile(args)))
        print_fields(
            info, hide=("access_token_expires_at", "saved_at", "soonest_expiry", "soonest_expiring")
        )
    return EXIT_LOGIN if dead else 0


def cmd_whoami(args: argparse.Namespace) -> int:
    """Print the account a profile is logged in as (asked of the server).

    :return: 0, or 3 when there is no login or it is dead.
    """
    import json

    profile = _profile(args)
    settings = profile.load_settings()
    server = _profile_server(args, profile, settings)
    if args.offline:
        stored = settings.extra.get("account")
        account = stored if isinstance(stored, str) and stored else None
    else:
        account = _alive_account(profile, settings, server)
    if args.json:
        print(json.dumps({"profile": profile.name, "kind": settings.kind, "account": account}))
    elif account:
        print(account)
    else:
        from ._console import say

        say(f"ytsession: the server named no account for profile '{profile.name}'")
        return EXIT_ERROR
    return 0


# --- logout ------------------------------------------------------------------------------


def cmd_logout(args: argparse.Namespace) -> int:
    """Revoke the profile's token at the server, then delete the profile."""
    from ._console import say
    from .errors import YTSessionError

    profile = _profile(args)
    if not profile.exists() and profile.store.read(profile.name, "token") is None:
        say(f"profile '{profile.name}' does not exist; nothing to do")
        return 0
    try:
        settings = profile.load_settings()
        say(profile.kind(settings).logout(profile, settings))
    except YTSessionError as exc:  # NetworkError included
        if not args.local:
            raise YTSessionError(
                f"could not revoke the token ({_one_line(exc)}); the profile is kept. Use "
                f"`ytsession logout --local --profile {profile.name}` to delete it without "
                "revoking"
            ) from None
        say(f"Not revoked at the server ({_one_line(exc)}).")
    profile.delete()
    say(f"Deleted profile '{profile.name}'.")
    return 0


# --- call --------------------------------------------------------------------------------


def _call_payload(data: str | None) -> dict[str, Any]:
    """Parse ``--data``: JSON, ``@file`` or ``@-`` (standard input).

    :raises UsageError: the text is not a JSON object, or the file cannot be read.
    """
    import json

    from ._console import UsageError

    if data is None:
        return {}
    text = data
    if data.startswith("@"):
        source = data[1:]
        try:
            if source == "-":
                text = sys.stdin.read()
            else:
                with open(source, encoding="utf-8") as file:
                    text = file.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise UsageError(f"cannot read --data file {source!r} ({reason})") from None
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--data is not valid JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise UsageError('--data must be a JSON object, e.g. \'{"browseId": "FEwhat_to_watch"}\'')
    return payload


def cmd_call(args: argparse.Namespace) -> int:
    """Call an InnerTube endpoint and print the JSON answer.

    Signed with the profile's login; a missing login is an error (exit 3) unless
    ``--anonymous`` asks for an unsigned call.
    """
    import json

    from ._console import UsageError
    from .errors import NotLoggedInError, YTSessionError
    from .session import Session, youtube_login

    payload = _call_payload(args.data)
    auth = None
    if args.anonymous:
        server = _named_server(args)
    else:
        profile = _profile(args)
        if not profile.exists():
            raise NotLoggedInError(
                f"there is no login for profile '{profile.name}'; run `ytsession login"
                f"{_flag(profile)}` first, or pass --anonymous for an unsigned call"
            )
        auth = youtube_login(profile.name, store=profile.store)  # signs for its server
        server = _profile_server(args, profile, profile.load_settings())
    options: dict[str, Any] = {
        "client": args.client,
        "client_version": args.client_version,
        "lang": args.lang,
        "location": args.location,
        "tz": args.tz,
        "base_url": server,
        "cache": not args.no_cache,
        "generate_session_locally": args.generate_session_locally,
        "po_token": args.po_token,
        "timeout": args.timeout,
    }
    try:
        session = Session.create(auth=auth, **options)
    except ValueError as exc:
        if isinstance(exc, YTSessionError):
            raise
        raise UsageError(str(exc)) from None
    with session:
        answer = session.call(args.endpoint, payload)
    print(json.dumps(answer, indent=None if args.compact else 2, ensure_ascii=False))
    return 0


# --- emulator, demo, completion ----------------------------------------------------------


def cmd_emulator(args: argparse.Namespace) -> int:
    """Run the loopback emulator until Ctrl-C."""
    from .testing import serve

    try:
        serve(args.host, args.port)
    except OSError as exc:
        import errno

        from ._console import say

        if exc.errno == errno.EADDRINUSE:
            say(
                f"ytsession: port {args.port} on {args.host} is already in use; pick another "
                "with --port, or --port 0 for a free one"
            )
        else:
            say(f"ytsession: cannot listen on {args.host}:{args.port} ({exc.strerror or exc})")
        return EXIT_ERROR
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the whole story against an embedded emulator."""
    from ._console import stdin_is_tty
    from .demo import run_demo

    return run_demo(auto_approve=args.auto_approve or not stdin_is_tty())


def cmd_completion(args: argparse.Namespace) -> int:
    """Print a shell completion script."""
    from ._completion import script

    print(script(args.shell, build_parser()), end="")
    return 0


# --- parser ------------------------------------------------------------------------------


def _port(text: str) -> int:
    import argparse

    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port (0-65535; 0 picks a free one)")
    return port


def _account_index(text: str) -> int:
    import argparse

    from .auth.accounts import account_number

    number = account_number(text)
    if number is None:  # not int(): it takes "٣" for 3, and isdigit() takes "²"
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an account number: give 0 for the browser's first account, "
            "1 for the second, ... in ASCII digits"
        )
    return number


def _server_option(parser: argparse.ArgumentParser, *aliases: str, help: str) -> None:
    parser.add_argument("--server", *aliases, dest="server", metavar="URL", help=help)


#: ``--server``'s help where a stored login is used.
_OWN_SERVER = (
    "the server the profile was logged in on (the default); its login is sent nowhere "
    "else, so naming another server is an error"
)


def _one_line_parser_class() -> type[argparse.ArgumentParser]:
    import argparse

    class OneLineParser(argparse.ArgumentParser):
        """Usage errors in one line (and exit status 2), pointing at ``--help``."""

        def error(self, message: str) -> NoReturn:
            self.exit(EXIT_USAGE, f"{self.prog}: {message} (see `{self.prog} --help`)\n")

    return OneLineParser


def _store_options(parser: argparse.ArgumentParser) -> None:
    """``--home`` and ``--store`` (where the profiles are), and ``-v`` after the command."""
    import argparse

    parser.add_argument(
        "--home",
        help="directory holding the profiles (default: $YTSESSION_HOME or the user data dir)",
    )
    parser.add_argument(  # the profile store: see ytsession/_profiles_cli.py and docs/fleet.rst
        "--store",
        metavar="URL",
        help="profile store: a directory, file:///path, redis://[user:password@]host:port/db "
        "or rediss://... (default: $YTSESSION_STORE, else the --home directory)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help=argparse.SUPPRESS, default=argparse.SUPPRESS
    )


def build_parser() -> argparse.ArgumentParser:
    """:return: the argument parser of the ``ytsession`` command."""
    import argparse

    from ._version import __version__

    parser = _one_line_parser_class()(
        prog="ytsession",
        description="Authenticated, long-lived sessions for YouTube InnerTube and PeerTube.",
    )
    parser.add_argument("--version", action="version", version=f"ytsession {__version__}")
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="log every HTTP request and answer on stderr (or set YTSESSION_DEBUG=1)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile",
        help="profile name (default: $YTSESSION_PROFILE, else the one `ytsession profiles "
        "use` chose, else 'default')",
    )
    _store_options(common)
    stores = argparse.ArgumentParser(add_help=False)  # `profiles`: a store, no --profile
    _store_options(stores)

    login = sub.add_parser(
        "login",
        parents=[common],
        help="log in with Google's device flow (or a PeerTube password, with --peertube, or "
        "a browser's cookies, with --cookies)",
        description="Log in and store the login as a profile. Logging in again to an "
        "existing profile reuses its OAuth client, secret and server.",
    )
    who = login.add_mutually_exclusive_group()
    who.add_argument("--client-id", help=f"your OAuth client's id (or set {CLIENT_ID_ENV})")
    who.add_argument(
        "--youtube-tv",
        action="store_true",
        help="use the YouTube TV web app's own client instead of your own",
    )
    who.add_argument(
        "--cookies",
        metavar="FILE",
        help="sign in with a logged-in browser's cookies instead: a cookies.txt, ytmusicapi's "
        "browser.json, or a file of request headers copied from the browser's dev tools",
    )
    who.add_argument(
        "--cookies-from-stdin",
        action="store_true",
        help="like --cookies, reading the pasted request headers (or cookies.txt) from stdin",
    )
    login.add_argument(
        "--account-index",
        type=_account_index,
        metavar="N",
        help="with cookies: which of the browser's signed-in accounts to use (X-Goog-AuthUser, "
        "default: the pasted headers' or 0)",
    )
    login.add_argument(
        "--on-behalf-of-user",
        metavar="ID",
        help="with cookies: act for this brand account (its page id)",
    )
    login.add_argument(
        "--client-secret",
        help=f"your OAuth client's secret (better: set {CLIENT_SECRET_ENV}, or be asked)",
    )
    browser = login.add_mutually_exclusive_group()
    browser.add_argument(
        "--open-browser", action="store_true", help="open the verification page at once"
    )
    browser.add_argument(
        "--no-browser",
        action="store_true",
        help="do not offer to open a browser (on a terminal, Enter opens it by default)",
    )
    login.add_argument("--no-qr", action="store_true", help="do not draw the QR code")
    login.add_argument(
        "--rediscover",
        action="store_true",
        help="with --youtube-tv: read the TV client identity again instead of the cached one",
    )
    _server_option(
        login,
        help="the server to log in to, e.g. `ytsession emulator`'s URL; the profile keeps "
        "it and its tokens go only there (default: $YTSESSION_SERVER, else the profile's "
        "own, else YouTube)",
    )
    login.add_argument(
        "--peertube",
        metavar="URL",
        nargs="?",
        const="",
        help="log in to this PeerTube instance (or --server's) with a password instead "
        "(asked, never an argument; read as one line from stdin when it is not a terminal)",
    )
    login.add_argument("--username", help="PeerTube username or e-mail (with --peertube)")
    login.add_argument(
        "--ytmusicapi",
        metavar="FILE",
        help="import ytmusicapi's oauth.json instead of logging in (with the OAuth client it "
        f"was made with: --client-id/--client-secret or {CLIENT_ID_ENV}/{CLIENT_SECRET_ENV}); "
        "kept once the server accepted it, the file is only read",
    )
    login.add_argument(
        "--otp-stdin",
        action="store_true",
        help="read the PeerTube two-factor code from stdin (the line after the password)",
    )
    login.set_defaults(handler=cmd_login)

    token = sub.add_parser(
        "token",
        parents=[common],
        help="print a valid access token (refreshing it if needed)",
        description="Print the profile's access token, refreshed first when it is about to "
        "expire. Without --check nothing is sent while the stored token is fresh, so a login "
        "revoked at the server goes unnoticed until the token is refused or renewed.",
    )
    token.add_argument(
        "--check",
        action="store_true",
        help="first ask the server whether the login still works (one request); exit 3 "
        "when it does not",
    )
    token.set_defaults(handler=cmd_token)

    status = sub.add_parser(
        "status",
        parents=[common],
        help="show a profile and check its login with the server (no secrets)",
        description="Show the profile's kind, account and server, ask the server whether "
        "the login still works (exit 3 when it does not), and when the short-lived access "
        "token expires (it is renewed automatically while the login works).",
    )
    status.add_argument("--json", action="store_true", help="print JSON")
    status.add_argument(
        "--offline", action="store_true", help="do not ask the server; show what is stored"
    )
    _server_option(status, help=_OWN_SERVER)
    status.set_defaults(handler=cmd_status)

    whoami = sub.add_parser(
        "whoami", parents=[common], help="print the account the profile is logged in as"
    )
    whoami.add_argument("--json", action="store_true", help="print JSON")
    whoami.add_argument(
        "--offline", action="store_true", help="print the account recorded at login"
    )
    _server_option(whoami, help=_OWN_SERVER)
    whoami.set_defaults(handler=cmd_whoami)

    logout = sub.add_parser(
        "logout", parents=[common], help="revoke the token and delete the profile"
    )
    logout.add_argument(
        "--local",
        action="store_true",
        help="delete the profile even when the server cannot be told",
    )
    logout.set_defaults(handler=cmd_logout)

    call = sub.add_parser(
        "call",
        parents=[common],
        help="call an InnerTube endpoint and print the JSON answer",
        description=(
            "POST to /youtubei/v1/ENDPOINT with the session's context and print the answer. "
            "Signed with the profile's login (a login defaults to the TVHTML5 client, the "
            "one that accepts it); without a login it fails (exit 3) unless --anonymous."
        ),
    )
    call.add_argument("endpoint", metavar="ENDPOINT", help="e.g. browse, player, next, search")
    call.add_argument(
        "--data",
        metavar="JSON",
        help="the request's fields as a JSON object, or @FILE, or @- for standard input",
    )
    call.add_argument("--client", metavar="NAME", help="client for this call, e.g. WEB, TVHTML5")
    call.add_argument("--client-version", metavar="VERSION", help="override the client version")
    call.add_argument("--lang", default="en", help="interface language, hl (default en)")
    call.add_argument("--location", default="US", help="content region, gl (default US)")
    call.add_argument("--tz", default="UTC", help="IANA time zone (default UTC)")
    call.add_argument("--po-token", metavar="TOKEN", help="PO token for player calls")
    _server_option(
        call,
        "--base-url",
        help="with --anonymous: send it here instead of YouTube, e.g. an emulator (default: "
        "$YTSESSION_SERVER); a profile's call goes to the server it was logged in on, and "
        "naming another is an error",
    )
    call.add_argument("--anonymous", action="store_true", help="do not sign the call")
    call.add_argument(
        "--no-cache", action="store_true", help="neither read nor write the session data cache"
    )
    call.add_argument(
        "--generate-session-locally",
        action="store_true",
        help="make visitor data locally instead of fetching it",
    )
    call.add_argument("--timeout", type=float, metavar="SECONDS", help="per-request timeout")
    call.add_argument("--compact", action="store_true", help="print the JSON on one line")
    call.set_defaults(handler=cmd_call)

    emulator = sub.add_parser("emulator", help="run the loopback emulator until Ctrl-C")
    emulator.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    emulator.add_argument("--port", type=_port, default=0, help="port (default 0: a free one)")
    emulator.set_defaults(handler=cmd_emulator)

    demo = sub.add_parser("demo", help="the whole story against a built-in emulator")
    demo.add_argument(
        "--auto-approve",
        action="store_true",
        help="approve the login by itself after a few seconds (default without a terminal)",
    )
    demo.set_defaults(handler=cmd_demo)

    from .innertube.potoken._cli import add_parsers as add_po_token_parsers

    add_po_token_parsers(sub)  # session-tokens, botguard-setup

    from ._profiles_cli import add_parsers as add_profiles_parsers

    add_profiles_parsers(sub, stores)  # profiles, profiles copy, profiles use

    completion = sub.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description='Print a completion script. bash: `eval "$(ytsession completion '
        'bash)"` in ~/.bashrc; zsh: `eval "$(ytsession completion zsh)"` in ~/.zshrc; '
        "fish: `ytsession completion fish > ~/.config/fish/completions/ytsession.fish`.",
    )
    completion.add_argument("shell", choices=("bash", "zsh", "fish"))
    completion.set_defaults(handler=cmd_completion)
    return parser


# --- errors at the boundary --------------------------------------------------------------

#: Python advice inside library messages, and what a person at the command line does
#: instead. The one place where errors are put into CLI words (a test checks that each
#: Python phrase still occurs in the library, so none goes stale).
CLI_WORDS: tuple[tuple[str, str], ...] = (
    (
        "pass generate_session_locally=True to make visitor data locally instead",
        "pass --generate-session-locally to make visitor data locally instead",
    ),
    ("or pass node= its path", "or pass --node PATH"),
    (
        "(or leave the client unset), or pass unsupported_client='warn' to send it anyway",
        "with --client, or leave --client out",
    ),
    (
        " (a public client of another server, without a secret, needs endpoints with "
        "client_auth='none')",
        "",
    ),
    ("or use OAuthCredentials.from_youtube_tv()", "or use `ytsession login --youtube-tv`"),
    (
        "(a server other than Google's may want another client authentication: see "
        "OAuthEndpoints.client_auth)",
        "(ytsession login sends the secret in the request body, as Google wants it; a server "
        "that wants it sent another way is only reachable from Python)",
    ),
)


def cli_words(text: str) -> str:
    """:return: ``text`` with Python advice replaced by the command line's."""
    for python, cli in CLI_WORDS:
        text = text.replace(python, cli)
    return text


def _one_line(exc: BaseException) -> str:
    return cli_words(" ".join(str(exc).split())) or type(exc).__name__


def _setup_logging(verbose: bool) -> None:
    """Show the library's warnings (long waits, fallbacks) on stderr, one line each, and
    with ``-v`` one line per HTTP request and answer.

    Safe to call again (``main`` in a loop, a test suite): the handler is added once, and
    each call only sets the level, so a later ``-v`` still takes effect.
    """
    import logging

    class _Stderr(logging.Handler):
        # Writes to sys.stderr as it is when a record comes, not as it was when added.
        def emit(self, record: logging.LogRecord) -> None:
            try:
                print(self.format(record), file=sys.stderr, flush=True)
            except Exception:
                self.handleError(record)

    logger = logging.getLogger("ytsession")
    if not any(h.get_name() == "ytsession-cli" for h in logger.handlers):
        handler = _Stderr()
        handler.set_name("ytsession-cli")
        handler.setFormatter(logging.Formatter("ytsession: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False


def _parse(argv: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line. :return: the exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        from .auth._token_fast import token_command

        status = token_command(args_list)  # `ytsession token` with a fresh token
        return status if status is not None else _run(args_list)
    except KeyboardInterrupt:
        print("\nytsession: interrupted", file=sys.stderr, flush=True)
        return EXIT_INTERRUPTED


def _run(argv: list[str]) -> int:
    from ._console import UsageError, say
    from .errors import (
        LoggedOutError,
        LoginRequiredError,
        NetworkError,
        ServerMismatchError,
        YTSessionError,
    )

    args = _parse(argv)
    verbose = bool(getattr(args, "verbose", False)) or os.environ.get(
        "YTSESSION_DEBUG", ""
    ) not in ("", "0")
    _setup_logging(verbose)
    handler: Handler = args.handler
    status = EXIT_ERROR
    try:
        if getattr(args, "server", None):  # a bad URL is a usage error, before anything
            from .auth.servers import checked_server_url

            args.server = checked_server_url(args.server, what="--server")
        return handler(args)
    except (UsageError, ServerMismatchError) as exc:
        status, error = EXIT_USAGE, _one_line(exc)
    except (LoginRequiredError, LoggedOutError) as exc:
        status, error = EXIT_LOGIN, _one_line(exc)
    except NetworkError as exc:
        status, error = EXIT_NETWORK, _one_line(exc)
    except YTSessionError as exc:
        error = _one_line(exc)
    except (EOFError, BrokenPipeError):
        return EXIT_ERROR
    except OSError as exc:  # an unreadable file named on the command line
        name = f" {exc.filename}" if exc.filename else ""
        error = f"cannot use{name}: {exc.strerror or type(exc).__name__}"
    except Exception as exc:  # a bug: still one line at a terminal, the traceback with -v
        if verbose:
            raise
        error = (
            f"unexpected {type(exc).__name__}: {_one_line(exc)[:200]}. This is a bug in "
            "ytsession; run again with -v for the traceback and report it"
        )
    say(f"ytsession: {_naming_the_profile(error, args)}")
    return status


_PROFILE_COMMANDS = frozenset({"login", "logout", "token", "status", "whoami", "call"})


def _naming_the_profile(text: str, args: argparse.Namespace) -> str:
    """Make every ``ytsession ...`` command a message suggests name the profile the failed
    command was about, so that following a hint never acts on another (the default) one."""
    name = getattr(args, "profile", None)
    if not name:
        from .auth._rules import choice_home, default_profile_name

        name = default_profile_name(
            choice_home(getattr(args, "home", None), getattr(args, "store", None))
        )
        if name == "default":
            return text
        # named by $YTSESSION_PROFILE or `profiles use`: say it outright
    home = getattr(args, "home", None)

    def add_flag(match: Any) -> str:
        command = match.group(1)
        if "--profile" in command or command.split()[0] not in _PROFILE_COMMANDS:
            return str(match.group(0))
        extra = f" --profile {name}" + (
            f" --home {home}" if home and "--home" not in command else ""
        )
        return f"`ytsession {command}{extra}`"

    import re

    return re.sub(r"`ytsession ([a-z][^`]*?)`", add_flag, text)
