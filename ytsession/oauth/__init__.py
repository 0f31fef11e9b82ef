"""OAuth 2.0: endpoints, clients (credentials), the device flow, tokens and token files.

- :mod:`~ytsession.oauth.endpoints`: :class:`OAuthEndpoints`, a server's URLs and client
  authentication (also found from an issuer's metadata);
- :mod:`~ytsession.oauth.credentials`: :class:`Credentials` and :class:`OAuthCredentials`,
  the client's requests (device code, token, refresh, revoke);
- :mod:`~ytsession.oauth.token`: :class:`OAuthToken` and :class:`RefreshingToken`, which
  refreshes itself (the device flow's polling is :meth:`RefreshingToken.prompt_for_token`);
- :mod:`~ytsession.oauth.tokenfile`: ytmusicapi's ``oauth.json`` format, read strictly;
- :mod:`~ytsession.oauth.cache`: :class:`TokenCache`, where a refreshing token keeps itself;
- :mod:`~ytsession.oauth.bearer`: :class:`BearerAuth`, the one Bearer signer (InnerTube,
  PeerTube and plain :mod:`requests` alike);
- :mod:`~ytsession.oauth.models`: TypedDicts of the wire JSON;
- :mod:`~ytsession.oauth.rules`: the refresh margin.

OAuth knows nothing of profiles, stores or YouTube: it imports only the transport and the
modules below it. Names load lazily: importing this package does not import ``requests``.
"""

from __future__ import annotations

from .._lazy import lazy_getattr

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (start-up time)
if TYPE_CHECKING:
    from .bearer import BearerAuth as BearerAuth
    from .cache import FileTokenCache as FileTokenCache
    from .cache import TokenCache as TokenCache
    from .credentials import Credentials as Credentials
    from .credentials import OAuthCredentials as OAuthCredentials
    from .endpoints import OAuthEndpoints as OAuthEndpoints
    from .token import OAuthToken as OAuthToken
    from .token import RefreshingToken as RefreshingToken

#: Each public name and the module it lives in (the lazy loader's table).
_EXPORTS = {
    "BearerAuth": ".bearer",
    "Credentials": ".credentials",
    "OAuthCredentials": ".credentials",
    "OAuthEndpoints": ".endpoints",
    "OAuthToken": ".token",
    "RefreshingToken": ".token",
    "TokenCache": ".cache",
    "FileTokenCache": ".cache",
}

__all__ = sorted(_EXPORTS)
__getattr__ = lazy_getattr(__name__, _EXPORTS)
