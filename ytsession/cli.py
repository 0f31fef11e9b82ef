"""The ``ytsession`` command line.

Data goes to standard output, messages to standard error. A failure exits non-zero with one
line saying why: 1 for most errors, 2 for usage errors, 3 when a login is missing or dead
(run ``ytsession login``), 4 when the network failed, 130 on Ctrl-C.

Only the standard library is imported up front: ``ytsession token`` with a fresh token
reads the token file and prints it without importing ``requests``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ._console import local_time, print_fields, say, stdin_is_tty
from ._version import __version__
from .errors import (
    InteractionRequiredError,
    LoggedOutError,
    LoginRequiredError,
    NetworkError,
    YTSessionError,
)

if TYPE_CHECKING:
    from .auth.credentials import OAuthCredentials
    from .auth.profiles import Profile, ProfileSettings

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_LOGIN = 3
EXIT_NETWORK = 4
EXIT_INTERRUPTED = 130

CLIENT_ID_ENV = "YTSESSION_CLIENT_ID"
CLIENT_SECRET_ENV = "YTSESSION_CLIENT_SECRET"

Handler = Callable[[argparse.Namespace], int]


def _profile(args: argparse.Namespace) -> Profile:
    from .auth.profiles import Profile

    return Profile.named(args.profile, home=args.home)


# --- login -------------------------------------------------------------------------------


def _cached_tv_client(profile: Profile, tv_url: str) -> OAuthCredentials | None:
    """The YouTube TV client identity a previous login of this profile discovered."""
    from .auth.credentials import OAuthCredentials
    from .auth.profiles import KIND_YOUTUBE_TV

    if not profile.exists():
        return None
    settings = profile.load_settings()
    if settings.kind != KIND_YOUTUBE_TV or settings.extra.get("tv_url") != tv_url:
        return None
    credentials = profile.credentials(settings)
    return credentials if isinstance(credentials, OAuthCredentials) else None


def _oauth_client(
    args: argparse.Namespace, profile: Profile
) -> tuple[OAuthCredentials, ProfileSettings]:
    from .auth.credentials import OAuthCredentials, OAuthEndpoints
    from .auth.profiles import KIND_OAUTH, KIND_YOUTUBE_TV

    server = args.server.rstrip("/") if args.server else None
    extra: dict[str, Any] = {}
    if args.youtube_tv:
        tv_url = f"{server}/tv" if server else "https://www.youtube.com/tv"
        cached = None if args.rediscover else _cached_tv_client(profile, tv_url)
        if cached is not None:
            say("Using the YouTube TV client identity cached in the profile.")
            credentials = cached
        else:
            say(f"Reading the YouTube TV app's client identity from {tv_url} ...")
            credentials = OAuthCredentials.from_youtube_tv(tv_url=tv_url)
        kind = KIND_YOUTUBE_TV
        extra["tv_url"] = tv_url
    else:
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
            import getpass

            client_secret = getpass.getpass("OAuth client secret: ")
        endpoints = OAuthEndpoints.under(server) if server else OAuthEndpoints.google()
        credentials = OAuthCredentials(client_id, client_secret, endpoints=endpoints)
        kind = KIND_OAUTH
    return credentials, credentials.profile_settings(kind, extra=extra)


def cmd_login(args: argparse.Namespace) -> int:
    """Log in with Google's device flow and store the token in the profile."""
    from .auth.token import RefreshingToken

    profile = _profile(args)
    if args.peertube:
        from .peertube._cli import cmd_login as cmd_login_peertube

        return cmd_login_peertube(args, profile)
    if args.cookies or args.cookies_from_stdin:
        from .auth._cookie_cli import cmd_login_cookies

        return cmd_login_cookies(args, profile)
    if profile.token_path.exists():
        profile.load_token()  # a corrupt token file is reported, never overwritten
    credentials, settings = _oauth_client(args, profile)
    token = RefreshingToken.prompt_for_token(credentials, open_browser=args.open_browser)
    # The token first, then the settings that make the profile visible: both atomic.
    token.store(profile.token_path)
    profile.save_settings(settings)
    say(f"Logged in; profile '{profile.name}' stored in {profile.directory}")
    return 0


# --- token -------------------------------------------------------------------------------


def cmd_token(args: argparse.Namespace) -> int:
    """Print a valid access token, refreshing it first when it is about to expire."""
    import time

    from .auth import _paths, tokenfile

    # Fast path, standard library only: a fresh token is read and printed.
    directory = _paths.profile_dir(args.profile, args.home)
    try:
        stored = tokenfile.load_token(directory / _paths.TOKEN_FILE)
    except FileNotFoundError:
        stored = None
    if (
        stored is not None
        and stored["expires_at"] - time.time() > tokenfile.REFRESH_MARGIN
        and (directory / _paths.SETTINGS_FILE).is_file()
    ):
        print(stored["access_token"])
        return 0
    from .auth.profiles import KIND_COOKIES

    profile = _profile(args)
    settings = profile.load_settings()
    if settings.kind == KIND_COOKIES:
        from .auth._cookie_cli import no_bearer_token

        raise no_bearer_token(profile)
    token = profile.refreshing_token(settings)
    print(token.access_token)
    return 0


# --- status ------------------------------------------------------------------------------


def _describe_expiry(expires_at: int) -> str:
    import time

    left = expires_at - time.time()
    stamp = local_time(expires_at)
    if left <= 0:
        return f"expired at {stamp} (refreshed on next use)"
    return f"valid until {stamp} ({int(left // 60)} min left)"


def cmd_status(args: argparse.Namespace) -> int:
    """Show what a profile is and when its token expires; never a secret."""
    import json

    from .auth.profiles import KIND_COOKIES

    profile = _profile(args)
    settings = profile.load_settings()
    if settings.kind == KIND_COOKIES:
        from .auth._cookie_cli import cmd_status_cookies

        return cmd_status_cookies(args, profile, settings)
    stored = profile.load_token()
    info: dict[str, Any] = {
        "profile": profile.name,
        "kind": settings.kind,
        "client_id": settings.client_id,
        "scope": stored["scope"] or settings.scope,
        "token_file": str(profile.token_path),
        "expires_at": stored["expires_at"],
        "expires": _describe_expiry(stored["expires_at"]),
    }
    if settings.endpoints.get("token_url"):
        from urllib.parse import urlsplit

        info["server"] = urlsplit(settings.endpoints["token_url"]).netloc
    if settings.endpoints.get("instance_url"):  # PeerTube profiles
        info["instance"] = settings.endpoints["instance_url"]
    if settings.extra.get("username"):
        info["user"] = settings.extra["username"]
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print_fields(info, hide=("expires_at",))
    return 0


# --- logout ------------------------------------------------------------------------------


def cmd_logout(args: argparse.Namespace) -> int:
    """Revoke the profile's token at the server, then delete the profile."""
    profile = _profile(args)
    if not profile.directory.exists():
        say(f"profile '{profile.name}' does not exist; nothing to do")
        return 0
    try:
        from .auth.profiles import KIND_COOKIES, KIND_PEERTUBE

        settings = profile.load_settings()
        if settings.kind == KIND_COOKIES:  # browser cookies cannot be revoked from here
            profile.delete()
            say(
                f"Deleted profile '{profile.name}'. Its browser session stays signed in: sign "
                "out in the browser to end it."
            )
            return 0
        if settings.kind == KIND_PEERTUBE:  # revoked by a live access token, not the refresh one
            from .peertube._cli import logout_profile

            logout_profile(profile, settings)
        else:
            credentials = profile.credentials(settings)
            stored = profile.load_token()
            credentials.revoke(stored["refresh_token"])
        say("Revoked the token at the server.")
    except YTSessionError as exc:  # NetworkError included
        if not args.local:
            raise YTSessionError(
                f"could not revoke the token ({exc}); the profile is kept. Use "
                "`ytsession logout --local` to delete it without revoking"
            ) from None
        say(f"Not revoked at the server ({exc}).")
    profile.delete()
    say(f"Deleted profile '{profile.name}'.")
    return 0


# --- call --------------------------------------------------------------------------------


def _call_payload(data: str | None) -> dict[str, Any]:
    """Parse ``--data``: JSON, ``@file`` or ``@-`` (standard input).

    :raises ValueError: the text is not a JSON object, or the file cannot be read.
    """
    import json

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
            raise ValueError(f"cannot read --data file {source!r} ({exc})") from None
    try:
        payload = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"--data is not valid JSON ({exc})") from None
    if not isinstance(payload, dict):
        raise ValueError('--data must be a JSON object, e.g. \'{"browseId": "FEwhat_to_watch"}\'')
    return payload


def cmd_call(args: argparse.Namespace) -> int:
    """Call an InnerTube endpoint and print the JSON answer.

    Signed with the profile's login when the profile exists (an explicitly named profile
    must exist), anonymous otherwise or with ``--anonymous``.
    """
    import json

    from .auth.cookie_auth import CookieAuth
    from .session import Session, youtube_login

    try:
        payload = _call_payload(args.data)
    except ValueError as exc:
        say(f"ytsession: {exc}")
        return EXIT_USAGE
    options: dict[str, Any] = {
        "client": args.client,
        "client_version": args.client_version,
        "lang": args.lang,
        "location": args.location,
        "tz": args.tz,
        "base_url": args.base_url,
        "cache": not args.no_cache,
        "generate_session_locally": args.generate_session_locally,
        "po_token": args.po_token,
        "timeout": args.timeout,
    }
    auth = None
    if not args.anonymous and (args.profile is not None or _profile(args).exists()):
        auth = youtube_login(args.profile, home=args.home)  # a named profile must exist
        if args.base_url and isinstance(auth, CookieAuth):
            # --base-url names the server that stands for YouTube
            from urllib.parse import urlsplit

            auth.add_host_alias(urlsplit(args.base_url).netloc)
    try:
        session = Session.create(auth=auth, **options)
    except ValueError as exc:
        if isinstance(exc, YTSessionError):
            raise
        say(f"ytsession: {exc}")
        return EXIT_USAGE
    with session:
        answer = session.call(args.endpoint, payload)
    print(json.dumps(answer, indent=None if args.compact else 2, ensure_ascii=False))
    return 0


# --- emulator and demo -------------------------------------------------------------------


def cmd_emulator(args: argparse.Namespace) -> int:
    """Run the loopback emulator until Ctrl-C."""
    from .testing import serve

    serve(args.host, args.port)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the whole story against an embedded emulator."""
    from .demo import run_demo

    return run_demo(auto_approve=args.auto_approve or not stdin_is_tty())


# --- parser ------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """:return: the argument parser of the ``ytsession`` command."""
    parser = argparse.ArgumentParser(
        prog="ytsession",
        description="Authenticated, long-lived sessions for YouTube InnerTube and PeerTube.",
    )
    parser.add_argument("--version", action="version", version=f"ytsession {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--profile",
        help="profile name (default: $YTSESSION_PROFILE or 'default')",
    )
    common.add_argument(
        "--home",
        help="directory holding the profiles (default: $YTSESSION_HOME or the user data dir)",
    )

    login = sub.add_parser(
        "login",
        parents=[common],
        help="log in with Google's device flow (or a PeerTube password, with --peertube, or "
        "a browser's cookies, with --cookies)",
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
        type=int,
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
    login.add_argument("--open-browser", action="store_true", help="open the verification page")
    login.add_argument(
        "--rediscover",
        action="store_true",
        help="with --youtube-tv: read the TV client identity again instead of the cached one",
    )
    login.add_argument(
        "--server",
        metavar="URL",
        help="an OAuth server with Google's paths, e.g. `ytsession emulator`'s URL",
    )
    login.add_argument(
        "--peertube",
        metavar="URL",
        help="log in to this PeerTube instance with a password instead (asked, never an "
        "argument; read as one line from stdin when it is not a terminal)",
    )
    login.add_argument("--username", help="PeerTube username or e-mail (with --peertube)")
    login.add_argument(
        "--otp-stdin",
        action="store_true",
        help="read the PeerTube two-factor code from stdin (the line after the password)",
    )
    login.set_defaults(handler=cmd_login)

    token = sub.add_parser(
        "token", parents=[common], help="print a valid access token (refreshing it if needed)"
    )
    token.set_defaults(handler=cmd_token)

    status = sub.add_parser("status", parents=[common], help="show a profile (no secrets)")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.set_defaults(handler=cmd_status)

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
            "Signed with the profile's login when the profile exists (a login defaults to "
            "the TVHTML5 client, the one that accepts it), anonymous otherwise."
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
    call.add_argument(
        "--base-url",
        metavar="URL",
        help="send everything here instead of YouTube, e.g. `ytsession emulator`'s URL",
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
    emulator.add_argument("--port", type=int, default=0, help="port (default: a free one)")
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
    return parser


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line. :return: the exit status."""
    args = build_parser().parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except KeyboardInterrupt:
        say("\nytsession: interrupted")
        return EXIT_INTERRUPTED
    except (LoginRequiredError, LoggedOutError) as exc:
        say(f"ytsession: {_one_line(exc)}")
        return EXIT_LOGIN
    except NetworkError as exc:
        say(f"ytsession: {_one_line(exc)}")
        return EXIT_NETWORK
    except YTSessionError as exc:
        say(f"ytsession: {_one_line(exc)}")
        return EXIT_ERROR
