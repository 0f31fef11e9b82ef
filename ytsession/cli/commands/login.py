"""``ytsession login``: Google's device flow, a re-login with the profile's own client, the
YouTube TV client, an import of ytmusicapi's ``oauth.json``; cookies and PeerTube passwords
are handed to :mod:`.login_cookies` and :mod:`.login_peertube`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

from ..common import (
    flag,
    logged_in_line,
    login_server,
    look_up_account,
    one_line,
    profile_of,
    server_option,
    without_login_hint,
)

if TYPE_CHECKING:
    import argparse

    from ...oauth.credentials import OAuthCredentials
    from ...store.profiles import Profile, ProfileSettings
    from ..common import Parents

CLIENT_ID_ENV = "YTSESSION_CLIENT_ID"
CLIENT_SECRET_ENV = "YTSESSION_CLIENT_SECRET"


def _cached_tv_client(previous: ProfileSettings | None, tv_url: str) -> OAuthCredentials | None:
    """The YouTube TV client identity a previous login of this profile discovered."""
    from ...youtube.kinds import YOUTUBE_TV

    return YOUTUBE_TV.cached_client(previous, tv_url=tv_url)


def _oauth_client(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None
) -> tuple[OAuthCredentials, ProfileSettings]:
    """The OAuth client of a Google login: the flags, else the profile's own (a re-login),
    else the environment; the server likewise."""
    from ..._console import ask, say, stdin_is_tty
    from ...errors import InteractionRequiredError
    from ...oauth.credentials import OAuthCredentials, OAuthEndpoints
    from ...store.kinds import YOUTUBE
    from ...store.profiles import KIND_OAUTH, KIND_YOUTUBE_TV, ProfileSettings, credentials_for
    from ...store.servers import profile_server, same_server
    from ...youtube.kinds import GOOGLE_OAUTH, YOUTUBE_TV

    server = login_server(args, profile, previous, YOUTUBE)
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
        return credentials, ProfileSettings.of_client(credentials, KIND_YOUTUBE_TV, extra=extra)
    if reuse and previous is not None:
        say(f"Logging in again with profile '{profile.name}''s own OAuth client.")
        reused = credentials_for(previous)
        assert isinstance(reused, OAuthCredentials)
        return reused, ProfileSettings.of_client(reused, KIND_OAUTH, extra=extra)
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
    return credentials, ProfileSettings.of_client(credentials, KIND_OAUTH, extra=extra)


def _browser_mode(args: argparse.Namespace) -> str:
    from ..._console import BROWSER_NO, BROWSER_OFFER, BROWSER_OPEN, stdin_is_tty

    if args.no_browser:
        return BROWSER_NO
    if args.open_browser:
        return BROWSER_OPEN
    return BROWSER_OFFER if stdin_is_tty() else BROWSER_NO


def cmd_login(args: argparse.Namespace) -> int:
    """Log in with Google's device flow (or PeerTube, or cookies) and store the profile."""
    profile = profile_of(args)
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
        from ..._console import say
        from .login_peertube import login_profile

        settings = login_profile(args, profile, previous)
        account = look_up_account(profile, settings) or settings.extra.get("username")
        instance = settings.endpoints.get("instance_url", "")
        say(logged_in_line(f"{account} on {instance}", profile))
        return 0
    if cookie_flags or (
        previous_kind is not None and not previous_kind.has_token and not google_flags
    ):
        from .login_cookies import cmd_login_cookies

        if not cookie_flags:
            from ...errors import InteractionRequiredError

            raise InteractionRequiredError(
                f"profile '{profile.name}' signs in with browser cookies: export them again "
                f"and run `ytsession login --cookies FILE{flag(profile)}`"
            )
        from ..._console import say
        from ...store.kinds import YOUTUBE

        server = login_server(args, profile, previous, YOUTUBE)
        settings = cmd_login_cookies(args, profile)
        if server:
            settings.extra["server"] = server
            profile.save_settings(settings)
        say(logged_in_line(look_up_account(profile, settings), profile))
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

    from ..._console import UsageError, say
    from ...errors import LoginRequiredError, TokenFileError
    from ...oauth.token import RefreshingToken
    from ...oauth.tokenfile import parse_token, read_json_object

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
            f"it with `ytsession login --cookies {path}{flag(profile)}`",
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
            f"the server refused the login in {path} ({without_login_hint(one_line(exc))}); "
            f"nothing was kept. Log in anew with `ytsession login{flag(profile)}`"
        ) from None
    profile.save_login(settings, token=token.as_dict())  # the token first, then the settings
    say(f"Imported the ytmusicapi login from {path} (the file is left as it was).")
    say(logged_in_line(look_up_account(profile, settings), profile))
    return 0


def _login_google(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None
) -> int:
    from ..._console import device_login, say
    from ...oauth.token import RefreshingToken

    credentials, settings = _oauth_client(args, profile, previous)
    qr = False if args.no_qr else None  # None: when stderr is a terminal
    raw = device_login(credentials, out=sys.stderr, qr=qr, browser=_browser_mode(args))
    token = RefreshingToken.from_login_answer(credentials, raw)
    profile.save_login(settings, token=token.as_dict())  # the token first, then the settings
    say(logged_in_line(look_up_account(profile, settings), profile))
    return 0


def _account_index(text: str) -> int:
    import argparse

    from ...youtube.cookies.accounts import account_number

    number = account_number(text)
    if number is None:  # not int(): it takes "٣" for 3, and isdigit() takes "²"
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an account number: give 0 for the browser's first account, "
            "1 for the second, ... in ASCII digits"
        )
    return number


def register(sub: Any, parents: Parents) -> None:
    """Add the command to the ``ytsession`` parser's subcommands ``sub``."""
    login = sub.add_parser(
        "login",
        parents=[parents.profile],
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
    server_option(
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
