"""The emulator's HTTP kit: requests, responses, routing, the service base class, faults and
a threaded loopback server. It knows no service; each emulated service is a
:class:`Service` in :mod:`ytsession.testing.services`, and :class:`ytsession.testing.Emulator`
assembles them on a :class:`LoopbackServer`.
"""

from __future__ import annotations

from ytsession.testing.kit.messages import LoggedRequest, Request, Response
from ytsession.testing.kit.routing import (
    CONTROL_PREFIX,
    Handler,
    Router,
    Service,
    control_action,
    control_error,
)
from ytsession.testing.kit.server import LoopbackServer

__all__ = [
    "CONTROL_PREFIX",
    "Handler",
    "LoggedRequest",
    "LoopbackServer",
    "Request",
    "Response",
    "Router",
    "Service",
    "control_action",
    "control_error",
]
