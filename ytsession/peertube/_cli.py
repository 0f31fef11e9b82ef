"""The PeerTube parts of the ``ytsession`` command line (``login --peertube``, ``logout``).

The password is never a command-line argument (it would land in the shell's history and in
``ps``): it is asked with :func:`getpass.getpass` on a terminal, or read as one line from
standard input otherwise. The two-factor code is asked the same way when the instance
wants one (from standard input only with ``--otp-stdin``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from .._console import say, stdin_is_tty
from ..auth.profiles import Profile, ProfileSettings
from ..errors import InteractionRequiredError, ProfileError


def _read_line(what: str) -> Callable[[str], str]:
    def read(prompt: str) -> str:
        line = sys.stdin.readline()
        if not line:
            raise InteractionRequiredError(
                f"standard input ended before the {what}; send it as one line"
            )
        return line.rstrip("\r\n")

    return read


def _otp_reader(args: argparse.Namespace, tty: bool) -> Callable[[str], str]:
    if tty and not args.otp_stdin:
        import getpass

        return getpass.getpass
    if args.otp_stdin:
        return _read_line("two-factor code")

    def refuse(prompt: str) -> str:
        raise InteractionRequiredError(
            "the account uses two-factor authentication and there is no terminal to ask for "
            "the code: pass --otp-stdin and send the code on the line after the password"
        )

    return refuse


def cmd_login(args: argparse.Namespace, profile: Profile) -> int:
    """``ytsession login --peertube URL --username NAME``: log in and store the profile.

    :return: the exit status.
    """
    from .credentials import PeerTubeCredentials

    if args.youtube_tv or args.server or args.open_browser:
        say("ytsession: --youtube-tv, --server and --open-browser do not apply to --peertube")
        return 2
    if profile.token_path.exists():
        profile.load_token()  # a corrupt token file is reported, never overwritten
    tty = stdin_is_tty()
    username = args.username
    if not username:
        if not tty:
            raise InteractionRequiredError(
                "no username given and no terminal to ask for it: pass --username"
            )
        sys.stderr.write("Username or e-mail: ")
        sys.stderr.flush()
        username = sys.stdin.readline().strip()
        if not username:
            raise InteractionRequiredError("no username was entered; nothing was sent")
    # Only the flags: $YTSESSION_CLIENT_ID names a Google client, never a PeerTube one.
    client_id, client_secret = args.client_id, args.client_secret
    if not client_id or not client_secret:
        say(f"Fetching the OAuth client of {args.peertube} ...")
        client_id = client_secret = None
    credentials = PeerTubeCredentials(args.peertube, client_id, client_secret)
    if tty:
        import getpass

        ask_password: Callable[[str], str] = getpass.getpass
    else:
        ask_password = _read_line("password")
    token = credentials.prompt_login(
        username, ask_password=ask_password, ask_otp=_otp_reader(args, tty)
    )
    # The token first, then the settings that make the profile visible: both atomic.
    token.store(profile.token_path)
    profile.save_settings(credentials.profile_settings(username))
    say(
        f"Logged in to {credentials.instance_url} as {username}; profile '{profile.name}' "
        f"stored in {profile.directory}"
    )
    return 0


def logout_profile(profile: Profile, settings: ProfileSettings) -> None:
    """End a PeerTube profile's session at the instance (refreshing its access token first
    when it has expired: PeerTube revokes by access token)."""
    from .credentials import PeerTubeCredentials

    token = profile.refreshing_token(settings)
    credentials = token.credentials
    if not isinstance(credentials, PeerTubeCredentials):
        raise ProfileError(f"profile '{profile.name}' is not a PeerTube profile")
    credentials.logout(token)
