"""The events of one :class:`~ytsession.Session` and its listeners (see :meth:`Session.on
<ytsession.Session.on>` and :doc:`/session`).

:class:`SessionEvents` keeps the listeners per event and tells them: about a sign-in, a
device-flow code to show (the one device-login UI: the code to the ``auth_pending``
listeners, else code and QR code on standard error), an auth failure, and the refreshes the
session's signer announces.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from ...errors import AuthError, InteractionRequiredError, YTSessionError

if TYPE_CHECKING:
    from ...oauth.credentials import Credentials
    from ...oauth.token import RefreshingToken
    from ...transport.signing import Signer

__all__ = ["EVENTS", "Event", "Listener", "SessionEvents"]

#: The events a session tells its listeners about (see :meth:`Session.on
#: <ytsession.Session.on>`).
EVENTS = ("auth", "auth_pending", "auth_error", "update_credentials")

Event = Literal["auth", "auth_pending", "auth_error", "update_credentials"]
Listener = Callable[[Any], object]

_T = TypeVar("_T")


class SessionEvents:
    """The listeners of one session, per event, and what tells them."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = {event: [] for event in EVENTS}
        self._unfollow: Callable[[], object] | None = None

    def on(
        self, event: Event, listener: Listener | None = None
    ) -> Listener | Callable[[Listener], Listener]:
        """Call ``listener`` on ``event``; without ``listener``, a decorator.

        :raises ValueError: unknown event.
        """
        listeners = self._of(event)
        if listener is None:

            def decorate(function: Listener) -> Listener:
                listeners.append(function)
                return function

            return decorate
        listeners.append(listener)
        return listener

    def off(self, event: Event, listener: Listener) -> None:
        """Stop calling ``listener`` on ``event`` (a listener not added is fine)."""
        listeners = self._of(event)
        if listener in listeners:
            listeners.remove(listener)

    def _of(self, event: str) -> list[Listener]:
        if event not in self._listeners:
            raise ValueError(f"unknown event {event!r}; use one of {', '.join(EVENTS)}")
        return self._listeners[event]

    def emit(self, event: Event, value: object) -> None:
        """Call ``event``'s listeners with ``value``, in the order they were added."""
        for listener in list(self._listeners[event]):
            listener(value)

    def guarded(self, action: Callable[[], _T]) -> _T:
        """Run ``action``; tell ``auth_error`` listeners about an auth failure in it."""
        try:
            return action()
        except AuthError as exc:
            self.emit("auth_error", exc)
            raise

    def follow(self, signer: Signer | None, *, owner: object) -> None:
        """Tell ``update_credentials`` listeners about the refreshes ``signer`` announces
        (and stop following the signer before; ``None``: follow none). The signer holds no
        reference to these events: when ``owner`` (the session) is collected, unclosed,
        the signer stops calling them."""
        if self._unfollow is not None:
            self._unfollow()
            self._unfollow = None
        if signer is None:
            return
        events = weakref.ref(self)

        def refreshed(credentials: object) -> None:
            alive = events()
            if alive is not None:
                alive.emit("update_credentials", credentials)

        signer.on_refresh(refreshed)
        self._unfollow = weakref.finalize(owner, signer.off_refresh, refreshed)

    def device_login(self, credentials: Credentials, to_file: str | Path | None) -> RefreshingToken:
        """Run the device flow of :meth:`Session.sign_in <ytsession.Session.sign_in>`: the
        code to the ``auth_pending`` listeners, else code and QR code on standard error.

        :raises InteractionRequiredError: no listener, and standard error is no terminal.
        """
        from ..._console import device_login, stderr_is_tty
        from ...oauth.token import RefreshingToken

        listened = bool(self._listeners["auth_pending"])
        if not listened and not stderr_is_tty():
            raise InteractionRequiredError(
                "sign_in(credentials) runs a device-flow login that a person must approve, "
                "but nobody would see the code: add an 'auth_pending' listener "
                "(session.on('auth_pending', show)) or run it at a terminal"
            )
        show = (lambda code: self.emit("auth_pending", code)) if listened else None
        try:
            raw = device_login(credentials, out=sys.stderr, show=show)
        except YTSessionError as exc:
            self.emit("auth_error", exc)
            raise
        token = RefreshingToken.from_login_answer(credentials, raw, to_file=to_file)
        if not listened:
            saved = f"; the token is saved to {to_file}" if to_file is not None else ""
            print(f"Logged in{saved}", file=sys.stderr, flush=True)
        return token
