"""Put PO tokens on stream and caption URLs.

Stream URLs (Google Video servers, ``GVS``) take the token as ``pot=``; caption URLs
(``/api/timedtext``) take ``pot=``, ``potc=1`` and ``c=<clientName>``. Other query
parameters keep their order; a ``pot`` already there is replaced.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .providers import PoToken

__all__ = ["add_pot_to_caption_url", "add_pot_to_stream_url"]


def _token_text(token: str | PoToken) -> str:
    text = token.token if isinstance(token, PoToken) else token
    if not text:
        raise ValueError("the PO token is empty")
    return text


def _with_query(url: str, values: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in values]
    query.extend(values.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def add_pot_to_stream_url(url: str, token: str | PoToken) -> str:
    """:return: ``url`` with ``pot=<token>`` (replacing any ``pot`` it had).

    :param url: a stream URL from ``streamingData`` (``.../videoplayback?...``).
    :param token: a ``GVS`` token, or its text.
    :raises ValueError: the token is empty.
    """
    return _with_query(url, {"pot": _token_text(token)})


def add_pot_to_caption_url(url: str, token: str | PoToken, client_name: str) -> str:
    """:return: ``url`` with ``pot=<token>``, ``potc=1`` and ``c=<client_name>``.

    :param url: a caption track's ``baseUrl`` (``.../api/timedtext?...``).
    :param token: a ``SUBS`` token, or its text.
    :param client_name: the ``clientName`` the caption list came from, e.g. ``"WEB"``.
    :raises ValueError: the token or the client name is empty.
    """
    if not client_name:
        raise ValueError("the client name is empty")
    return _with_query(url, {"pot": _token_text(token), "potc": "1", "c": client_name})
