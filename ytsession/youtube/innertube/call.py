"""Building one InnerTube call, and reading its answer.

A :class:`~ytsession.Session` sends; this module says *what* it sends and what an answer
means: the body (the session's ``context`` with the caller's merged over it, the PO token
and ``signatureTimestamp`` of a ``player`` call), the headers (the client's and the
signer's), the URL, whether the call may be re-sent, and the answer as a ``dict`` or a
typed :class:`~ytsession.InnerTubeError`. It holds no state and sends nothing itself.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from ... import _validate as check
from ..._hints import LOG_IN_AGAIN_REFUSED
from ...errors import (
    ClientNotSupportedError,
    ClientNotSupportedWarning,
    Hint,
    InnerTubeError,
)
from ...transport import RETRY_STATUSES
from .clients import CLIENTS, ClientProfile
from .context import (
    ContextSettings,
    build_context,
    build_headers,
    endpoint_url,
    normalize_endpoint,
)
from .endpoints import is_read_endpoint

if TYPE_CHECKING:
    import requests

    from ...transport.signing import AuthorizedSession
    from ..signing import InnerTubeAuth
    from .potoken import ProviderChain

__all__ = [
    "InnerTubeCall",
    "UnsupportedClientPolicy",
    "answer_error",
    "build_call",
    "check_client",
    "merged",
    "read_answer",
    "send_call",
]

#: What to do when a call's client does not accept the session's auth.
UnsupportedClientPolicy = Literal["raise", "warn"]

_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+")


@dataclass(frozen=True, slots=True)
class InnerTubeCall:
    """One call, ready to send: ``POST url`` with ``body`` as JSON and ``headers``."""

    #: The endpoint's normalized name, e.g. ``"player"``, ``"account/accounts_list"``.
    endpoint: str
    url: str
    body: dict[str, Any]
    headers: dict[str, str]
    #: Whether the call may be re-sent after a failure the server may have seen (a read).
    idempotent: bool


def build_call(
    endpoint: str,
    payload: Mapping[str, Any],
    *,
    profile: ClientProfile,
    settings: ContextSettings,
    signer: InnerTubeAuth | None,
    account_index: int | None,
    base_url: str | None,
    po_token: str | None,
    po_token_providers: ProviderChain | None,
    signature_timestamp: Callable[[], int],
) -> InnerTubeCall:
    """Build the call of ``endpoint`` with ``payload`` as ``profile``'s client.

    The body is ``{"context": ..., **payload}``; a ``context`` in the payload is merged
    over the session's. A ``player`` call also carries a PO token in
    ``serviceIntegrityDimensions.poToken`` and ``signature_timestamp()`` in
    ``playbackContext.contentPlaybackContext.signatureTimestamp``, each unless the payload
    has its own.

    :param signer: what signs the call (its headers are added), or ``None``.
    :param po_token: the PO token of ``player`` calls; ``None`` to ask
        ``po_token_providers`` (when there are some) for one bound as the rules say.
    :param base_url: where the calls go instead of the client's host, or ``None``.
    """
    name = normalize_endpoint(endpoint)
    context = build_context(profile, settings)
    body: dict[str, Any] = dict(payload)
    extra_context = body.pop("context", None)
    if isinstance(extra_context, Mapping):
        context = merged(context, extra_context)
    body = {"context": context, **body}
    if name == "player":
        token = po_token
        if not token and po_token_providers is not None:
            from .potoken._session import player_po_token

            token = player_po_token(
                po_token_providers,
                body,
                client=profile.name,
                visitor_data=settings.visitor_data,
                auth=signer,
            )
        if token:
            dimensions = dict(body.get("serviceIntegrityDimensions") or {})
            dimensions.setdefault("poToken", token)
            body["serviceIntegrityDimensions"] = dimensions
        _add_signature_timestamp(body, signature_timestamp)
    headers = build_headers(profile, settings)
    if signer is not None:
        headers.update(
            signer.headers(
                profile,
                account_index=account_index,
                on_behalf_of_user=settings.on_behalf_of_user,
            )
        )
    return InnerTubeCall(
        endpoint=name,
        url=endpoint_url(profile, name, base_url),
        body=body,
        headers=headers,
        idempotent=is_read_endpoint(name),
    )


def _add_signature_timestamp(body: dict[str, Any], timestamp: Callable[[], int]) -> None:
    playback = body.get("playbackContext")
    content = playback.get("contentPlaybackContext") if isinstance(playback, Mapping) else None
    if isinstance(content, Mapping) and "signatureTimestamp" in content:
        return  # the caller's own
    body["playbackContext"] = merged(
        playback if isinstance(playback, Mapping) else {},
        {"contentPlaybackContext": {"signatureTimestamp": timestamp()}},
    )


def merged(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """:return: ``base`` with ``extra`` merged over it, nested mappings merged too."""
    result = dict(base)
    for key, value in extra.items():
        current = result.get(key)
        if isinstance(current, Mapping) and isinstance(value, Mapping):
            result[key] = merged(current, value)
        else:
            result[key] = value
    return result


def check_client(
    profile: ClientProfile,
    signer: InnerTubeAuth | None,
    *,
    policy: UnsupportedClientPolicy,
    stacklevel: int,
) -> None:
    """Refuse (or, with ``policy="warn"``, warn about) a call as ``profile``'s client when
    that client does not accept ``signer``'s auth: YouTube would answer HTTP 400.

    :param stacklevel: the warning's, counted from this function.
    :raises ClientNotSupportedError: the client does not accept the auth.
    """
    if signer is None or signer.accepts(profile):
        return
    suited = [name for name, p in CLIENTS.items() if signer.accepts(p)]
    what = signer.description
    text = (
        f"the {profile.name} client does not accept {what}: YouTube answers such calls "
        f"with HTTP 400 'Request contains an invalid argument'. Use one of {', '.join(suited)}"
    )
    hint = Hint(
        python=" (or leave the client unset), or pass unsupported_client='warn' to send it anyway",
        cli=" with --client, or leave --client out",
    )
    if policy == "warn":
        warnings.warn(text + hint.python, ClientNotSupportedWarning, stacklevel=stacklevel)
        return
    raise ClientNotSupportedError(text, client=profile.name, auth_kind=signer.kind).with_hint(hint)


def send_call(
    authorized: AuthorizedSession, call: InnerTubeCall, *, timeout: float | tuple[float, float]
) -> requests.Response:
    """Send ``call`` through the seam: signed, refreshed once after a 401, re-sent after a
    failure the server may have seen only when the call is a read."""
    return authorized.request(
        "POST",
        call.url,
        json=call.body,
        headers=call.headers,
        timeout=timeout,
        idempotent=call.idempotent,
    )


def read_answer(
    response: requests.Response,
    endpoint: str,
    profile: ClientProfile,
    signer: InnerTubeAuth | None,
) -> dict[str, Any]:
    """:return: the JSON object InnerTube answered to ``endpoint``.

    :raises InnerTubeError: the answer is an error (see :func:`answer_error`), not JSON, or
        not a JSON object.
    """
    data = check.maybe_json(
        response.content,
        check.Source(
            f"InnerTube {endpoint}'s answer (HTTP {response.status_code})",
            "try again later",
            lambda m: InnerTubeError(m, status=response.status_code, endpoint=endpoint),
        ),
        max_depth=check.MAX_ANSWER_DEPTH,
    )
    if not response.ok:
        raise answer_error(response.status_code, data, endpoint, profile, signer)
    if not isinstance(data, dict):
        raise InnerTubeError(
            f"InnerTube {endpoint} answered HTTP {response.status_code} without a JSON object",
            status=response.status_code,
            endpoint=endpoint,
        )
    return data


def answer_error(
    status: int,
    data: object,
    endpoint: str,
    profile: ClientProfile,
    signer: InnerTubeAuth | None,
) -> InnerTubeError:
    """The error an answer with HTTP ``status`` and body ``data`` means: the server's
    status and message (a Bearer token in it hidden), and what to do next."""
    error = data.get("error") if isinstance(data, Mapping) else None
    message = reason = ""
    if isinstance(error, Mapping):
        message = str(error.get("message") or "")
        reason = str(error.get("status") or "")
    elif isinstance(error, str):
        message = error
    message = _BEARER.sub(r"\1 <hidden>", message)
    text = f"InnerTube {endpoint} failed with HTTP {status}"
    if reason:
        text += f" {reason}"
    if message:
        text += f": {message}"
    if status == 400 and signer is not None and not signer.accepts(profile):
        text += f" ({profile.name} does not accept {signer.kind} sign-in; use a TV client)"
    elif status == 401 and signer is None:
        text += " (this endpoint needs a signed-in session)"
    elif status in RETRY_STATUSES:
        text += " (still failing after retries; try again later)"
    error = InnerTubeError(text, status=status, message=message, endpoint=endpoint, reason=reason)
    return error.with_hint(LOG_IN_AGAIN_REFUSED) if status == 401 and signer is not None else error
