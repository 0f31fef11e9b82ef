"""The one validation layer: untrusted bytes in, typed values or typed errors out.

Everything ytsession reads from outside (token files, ``profile.json``, token-endpoint
answers of Google and PeerTube, InnerTube answers, cookie files and header values) passes
through these functions. They never raise anything but the
:class:`~ytsession.errors.YTSessionError` subclass of the :class:`Source` they are given, so
a caller that catches ``YTSessionError`` (as the docs say) never sees ``KeyError``,
``RecursionError``, ``OverflowError`` or a ``UnicodeEncodeError`` at send time.

The rules:

- JSON is parsed with a nesting-depth guard (checked before the parser recurses), without
  ``NaN``/``Infinity``, and with integers of at most :data:`MAX_INT_DIGITS` digits.
- Numbers are finite and within bounds the caller names (a lifetime is 0 to 10 years).
- Strings that will go into an HTTP header are latin-1 (as HTTP/1.1 requires) and free of
  control characters (no CR, LF or NUL: no header injection).
- Each failure names its source (a file path or a host) and says what to do next.

This module imports nothing from ytsession but the errors, and no HTTP library.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from .errors import YTSessionError

#: Deepest JSON nesting accepted from a file or a token answer.
MAX_DEPTH = 32
#: Deepest JSON nesting accepted from an InnerTube answer (they nest deeply, not this deep).
MAX_ANSWER_DEPTH = 256
#: Longest integer literal accepted in JSON (a bigger one is a CPU trap, not a number).
MAX_INT_DIGITS = 20
#: Longest lifetime a server may give a token, in seconds (10 years).
MAX_LIFETIME = 10 * 366 * 24 * 3600
#: Latest expiry accepted in a token file, in seconds since the epoch (year 9999).
MAX_EPOCH = 253_402_300_799
#: Longest token or header value accepted, in characters.
MAX_TOKEN_CHARS = 16_384

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(r"[^\[\]{}]+")
_DEPTH_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_HEADER_BAD = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
#: A control character (C0, DEL, C1): it moves a terminal's cursor or starts an escape sequence.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: Half of a UTF-16 pair alone: JSON may spell one (``"\\ud800"``), no text can hold it.
_SURROGATE = re.compile("[\ud800-\udfff]")
_ASCII_INT = re.compile(rf"-?[0-9]{{1,{MAX_INT_DIGITS}}}")


@dataclass(frozen=True)
class Source:
    """Where untrusted input came from, and the typed error its faults become.

    :ivar name: what to call the input in a message: ``"token file /x/oauth.json"``,
        ``"the token answer of https://oauth2.googleapis.com"``.
    :ivar advice: what the user should do about a fault, e.g. ``"delete it and log in again"``.
    :ivar error: builds the error from the whole message.
    """

    name: str
    advice: str
    error: Callable[[str], YTSessionError]

    def fail(self, problem: str) -> YTSessionError:
        """:return: the typed error for ``problem`` (to be raised by the caller)."""
        return self.error(f"{self.name} {problem}; {self.advice}")


#: The source of :func:`salvage_text`'s own checks (their faults are never shown).
_SALVAGE = Source("a salvaged value", "it is dropped", YTSessionError)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"an integer of {len(text)} digits")
    return int(text)


def _too_deep(text: str, max_depth: int) -> bool:
    if text.count("[") + text.count("{") <= max_depth:
        return False  # cannot nest deeper than it has brackets: the common, cheap case
    brackets = _BRACKETS.sub("", _STRING.sub("", text))
    return max(accumulate(_DEPTH_STEP[c] for c in brackets), default=0) > max_depth


#: The decoder of :func:`_parse`, made once: ``json.loads`` with these options would build
#: a decoder (and its scanner) for every answer.
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_int=_bounded_int)


class _Fault(Exception):
    """A parse failure: ``unusable`` when the input is JSON, but not one we accept."""

    def __init__(self, problem: str, *, unusable: bool = False, line: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.unusable = unusable
        self.line = line


def _parse(data: str | bytes, max_depth: int) -> Any:
    if isinstance(data, bytes | bytearray):
        try:
            text = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _Fault("is not UTF-8 text") from None
    else:
        text = data.removeprefix("\ufeff")
    if not text or text.isspace():  # not strip(): no copy of a large answer
        raise _Fault("is empty")
    if _too_deep(text, max_depth):
        raise _Fault(f"nests JSON deeper than {max_depth} levels", unusable=True)
    try:
        return _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise _Fault(
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}); it may be truncated",
            line=exc.lineno,
        ) from None
    except (ValueError, RecursionError) as exc:
        raise _Fault(f"is not usable JSON ({exc})", unusable=True) from None


def loads(data: str | bytes, source: Source, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse untrusted JSON.

    :param data: the text, or UTF-8 bytes (a BOM is ignored).
    :param source: where it came from.
    :param max_depth: the deepest nesting accepted.
    :return: the parsed value (dicts, lists, strings, bools, ``None``, bounded ints,
        finite floats).
    :raises YTSessionError: the source's error: not UTF-8, not JSON, too deep, ``NaN`` or
        ``Infinity``, or an integer too long to be a real value.
    """
    try:
        return _parse(data, max_depth)
    except _Fault as fault:
        error = source.fail(fault.problem)
        if fault.line is not None and hasattr(error, "line"):
            error.line = fault.line  # errors that name a line (CookieError) get it
        raise error from None


def json_object(data: str | bytes, source: Source, *, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """Like :func:`loads`, for input that must be a JSON object.

    :raises YTSessionError: as :func:`loads`, or the value is not an object.
    """
    value = loads(data, source, max_depth=max_depth)
    if not isinstance(value, dict):
        raise source.fail(f"holds a JSON {_json_type(value)}, not an object")
    return value


def maybe_json(data: str | bytes, source: Source, *, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a server's body that may not be JSON at all (an HTML error page).

    :return: the parsed value, or ``None`` when the body is empty or not JSON.
    :raises YTSessionError: the body is JSON but unusable (too deep, ``NaN``, huge ints).
    """
    try:
        return _parse(data, max_depth)
    except _Fault as fault:
        if fault.unusable:
            raise source.fail(fault.problem) from None
        return None


def salvage_text(data: str | bytes | Mapping[str, Any], key: str) -> str | None:
    """Read the top-level string field ``key`` of input these rules refused.

    Only for a value that must not be lost with the rest of an unusable answer (a rotated
    refresh token): everything else is read loosely and thrown away (``NaN``, huge numbers,
    deep nesting, bytes that are not UTF-8), while the value itself must still be
    :func:`header_safe` and not empty.

    :param data: the whole input, as :func:`loads` would take it, or the object parsed
        from it.
    :param key: the field.
    :return: the value, or ``None`` when the input is no JSON object or the field is
        missing or unusable.
    """
    value = data if isinstance(data, Mapping) else _loose_json(data)
    found = value.get(key) if isinstance(value, Mapping) else None
    if not isinstance(found, str) or not found:
        return None
    try:
        return header_safe(found, f"'{key}'", _SALVAGE)
    except YTSessionError:
        return None


def _loose_json(data: str | bytes) -> Any:
    """Parse JSON keeping only its shape and strings; ``None`` when it is not JSON."""
    if isinstance(data, bytes | bytearray):
        text = bytes(data).decode("utf-8-sig", errors="replace")
    else:
        text = data.removeprefix("\ufeff")
    try:
        return json.loads(
            text,
            parse_constant=lambda _name: None,
            parse_int=lambda _digits: 0,
            parse_float=lambda _digits: 0.0,
            strict=False,  # control characters inside strings: only the value is checked
        )
    except (ValueError, RecursionError):
        return None


def _json_type(value: object) -> str:
    if isinstance(value, list):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "boolean"
    if value is None:
        return "null"
    return "number" if isinstance(value, int | float) else type(value).__name__


# -- fields ---------------------------------------------------------------------------------


def header_safe(value: str, what: str, source: Source) -> str:
    """Check a string that will be sent in an HTTP header.

    :param value: the string.
    :param what: its name in a message, e.g. ``"'access_token'"``.
    :param source: where it came from.
    :return: ``value``.
    :raises YTSessionError: it holds a control character (CR, LF, NUL, ...), a character
        outside latin-1, starts or ends with white space, or is longer than
        :data:`MAX_TOKEN_CHARS`.
    """
    if len(value) > MAX_TOKEN_CHARS:
        raise source.fail(f"has a {what} of {len(value)} characters (at most {MAX_TOKEN_CHARS})")
    if _HEADER_BAD.search(value):
        raise source.fail(f"has a {what} with a control character (a line break?)")
    if value != value.strip():
        raise source.fail(f"has a {what} that starts or ends with white space")
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        raise source.fail(f"has a {what} with characters HTTP headers cannot carry") from None
    return value


def ascii_int(value: str) -> int | None:
    """Read a whole number written in ASCII digits (white space around it is ignored).

    ``str.isdigit()``, ``re``'s ``\\d`` and ``int()`` also take the digits of other scripts
    (``"٣"`` is 3 to ``int()``), and ``isdigit()`` takes superscripts that ``int()`` then
    refuses with a ``ValueError`` (``"²"``): untrusted text is read with this instead.

    :param value: the text.
    :return: the number, or ``None`` when the text is not an optional ``-`` and 1 to
        :data:`MAX_INT_DIGITS` ASCII digits.
    """
    stripped = value.strip()
    return int(stripped) if _ASCII_INT.fullmatch(stripped) else None


def text(
    data: Mapping[str, Any],
    key: str,
    source: Source,
    *,
    default: str | None = None,
    nonempty: bool = False,
    header: bool = False,
    shown: bool = False,
) -> str:
    """Read a string field.

    :param data: the parsed object.
    :param key: the field.
    :param source: where the object came from.
    :param default: the value of a missing (or ``null``) field; ``None`` means required.
    :param nonempty: an empty string is a fault.
    :param header: the value goes into an HTTP header (see :func:`header_safe`).
    :param shown: the value is printed for a person (a user code, a URL to open): a
        control character (a line break, ``ESC`` starting a terminal escape sequence) is a
        fault, so a server cannot rewrite what a terminal shows.
    :raises YTSessionError: the field is missing, not a string, holds a lone surrogate (JSON
        ``"\\ud800"``: no text can be encoded with it), or is unusable.
    """
    value = data.get(key)
    if value is None:
        if default is None:
            raise source.fail(f"has no '{key}'")
        return default
    if not isinstance(value, str):
        raise source.fail(f"has a '{key}' that is a {_json_type(value)}, not a string")
    if nonempty and not value:
        raise source.fail(f"has an empty '{key}'")
    if _SURROGATE.search(value):  # it would fail later, printed, encoded or sent
        raise source.fail(f"has a '{key}' that is not valid Unicode (a lone surrogate)")
    if header:
        header_safe(value, f"'{key}'", source)
    if shown and _CONTROL.search(value):
        raise source.fail(f"has a '{key}' with a control character (a terminal escape?)")
    return value


def number(
    data: Mapping[str, Any],
    key: str,
    source: Source,
    *,
    low: int,
    high: int,
    default: int | None = None,
) -> int:
    """Read a whole number of seconds (or any bounded count), truncating a fraction.

    Numbers given as decimal strings (``"3600"``) are accepted: some servers send them.

    :param default: the value of a missing (or ``null``) field; ``None`` means required.
    :raises YTSessionError: missing, not a number, not finite, or outside ``low..high``.
    """
    value = data.get(key)
    if value is None:
        if default is None:
            raise source.fail(f"has no '{key}'")
        return default
    if isinstance(value, str) and (whole := ascii_int(value)) is not None:
        value = whole
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise source.fail(f"has a '{key}' that is a {_json_type(value)}, not a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise source.fail(f"has a '{key}' that is not a finite number")
    if not low <= value <= high:
        raise source.fail(f"has a '{key}' of {value:.0f}, outside {low}..{high}")
    return int(value)


def obj(data: Mapping[str, Any], key: str, source: Source) -> dict[str, Any]:
    """Read an object field; a missing one is ``{}``.

    :raises YTSessionError: present but not an object.
    """
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise source.fail(f"has a '{key}' that is a {_json_type(value)}, not an object")
    return value
