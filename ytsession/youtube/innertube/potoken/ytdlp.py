"""What the yt-dlp plugin asks of ytsession: one token for one of yt-dlp's requests.

yt-dlp loads the plugin module ``yt_dlp_plugins/extractor/getpot_ytsession.py`` (shipped
with ``pip install "ytsession[yt-dlp]"``); its classes turn yt-dlp's ``PoTokenRequest`` into a
:class:`YtDlpRequest` and call :meth:`YtDlpBridge.serve`. Nothing here imports yt-dlp, so
this half is typed and tested like the rest of ytsession.

A request is served from the session's PO token cache (the one
:func:`~.cache.po_token_cache` picks, which :class:`~ytsession.Session` and
``ytsession session-tokens`` use too, so every process shares it), else by BotGuard through
Node.js when ``ytsession botguard-setup`` has been run, else with a cold-start placeholder.
What ytsession cannot serve, or would bind to another id than yt-dlp expects, is refused
with :class:`RequestRejected`, which the plugin turns into yt-dlp's "rejected request" so
yt-dlp asks its next provider.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import urlsplit

from ....errors import PoTokenBindingError, PoTokenError
from ....store import StoredItem
from .binding import WEBPO_CLIENTS, PoTokenContext
from .chain import ProviderChain
from .providers import (
    DEFAULT_TTL,
    ColdStartProvider,
    PoToken,
    PoTokenProvider,
    PoTokenRequest,
)

__all__ = [
    "PROVIDER_CHOICES",
    "SUPPORTED_CLIENTS",
    "PluginSettings",
    "RequestRejected",
    "Served",
    "YtDlpBridge",
    "YtDlpRequest",
    "bridge_for",
    "token_cache",
]

#: The ``provider=`` extractor argument's values: which of ytsession's providers mint.
PROVIDER_CHOICES = ("auto", "botguard", "coldstart")
#: The clients (``clientName``) whose tokens ytsession makes: the web ("WebPO") clients.
SUPPORTED_CLIENTS = WEBPO_CLIENTS
#: Where tokens are for when no ``base_url`` is set.
DEFAULT_HOST = "https://www.youtube.com"

Source = Literal["cache", "botguard", "coldstart"]


class RequestRejected(PoTokenError):
    """ytsession cannot serve this request; yt-dlp should ask its next provider."""


class Logger(Protocol):
    """What the bridge logs through: yt-dlp's provider logger has these methods."""

    def info(self, message: str) -> None: ...

    def debug(self, message: str) -> None: ...

    def trace(self, message: str) -> None: ...


@dataclass(frozen=True, kw_only=True)
class PluginSettings:
    """The plugin's extractor arguments (``youtubepot-ytsession:KEY=VALUE;...``).

    :ivar profile: the ytsession profile (``ytsession login --profile``) whose PO-token
        item holds the tokens; must exist.
    :ivar store: the profile store: a directory or URL (``file://``, ``redis://``).
    :ivar node: the Node.js executable BotGuard runs in; ``node`` on ``PATH`` when ``None``.
    :ivar base_url: fetch BotGuard's challenge here instead of from YouTube (an emulator).
    :ivar provider: ``auto`` (BotGuard when set up, else cold-start), ``botguard`` or
        ``coldstart``.
    :ivar bind_to_visitor_id: bind signed-out stream tokens to the visitor id rather than
        the whole visitor data (as yt-dlp's ``get_webpo_content_binding`` does with it).
    """

    profile: str | None = None
    store: str | None = None
    node: str | None = None
    base_url: str | None = None
    provider: str = "auto"
    bind_to_visitor_id: bool = False

    @classmethod
    def parse(cls, values: Mapping[str, str]) -> PluginSettings:
        """Check the extractor arguments.

        :param values: key -> the first value given for it.
        :raises PoTokenError: a value is invalid (the message names the argument).
        """
        provider = values.get("provider", "auto").strip().lower() or "auto"
        if provider not in PROVIDER_CHOICES:
            raise PoTokenError(
                f"youtubepot-ytsession:provider={provider} is unknown; use one of "
                f"{', '.join(PROVIDER_CHOICES)}"
            )
        flag = values.get("bind_to_visitor_id", "false").strip().lower()
        if flag not in ("true", "false"):
            raise PoTokenError("youtubepot-ytsession:bind_to_visitor_id must be true or false")
        base_url = values.get("base_url", "").strip().rstrip("/") or None
        if base_url is not None and urlsplit(base_url).scheme not in ("http", "https"):
            raise PoTokenError("youtubepot-ytsession:base_url must be an http(s) URL")
        profile = values.get("profile", "").strip() or None
        if profile is not None:
            from ....errors import ProfileError
            from ....store._paths import checked_name

            try:
                checked_name(profile)
            except ProfileError as exc:
                raise PoTokenError(f"youtubepot-ytsession:profile: {exc}") from None
        return cls(
            profile=profile,
            store=values.get("store", "").strip() or None,
            node=values.get("node", "").strip() or None,
            base_url=base_url,
            provider=provider,
            bind_to_visitor_id=flag == "true",
        )

    @property
    def host(self) -> str:
        """The server the tokens are for."""
        return self.base_url or DEFAULT_HOST


@dataclass(frozen=True, kw_only=True)
class YtDlpRequest:
    """One of yt-dlp's PO token requests, in ytsession's words.

    :ivar context: ``gvs``, ``player`` or ``subs``.
    :ivar client: ``clientName`` of the request's InnerTube context.
    :ivar binding: the content binding yt-dlp's ``get_webpo_content_binding`` names.
    :ivar proxy: the proxy yt-dlp uses for YouTube, if any.
    :ivar user_agent: the ``User-Agent`` yt-dlp sends.
    :ivar timeout: yt-dlp's socket timeout, in seconds.
    :ivar source_address: the local address yt-dlp binds to, if any.
    :ivar verify_tls: whether yt-dlp checks certificates.
    :ivar bypass_cache: mint a new token (it is still cached afterwards).
    """

    context: str
    client: str
    binding: str
    visitor_data: str = ""
    data_sync_id: str = ""
    video_id: str = ""
    logged_in: bool = False
    gvs_bound_to_video: bool = False
    proxy: str | None = None
    user_agent: str | None = None
    timeout: float | None = None
    source_address: str | None = None
    verify_tls: bool = True
    bypass_cache: bool = False


@dataclass(frozen=True)
class Served:
    """A token for yt-dlp.

    :ivar token: the token and its binding and expiry.
    :ivar source: ``cache``, ``botguard`` or ``coldstart``.
    """

    token: PoToken
    source: Source


def token_cache(settings: PluginSettings) -> StoredItem:
    """Where the plugin keeps its tokens.

    With ``profile`` (or ``store``), the PO-token item of that profile (the default profile
    when only ``store`` is given) in the profile store (``store``: a directory or URL such
    as ``redis://host:6379/0``; ``$YTSESSION_STORE`` or the file store when unset), shared
    by every machine using the store and by :meth:`Session.from_profile
    <ytsession.Session.from_profile>` of that profile. Otherwise the PO token cache file
    of a session of the same host (see :func:`~.cache.default_cache_file`), which
    :class:`~ytsession.Session` and ``ytsession session-tokens`` share.

    :param settings: the plugin's extractor arguments.
    :raises PoTokenError: the profile does not exist in the store.
    :raises YTSessionError: the store URL is not usable (:class:`~ytsession.ProfileError`).
    """
    from .cache import po_token_cache

    if settings.profile is None and settings.store is None:
        return po_token_cache(host=settings.host)
    from ....store import PO_TOKENS
    from ....store.profiles import Profile

    profile = Profile.named(settings.profile, store=settings.store)
    if not profile.exists():
        raise PoTokenError(
            f"youtubepot-ytsession: there is no ytsession profile '{profile.name}' in "
            f"{profile.store.where(profile.name, PO_TOKENS)}; log in with `ytsession login "
            "--profile NAME` (and --store) first, or drop profile= and store="
        )
    return po_token_cache(store=profile.store, profile=profile.name)


class YtDlpBridge:
    """Serves yt-dlp's requests from ytsession's providers and its token cache.

    :param settings: the plugin's extractor arguments.
    :param clock: the time source (for tests).
    """

    def __init__(self, settings: PluginSettings, *, clock: Callable[[], float] = time.time):
        self.settings = settings
        self._clock = clock
        self._lock = threading.Lock()
        self._chains: dict[tuple[object, ...], ProviderChain] = {}
        self._botguard_ready: bool | None = None
        self._cache: StoredItem | None = None

    def _token_cache(self) -> StoredItem:
        with self._lock:
            if self._cache is None:
                self._cache = token_cache(self.settings)
            return self._cache

    def serve(self, request: YtDlpRequest, *, logger: Logger | None = None) -> Served:
        """A token for ``request``: from the cache unless ``bypass_cache``, else minted.

        :raises RequestRejected: ytsession cannot serve it (another client, a missing id,
            a binding rule that differs from yt-dlp's, a proxy BotGuard cannot use).
        :raises PoTokenError: the settings are wrong, or minting failed (e.g.
            :class:`~ytsession.errors.BotGuardError`).
        """
        log = logger if logger is not None else _LoggingLogger()
        ours = self._our_request(request)
        binding = ours.binding()
        assert binding is not None  # _our_request checked it
        kind = self._minter(request)
        chain = self._chain(kind, request)
        what = f"{request.context} PO token for {request.client} ({binding.kind.value})"
        if request.bypass_cache:
            log.debug(f"minting a new {what}: yt-dlp asked to bypass the cache")
            chain.forget(binding)
        else:
            cached = chain.cached(ours)
            if cached is not None:
                log.debug(f"{what} from ytsession's cache {chain.cache_location}")
                return Served(cached, "cache")
        if kind == "botguard":
            log.info(f"Minting a {what} with BotGuard (Node.js)")
        else:
            log.debug(f"making a cold-start placeholder {what}")
        try:
            token = chain.get(ours)
        except PoTokenBindingError as exc:
            raise RequestRejected(str(exc)) from None
        if token is None:  # every provider declined (a binding too long for cold-start)
            raise RequestRejected(f"ytsession's {kind} provider has no {what}")
        log.trace(f"{what} cached in {chain.cache_location} until {int(token.expires_at or 0)}")
        return Served(token, "botguard" if kind == "botguard" else "coldstart")

    def _our_request(self, request: YtDlpRequest) -> PoTokenRequest:
        client = request.client.upper()
        if client not in SUPPORTED_CLIENTS:
            raise RequestRejected(f"ytsession makes no PO tokens for the {client} client")
        try:
            context = PoTokenContext.parse(request.context)
        except ValueError as exc:
            raise RequestRejected(str(exc)) from None
        ours = PoTokenRequest(
            context=context,
            client=client,
            visitor_data=request.visitor_data,
            data_sync_id=request.data_sync_id,
            video_id=request.video_id,
            logged_in=request.logged_in,
            bind_to_visitor_id=self.settings.bind_to_visitor_id,
            gvs_bound_to_video=request.gvs_bound_to_video,
        )
        try:
            binding = ours.binding()
        except PoTokenBindingError as exc:
            raise RequestRejected(str(exc)) from None
        if binding is None:
            raise RequestRejected(f"the {client} client uses no PO tokens")
        if binding.value != request.binding:
            raise RequestRejected(
                f"ytsession binds this {context.value} token to its {binding.kind.value}, "
                "which is not the content binding yt-dlp asks for; upgrade ytsession or "
                "yt-dlp so their binding rules agree"
            )
        return ours

    def _minter(self, request: YtDlpRequest) -> str:
        choice = self.settings.provider
        if choice == "auto":
            choice = "botguard" if self._botguard_set_up() else "coldstart"
        if choice == "botguard":
            # The Node runner fetches the challenge itself: through an http:// forward
            # proxy, never around one it cannot use.
            if request.proxy and urlsplit(request.proxy).scheme.lower() != "http":
                raise RequestRejected(
                    "ytsession's BotGuard runner sends only through http:// proxies, not "
                    f"{urlsplit(request.proxy).scheme}://; use "
                    "youtubepot-ytsession:provider=coldstart or another provider"
                )
            if request.source_address or not request.verify_tls:
                raise RequestRejected(
                    "ytsession's BotGuard runner cannot bind a source address or skip "
                    "certificate checks"
                )
        return choice

    def _botguard_set_up(self) -> bool:
        if self._botguard_ready is None:
            from .botguard import find_node, installed_packages

            try:
                find_node(self.settings.node)
            except PoTokenError:
                self._botguard_ready = False
            else:
                self._botguard_ready = None not in installed_packages().values()
        return self._botguard_ready

    def _chain(self, kind: str, request: YtDlpRequest) -> ProviderChain:
        key: tuple[object, ...] = (kind, request.user_agent, request.timeout, request.proxy)
        cache = self._token_cache()
        with self._lock:
            chain = self._chains.get(key)
            if chain is None:
                provider: PoTokenProvider
                if kind == "botguard":
                    provider = self._botguard(request)
                else:
                    provider = ColdStartProvider(clock=self._clock)
                chain = ProviderChain(
                    [provider],
                    cache_item=cache,
                    clock=self._clock,
                    ttl=DEFAULT_TTL,
                )
                self._chains[key] = chain
            return chain

    def _botguard(self, request: YtDlpRequest) -> PoTokenProvider:
        from .botguard import DEFAULT_TIMEOUT, BotGuardProvider

        return BotGuardProvider(
            base_url=self.settings.base_url,
            node=self.settings.node,
            timeout=request.timeout or DEFAULT_TIMEOUT,
            user_agent=request.user_agent,
            proxy=request.proxy,
            clock=self._clock,
        )


_BRIDGES: dict[PluginSettings, YtDlpBridge] = {}
_BRIDGES_LOCK = threading.Lock()


def bridge_for(settings: PluginSettings) -> YtDlpBridge:
    """The one bridge of these settings in this process: the provider and the cache spec
    of one yt-dlp run, and every run after it, share its chains.

    :return: the bridge.
    """
    with _BRIDGES_LOCK:
        bridge = _BRIDGES.get(settings)
        if bridge is None:
            bridge = _BRIDGES[settings] = YtDlpBridge(settings)
        return bridge


class _LoggingLogger:
    def __init__(self) -> None:
        import logging

        self._log = logging.getLogger("ytsession.potoken.ytdlp")

    def info(self, message: str) -> None:
        self._log.info("%s", message)

    def debug(self, message: str) -> None:
        self._log.debug("%s", message)

    def trace(self, message: str) -> None:
        self._log.debug("%s", message)
