"""The peers' own code as judges: Node packages pinned in ``tests/peers/`` and yt-dlp from PyPI.

Locally a missing peer skips its tests and says how to install it; in CI (``CI`` or
``YTSESSION_REQUIRE_PEERS`` set) it fails them, so the differential tests cannot skip there.
"""

from __future__ import annotations

import functools
import json
import shutil
import subprocess
from typing import Any

from tests._support.paths import PEERS
from tests._support.support import unavailable

#: The folder whose ``package.json`` pins the npm peers.
PEERS_DIR = PEERS
#: Set (like ``CI``) to make a missing peer a failure instead of a skip.
REQUIRE_ENV = "YTSESSION_REQUIRE_PEERS"
INSTALL_HINT = "npm ci --no-audit --no-fund --prefix tests/peers"


def _unavailable(message: str) -> None:
    unavailable(message, require_env=REQUIRE_ENV, fix="CI must install the peers first")


@functools.cache
def _node() -> str | None:
    return shutil.which("node")


def require_node_peer(package: str) -> str:
    """Skip (fail in CI) unless Node.js and the pinned npm ``package`` are installed.

    :return: the path of the ``node`` executable.
    """
    node = _node()
    if node is None:
        _unavailable("Node.js 18+ is not installed")
    assert node is not None
    if not (PEERS_DIR / "node_modules" / package / "package.json").is_file():
        _unavailable(f"the npm peer {package!r} is not installed: run `{INSTALL_HINT}`")
    return node


def run_node(
    script: str, *, packages: tuple[str, ...], payload: Any = None, timeout: float = 60.0
) -> Any:
    """Run an ES module ``script`` with Node inside ``tests/peers`` and return its JSON output.

    The script reads ``payload`` as JSON on stdin and prints one JSON document on stdout.

    :param script: the module's source (``import ... from 'youtubei.js'`` resolves here).
    :param packages: the npm peers it needs (checked first).
    """
    node = ""
    for package in packages:
        node = require_node_peer(package)
    done = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        cwd=PEERS_DIR,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the Node peer script failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout)


def require_yt_dlp() -> None:
    """Skip (fail in CI) unless yt-dlp (pinned in the ``test`` extra) can be imported."""
    try:
        import yt_dlp  # noqa: F401
    except ImportError:
        _unavailable('yt-dlp is not installed: run `pip install -e ".[test]"`')


def ytdlp_youtube_extractor(extractor_args: str) -> Any:
    """yt-dlp's own YouTube extractor, configured by ``--extractor-args EXTRACTOR_ARGS``
    through yt-dlp's own option parser, as its command line configures it.

    Call :func:`require_yt_dlp` first.
    """
    import yt_dlp

    parsed = yt_dlp.parse_options(["--ignore-config", "--extractor-args", extractor_args])
    ydl = yt_dlp.YoutubeDL({**parsed.ydl_opts, "quiet": True, "no_warnings": True})
    return ydl.get_info_extractor("Youtube")
