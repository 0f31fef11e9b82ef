"""Token files: atomic, private writes and strict reads.

A token file is the JSON ytmusicapi calls ``oauth.json``: exactly ``scope``, ``token_type``,
``access_token``, ``refresh_token``, ``expires_at`` and ``expires_in``, so each library
loads the other's files. A file that does not parse as a token raises
:class:`~ytsession.errors.TokenFileError` and is never overwritten. Writing is a stored
item's job (:class:`~ytsession.oauth.cache.TokenCache`, through :mod:`ytsession._files`:
atomic, mode 0600).

The refresh margin (:data:`REFRESH_MARGIN`, :func:`refresh_margin`) is
:mod:`ytsession.oauth.rules`', re-exported here beside the file format; the ``ytsession
token`` fast path reads it from there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from .. import _secrets
from .. import _validate as check
from ..errors import InvalidTokenAnswerError, TokenFileError, YTSessionError
from .models import BaseTokenDict, StoredTokenDict
from .rules import REFRESH_MARGIN as REFRESH_MARGIN  # the rule's home is rules
from .rules import refresh_margin as refresh_margin

#: The keys of a token file, in ytmusicapi's order.
TOKEN_KEYS = ("scope", "token_type", "access_token", "refresh_token", "expires_at", "expires_in")
#: Seconds a token lives when the server does not say (Google's tokens live an hour).
DEFAULT_LIFETIME = 3600


def file_source(
    path: Path | str, *, what: str = "token file", advice: str | None = None
) -> check.Source:
    """The validation source of a token (or profile) file.

    :param advice: what to do about a fault (default: delete or fix it and log in again).
    :return: a source whose faults are :class:`~ytsession.errors.TokenFileError` naming
        the file.
    """
    if advice is None:
        advice = "delete it and log in again"
        if what != "token file":
            advice = "fix or delete it, or log in again"
    return check.Source(f"{what} {path}", advice, lambda m: TokenFileError(m, path=str(path)))


def answer_source(where: str) -> check.Source:
    """The validation source of a token-endpoint answer from ``where`` (a host).

    :return: a source whose faults are :class:`~ytsession.errors.InvalidTokenAnswerError`.
    """
    return check.Source(
        f"the token answer of {where}",
        "try again later; if it keeps happening, the server is not a compatible OAuth server",
        lambda m: InvalidTokenAnswerError(m),
    )


def read_json_object(
    path: Path, *, what: str = "token file", advice: str | None = None
) -> dict[str, Any]:
    """Read a JSON object from ``path`` through the validation layer.

    :param what: what to call the file in messages; ``advice``: what to do about a fault
        (see :func:`file_source`).
    :raises FileNotFoundError: the file does not exist.
    :raises TokenFileError: the file is empty, truncated, not JSON, nested too deeply, holds
        ``NaN`` or huge numbers, or is not a JSON object; or cannot be read.
    """
    source = file_source(path, what=what, advice=advice)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise source.fail(f"cannot be read ({exc.strerror or type(exc).__name__})") from None
    return check.json_object(data, source)


def parse_json_object(text: str, *, where: str, what: str = "token file") -> dict[str, Any]:
    """Parse the text of a stored JSON object (a profile store key's, say) through the
    validation layer, as :func:`read_json_object` does a file's.

    :param where: the file or key, for messages.
    :raises TokenFileError: the text is empty, truncated, not JSON, or not a JSON object.
    """
    return check.json_object(text.encode("utf-8"), file_source(where, what=what))


def parse_token(
    data: Mapping[str, Any],
    *,
    path: str = "<token>",
    what: str = "token file",
    advice: str | None = None,
) -> StoredTokenDict:
    """Check a token mapping and return only the token keys.

    Extra keys (ytmusicapi's older ``filepath``, Google's ``refresh_token_expires_in``, ...)
    are dropped. Numbers given as floats are truncated to whole seconds.

    :param path: the file, and ``what`` to call it, for messages; ``advice``: what to do
        about a fault (see :func:`file_source`).
    :raises TokenFileError: a required key is missing or a value has the wrong type, is not
        finite, out of bounds, or cannot go into an HTTP header.
    """
    source = file_source(path, what=what, advice=advice)
    return {
        "scope": check.text(data, "scope", source, default=""),
        "token_type": check.text(data, "token_type", source, default="Bearer", header=True),
        "access_token": check.text(data, "access_token", source, nonempty=True, header=True),
        "refresh_token": check.text(data, "refresh_token", source, nonempty=True, header=True),
        "expires_at": check.number(data, "expires_at", source, low=0, high=check.MAX_EPOCH),
        "expires_in": check.number(
            data, "expires_in", source, low=0, high=check.MAX_LIFETIME, default=0
        ),
    }


def parse_token_answer(
    data: Mapping[str, Any],
    source: check.Source,
    *,
    default_lifetime: int = DEFAULT_LIFETIME,
) -> BaseTokenDict:
    """Check a token-endpoint answer (a login or a refresh) and keep the known keys.

    :param data: the answer's JSON object.
    :param source: where it came from (see :func:`answer_source`).
    :param default_lifetime: the lifetime of a token whose answer has no ``expires_in``.
    :return: ``access_token`` and ``expires_in`` (always), and ``refresh_token`` (when the
        server rotated it), ``scope``, ``token_type``, ``refresh_token_expires_in`` when given.
    :raises YTSessionError: the source's error: a field is missing, of the wrong type, not
        finite, out of bounds, or cannot go into an HTTP header. An
        :class:`~ytsession.errors.InvalidTokenAnswerError` carries the answer's usable new
        refresh token (see :func:`keep_rotation`).
    """
    _secrets.register(*(v for v in (data.get("refresh_token"),) if isinstance(v, str)))
    _secrets.register(*(v for v in (data.get("access_token"),) if isinstance(v, str)))
    try:
        refresh = check.text(data, "refresh_token", source, default="", header=True)
        answer: BaseTokenDict = {
            "access_token": check.text(data, "access_token", source, nonempty=True, header=True),
            "expires_in": check.number(
                data, "expires_in", source, low=1, high=check.MAX_LIFETIME, default=default_lifetime
            ),
        }
        return _rest_of_answer(answer, refresh, data, source)
    except YTSessionError as exc:
        raise keep_rotation(exc, data) from None


def token_answer_json(content: bytes, source: check.Source) -> dict[str, Any] | None:
    """Parse the body of a successful (2xx) token-endpoint answer.

    :param content: the body.
    :param source: where it came from (see :func:`answer_source`).
    :return: the JSON object, or ``None`` when the body is not JSON (an HTML page, a body
        cut short, bytes that are not UTF-8) or not an object: the caller raises its own
        error, through :func:`keep_rotation`.
    :raises YTSessionError: the source's error: JSON that the validation layer refuses
        (``NaN``, a huge number, nesting too deep), with the usable new refresh token the
        body still carries (see :func:`keep_rotation`).
    """
    try:
        data = check.maybe_json(content, source)
    except YTSessionError as exc:
        raise keep_rotation(exc, content) from None
    return data if isinstance(data, dict) else None


_Error = TypeVar("_Error", bound=YTSessionError)


def keep_rotation(error: _Error, answer: Mapping[str, Any] | bytes) -> _Error:
    """Hand a new refresh token back with the error of an otherwise unusable token answer.

    A server that rotates refresh tokens (PeerTube, many certified OAuth servers) has spent
    the old one when it answers, so the new one must be stored whatever else is wrong with
    the answer: :class:`~ytsession.oauth.token.RefreshingToken` stores it from
    :attr:`~ytsession.errors.InvalidTokenAnswerError.rotated_refresh_token`, which is never
    part of the error's message or repr.

    :param error: the error about to be raised; only an
        :class:`~ytsession.errors.InvalidTokenAnswerError` gets the token.
    :param answer: the answer's JSON object, or its raw body when that is not usable JSON.
    :return: ``error``.
    """
    if isinstance(error, InvalidTokenAnswerError):
        rotated = check.salvage_text(answer, "refresh_token")
        if rotated:
            _secrets.register(rotated)
        error.rotated_refresh_token = rotated
    return error


def _rest_of_answer(
    answer: BaseTokenDict, refresh: str, data: Mapping[str, Any], source: check.Source
) -> BaseTokenDict:
    if refresh:
        answer["refresh_token"] = refresh
    scope = check.text(data, "scope", source, default="")
    if scope:
        answer["scope"] = scope
    token_type = check.text(data, "token_type", source, default="", header=True)
    if token_type:
        answer["token_type"] = token_type
    if data.get("refresh_token_expires_in") is not None:
        answer["refresh_token_expires_in"] = check.number(
            data, "refresh_token_expires_in", source, low=0, high=check.MAX_LIFETIME
        )
    return answer


def load_token(path: Path) -> StoredTokenDict:
    """Read and check a token file.

    :raises FileNotFoundError: the file does not exist.
    :raises TokenFileError: the file is corrupt or of the wrong shape.
    """
    return parse_token(read_json_object(path), path=str(path))
