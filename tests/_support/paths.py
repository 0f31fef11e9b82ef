"""Where the repository's files are, for tests that read them (README, docs, bin/, the
recordings beside the checkout), whatever folder the test module sits in."""

from __future__ import annotations

from pathlib import Path

SUPPORT = Path(__file__).resolve().parent
TESTS = SUPPORT.parent
REPO = TESTS.parent
PEERS = TESTS / "peers"
