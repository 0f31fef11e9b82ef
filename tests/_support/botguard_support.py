"""Tests of the BotGuard pipeline need Node.js and its packages: skip locally, fail in CI."""

from __future__ import annotations

import functools

from ytsession.errors import PoTokenError
from ytsession.youtube.innertube.potoken.botguard import BotGuardProvider

from tests._support.support import unavailable

#: Set (like ``CI``) to make missing Node packages a failure instead of a skip.
REQUIRE_ENV = "YTSESSION_REQUIRE_BOTGUARD"


@functools.cache
def _missing() -> str | None:
    try:
        BotGuardProvider().check()
    except PoTokenError as exc:
        return str(exc)
    return None


def require_botguard_runtime() -> None:
    """Skip the test (fail it in CI) unless Node.js and the BotGuard packages are there."""
    problem = _missing()
    if problem is None:
        return
    unavailable(
        f"the BotGuard pipeline cannot run here: {problem}",
        require_env=REQUIRE_ENV,
        fix="CI must install them first: `ytsession botguard-setup`",
    )
