"""Where a device-flow client sends its requests, and how it authenticates there:
:class:`OAuthEndpoints`, Google's, YouTube TV's, an emulator's, or any standard OAuth
server's read from its RFC 8414 / OpenID Connect metadata (:meth:`OAuthEndpoints.discover`).

Client authentication follows RFC 6749 §2.3.1: HTTP Basic (``client_secret_basic``), the
secret in the form body (``client_secret_post``) or none for a public client (``none``), at
the device-authorization, token and revocation endpoints (RFC 8628 §3.1, RFC 7009 §2.1), or,
as Google wants, at the token endpoint only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests

from .. import _validate as check
from ..errors import OAuthServerError, ProfileError
from ..transport import host_of, new_session, send

__all__ = [
    "ALL_ENDPOINTS",
    "CLIENT_AUTH_METHODS",
    "CLIENT_AUTH_NONE",
    "CLIENT_SECRET_BASIC",
    "CLIENT_SECRET_POST",
    "DEVICE_CODE_ENDPOINT",
    "REVOKE_ENDPOINT",
    "TOKEN_ENDPOINT",
    "OAuthEndpoints",
]

#: Client authentication methods, by their RFC 8414 / RFC 7591 names.
CLIENT_SECRET_BASIC = "client_secret_basic"
CLIENT_SECRET_POST = "client_secret_post"
CLIENT_AUTH_NONE = "none"
CLIENT_AUTH_METHODS = (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST, CLIENT_AUTH_NONE)
#: The endpoints a client can authenticate at, by the names ``client_auth_at`` uses.
DEVICE_CODE_ENDPOINT = "device_code"
TOKEN_ENDPOINT = "token"
REVOKE_ENDPOINT = "revoke"
ALL_ENDPOINTS = (DEVICE_CODE_ENDPOINT, TOKEN_ENDPOINT, REVOKE_ENDPOINT)

_URL_KEYS = ("device_code_url", "token_url", "revoke_url")


@dataclass(frozen=True)
class OAuthEndpoints:
    """Where a device-flow client sends its three kinds of request, and how it authenticates.

    Built directly, the endpoints follow the standards: HTTP Basic authentication
    (``client_secret_basic``, which RFC 6749 §2.3.1 has every server support) at all three
    endpoints. :meth:`google`, :meth:`youtube_tv` and :meth:`under` describe Google, which
    takes the secret in the form body at its token endpoint only; :meth:`discover` reads a
    server's RFC 8414 metadata.

    :param device_code_url: the device authorization endpoint.
    :param token_url: the token endpoint.
    :param revoke_url: the revocation endpoint (RFC 7009); ``""`` when the server has none.
    :param client_auth: ``"client_secret_basic"``, ``"client_secret_post"``, or ``"none"``
        for a public client (one without a secret, which sends only its ``client_id``).
    :param client_auth_at: the endpoints that get client authentication, of
        ``"device_code"``, ``"token"`` and ``"revoke"``. Google's are ``("token",)``: its
        device endpoint takes only the ``client_id`` and its revoke endpoint only the token.
    :raises ProfileError: an unknown method or endpoint name.
    """

    device_code_url: str
    token_url: str
    revoke_url: str
    client_auth: str = CLIENT_SECRET_BASIC
    client_auth_at: tuple[str, ...] = ALL_ENDPOINTS

    def __post_init__(self) -> None:
        if self.client_auth not in CLIENT_AUTH_METHODS:
            raise ProfileError(
                f"unknown client authentication {self.client_auth!r}; use one of "
                + ", ".join(CLIENT_AUTH_METHODS)
            )
        unknown = [name for name in self.client_auth_at if name not in ALL_ENDPOINTS]
        if unknown:
            raise ProfileError(
                f"unknown endpoint names {unknown} in client_auth_at; use "
                + ", ".join(ALL_ENDPOINTS)
            )

    @classmethod
    def google(cls) -> OAuthEndpoints:
        """Google's public OAuth endpoints."""
        return cls(
            device_code_url="https://oauth2.googleapis.com/device/code",
            token_url="https://oauth2.googleapis.com/token",
            revoke_url="https://oauth2.googleapis.com/revoke",
            **_GOOGLE_CLIENT_AUTH,
        )

    @classmethod
    def youtube_tv(cls, base: str = "https://www.youtube.com") -> OAuthEndpoints:
        """The endpoints YouTube's TV app uses (``/o/oauth2/...`` on ``www.youtube.com``)."""
        root = base.rstrip("/") + "/"
        return cls(
            device_code_url=urljoin(root, "o/oauth2/device/code"),
            token_url=urljoin(root, "o/oauth2/token"),
            revoke_url=urljoin(root, "o/oauth2/revoke"),
            **_GOOGLE_CLIENT_AUTH,
        )

    @classmethod
    def under(cls, base: str) -> OAuthEndpoints:
        """Google's paths under another root, e.g. the emulator's ``http://127.0.0.1:PORT``."""
        root = base.rstrip("/") + "/"
        return cls(
            device_code_url=urljoin(root, "device/code"),
            token_url=urljoin(root, "token"),
            revoke_url=urljoin(root, "revoke"),
            **_GOOGLE_CLIENT_AUTH,
        )

    @classmethod
    def discover(
        cls,
        issuer: str,
        *,
        public: bool = False,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] | None = None,
    ) -> OAuthEndpoints:
        """Read a standard OAuth server's endpoints from its metadata: RFC 8414's
        ``/.well-known/oauth-authorization-server``, else OpenID Connect's
        ``/.well-known/openid-configuration``.

        The client authentication is ``none`` for a public client; for a confidential one
        ``client_secret_basic`` when the server lists it in
        ``token_endpoint_auth_methods_supported`` (or lists nothing: Basic is RFC 8414's
        default), else ``client_secret_post``. It is used at all three endpoints.

        :param issuer: the server's issuer URL, e.g. ``https://auth.example``.
        :param public: the client has no secret.
        :param session: the session to send with; a new one when ``None``.
        :raises OAuthServerError: the server publishes no usable metadata, no device
            authorization endpoint, or no client authentication ytsession can do.
        :raises NetworkError: the server could not be reached.
        """
        metadata = _server_metadata(issuer, session or new_session(), timeout=timeout)
        where = host_of(issuer)
        source = _metadata_source(where)
        urls = {}
        for key, field_name in (
            ("device_code_url", "device_authorization_endpoint"),
            ("token_url", "token_endpoint"),
            ("revoke_url", "revocation_endpoint"),
        ):
            urls[key] = check.text(metadata, field_name, source, default="")
            if urls[key] and not _is_web_url(urls[key]):
                raise source.fail(f"has a '{field_name}' that is not an http(s) URL")
        if not urls["device_code_url"] or not urls["token_url"]:
            raise OAuthServerError(
                f"{where} offers no device flow (its metadata has no "
                "device_authorization_endpoint or token_endpoint); ytsession logs in with it"
            )
        supported = metadata.get("token_endpoint_auth_methods_supported", [CLIENT_SECRET_BASIC])
        if not isinstance(supported, list) or not all(isinstance(m, str) for m in supported):
            raise source.fail("has a 'token_endpoint_auth_methods_supported' that is not a list")
        wanted = (CLIENT_AUTH_NONE,) if public else (CLIENT_SECRET_BASIC, CLIENT_SECRET_POST)
        method = next((m for m in wanted if m in supported), None)
        if method is None:
            kind = "public" if public else "confidential"
            raise OAuthServerError(
                f"{where} supports no client authentication ytsession can do for a {kind} "
                f"client (it lists {', '.join(supported)[:200]}); "
                "configure OAuthEndpoints by hand if the server accepts another method"
            )
        return cls(
            device_code_url=urls["device_code_url"],
            token_url=urls["token_url"],
            revoke_url=urls["revoke_url"],
            client_auth=method,
        )

    def with_client_auth(self, method: str, at: tuple[str, ...] | None = None) -> OAuthEndpoints:
        """Change the client authentication (and, when ``at`` is given, where it is sent).

        :return: a copy of these endpoints.
        """
        return replace(
            self, client_auth=method, client_auth_at=self.client_auth_at if at is None else at
        )

    def as_dict(self) -> dict[str, str]:
        """:return: the URLs and the client authentication by name (for a profile file)."""
        return {
            "device_code_url": self.device_code_url,
            "token_url": self.token_url,
            "revoke_url": self.revoke_url,
            "client_auth": self.client_auth,
            "client_auth_at": " ".join(self.client_auth_at),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> OAuthEndpoints:
        """The inverse of :meth:`as_dict`. Profiles written before client authentication
        was configurable have no ``client_auth``: they get Google's (the only kind there
        was).

        :raises ProfileError: a URL is missing, or the client authentication is unknown.
        """
        missing = [key for key in _URL_KEYS if not isinstance(data.get(key), str)]
        if missing:
            raise ProfileError(f"the profile's endpoints lack {', '.join(missing)}; log in again")
        auth = data.get("client_auth", _GOOGLE_CLIENT_AUTH["client_auth"])
        at = data.get("client_auth_at")
        return cls(
            device_code_url=data["device_code_url"],
            token_url=data["token_url"],
            revoke_url=data["revoke_url"],
            client_auth=str(auth),
            client_auth_at=(
                tuple(str(at).split()) if at is not None else _GOOGLE_CLIENT_AUTH["client_auth_at"]
            ),
        )


#: Google takes the secret in the body, at its token endpoint only.
_GOOGLE_CLIENT_AUTH: dict[str, Any] = {
    "client_auth": CLIENT_SECRET_POST,
    "client_auth_at": (TOKEN_ENDPOINT,),
}


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _metadata_source(where: str) -> check.Source:
    return check.Source(
        f"the OAuth metadata of {where}",
        "check the issuer URL, or give the endpoints with OAuthEndpoints(...)",
        lambda m: OAuthServerError(m, error="invalid_metadata"),
    )


def _server_metadata(
    issuer: str, session: requests.Session, *, timeout: float | tuple[float, float] | None
) -> dict[str, Any]:
    """Fetch and check a server's metadata (RFC 8414 first, then OpenID Connect's)."""
    if not _is_web_url(issuer):
        raise ProfileError(f"{issuer!r} is not an issuer URL; give one like https://auth.example")
    parts = urlsplit(issuer.rstrip("/"))
    root = f"{parts.scheme}://{parts.netloc}"
    candidates = (
        f"{root}/.well-known/oauth-authorization-server{parts.path}",
        f"{root}{parts.path}/.well-known/openid-configuration",
    )
    where = host_of(issuer)
    source = _metadata_source(where)
    for url in candidates:
        response = send(
            session, "GET", url, headers={"Accept": "application/json"}, timeout=timeout
        )
        if response.status_code == 404:
            continue
        data = check.maybe_json(response.content, source)
        if not response.ok or not isinstance(data, dict):
            raise OAuthServerError(
                f"{where} answered HTTP {response.status_code} without metadata at {url}",
                status=response.status_code,
            )
        if check.text(data, "issuer", source, default="").rstrip("/") != issuer.rstrip("/"):
            # RFC 8414 §3.3: metadata of another issuer must not be used (mix-up attacks).
            raise OAuthServerError(
                f"{where} publishes metadata for another issuer; check the issuer URL"
            )
        return data
    raise OAuthServerError(
        f"{where} publishes no OAuth metadata (RFC 8414 or OpenID Connect discovery); "
        "give its endpoints with OAuthEndpoints(...)"
    )
