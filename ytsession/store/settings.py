"""A profile's settings: everything a login needs besides its token (kind, OAuth client,
endpoints, scope, kind-specific extras), and their stored JSON form.

Here, apart from :mod:`ytsession.store.profiles`, so that the login kinds
(:mod:`ytsession.store.kinds`) can name the settings without importing the profiles that
ask them for their kind. Standard library only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..errors import TokenFileError

if TYPE_CHECKING:
    from ..oauth.credentials import OAuthCredentials

__all__ = ["KIND_COOKIES", "KIND_OAUTH", "KIND_YOUTUBE_TV", "ProfileSettings"]

#: Profile kinds of this package (others register in :mod:`ytsession.store.kinds`).
KIND_OAUTH = "oauth"  # Google device flow with the user's own client
KIND_YOUTUBE_TV = "youtube-tv"  # Google device flow with the YouTube TV app's client
KIND_COOKIES = "cookies"  # a logged-in browser's cookies (SAPISIDHASH), no OAuth client

_SETTINGS_VERSION = 1


@dataclass
class ProfileSettings:
    """What a profile needs besides its token.

    :ivar kind: how the profile logs in (``oauth``, ``youtube-tv``, ...).
    :ivar client_id: the OAuth client id.
    :ivar client_secret: the OAuth client secret (stored, never shown).
    :ivar endpoints: URLs by name (``device_code_url``, ``token_url``, ``revoke_url``, ...).
    :ivar scope: the scope the login asked for.
    :ivar extra: kind-specific settings.
    """

    kind: str
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    endpoints: dict[str, str] = field(default_factory=dict)
    scope: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_client(
        cls,
        credentials: OAuthCredentials,
        kind: str = KIND_OAUTH,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> ProfileSettings:
        """The settings of a profile that logs in with ``credentials`` (the inverse of
        :func:`credentials_for`). Here, not on the credentials: OAuth knows no profile.

        :param credentials: the OAuth client.
        :param kind: ``"oauth"`` (the user's own client) or ``"youtube-tv"``.
        :param extra: kind-specific settings, e.g. the TV page's URL.
        :return: the profile settings.
        """
        return cls(
            kind=kind,
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
            endpoints=credentials.endpoints.as_dict(),
            scope=credentials.scope,
            extra=dict(extra or {}),
        )

    def to_dict(self) -> dict[str, Any]:
        """:return: the JSON form, with a format version."""
        return {
            "version": _SETTINGS_VERSION,
            "kind": self.kind,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "endpoints": dict(self.endpoints),
            "scope": self.scope,
            "extra": dict(self.extra),
        }

    def to_json(self) -> str:
        """:return: the stored text of the settings."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, path: str) -> ProfileSettings:
        """Parse the JSON form.

        :raises TokenFileError: a field is missing or of the wrong type.
        """

        def text(key: str) -> str:
            value = data.get(key, "")
            if not isinstance(value, str):
                raise TokenFileError(
                    f"profile file {path}: '{key}' must be a string; fix the file or log in again",
                    path=path,
                )
            return value

        endpoints = data.get("endpoints", {})
        extra = data.get("extra", {})
        if not isinstance(endpoints, dict) or not all(
            isinstance(v, str) for v in endpoints.values()
        ):
            raise TokenFileError(
                f"profile file {path}: 'endpoints' must map names to URLs", path=path
            )
        if not isinstance(extra, dict):
            raise TokenFileError(f"profile file {path}: 'extra' must be an object", path=path)
        kind = text("kind")
        if not kind:
            raise TokenFileError(f"profile file {path} names no 'kind'", path=path)
        return cls(
            kind=kind,
            client_id=text("client_id"),
            client_secret=text("client_secret"),
            endpoints=dict(endpoints),
            scope=text("scope"),
            extra=dict(extra),
        )
