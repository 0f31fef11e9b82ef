"""How long before its expiry a token is refreshed: the rule the library
(:mod:`ytsession.oauth.tokenfile`) and the ``ytsession token`` fast path share.

Imports nothing: the fast path pays for no more than it needs.
"""

from __future__ import annotations

#: Reading a token this many seconds (or fewer) before its expiry refreshes it, for tokens
#: that live 2 minutes or longer (ytmusicapi's 60 s). Shorter-lived tokens refresh at half
#: their lifetime: see :func:`refresh_margin`.
REFRESH_MARGIN = 60


def refresh_margin(lifetime: float) -> float:
    """How long before expiry a token with ``lifetime`` seconds of life is refreshed.

    :return: ``min(60, lifetime / 2)``; 60 (ytmusicapi's margin) when the lifetime is unknown
        (0, as in old files). A 30-second token is thus used for 15 seconds between
        refreshes instead of being refreshed on every read.
    """
    return min(float(REFRESH_MARGIN), lifetime / 2) if lifetime > 0 else float(REFRESH_MARGIN)
