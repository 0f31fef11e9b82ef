"""The InnerTube client table: one declarative row per client YouTube's apps use.

Each :class:`ClientProfile` says what a client sends (name, number, version, user agent,
OS and device fields), where it sends it (host), and which authentication it accepts.
Client versions drift every few weeks, so they live here, in one place, and every lookup
takes a ``version`` override::

    client_profile("WEB")                          # the table's row
    client_profile("web", version="2.20260301.00.00")  # the same row, another version

Each row says where its version came from (``version_source``: a peer release such as
yt-dlp's or YouTube.js's, or ``sw.js_data``, from which a session takes WEB's current
version when it fetches its session data).

A profile is a frozen dataclass: :func:`dataclasses.replace` makes a variant of it, and
any :class:`ClientProfile` (not only the table's) can be given to
:meth:`ytsession.Session.create`.

This module imports no HTTP library.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ...errors import UnknownClientError

__all__ = [
    "ALIASES",
    "CLIENTS",
    "SW_JS_DATA",
    "YOUTUBE_JS",
    "YT_DLP",
    "ClientProfile",
    "client_profile",
]

_CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
)
_SAFARI_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/15.5 Safari/605.1.15,gzip(gfe)"
)
_IPAD_UA = (
    "Mozilla/5.0 (iPad; CPU OS 16_7_10 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1,gzip(gfe)"
)
_COBALT_UA = (
    "Mozilla/5.0 (ChromiumStylePlatform) Cobalt/25.lts.30.1034943-gold (unlike Gecko), "
    "Unknown_TV_Unknown_0/Unknown (Unknown, Unknown)"
)

#: The peer releases the table's versions were taken from (``version_source`` names one).
YT_DLP = "yt-dlp 2026.10.26"
YOUTUBE_JS = "youtubei.js 18.1.0"
#: ``version_source`` of the WEB version a fetched ``sw.js_data`` named.
SW_JS_DATA = "sw.js_data"


@dataclass(frozen=True, kw_only=True)
class ClientProfile:
    """One InnerTube client: what goes into ``context.client`` and the client headers.

    :ivar name: ``clientName``, e.g. ``"WEB"``.
    :ivar number: the client's number, sent as ``X-YouTube-Client-Name``.
    :ivar version: ``clientVersion``, sent as ``X-YouTube-Client-Version`` too.
    :ivar user_agent: the ``User-Agent`` header and ``context.client.userAgent``.
    :ivar version_source: where ``version`` came from: a peer release and the client's name
        there (e.g. ``"yt-dlp 2026.10.26: web"``), ``"sw.js_data"`` when the server named
        it, or ``""`` for a version given by the caller.
    :ivar host: the InnerTube host (``music.youtube.com`` for ``WEB_REMIX``).
    :ivar platform: ``context.client.platform`` (``DESKTOP``, ``MOBILE``, ``TV``).
    :ivar form_factor: ``context.client.clientFormFactor``.
    :ivar os_name: ``context.client.osName``, or ``""`` to leave it out.
    :ivar os_version: ``context.client.osVersion``, or ``""``.
    :ivar device_make: ``context.client.deviceMake``, or ``""``.
    :ivar device_model: ``context.client.deviceModel``, or ``""``.
    :ivar android_sdk_version: ``context.client.androidSdkVersion``, or ``None``.
    :ivar accepts_cookies: whether browser cookies (SAPISIDHASH) sign this client.
    :ivar accepts_oauth: whether an OAuth Bearer token signs this client (the TV clients).
    :ivar embedded: whether the context carries ``thirdParty.embedUrl``.
    """

    name: str
    number: int
    version: str
    user_agent: str
    version_source: str = ""
    host: str = "www.youtube.com"
    platform: str = "DESKTOP"
    form_factor: str = "UNKNOWN_FORM_FACTOR"
    os_name: str = ""
    os_version: str = ""
    device_make: str = ""
    device_model: str = ""
    android_sdk_version: int | None = None
    accepts_cookies: bool = False
    accepts_oauth: bool = False
    embedded: bool = False

    @property
    def origin(self) -> str:
        """``https://{host}``: the ``Origin`` and ``X-Origin`` headers."""
        return f"https://{self.host}"

    def with_version(self, version: str | None, *, source: str = "") -> ClientProfile:
        """:return: this profile with another ``version`` (itself when ``None`` or equal).

        :param source: where the version came from (``version_source``), e.g.
            ``"sw.js_data"``; ``""`` for the caller's own choice.
        """
        if not version or version == self.version:
            return self
        return dataclasses.replace(self, version=version, version_source=source)


def _table(*profiles: ClientProfile) -> Mapping[str, ClientProfile]:
    return MappingProxyType({p.name: p for p in profiles})


#: The client table, by ``clientName``. Versions drift: update them from the peers' releases
#: (``tests/peers/README.md`` says how); the suite checks each row against the release its
#: ``version_source`` names.
CLIENTS: Mapping[str, ClientProfile] = _table(
    ClientProfile(
        name="WEB",
        number=1,
        version="2.20260708.00.00",
        version_source=f"{YT_DLP}: web",
        user_agent=_CHROME_UA,
        os_name="Windows",
        os_version="10.0",
        accepts_cookies=True,
    ),
    ClientProfile(
        name="MWEB",
        number=2,
        version="2.20260708.05.00",
        version_source=f"{YT_DLP}: mweb",
        user_agent=_IPAD_UA,
        platform="MOBILE",
        os_name="iPad",
        os_version="16.7.10",
        accepts_cookies=True,
    ),
    ClientProfile(
        name="WEB_KIDS",
        number=76,
        version="2.20260205.00.00",
        version_source=f"{YOUTUBE_JS}: WEB_KIDS",
        user_agent=_CHROME_UA,
        os_name="Windows",
        os_version="10.0",
        accepts_cookies=True,
    ),
    ClientProfile(
        name="WEB_REMIX",
        number=67,
        version="1.20260707.12.00",
        version_source=f"{YT_DLP}: web_music",
        user_agent=_CHROME_UA,
        host="music.youtube.com",
        os_name="Windows",
        os_version="10.0",
        accepts_cookies=True,
    ),
    ClientProfile(
        name="WEB_EMBEDDED_PLAYER",
        number=56,
        version="2.20260708.00.00",
        version_source=f"{YT_DLP}: web_embedded",
        user_agent=_SAFARI_UA,
        os_name="Macintosh",
        os_version="10_15_7",
        accepts_cookies=True,
        embedded=True,
    ),
    ClientProfile(
        name="WEB_CREATOR",
        number=62,
        version="1.20260708.06.00",
        version_source=f"{YT_DLP}: web_creator",
        user_agent=_CHROME_UA,
        os_name="Windows",
        os_version="10.0",
        accepts_cookies=True,
    ),
    ClientProfile(
        name="TVHTML5",
        number=7,
        version="7.20260707.07.00",
        version_source=f"{YT_DLP}: tv",
        user_agent=_COBALT_UA,
        platform="TV",
        accepts_cookies=True,
        accepts_oauth=True,
    ),
    ClientProfile(
        name="TVHTML5_SIMPLY",
        number=75,
        version="1.0",
        version_source=f"{YT_DLP}: tv_simply",
        user_agent=_COBALT_UA,
        platform="TV",
        accepts_oauth=True,
    ),
    ClientProfile(
        name="TVHTML5_SIMPLY_EMBEDDED_PLAYER",
        number=85,
        version="2.0",
        version_source=f"{YOUTUBE_JS}: TV_EMBEDDED",
        user_agent=_COBALT_UA,
        platform="TV",
        accepts_cookies=True,
        accepts_oauth=True,
        embedded=True,
    ),
    ClientProfile(
        name="ANDROID",
        number=3,
        version="21.26.364",
        version_source=f"{YT_DLP}: android",
        user_agent="com.google.android.youtube/21.26.364 (Linux; U; Android 11) gzip",
        platform="MOBILE",
        os_name="Android",
        os_version="11",
        android_sdk_version=30,
    ),
    ClientProfile(
        name="ANDROID_VR",
        number=28,
        # Pinned at 1.65 as both peers do: newer versions may answer with SABR-only streams.
        version="1.65.10",
        version_source=f"{YT_DLP}: android_vr",
        user_agent=(
            "com.google.android.apps.youtube.vr.oculus/1.65.10 "
            "(Linux; U; Android 12L; eureka-user Build/SQ3A.220605.009.A1) gzip"
        ),
        platform="MOBILE",
        os_name="Android",
        os_version="12L",
        device_make="Oculus",
        device_model="Quest 3",
        android_sdk_version=32,
    ),
    ClientProfile(
        name="ANDROID_CREATOR",
        number=14,
        version="22.43.101",
        version_source=f"{YOUTUBE_JS}: YTSTUDIO_ANDROID",
        user_agent="com.google.android.apps.youtube.creator/22.43.101 (Linux; U; Android 11) gzip",
        platform="MOBILE",
        os_name="Android",
        os_version="11",
        android_sdk_version=30,
    ),
    ClientProfile(
        name="ANDROID_MUSIC",
        number=21,
        version="5.34.51",
        version_source=f"{YOUTUBE_JS}: YTMUSIC_ANDROID",
        user_agent="com.google.android.apps.youtube.music/5.34.51 (Linux; U; Android 11) gzip",
        platform="MOBILE",
        os_name="Android",
        os_version="11",
        android_sdk_version=30,
    ),
    ClientProfile(
        name="IOS",
        number=5,
        version="21.26.4",
        version_source=f"{YT_DLP}: ios",
        user_agent=(
            "com.google.ios.youtube/21.26.4 (iPhone16,2; U; CPU iOS 18_3_2 like Mac OS X;)"
        ),
        platform="MOBILE",
        os_name="iPhone",
        os_version="18.3.2.22D82",
        device_make="Apple",
        device_model="iPhone16,2",
    ),
    ClientProfile(
        name="VISIONOS",
        number=101,
        version="1.02",
        version_source=f"{YT_DLP}: visionos",
        user_agent=(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 15_7_3) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/26.0 Safari/605.1.15"
        ),
        os_name="visionOS",
        os_version="26.5.23O471",
        device_make="Apple",
        device_model="RealityDevice17,1",
    ),
)

#: Short names people use for some clients.
ALIASES: Mapping[str, str] = MappingProxyType(
    {
        "TV": "TVHTML5",
        "TV_SIMPLY": "TVHTML5_SIMPLY",
        "TV_EMBEDDED": "TVHTML5_SIMPLY_EMBEDDED_PLAYER",
        "YTMUSIC": "WEB_REMIX",
        "MUSIC": "WEB_REMIX",
        "WEB_EMBEDDED": "WEB_EMBEDDED_PLAYER",
        "EMBED": "WEB_EMBEDDED_PLAYER",
        "CREATOR": "WEB_CREATOR",
        "STUDIO": "WEB_CREATOR",
        "KIDS": "WEB_KIDS",
        "YTKIDS": "WEB_KIDS",
        "YTSTUDIO_ANDROID": "ANDROID_CREATOR",
        "YTMUSIC_ANDROID": "ANDROID_MUSIC",
    }
)


def client_profile(name: str | ClientProfile, version: str | None = None) -> ClientProfile:
    """Look a client up in :data:`CLIENTS`.

    :param name: a ``clientName`` (any case, e.g. ``"tvhtml5"``), an alias such as
        ``"TV"`` or ``"YTMUSIC"``, or a :class:`ClientProfile` (returned as it is).
    :param version: use this ``clientVersion`` instead of the table's.
    :raises UnknownClientError: no client has that name.
    """
    if isinstance(name, ClientProfile):
        return name.with_version(version)
    key = name.strip().upper().replace("-", "_")
    key = ALIASES.get(key, key)
    profile = CLIENTS.get(key)
    if profile is None:
        raise UnknownClientError(
            f"unknown InnerTube client {name!r}; use one of {', '.join(CLIENTS)} "
            "(or pass a ClientProfile of your own)"
        )
    return profile.with_version(version)
