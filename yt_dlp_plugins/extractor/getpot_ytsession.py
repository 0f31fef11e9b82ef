"""yt-dlp's PO token provider ``ytsession`` (installed by ``pip install "ytsession[yt-dlp]"``).

yt-dlp's plugin loader imports this module from the ``yt_dlp_plugins`` namespace package;
registering the classes below adds the provider and its cache spec to yt-dlp's registries.
The work is done by :mod:`ytsession.youtube.innertube.potoken.ytdlp`; this module only translates
between yt-dlp's request and response objects and ytsession's.

Extractor arguments: ``--extractor-args "youtubepot-ytsession:profile=NAME;store=DIR;
node=PATH;provider=auto|botguard|coldstart;base_url=URL;bind_to_visitor_id=false"``.
"""

from __future__ import annotations

from yt_dlp.extractor.youtube.pot.cache import (
    CacheProviderWritePolicy,
    PoTokenCacheSpec,
    PoTokenCacheSpecProvider,
    register_spec,
)
from yt_dlp.extractor.youtube.pot.provider import (
    PoTokenContext,
    PoTokenProvider,
    PoTokenProviderError,
    PoTokenProviderRejectedRequest,
    PoTokenRequest,
    PoTokenResponse,
    register_provider,
)
from yt_dlp.extractor.youtube.pot.utils import (
    WEBPO_CLIENTS,
    ContentBindingType,
    get_webpo_content_binding,
)
from yt_dlp.utils import traverse_obj

from ytsession._version import __version__
from ytsession.errors import YTSessionError
from ytsession.store import redact_url
from ytsession.youtube.innertube.potoken import ytdlp as bridge
from ytsession.youtube.innertube.potoken.providers import DEFAULT_TTL

__all__ = ["YTSessionPCSP", "YTSessionPTP"]

_SETTING_KEYS = ("profile", "store", "node", "provider", "base_url", "bind_to_visitor_id")
_BUG_REPORTS = "the ytsession project's issue tracker (pip show ytsession)"


def _settings(provider: PoTokenProvider | PoTokenCacheSpecProvider) -> bridge.PluginSettings:
    values = {}
    for key in _SETTING_KEYS:
        given = provider._configuration_arg(key, [], casesense=True)
        if given:
            values[key] = given[0]
    return bridge.PluginSettings.parse(values)


def _client_name(request: PoTokenRequest) -> str:
    return traverse_obj(request.innertube_context, ("client", "clientName")) or ""


def _binding(request: PoTokenRequest, settings: bridge.PluginSettings):
    return get_webpo_content_binding(request, bind_to_visitor_id=settings.bind_to_visitor_id)


@register_provider
class YTSessionPTP(PoTokenProvider):
    """Answers web clients' GVS, PLAYER and SUBS requests from ytsession's providers."""

    PROVIDER_NAME = "ytsession"
    PROVIDER_VERSION = __version__
    BUG_REPORT_LOCATION = _BUG_REPORTS
    _SUPPORTED_CLIENTS = tuple(c for c in WEBPO_CLIENTS if c in bridge.SUPPORTED_CLIENTS)
    _SUPPORTED_CONTEXTS = (PoTokenContext.GVS, PoTokenContext.PLAYER, PoTokenContext.SUBS)
    # Cold-start tokens need no network; BotGuard's limits are checked per request.
    _SUPPORTED_EXTERNAL_REQUEST_FEATURES = None

    def is_available(self) -> bool:
        return True

    def _real_request_pot(self, request: PoTokenRequest) -> PoTokenResponse:
        client = _client_name(request)
        try:
            settings = _settings(self)
            binding, _kind = _binding(request, settings)
            if not binding:
                raise PoTokenProviderRejectedRequest(
                    f"yt-dlp names no content binding for this {request.context.value} request "
                    f"of the {client} client"
                )
            served = bridge.bridge_for(settings).serve(
                bridge.YtDlpRequest(
                    context=request.context.value,
                    client=client,
                    binding=binding,
                    visitor_data=request.visitor_data or "",
                    data_sync_id=request.data_sync_id or "",
                    video_id=request.video_id or "",
                    logged_in=request.is_authenticated,
                    gvs_bound_to_video=request._gvs_bind_to_video_id,
                    proxy=request.request_proxy,
                    user_agent=request.request_headers.get("User-Agent"),
                    timeout=request.request_timeout,
                    source_address=request.request_source_address,
                    verify_tls=request.request_verify_tls,
                    bypass_cache=request.bypass_cache,
                ),
                logger=self.logger,
            )
        except bridge.RequestRejected as exc:
            raise PoTokenProviderRejectedRequest(str(exc)) from None
        except YTSessionError as exc:
            raise PoTokenProviderError(str(exc), expected=True) from None
        token = served.token
        self.logger.debug(
            f"{request.context.value} PO token for {client} from {served.source} "
            f"({token.provider}, bound to the {token.binding.kind.value})"
        )
        expires_at = int(token.expires_at) if token.expires_at is not None else None
        return PoTokenResponse(po_token=token.token, expires_at=expires_at)


@register_spec
class YTSessionPCSP(PoTokenCacheSpecProvider):
    """How yt-dlp caches the tokens ``ytsession`` makes: by the same binding, profile and
    store, for as long as ytsession keeps them."""

    PROVIDER_NAME = "ytsession"
    PROVIDER_VERSION = __version__
    BUG_REPORT_LOCATION = _BUG_REPORTS

    def generate_cache_spec(self, request: PoTokenRequest) -> PoTokenCacheSpec | None:
        if _client_name(request) not in YTSessionPTP._SUPPORTED_CLIENTS:
            return None
        try:
            settings = _settings(self)
        except YTSessionError:
            return None
        binding, kind = _binding(request, settings)
        if not binding or kind is None:
            return None
        return PoTokenCacheSpec(
            key_bindings={
                "t": "ytsession",
                "cb": binding,
                "cbt": kind.value,
                "profile": settings.profile,
                # yt-dlp traces the bindings (pot_trace): never a store's password.
                "store": redact_url(settings.store) if settings.store else None,
                "host": settings.host,
                "ip": traverse_obj(request.innertube_context, ("client", "remoteHost")),
                "sa": request.request_source_address,
                "px": request.request_proxy,
            },
            default_ttl=int(DEFAULT_TTL),
            write_policy=(
                CacheProviderWritePolicy.WRITE_FIRST
                if kind == ContentBindingType.VIDEO_ID
                else CacheProviderWritePolicy.WRITE_ALL
            ),
        )
