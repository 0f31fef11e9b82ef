"""The deadline watchdog of the transport (:mod:`ytsession.transport`).

Per-socket timeouts cannot bound a server that drips its answer a byte at a time, so one
daemon thread shuts an attempt's sockets down when its call's deadline passes: while the
request waits for the headers and while the body is read. The adapter opens a
:class:`Guard` per attempt (in :data:`GUARD`); the connection classes of
:data:`GUARDED_POOLS` register their socket with it when they wait for an answer.
"""

from __future__ import annotations

import contextlib
import contextvars
import heapq
import itertools
import math
import os
import socket
import threading
import time
from typing import Any

from urllib3 import connection as _connection
from urllib3 import connectionpool as _connectionpool

__all__ = ["GUARD", "GUARDED_POOLS", "Guard"]

# --- guards ----------------------------------------------------------------------------


#: The guard of the attempt under way in this context, if any.
GUARD: contextvars.ContextVar[Guard | None] = contextvars.ContextVar(
    "ytsession_guard", default=None
)


class Guard:
    """The sockets of one attempt, shut down by the watchdog if the deadline passes first."""

    __slots__ = ("active", "armed", "ends", "fired", "lock", "sockets")

    def __init__(self, ends: float) -> None:
        self.ends = ends
        self.active = True
        self.armed = False  # handed to the watchdog (on its first socket)
        self.fired = False
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def watch(self, sock: socket.socket) -> None:
        with self.lock:
            if not self.active:
                return
            first = not self.sockets
            self.sockets.append(sock)
            self.armed = self.armed or first
        if first:
            _WATCHDOG.arm(self)
        if self.fired:
            _shutdown(sock)

    def expire(self) -> None:
        with self.lock:
            if not self.active:
                return
            self.fired = True
            sockets = list(self.sockets)
        for sock in sockets:
            _shutdown(sock)

    def disarm(self) -> None:
        with self.lock:
            self.active = False
            self.sockets.clear()
            armed, self.armed = self.armed, False
        if armed:
            _WATCHDOG.release()


def _shutdown(sock: socket.socket) -> None:
    # The plain socket's shutdown, also for TLS sockets: it wakes a blocked read in
    # another thread without touching the TLS object that thread is using.
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Watchdog:
    """One daemon thread that expires guards at their deadlines.

    A guard whose attempt ended is dropped from the heap (in batches, when such guards are
    at least half of it): left there, it would wake the thread at its deadline for nothing,
    once per finished call as soon as a process has made calls for longer than a deadline.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._heap: list[tuple[float, int, Guard]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None
        self._ended = 0  # guards disarmed since the heap was last swept (an upper bound)
        self._wakes_at = math.inf  # when the thread wakes next (monotonic), unless notified

    def arm(self, guard: Guard) -> None:
        with self._condition:
            heapq.heappush(self._heap, (guard.ends, next(self._order), guard))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="ytsession-deadline-watchdog", daemon=True
                )
                self._thread.start()
            if guard.ends < self._wakes_at:  # earlier than the thread would look again
                self._wakes_at = guard.ends
                self._condition.notify()

    def release(self) -> None:
        """An armed guard's attempt ended: sweep the ended guards out once they are half
        the heap (no wake-up needed: the thread finds the earliest live deadline when it
        wakes next)."""
        with self._condition:
            self._ended += 1
            if 2 * self._ended >= len(self._heap):
                self._heap = [entry for entry in self._heap if entry[2].active]
                heapq.heapify(self._heap)
                self._ended = 0

    def _run(self) -> None:
        with self._condition:
            while True:
                now = time.monotonic()
                while self._heap and self._heap[0][0] <= now:
                    heapq.heappop(self._heap)[2].expire()
                self._wakes_at = self._heap[0][0] if self._heap else math.inf
                self._condition.wait(self._wakes_at - now if self._heap else None)


_WATCHDOG = _Watchdog()


def _new_watchdog_after_fork() -> None:
    """A forked child has no watchdog thread, and its lock may be held: start afresh."""
    global _WATCHDOG
    _WATCHDOG = _Watchdog()


os.register_at_fork(after_in_child=_new_watchdog_after_fork)


class GuardedConnection(_connection.HTTPConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _watch(self)
        return super().getresponse(*args, **kwargs)


class GuardedHTTPSConnection(_connection.HTTPSConnection):
    def getresponse(self, *args: Any, **kwargs: Any) -> Any:
        _watch(self)
        return super().getresponse(*args, **kwargs)


def _watch(connection: Any) -> None:
    guard = GUARD.get()
    sock = getattr(connection, "sock", None)
    if guard is not None and isinstance(sock, socket.socket):
        guard.watch(sock)


class GuardedPool(_connectionpool.HTTPConnectionPool):
    ConnectionCls = GuardedConnection


class GuardedHTTPSPool(_connectionpool.HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


GUARDED_POOLS = {"http": GuardedPool, "https": GuardedHTTPSPool}
