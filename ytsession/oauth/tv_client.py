"""The YouTube TV web app's own OAuth client, read from its page (opt-in).

:meth:`OAuthCredentials.from_youtube_tv() <ytsession.oauth.OAuthCredentials.from_youtube_tv>`
uses it. The one place OAuth reads a page of YouTube's: Google's OAuth server and the TV
app's public client are what ytmusicapi users log in with; everything else of YouTube is in
the InnerTube layer.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import requests

from .._hints import OWN_OAUTH_CLIENT
from ..errors import OAuthServerError
from ..transport import host_of, send

__all__ = ["TV_USER_AGENT", "discover_youtube_tv_client"]

_BASE_JS = re.compile(r"<script\b[^>]*\bid=\"base-js\"[^>]*\bsrc=\"([^\"]+)\"", re.I)
_BASE_JS_ALT = re.compile(r"<script\b[^>]*\bsrc=\"([^\"]+)\"[^>]*\bid=\"base-js\"", re.I)
_CLIENT_IDENTITY = re.compile(
    r"clientId\s*:\s*\"(?P<id>[-\w.]+\.apps\.googleusercontent\.com|[-\w.]+)\"\s*,"
    r"\s*[\w$]+\s*:\s*\"(?P<secret>[-\w]+)\""
)
#: The TV page serves its TV script only to TV user agents.
TV_USER_AGENT = (
    "Mozilla/5.0 (ChromiumStylePlatform) Cobalt/25.lts.30.1034958-gold (unlike Gecko), "
    "Unknown_TV_Unknown_0/Unknown (Unknown, Unknown)"
)


def discover_youtube_tv_client(
    session: requests.Session,
    tv_url: str = "https://www.youtube.com/tv",
    *,
    timeout: float | tuple[float, float] | None = None,
) -> tuple[str, str]:
    """Read the YouTube TV web app's OAuth client id and secret from its script.

    :return: ``(client_id, client_secret)``.
    :raises OAuthServerError: the page or script no longer has the expected shape.
    """
    headers = {"User-Agent": TV_USER_AGENT}
    page = send(session, "GET", tv_url, headers=headers, timeout=timeout)
    match = _BASE_JS.search(page.text) or _BASE_JS_ALT.search(page.text)
    if not page.ok or match is None:
        raise OAuthServerError(
            f"could not find the TV app's script on {host_of(tv_url)} (HTTP {page.status_code})"
        ).with_hint(OWN_OAUTH_CLIENT)
    script_url = urljoin(tv_url, match.group(1))
    script = send(session, "GET", script_url, headers=headers, timeout=timeout)
    found = _CLIENT_IDENTITY.search(script.text)
    if not script.ok or found is None:
        raise OAuthServerError(
            "the TV app's script has no client identity in the expected place"
        ).with_hint(OWN_OAUTH_CLIENT)
    return found.group("id"), found.group("secret")
