"""Pure builders of the InnerTube request context and headers.

Nothing here does I/O. :class:`SessionData` is what a session fetched once (visitor data,
rollout token, config); :class:`ContextSettings` is everything a context is built from;
:func:`build_context` and :func:`build_headers` turn a :class:`~.clients.ClientProfile`
plus settings into the ``context`` object and the headers of one request. A per-call
client override is the same settings with another profile: the session's own state is
never touched.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from .clients import ClientProfile

__all__ = [
    "DEFAULT_BASE_URL",
    "ContextSettings",
    "SessionData",
    "build_context",
    "build_headers",
    "endpoint_url",
    "utc_offset_minutes",
]

#: Where InnerTube lives unless a profile names another host.
DEFAULT_BASE_URL = "https://www.youtube.com"


@dataclass(frozen=True, kw_only=True)
class SessionData:
    """What a session fetches once and caches: visitor data, rollout token, config.

    :ivar visitor_data: the visitor data (URL-encoded base64 protobuf).
    :ivar rollout_token: ``context.client.rolloutToken``, or ``""``.
    :ivar app_install_data: ``context.client.configInfo.appInstallData``, or ``""``.
    :ivar device_experiment_id: ``context.client.deviceExperimentId``, or ``""``.
    :ivar client_version: the WEB client version the server named, or ``""``.
    :ivar remote_host: the address the server saw, or ``""``.
    :ivar config_data: ``configData`` of ``/youtubei/v1/config``, or ``""``.
    :ivar cold_config_data: ``rawColdConfigGroup.configData`` of the config, or ``""``.
    :ivar cold_hash_data: ``coldHashData`` of the config, or ``""``.
    :ivar hot_hash_data: ``hotHashData`` of the config, or ``""``.
    :ivar source: where the data came from: ``"sw.js_data"``, ``"embed"``, ``"local"``
        or ``"given"``.
    :ivar fetched_at: when it was fetched, in seconds since the epoch.
    """

    visitor_data: str
    rollout_token: str = ""
    app_install_data: str = ""
    device_experiment_id: str = ""
    client_version: str = ""
    remote_host: str = ""
    config_data: str = ""
    cold_config_data: str = ""
    cold_hash_data: str = ""
    hot_hash_data: str = ""
    source: str = ""
    fetched_at: float = 0.0

    @property
    def has_config(self) -> bool:
        """Whether ``/youtubei/v1/config`` was retrieved into this data."""
        return bool(self.config_data or self.cold_hash_data or self.hot_hash_data)

    def to_dict(self) -> dict[str, Any]:
        """:return: the JSON form (for the session data cache)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SessionData:
        """The inverse of :meth:`to_dict`; unknown keys are ignored.

        :raises ValueError: ``visitor_data`` is missing or a field has the wrong type.
        """
        values: dict[str, Any] = {}
        for item in dataclasses.fields(cls):
            if item.name not in data:
                continue
            value = data[item.name]
            if item.name == "fetched_at":
                if not isinstance(value, int | float) or isinstance(value, bool):
                    raise ValueError("'fetched_at' must be a number")
                values[item.name] = float(value)
            elif isinstance(value, str):
                values[item.name] = value
            else:
                raise ValueError(f"{item.name!r} must be a string")
        if not values.get("visitor_data"):
            raise ValueError("'visitor_data' is missing")
        return cls(**values)


@dataclass(frozen=True, kw_only=True)
class ContextSettings:
    """Everything besides the client profile that a context is built from.

    :ivar lang: ``hl``, the interface language (``"en"``, ``"de"``, ``"pt-BR"``).
    :ivar location: ``gl``, the content region (``"US"``, ``"DE"``).
    :ivar time_zone: ``timeZone``, an IANA name.
    :ivar utc_offset_minutes: ``utcOffsetMinutes`` (see :func:`utc_offset_minutes`).
    :ivar user_agent: a user agent for every client instead of each profile's own.
    :ivar visitor_data: ``visitorData`` and the ``X-Goog-Visitor-Id`` header.
    :ivar rollout_token: ``rolloutToken``.
    :ivar app_install_data: ``configInfo.appInstallData``.
    :ivar cold_config_data: ``configInfo.coldConfigData``.
    :ivar cold_hash_data: ``configInfo.coldHashData``.
    :ivar hot_hash_data: ``configInfo.hotHashData``.
    :ivar device_experiment_id: ``deviceExperimentId``.
    :ivar enable_safety_mode: ``context.user.enableSafetyMode`` (restricted mode).
    :ivar on_behalf_of_user: ``context.user.onBehalfOfUser``: act as this brand account.
    :ivar embed_url: ``context.thirdParty.embedUrl`` for embedded clients.
    """

    lang: str = "en"
    location: str = "US"
    time_zone: str = "UTC"
    utc_offset_minutes: int = 0
    user_agent: str | None = None
    visitor_data: str = ""
    rollout_token: str = ""
    app_install_data: str = ""
    cold_config_data: str = ""
    cold_hash_data: str = ""
    hot_hash_data: str = ""
    device_experiment_id: str = ""
    enable_safety_mode: bool = False
    on_behalf_of_user: str | None = None
    embed_url: str = "https://www.youtube.com/"

    def with_session_data(self, data: SessionData) -> ContextSettings:
        """:return: these settings with the fetched pieces of ``data`` put in."""
        return dataclasses.replace(
            self,
            visitor_data=data.visitor_data,
            rollout_token=data.rollout_token,
            app_install_data=data.app_install_data,
            cold_config_data=data.cold_config_data,
            cold_hash_data=data.cold_hash_data,
            hot_hash_data=data.hot_hash_data,
            device_experiment_id=data.device_experiment_id,
        )


def utc_offset_minutes(time_zone: str, at: datetime | None = None) -> int:
    """:return: the UTC offset of ``time_zone`` at ``at`` (now by default), in minutes.

    :param time_zone: an IANA time zone name, e.g. ``"Europe/Berlin"``.
    :raises ValueError: the time zone is unknown to this system.
    """
    if time_zone.upper() in ("UTC", "GMT", "ETC/UTC"):
        return 0
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {time_zone!r}; use an IANA name such as 'Europe/Berlin' "
            "(install the tzdata package if this system has no time zone database)"
        ) from None
    moment = (at or datetime.now(timezone.utc)).astimezone(zone)
    offset = moment.utcoffset()
    return int(offset.total_seconds() // 60) if offset is not None else 0


def build_context(profile: ClientProfile, settings: ContextSettings) -> dict[str, Any]:
    """Build the ``context`` object of an InnerTube request body.

    :param profile: the client.
    :param settings: language, location, visitor data and the rest.
    :return: a new dict with ``client``, ``user``, ``request`` and, for embedded clients,
        ``thirdParty``; empty values are left out.
    """
    client: dict[str, Any] = {
        "hl": settings.lang,
        "gl": settings.location,
        "clientName": profile.name,
        "clientVersion": profile.version,
        "userAgent": settings.user_agent or profile.user_agent,
        "platform": profile.platform,
        "clientFormFactor": profile.form_factor,
        "timeZone": settings.time_zone,
        "utcOffsetMinutes": settings.utc_offset_minutes,
    }
    optional: dict[str, Any] = {
        "osName": profile.os_name,
        "osVersion": profile.os_version,
        "deviceMake": profile.device_make,
        "deviceModel": profile.device_model,
        "androidSdkVersion": profile.android_sdk_version,
        "visitorData": settings.visitor_data,
        "rolloutToken": settings.rollout_token,
        "deviceExperimentId": settings.device_experiment_id,
    }
    client.update({key: value for key, value in optional.items() if value})
    config_info = {
        "appInstallData": settings.app_install_data,
        "coldConfigData": settings.cold_config_data,
        "coldHashData": settings.cold_hash_data,
        "hotHashData": settings.hot_hash_data,
    }
    config_info = {key: value for key, value in config_info.items() if value}
    if config_info:
        client["configInfo"] = config_info
    user: dict[str, Any] = {
        "enableSafetyMode": settings.enable_safety_mode,
        "lockedSafetyMode": False,
    }
    if settings.on_behalf_of_user:
        user["onBehalfOfUser"] = settings.on_behalf_of_user
    context: dict[str, Any] = {
        "client": client,
        "user": user,
        "request": {"useSsl": True, "internalExperimentFlags": []},
    }
    if profile.embedded:
        context["thirdParty"] = {"embedUrl": settings.embed_url}
    return context


def build_headers(profile: ClientProfile, settings: ContextSettings) -> dict[str, str]:
    """Build the client headers of an InnerTube request (authentication not included).

    :param profile: the client.
    :param settings: the user agent override and the visitor data.
    :return: ``Content-Type``, ``User-Agent``, ``X-YouTube-Client-Name``,
        ``X-YouTube-Client-Version``, ``Origin``, ``X-Origin``, ``Accept-Language`` and,
        when known, ``X-Goog-Visitor-Id``.
    """
    headers = {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "Accept-Language": settings.lang,
        "User-Agent": settings.user_agent or profile.user_agent,
        "X-YouTube-Client-Name": str(profile.number),
        "X-YouTube-Client-Version": profile.version,
        "Origin": profile.origin,
        "X-Origin": profile.origin,
    }
    if settings.visitor_data:
        headers["X-Goog-Visitor-Id"] = settings.visitor_data
    return headers


def endpoint_url(profile: ClientProfile, endpoint: str, base_url: str | None = None) -> str:
    """:return: ``{base}/youtubei/v1/{endpoint}?prettyPrint=false``.

    :param profile: the client; its host is the base unless ``base_url`` is given.
    :param endpoint: e.g. ``"browse"`` or ``"account/account_menu"``.
    :param base_url: e.g. an emulator's ``http://127.0.0.1:PORT``, used for every client.
    """
    base = base_url.rstrip("/") if base_url else profile.origin
    return f"{base}/youtubei/v1/{normalize_endpoint(endpoint)}?prettyPrint=false"


@functools.lru_cache(maxsize=256)  # asked twice per call, of a few names
def normalize_endpoint(endpoint: str) -> str:
    """:return: ``endpoint`` without slashes around it or a ``youtubei/v1/`` prefix.

    :raises ValueError: the endpoint is empty or carries a query string.
    """
    name = endpoint.strip().strip("/")
    for prefix in ("youtubei/v1/", "v1/"):
        if name.startswith(prefix):
            name = name[len(prefix) :]
    if not name or "?" in name or "#" in name:
        raise ValueError(
            f"{endpoint!r} is not an InnerTube endpoint; give a name such as 'browse' "
            "or 'account/account_menu'"
        )
    return name
