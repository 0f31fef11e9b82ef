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

from ._version import __version__
from .errors import (
    InteractionRequiredError,
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


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _stdin_is_tty() -> bool:
    try:
        return sys.stdin is not None and sys.stdin.isatty()
    except (ValueError, OSError):
        return False


def _profile(args: argparse.Namespace) -> Profile:
    from .auth.profiles import Profile

    return Profile.named(args.profile, home=args.home)


# --- login -------------------------------------------------------------------------------


def _oauth_client(args: argparse.Namespace) -> tuple[OAuthCredentials, ProfileSettings]:
    from .auth.credentials import OAuthCredentials, OAuthEndpoints
    from .auth.profiles import KIND_OAUTH, KIND_YOUTUBE_TV, ProfileSettings

    server = args.server.rstrip("/") if args.server else None
    if args.youtube_tv:
        tv_url = f"{server}/tv" if server else "https://www.youtube.com/tv"
        _say(f"Reading the YouTube TV app's client identity from {tv_url} ...")
        credentials = OAuthCredentials.from_youtube_tv(tv_url=tv_url)
        kind = KIND_YOUTUBE_TV
    else:
        client_id = args.client_id or os.environ.get(CLIENT_ID_ENV)
        client_secret = args.client_secret or os.environ.get(CLIENT_SECRET_ENV)
        if not client_id:
            raise InteractionRequiredError(
                "no OAuth client given: pass --client-id (or set "
                f"{CLIENT_ID_ENV}) and the secret, or use --youtube-tv"
            )
        if not client_secret:
            if not _stdin_is_tty():
                raise InteractionRequiredError(
                    f"no client secret given and no terminal to ask for it: set "
                    f"{CLIENT_SECRET_ENV} or pass --client-secret"
                )
            import getpass

            client_secret = getpass.getpass("OAuth client secret: ")
        endpoints = OAuthEndpoints.under(server) if server else OAuthEndpoints.google()
        credentials = OAuthCredentials(client_id, client_secret, endpoints=endpoints)
        kind = KIND_OAUTH
    settings = ProfileSettings(
        kind=kind,
        client_id=credentials.client_id,
        client_secret=credentials.client_secret,
        endpoints=credentials.endpoints.as_dict(),
        scope=credentials.scope,
    )
    return credentials, settings


def cmd_login(args: argparse.Namespace) -> int:
    """Log in with Google's device flow and store the token in the profile."""
    from .auth.token import RefreshingToken

    profile = _profile(args)
    if args.peertube:
        from .peertube._cli import cmd_login as cmd_login_peertube

        return cmd_login_peertube(args, profile)
    credentials, settings = _oauth_client(args)
    token = RefreshingToken.prompt_for_token(credentials, open_browser=args.open_browser)
    # The token first, then the settings that make the profile visible: both atomic.
    token.store(profile.token_path)
    profile.save_settings(settings)
    _say(f"Logged in; profile '{profile.name}' stored in {profile.directory}")
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
    token = _profile(args).refreshing_token()
    print(token.access_token)
    return 0


# --- status ------------------------------------------------------------------------------


def _describe_expiry(expires_at: int) -> str:
    import time

    left = expires_at - time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(expires_at))
    if left <= 0:
        return f"expired at {stamp} (refreshed on next use)"
    return f"valid until {stamp} ({int(left // 60)} min left)"


def cmd_status(args: argparse.Namespace) -> int:
    """Show what a profile is and when its token expires; never a secret."""
    import json

    profile = _profile(args)
    settings = profile.load_settings()
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
        width = max(len(k) for k in info)
        for key, value in info.items():
            if key != "expires_at":
                print(f"{key.replace('_', ' '):<{width}}  {value}")
    return 0


# --- logout ------------------------------------------------------------------------------


def cmd_logout(args: argparse.Namespace) -> int:
    """Revoke the profile's token at the server, then delete the profile."""
    profile = _profile(args)
    if not profile.directory.exists():
        _say(f"profile '{profile.name}' does not exist; nothing to do")
        return 0
    try:
        settings = profile.load_settings()
        if settings.kind == "peertube":  # revoked by a live access token, not the refresh token
            from .peertube._cli import logout_profile

            logout_profile(profile, settings)
        else:
            credentials = profile.credentials(settings)
            stored = profile.load_token()
            credentials.revoke(stored["refresh_token"])
        _say("Revoked the token at the server.")
    except (NetworkError, YTSessionError) as exc:
        if not args.local:
            raise YTSessionError(
                f"could not revoke the token ({exc}); the profile is kept. Use "
                "`ytsession logout --local` to delete it without revoking"
            ) from None
        _say(f"Not revoked at the server ({exc}).")
    profile.delete()
    _say(f"Deleted profile '{profile.name}'.")
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

    return run_demo(auto_approve=args.auto_approve or not _stdin_is_tty())


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
        help="log in with Google's device flow (or a PeerTube password, with --peertube)",
    )
    who = login.add_mutually_exclusive_group()
    who.add_argument("--client-id", help=f"your OAuth client's id (or set {CLIENT_ID_ENV})")
    who.add_argument(
        "--youtube-tv",
        action="store_true",
        help="use the YouTube TV web app's own client instead of your own",
    )
    login.add_argument(
        "--client-secret",
        help=f"your OAuth client's secret (better: set {CLIENT_SECRET_ENV}, or be asked)",
    )
    login.add_argument("--open-browser", action="store_true", help="open the verification page")
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
        _say("\nytsession: interrupted")
        return EXIT_INTERRUPTED
    except LoginRequiredError as exc:
        _say(f"ytsession: {_one_line(exc)}")
        return EXIT_LOGIN
    except NetworkError as exc:
        _say(f"ytsession: {_one_line(exc)}")
        return EXIT_NETWORK
    except YTSessionError as exc:
        _say(f"ytsession: {_one_line(exc)}")
        return EXIT_ERROR
