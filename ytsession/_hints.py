"""What to do next, said once for every layer that raises errors: one :class:`~.errors.Hint`
per recurring piece of advice, in Python words (what ``str(error)`` ends with) and in the
command line's words (what :meth:`~.errors.YTSessionError.cli_message` ends with, so that the
command line prints the commands it always printed).

A library message says what happened; its hint says what to do about it. Advice that names
a profile is made by a function, since the command line's words name the profile's flag.

Imports only :mod:`.errors`: every layer may import it.
"""

from __future__ import annotations

from .errors import Hint

#: The BotGuard JavaScript packages must be installed (said after what is missing).
INSTALL_BOTGUARD = Hint(
    python=(
        "; install them with ytsession.youtube.innertube.potoken.botguard.install_node_packages()"
    ),
    cli="; run `ytsession botguard-setup`",
)

#: A YouTube/Google refresh token was revoked or expired: a new login is needed.
LOG_IN_AGAIN = Hint(
    python="; log in again: RefreshingToken.prompt_for_token(credentials) or "
    "Session.sign_in(credentials)",
    cli="; run `ytsession login` again",
)

#: The credentials were refused even after a refresh (said inside parentheses).
LOG_IN_AGAIN_REFUSED = Hint(
    python=" (the credentials were refused even after a refresh; log in again: "
    "RefreshingToken.prompt_for_token(credentials) or Session.sign_in(credentials))",
    cli=" (the credentials were refused even after a refresh; run `ytsession login` again)",
)

#: The YouTube TV app's OAuth client could not be found: use one's own.
OWN_OAUTH_CLIENT = Hint(
    python="; bring your own OAuth client: OAuthCredentials(client_id, client_secret)",
    cli="; bring your own OAuth client with --client-id and --client-secret",
)

#: A PeerTube session is over: log in to the instance again.
PEERTUBE_LOG_IN_AGAIN = Hint(
    python="; log in again with PeerTubeCredentials.login(username, password)",
    cli="; run `ytsession login --peertube URL --username NAME` again",
)

#: Something needs a PeerTube login that is not there (or not usable).
PEERTUBE_LOG_IN = Hint(
    python="; log in with PeerTubeCredentials.login(username, password)",
    cli="; log in with `ytsession login --peertube URL --username NAME`",
)

#: A PeerTube profile's settings are unusable: make the login again.
PEERTUBE_LOG_IN_ANEW = Hint(
    python="; log in again with PeerTubeCredentials.login(username, password)",
    cli="; log in again with `ytsession login --peertube URL --username NAME`",
)

#: As :data:`PEERTUBE_LOG_IN_ANEW`, after a first piece of advice ("fix it, or ...").
PEERTUBE_LOG_IN_ANEW_OR = Hint(
    python=", or log in again with PeerTubeCredentials.login(username, password)",
    cli=", or log in again with `ytsession login --peertube URL --username NAME`",
)

#: The file naming the default profile is unusable.
CHOOSE_DEFAULT_PROFILE = Hint(
    python="; name the profile (profile=) or set $YTSESSION_PROFILE, or remove that file",
    cli="; choose the default again with `ytsession profiles use NAME`",
)


#: A profile of another service was named where a YouTube one is needed.
NAME_A_YOUTUBE_PROFILE = Hint(
    python="; name a YouTube profile (ytsession.store.profiles.list_profiles() lists them), "
    "or sign in to YouTube "
    "under a new name",
    cli="; name a YouTube profile (`ytsession profiles` lists them), or log in to YouTube "
    "under a new name",
)

#: A cookie profile's settings are unusable: fix them, or store the cookies again.
COOKIES_LOG_IN_AGAIN = Hint(
    python=", or store the cookies again: Profile(name).save_login(settings, cookies=...)",
    cli=", or log in again with `ytsession login --cookies FILE --account-index N`",
)


def log_in_first(profile: str, flag: str, *, cookies: bool = False) -> Hint:
    """Advice for a profile with no login (or no token, or no cookies) in its store.

    :param profile: the profile's name.
    :param flag: the command line's flags naming the profile (``""`` for the default one,
        else ``" --profile NAME"``).
    :param cookies: the profile needs browser cookies rather than a token.
    """
    if cookies:
        return Hint(
            python=f"; store the cookies first: Profile({profile!r}).save_login(settings, "
            "cookies=...), or pass the cookies to Session",
            cli=f"; run `ytsession login --cookies FILE{flag}` first",
        )
    return Hint(
        python=f"; store a login in it first: Profile({profile!r}).save_login(settings, "
        "token=...), or sign in with Session.sign_in(credentials)",
        cli=f"; run `ytsession login{flag}` first",
    )
