"""ytsession: authenticated, long-lived sessions for YouTube's InnerTube API and PeerTube.

The root exports the user's story (a session, the credentials and tokens that sign it,
cookies, PeerTube, the transport, profiles, the errors one catches); everything else is
imported from its package (:mod:`ytsession.errors`, :mod:`ytsession.youtube.innertube`,
:mod:`ytsession.youtube.innertube.potoken`, :mod:`ytsession.peertube`, :mod:`ytsession.transport`,
:mod:`ytsession.oauth`, :mod:`ytsession.store`).

Names are imported lazily on first use, so ``import ytsession`` stays cheap for cron jobs:
it does not import ``requests``.
"""

from __future__ import annotations

from . import errors as errors
from ._lazy import lazy_getattr
from ._version import __version__

#: Every public name of the root and the module it lives in: the one list of them. The lazy
#: loader reads it and ``__all__`` is made from it; ``tests/unit/test_layers.py`` checks that
#: the type checkers' imports below name the same.
_EXPORTS = {
    # the session and what signs it
    "Session": ".youtube.session",
    "Credentials": ".oauth.credentials",
    "OAuthCredentials": ".oauth.credentials",
    "OAuthEndpoints": ".oauth.endpoints",
    "OAuthToken": ".oauth.token",
    "RefreshingToken": ".oauth.token",
    "BearerAuth": ".oauth.bearer",
    "CookieAuth": ".youtube.cookies.signer",
    "YouTubeCookies": ".youtube.cookies.jar",
    # PeerTube
    "PeerTubeCredentials": ".peertube.credentials",
    "PeerTubeSession": ".peertube.session",
    # the transport
    "Transport": ".transport",
    "RetryPolicy": ".transport",
    "AuthorizedSession": ".transport",
    # profiles
    "Profile": ".store.profiles",
    "ProfileSettings": ".store.settings",
    # the errors one catches (the rest: ytsession.errors, ytsession.peertube)
    "YTSessionError": ".errors",
    "AuthError": ".errors",
    "OAuthServerError": ".errors",
    "LoginRequiredError": ".errors",
    "NetworkError": ".errors",
    "RetryLaterError": ".errors",
    "InnerTubeError": ".errors",
    "PoTokenError": ".errors",
    "CookieError": ".errors",
    "ProfileError": ".errors",
    "StoreError": ".errors",
    "TokenFileError": ".errors",
    "PeerTubeError": ".peertube.errors",
}

__all__ = ["__version__", *_EXPORTS]

TYPE_CHECKING = False  # not `from typing import ...`: typing costs start-up time
if TYPE_CHECKING:  # for type checkers only: the same names as _EXPORTS
    from .errors import AuthError as AuthError
    from .errors import CookieError as CookieError
    from .errors import InnerTubeError as InnerTubeError
    from .errors import LoginRequiredError as LoginRequiredError
    from .errors import NetworkError as NetworkError
    from .errors import OAuthServerError as OAuthServerError
    from .errors import PoTokenError as PoTokenError
    from .errors import ProfileError as ProfileError
    from .errors import RetryLaterError as RetryLaterError
    from .errors import StoreError as StoreError
    from .errors import TokenFileError as TokenFileError
    from .errors import YTSessionError as YTSessionError
    from .oauth.bearer import BearerAuth as BearerAuth
    from .oauth.credentials import Credentials as Credentials
    from .oauth.credentials import OAuthCredentials as OAuthCredentials
    from .oauth.endpoints import OAuthEndpoints as OAuthEndpoints
    from .oauth.token import OAuthToken as OAuthToken
    from .oauth.token import RefreshingToken as RefreshingToken
    from .peertube.credentials import PeerTubeCredentials as PeerTubeCredentials
    from .peertube.errors import PeerTubeError as PeerTubeError
    from .peertube.session import PeerTubeSession as PeerTubeSession
    from .store.profiles import Profile as Profile
    from .store.settings import ProfileSettings as ProfileSettings
    from .transport import AuthorizedSession as AuthorizedSession
    from .transport import RetryPolicy as RetryPolicy
    from .transport import Transport as Transport
    from .youtube.cookies.jar import YouTubeCookies as YouTubeCookies
    from .youtube.cookies.signer import CookieAuth as CookieAuth
    from .youtube.session import Session as Session

__getattr__ = lazy_getattr(__name__, _EXPORTS)
