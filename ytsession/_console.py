"""Terminal helpers shared by the command line and the REPL functions: messages, prompts
that never end in a traceback, the device-code instructions (URL, code, QR code, browser)
and the countdown.

Standard library only at import time: ``segno`` (QR codes) and :mod:`webbrowser` are
imported when a login actually shows a code.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Collection, Mapping
from typing import Any, TextIO

#: Environment variable that turns on the one-line-per-request debug log (like ``-v``).
DEBUG_ENV = "YTSESSION_DEBUG"


def say(message: str) -> None:
    """Print a message for the person at the terminal: to standard error, flushed."""
    print(message, file=sys.stderr, flush=True)


def _isatty(stream: Any) -> bool:
    try:
        return stream is not None and bool(stream.isatty())
    except (ValueError, OSError, AttributeError):
        return False


def stdin_is_tty() -> bool:
    """:return: whether standard input is a terminal (never true under cron)."""
    return _isatty(sys.stdin)


def stderr_is_tty() -> bool:
    """:return: whether standard error is a terminal (a person reads the messages)."""
    return _isatty(sys.stderr)


def local_time(stamp: float) -> str:
    """:return: Unix time ``stamp`` as local date, time and zone, e.g.
    ``2026-03-01 12:00:00 CET``."""
    return time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(stamp))


def print_fields(fields: Mapping[str, object], *, hide: Collection[str] = ()) -> None:
    """Print ``fields`` to standard output as aligned ``name  value`` lines (``_`` in a name
    shown as a space), leaving out the names in ``hide``."""
    shown = {name: value for name, value in fields.items() if name not in hide}
    width = max(len(name) for name in shown)
    for name, value in shown.items():
        print(f"{name.replace('_', ' '):<{width}}  {value}")


# --- usage -------------------------------------------------------------------------------


class UsageError(ValueError):
    """The command line was used wrongly (exit status 2); the message says how to fix it."""


# --- prompts -----------------------------------------------------------------------------


def ask(prompt: str, *, what: str, secret: bool = False) -> str:
    """Ask the person at the terminal for one line (not echoed when ``secret``).

    Ctrl-D (end of input) becomes an :class:`~ytsession.errors.InteractionRequiredError`
    that names what was being asked; Ctrl-C stays a :class:`KeyboardInterrupt`, which the
    command line turns into one line and exit status 130.

    :param prompt: the prompt, written to standard error (or the terminal, for secrets).
    :param what: what is asked, for the message at end of input, e.g. ``"client secret"``.
    :param secret: read without echo (:func:`getpass.getpass`).
    :raises InteractionRequiredError: input ended before a line was entered.
    """
    from .errors import InteractionRequiredError

    try:
        if secret:
            import getpass

            return getpass.getpass(prompt)
        sys.stderr.write(prompt)
        sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        return line.rstrip("\r\n")
    except EOFError:
        if secret or stderr_is_tty():
            sys.stderr.write("\n")
        raise InteractionRequiredError(
            f"input ended before the {what} was entered; nothing was sent"
        ) from None


def line_reader(what: str) -> Callable[[str], str]:
    """:return: a prompt function that reads ``what`` as one line of standard input (for
    scripts piping a secret in), raising a typed error when the input has ended."""
    from .errors import InteractionRequiredError

    def read(prompt: str) -> str:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        if not line:
            raise InteractionRequiredError(
                f"standard input ended before the {what}; send it as one line"
            )
        return line.rstrip("\r\n")

    return read


# --- the device-code instructions --------------------------------------------------------


def complete_url(code: Mapping[str, Any]) -> str:
    """:return: the verification URL with the user code filled in: the server's
    ``verification_uri_complete`` when it gives one, else ``?user_code=`` appended (as
    Google's and the emulator's pages accept)."""
    given = code.get("verification_uri_complete")
    if isinstance(given, str) and given:
        return given
    url = str(code.get("verification_url") or code.get("verification_uri") or "")
    if not url:
        return ""
    from urllib.parse import quote

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}user_code={quote(str(code.get('user_code', '')))}"


def qr_code(text: str) -> str | None:
    """:return: ``text`` as a QR code drawn with block characters for a terminal, or
    ``None`` when it cannot be drawn (``segno`` missing, text too long)."""
    try:
        import io

        import segno  # imported here only: it costs start-up time
    except ImportError:
        return None
    try:
        qr = segno.make(text, error="l", micro=False)
    except Exception:  # segno's DataOverflowError and friends: no QR, the URL is shown
        return None
    matrix = [list(row) for row in qr.matrix]
    border = 2
    size = len(matrix) + 2 * border
    rows = [[0] * size for _ in range(border)]
    rows += [[0] * border + [int(bool(x)) for x in row] + [0] * border for row in matrix]
    rows += [[0] * size for _ in range(border)]
    if len(rows) % 2:
        rows.append([0] * size)
    # Two rows per line: dark on light, as phones read them best from a dark terminal too.
    glyphs = {(0, 0): "\u2588", (1, 0): "\u2584", (0, 1): "\u2580", (1, 1): " "}
    out = io.StringIO()
    for top, bottom in zip(rows[0::2], rows[1::2], strict=True):
        out.write("".join(glyphs[(t, b)] for t, b in zip(top, bottom, strict=True)) + "\n")
    return out.getvalue()


def open_browser(url: str) -> bool:
    """Open ``url`` in the user's browser. :return: whether a browser took it."""
    import webbrowser

    try:
        return bool(webbrowser.open(url))
    except Exception:  # webbrowser.Error, a broken $BROWSER: say so, never a traceback
        return False


def browser_available() -> bool:
    """:return: whether :mod:`webbrowser` knows a browser to open here."""
    import webbrowser

    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


#: What to do with the browser while a device code waits: open it at once, offer to
#: open it with Enter (a terminal), or leave it alone.
BROWSER_OPEN = "open"
BROWSER_OFFER = "offer"
BROWSER_NO = "no"


def show_device_code(
    code: Mapping[str, Any],
    *,
    out: TextIO,
    qr: bool | None = None,
    browser: str = BROWSER_NO,
) -> None:
    """Show a device code the way a person acts on it: the code, the URL, a QR code of the
    URL with the code filled in (for a phone), and the browser.

    :param code: the device-code answer (``user_code``, ``verification_url`` or
        ``verification_uri``, maybe ``verification_uri_complete``).
    :param out: where the text goes.
    :param qr: draw the QR code; ``None`` draws it when ``out`` is a terminal.
    :param browser: :data:`BROWSER_OPEN`, :data:`BROWSER_OFFER` (Enter opens it; a
        terminal only) or :data:`BROWSER_NO`.
    """
    url = str(code.get("verification_url") or code.get("verification_uri") or "")
    complete = complete_url(code)
    print(f"Open {url} and enter the code {code['user_code']}", file=out)
    if complete and code.get("verification_uri_complete"):
        print(f"(or open {complete} directly)", file=out)
    if qr if qr is not None else _isatty(out):
        drawn = qr_code(complete) if complete else None
        if drawn is not None:
            print("Or scan this QR code with your phone (the code is filled in):", file=out)
            out.write(drawn)
    if browser == BROWSER_OPEN:
        _open_and_say(complete or url, out)
    elif browser == BROWSER_OFFER:
        if browser_available():
            print("Press Enter to open the page in your browser.", file=out)
            _offer_browser(complete or url, out)
        else:
            print(
                "No browser to open here: open the URL on any device, or scan the QR code.",
                file=out,
            )
    out.flush()


def _open_and_say(url: str, out: TextIO) -> None:
    if open_browser(url):
        print("Opened the page in your browser.", file=out, flush=True)
    else:
        print(
            "Could not open a browser here: open the URL yourself, on any device.",
            file=out,
            flush=True,
        )


def _offer_browser(url: str, out: TextIO) -> None:
    """Open the browser when the person presses Enter, while the login keeps polling."""
    import threading

    def wait_for_enter() -> None:
        try:
            line = sys.stdin.readline()
        except (OSError, ValueError):
            return
        if line:
            _open_and_say(url, out)

    threading.Thread(target=wait_for_enter, name="ytsession-browser-offer", daemon=True).start()


def device_login(
    credentials: Any,
    *,
    out: TextIO,
    qr: bool | None = None,
    browser: str = BROWSER_NO,
    sleep: Callable[[float], None] = time.sleep,
    show: Callable[[Any], object] | None = None,
) -> Any:
    """Run a device-flow login for a person: ask for a code, show it
    (:func:`show_device_code`), poll with a countdown, and return the token answer.

    :param credentials: a :class:`~ytsession.oauth.credentials.Credentials`.
    :param show: hand the code answer to this (e.g. a session's ``auth_pending``
        listeners) instead of showing it on ``out``; nothing is written to ``out`` then.
    :raises AccessDeniedError: the user refused.
    :raises DeviceCodeExpiredError: the code expired first.
    """
    code = credentials.get_code()
    if show is not None:
        show(code)
        return credentials.wait_for_token(code, sleep=sleep)
    show_device_code(code, out=out, qr=qr, browser=browser)
    countdown = Countdown(out)
    try:
        return credentials.wait_for_token(code, on_wait=countdown.show, sleep=sleep)
    finally:
        countdown.done()


class Countdown:
    """Shows the time left of a device code: in place on a terminal (and erased at the
    end, so it is not left behind), else once a minute."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._tty = _isatty(stream)
        self._last_minute: int | None = None
        self._shown = False

    def show(self, seconds_left: float) -> None:
        """Show ``seconds_left`` (called before each poll)."""
        left = max(0, int(seconds_left))
        text = f"Waiting for approval: {left // 60:d}:{left % 60:02d} left to approve"
        if self._tty:
            self._stream.write(f"\r\x1b[K{text} (Ctrl-C gives up)")
            self._stream.flush()
            self._shown = True
        elif left // 60 != self._last_minute:
            self._last_minute = left // 60
            print(text, file=self._stream, flush=True)

    def done(self) -> None:
        """Erase the countdown line."""
        if self._tty and self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
