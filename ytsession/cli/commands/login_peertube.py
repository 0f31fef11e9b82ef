"""``ytsession login --peertube URL``: log in to a PeerTube instance with a password.

The password is never a command-line argument (it would land in the shell's history and in
``ps``): it is asked with :func:`getpass.getpass` on a terminal, or read as one line from
standard input otherwise. The two-factor code is asked the same way when the instance
wants one (from standard input only with ``--otp-stdin``). Ctrl-D at a prompt ends the login
with one line, nothing sent.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial

from ..._console import ask, line_reader, say, stdin_is_tty
from ...errors import InteractionRequiredError
from ...peertube.kind import PEERTUBE
from ...store.profiles import Profile, ProfileSettings


def _otp_reader(args: argparse.Namespace, tty: bool) -> Callable[[str], str]:
    if tty and not args.otp_stdin:
        return partial(ask, what="two-factor code", secret=True)
    if args.otp_stdin:
        return line_reader("two-factor code")

    def refuse(prompt: str) -> str:
        raise InteractionRequiredError(
            "the account uses two-factor authentication and there is no terminal to ask for "
            "the code: pass --otp-stdin and send the code on the line after the password"
        )

    return refuse


def _instance(args: argparse.Namespace, previous: ProfileSettings | None) -> str:
    """The instance: ``--peertube URL``, else ``--server`` or ``$YTSESSION_SERVER``, else
    the profile's own (a re-login)."""
    from ...store.servers import checked_server_url, named_server

    if args.peertube:
        if "://" in args.peertube:
            return checked_server_url(args.peertube, what="--peertube")
        return str(args.peertube)  # PeerTube's own rule: https:// when no scheme is given
    server = named_server(args.server)
    if server is not None:
        return server
    if previous is not None and PEERTUBE.describes(previous):
        instance = previous.endpoints.get("instance_url")
        if instance:
            return instance
    from ..._console import UsageError

    raise UsageError("--peertube needs the instance's URL (or --server URL)")


def login_profile(
    args: argparse.Namespace, profile: Profile, previous: ProfileSettings | None = None
) -> ProfileSettings:
    """``ytsession login --peertube URL --username NAME``: log in and store the profile.

    Logging in again to a PeerTube profile reuses its instance, client and username.

    :return: the stored profile settings.
    """
    from ..._console import UsageError
    from ...peertube.credentials import PeerTubeCredentials

    if args.youtube_tv or args.open_browser:
        raise UsageError("--youtube-tv and --open-browser do not apply to --peertube")
    if args.server and args.peertube:
        raise UsageError("give the PeerTube instance once: --peertube URL or --server URL")
    instance = _instance(args, previous)
    same = (
        previous is not None
        and PEERTUBE.describes(previous)
        and previous.endpoints.get("instance_url") in (instance, instance.rstrip("/"))
    )
    tty = stdin_is_tty()
    username = args.username
    if not username and same and previous is not None:
        username = previous.extra.get("username")
    if not username:
        if not tty:
            raise InteractionRequiredError(
                "no username given and no terminal to ask for it: pass --username"
            )
        username = ask("Username or e-mail: ", what="username").strip()
        if not username:
            raise InteractionRequiredError("no username was entered; nothing was sent")
    # Only the flags: $YTSESSION_CLIENT_ID names a Google client, never a PeerTube one.
    client_id, client_secret = args.client_id, args.client_secret
    if (not client_id or not client_secret) and same and previous is not None:
        client_id, client_secret = previous.client_id, previous.client_secret
    if not client_id or not client_secret:
        say(f"Fetching the OAuth client of {instance} ...")
        client_id = client_secret = None
    credentials = PeerTubeCredentials(instance, client_id, client_secret)
    if tty:
        ask_password: Callable[[str], str] = partial(ask, what="password", secret=True)
    else:
        ask_password = line_reader("password")
    token = credentials.prompt_login(
        username, ask_password=ask_password, ask_otp=_otp_reader(args, tty), announce=False
    )
    _end_previous_session(profile, previous)  # no second live session at the server
    settings = credentials.profile_settings(username)
    profile.save_login(settings, token=token.as_dict())
    return settings


def _end_previous_session(profile: Profile, previous: ProfileSettings | None) -> None:
    """Logging in again: end the profile's old session at its instance first, best effort
    (a failure is said, never fatal: the old session then ends when its tokens expire)."""
    from ...errors import YTSessionError

    if previous is None or not PEERTUBE.describes(previous):
        return
    if profile.store.read(profile.name, "token") is None:
        return
    where = previous.endpoints.get("instance_url") or "the instance"
    try:
        ended = PEERTUBE.end_session(profile, previous)
    except YTSessionError as exc:
        say(
            f"Could not end the previous session at {where} ({exc.cli_message()}); it ends "
            "when its tokens expire."
        )
        return
    if ended:
        say(f"Ended the previous session at {where}.")
    else:
        say(f"The previous session at {where} had already ended.")
