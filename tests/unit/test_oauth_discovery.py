"""OAuthEndpoints.discover against metadata servers that misbehave, over loopback.

The well-behaved case (a certified server) is in ``test_oidc_provider.py``; here a small
server the test starts answers with what a broken or hostile server might publish. Every
fault is a typed :class:`~ytsession.OAuthServerError`, never a parser's own exception.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ytsession import OAuthEndpoints, OAuthServerError, ProfileError

pytestmark = pytest.mark.slow


class _Metadata(ThreadingHTTPServer):
    """Serves ``documents`` (path -> body) and 404 for every other path."""

    documents: dict[str, str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: _Metadata

    def do_GET(self) -> None:
        body = self.server.documents.get(self.path)
        self.send_response(404 if body is None else 200)
        self.send_header("Content-Type", "application/json")
        payload = (body or "").encode()
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def metadata() -> Iterator[_Metadata]:
    server = _Metadata(("127.0.0.1", 0), _Handler)
    server.documents = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _good(issuer: str, **changes: Any) -> dict[str, Any]:
    document = {
        "issuer": issuer,
        "device_authorization_endpoint": f"{issuer}/device",
        "token_endpoint": f"{issuer}/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post"],
    }
    document.update(changes)
    return {key: value for key, value in document.items() if value is not None}


def test_rfc8414_metadata_is_read_first_and_post_is_chosen_when_basic_is_not_listed(
    metadata: _Metadata,
) -> None:
    metadata.documents["/.well-known/oauth-authorization-server"] = json.dumps(_good(metadata.url))
    endpoints = OAuthEndpoints.discover(metadata.url)
    assert endpoints.client_auth == "client_secret_post"
    assert endpoints.revoke_url == ""  # the server has no revocation endpoint
    assert endpoints.token_url == f"{metadata.url}/token"


def test_no_listed_methods_means_basic(metadata: _Metadata) -> None:
    document = _good(metadata.url, token_endpoint_auth_methods_supported=None)
    metadata.documents["/.well-known/openid-configuration"] = json.dumps(document)
    assert OAuthEndpoints.discover(metadata.url).client_auth == "client_secret_basic"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 5000 + "]" * 5000, "deeper"),
        ('{"issuer": NaN}', "not usable JSON"),
        (json.dumps({"issuer": "https://other.example"}), "another issuer"),
        ("ISSUER-NO-DEVICE", "offers no device flow"),
        ("ISSUER-JWT-ONLY", "supports no client authentication"),
        ("ISSUER-BAD-URL", r"not an http\(s\) URL"),
        ("ISSUER-BAD-METHODS", "not a list"),
    ],
)
def test_unusable_metadata_is_a_typed_error(metadata: _Metadata, body: str, message: str) -> None:
    issuer = metadata.url
    documents = {
        "ISSUER-NO-DEVICE": _good(issuer, device_authorization_endpoint=None),
        "ISSUER-JWT-ONLY": _good(issuer, token_endpoint_auth_methods_supported=["private_key_jwt"]),
        "ISSUER-BAD-URL": _good(issuer, token_endpoint="javascript:alert(1)"),
        "ISSUER-BAD-METHODS": _good(issuer, token_endpoint_auth_methods_supported="basic"),
    }
    if body in documents:
        body = json.dumps(documents[body])
    metadata.documents["/.well-known/openid-configuration"] = body
    with pytest.raises(OAuthServerError, match=message):
        OAuthEndpoints.discover(issuer)


def test_a_server_without_metadata_and_a_bad_issuer_url(metadata: _Metadata) -> None:
    with pytest.raises(OAuthServerError, match="publishes no OAuth metadata"):
        OAuthEndpoints.discover(metadata.url)
    with pytest.raises(ProfileError):
        OAuthEndpoints.discover("auth.example")
