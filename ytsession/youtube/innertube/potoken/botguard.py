"""The BotGuard provider: mints real PO tokens by running Google's challenge in Node.js.

Minting a PO token means running BotGuard, Google's JavaScript VM, and that needs a
JavaScript engine. This provider runs ``node`` on a small script shipped with ytsession
(``js/botguard_runner.mjs``), which fetches the challenge, runs it in a `jsdom`_ window with
the `bgutils-js`_ helper library, trades its answer for an integrity token and mints one
token per content binding. Python and Node talk JSON over stdin/stdout; each mint is one
``node`` process with a timeout.

The JavaScript packages are installed once with ``ytsession botguard-setup`` (or
``python -m ytsession.youtube.innertube.potoken.botguard --install``), which runs
``npm install --no-audit --no-fund`` of the shipped ``package.json`` into
:func:`default_node_dir` (``$YTSESSION_NODE_DIR``, else ``node`` under the user cache
directory). ``pip install ytsession[botguard]`` cannot do that by itself.

.. _jsdom: https://www.npmjs.com/package/jsdom
.. _bgutils-js: https://www.npmjs.com/package/bgutils-js
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from ...._hints import INSTALL_BOTGUARD
from ....errors import BotGuardError, Hint, NodeMissingError, PoTokenError
from .binding import ContentBinding
from .providers import DEFAULT_TTL, PoToken, PoTokenProvider, PoTokenRequest

__all__ = [
    "DEFAULT_REQUEST_KEY",
    "DEFAULT_TIMEOUT",
    "MIN_NODE_MAJOR",
    "NODE_DIR_ENV",
    "NODE_PACKAGES",
    "BotGuardProvider",
    "MintResult",
    "default_node_dir",
    "find_node",
    "install_node_packages",
    "installed_packages",
]

log = logging.getLogger("ytsession.potoken.botguard")

#: Environment variable naming the directory the Node packages are installed in.
NODE_DIR_ENV = "YTSESSION_NODE_DIR"
#: The request key YouTube's web player asks BotGuard challenges with.
DEFAULT_REQUEST_KEY = "O43z0dpjhgX20SCx4KAo"
#: Seconds one mint (a ``node`` process) may take.
DEFAULT_TIMEOUT = 60.0
#: The oldest Node.js major version that works (global ``fetch``).
MIN_NODE_MAJOR = 18
#: The npm packages the runner needs.
NODE_PACKAGES = ("bgutils-js", "jsdom")
_PROTOCOL = 1
_RUNNER = "botguard_runner.mjs"
_PACKAGE_JSON = "package.json"


def default_node_dir(directory: str | Path | None = None) -> Path:
    """Where the Node packages are installed.

    :return: ``directory``, else ``$YTSESSION_NODE_DIR``, else ``node`` under
        platformdirs' user cache directory for ``ytsession``.
    """
    if directory is not None:
        return Path(directory)
    env = os.environ.get(NODE_DIR_ENV)
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("ytsession", appauthor=False)) / "node"


@contextlib.contextmanager
def _shipped(name: str) -> Iterator[Path]:
    """The path of a file shipped in ``ytsession/youtube/innertube/potoken/js``."""
    with resources.as_file(resources.files(__package__ or __name__) / "js" / name) as p:
        yield p


def installed_packages(node_dir: str | Path | None = None) -> dict[str, str | None]:
    """What is installed.

    :return: the version of each package of :data:`NODE_PACKAGES` in ``node_dir`` (see
        :func:`default_node_dir`), ``None`` when it is missing.
    """
    directory = default_node_dir(node_dir)
    versions: dict[str, str | None] = {}
    for name in NODE_PACKAGES:
        try:
            meta = json.loads((directory / "node_modules" / name / "package.json").read_text())
            version = meta.get("version") if isinstance(meta, dict) else None
            versions[name] = version if isinstance(version, str) else "unknown"
        except (OSError, ValueError):
            versions[name] = None
    return versions


def find_node(node: str | Path | None = None) -> str:
    """Find the Node.js executable and check its version.

    :param node: a path or command name; ``node`` on ``PATH`` when ``None``.
    :return: the executable's path.
    :raises NodeMissingError: there is none, or it is older than :data:`MIN_NODE_MAJOR`.
    """
    name = str(node) if node is not None else "node"
    path = shutil.which(name)
    if path is None:
        raise NodeMissingError(
            f"Node.js ({name!r}) was not found; the BotGuard provider runs Google's challenge "
            f"in it. Install Node.js {MIN_NODE_MAJOR} or newer (e.g. `apt install nodejs` or "
            "https://nodejs.org)"
        ).with_hint(
            Hint(
                python=", or pass node= its path; then install the packages with "
                "install_node_packages()",
                cli=", or pass --node PATH; then run `ytsession botguard-setup`",
            )
        )
    try:
        out = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=15, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise NodeMissingError(f"could not run {path} ({type(exc).__name__})") from None
    match = re.match(r"v?(\d+)\.", out.stdout.strip())
    if match is None or int(match.group(1)) < MIN_NODE_MAJOR:
        found = out.stdout.strip() or "an unknown version"
        raise NodeMissingError(
            f"{path} is Node.js {found}; the BotGuard provider needs version "
            f"{MIN_NODE_MAJOR} or newer"
        )
    return path


def install_node_packages(
    node_dir: str | Path | None = None,
    *,
    npm: str | Path | None = None,
    echo: Callable[[str], None] | None = None,
    timeout: float = 600.0,
) -> Path:
    """Install the runner's JavaScript packages (``npm install`` of the shipped
    ``package.json``).

    :param node_dir: where (see :func:`default_node_dir`); created when missing.
    :param npm: the npm executable; ``npm`` on ``PATH`` when ``None``.
    :param echo: called with npm's output (e.g. ``print`` to standard error).
    :param timeout: seconds npm may take.
    :return: the directory.
    :raises NodeMissingError: npm was not found.
    :raises BotGuardError: npm failed (code ``"not_installed"``).
    """
    directory = default_node_dir(node_dir)
    npm_path = shutil.which(str(npm) if npm is not None else "npm")
    if npm_path is None:
        raise NodeMissingError(
            "npm was not found; install Node.js (it comes with npm), then install the "
            "packages again"
        ).with_hint(INSTALL_BOTGUARD)
    directory.mkdir(parents=True, exist_ok=True)
    with _shipped(_PACKAGE_JSON) as shipped:
        shutil.copyfile(shipped, directory / _PACKAGE_JSON)
    command = [npm_path, "install", "--no-audit", "--no-fund", "--omit=dev"]
    try:
        done = subprocess.run(
            command,
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise BotGuardError(
            f"npm install did not finish within {timeout:.0f} s in {directory}; check the "
            "connection to the npm registry and try again",
            code="not_installed",
        ) from None
    output = (done.stdout + done.stderr).strip()
    if echo is not None and output:
        echo(output)
    if done.returncode != 0:
        tail = output.splitlines()[-1] if output else "no output"
        raise BotGuardError(
            f"npm install failed with status {done.returncode} in {directory} ({tail})",
            code="not_installed",
        )
    missing = [name for name, v in installed_packages(directory).items() if v is None]
    if missing:
        raise BotGuardError(
            f"npm install left out {', '.join(missing)} in {directory}", code="not_installed"
        )
    return directory


@dataclass(frozen=True)
class MintResult:
    """What one run of the BotGuard challenge gave.

    :ivar tokens: the token of each identifier.
    :ivar minted_at: when, in Unix seconds.
    :ivar integrity_token_ttl: the integrity token's lifetime in seconds, if told.
    :ivar mint_refresh_threshold: seconds before that lifetime ends to mint anew, if told.
    :ivar versions: Node.js's and the packages' versions.
    """

    tokens: dict[str, str]
    minted_at: float
    integrity_token_ttl: float | None = None
    mint_refresh_threshold: float | None = None
    versions: dict[str, str | None] | None = None

    def __repr__(self) -> str:
        return (
            f"MintResult(tokens=<{len(self.tokens)}>, minted_at={self.minted_at}, "
            f"integrity_token_ttl={self.integrity_token_ttl})"
        )


class BotGuardProvider(PoTokenProvider):
    """Mints PO tokens by running the BotGuard challenge in Node.js.

    :param base_url: fetch the challenge and the integrity token here instead of from
        YouTube, e.g. an emulator's ``http://127.0.0.1:PORT``; nothing goes to Google then.
    :param node: the Node.js executable; ``node`` on ``PATH`` when ``None``.
    :param node_dir: where the packages are installed (see :func:`default_node_dir`).
    :param timeout: seconds one mint may take.
    :param request_key: the BotGuard request key.
    :param use_youtube_api: ask ``/api/jnn/v1/`` on YouTube's host (the default) rather
        than Google's ``jnn-pa.googleapis.com``.
    :param user_agent: the user agent of the jsdom window and of every request the runner
        sends; the library's default when ``None``. A :class:`~ytsession.Session` sets its
        own when none is given.
    :param proxy: an ``http://`` forward proxy for every request the runner sends (plain
        requests through it, ``https`` ones through a ``CONNECT`` tunnel); ``None`` sends
        directly. A :class:`~ytsession.Session` sets its transport's proxy when none is
        given.
    :param max_ttl: the longest a token is used, in seconds, however long the integrity
        token lives.
    :param clock: the time source (for tests).
    """

    name = "botguard"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        node: str | Path | None = None,
        node_dir: str | Path | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        request_key: str = DEFAULT_REQUEST_KEY,
        use_youtube_api: bool = True,
        user_agent: str | None = None,
        proxy: str | None = None,
        max_ttl: float = DEFAULT_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.node = node
        self.node_dir = default_node_dir(node_dir)
        self.timeout = timeout
        self.request_key = request_key
        self.use_youtube_api = use_youtube_api
        self.user_agent = user_agent
        self.proxy = proxy
        self.max_ttl = max_ttl
        self._clock = clock
        self._node_path: str | None = None

    def get_token(self, request: PoTokenRequest, binding: ContentBinding) -> PoToken:
        """Mint a token for ``binding``.

        :raises NodeMissingError: Node.js is missing or too old.
        :raises BotGuardError: the packages are missing, or the challenge failed.
        """
        token = self.get_tokens([(request, binding)])[0]
        assert token is not None
        return token

    def get_tokens(
        self, items: Sequence[tuple[PoTokenRequest, ContentBinding]]
    ) -> list[PoToken | None]:
        """Mint a token for every binding in one run of the challenge.

        :raises NodeMissingError: Node.js is missing or too old.
        :raises BotGuardError: the packages are missing, or the challenge failed.
        """
        values = list(dict.fromkeys(binding.value for _, binding in items))
        result = self.mint(values)
        ttl = self.max_ttl
        if result.integrity_token_ttl:
            ttl = min(ttl, result.integrity_token_ttl - (result.mint_refresh_threshold or 0))
        return [
            PoToken(
                token=result.tokens[binding.value],
                binding=binding,
                provider=self.name,
                expires_at=result.minted_at + max(ttl, 0.0),
                minted_at=result.minted_at,
            )
            for _, binding in items
        ]

    def check(self) -> dict[str, str | None]:
        """Check that Node.js runs the script and finds the packages (no network).

        :return: the versions of Node.js and the packages.
        :raises NodeMissingError: Node.js is missing or too old.
        :raises BotGuardError: the packages are missing (run ``ytsession botguard-setup``).
        """
        answer = self._run({"action": "check"})
        versions = answer.get("versions")
        return dict(versions) if isinstance(versions, dict) else {}

    def mint(self, identifiers: Sequence[str]) -> MintResult:
        """Run the challenge once and mint a token for each identifier.

        :param identifiers: the content bindings, e.g. the visitor data and a video id.
        :raises NodeMissingError: Node.js is missing or too old.
        :raises BotGuardError: the packages are missing, or the challenge failed.
        """
        if not identifiers:
            raise ValueError("give at least one identifier to mint a token for")
        started = self._clock()
        answer = self._run(
            {
                "action": "mint",
                "identifiers": list(identifiers),
                "base_url": self.base_url,
                "request_key": self.request_key,
                "use_youtube_api": self.use_youtube_api,
                "user_agent": self.user_agent,
                "proxy": self.proxy,
            }
        )
        tokens = answer.get("tokens")
        if not isinstance(tokens, dict) or any(
            not isinstance(tokens.get(i), str) or not tokens.get(i) for i in identifiers
        ):
            raise BotGuardError(
                "the BotGuard runner answered without a token for every identifier",
                code="protocol",
            )
        versions = answer.get("versions")
        log.debug("BotGuard minted %d PO token(s)", len(identifiers))
        return MintResult(
            tokens={i: str(tokens[i]) for i in identifiers},
            minted_at=started,
            integrity_token_ttl=_number(answer.get("integrity_token_ttl")),
            mint_refresh_threshold=_number(answer.get("mint_refresh_threshold")),
            versions=dict(versions) if isinstance(versions, dict) else None,
        )

    def _run(self, request: dict[str, Any]) -> dict[str, Any]:
        if self._node_path is None:
            self._node_path = find_node(self.node)
        missing = [n for n, v in installed_packages(self.node_dir).items() if v is None]
        if missing:
            raise BotGuardError(
                f"the BotGuard packages {', '.join(missing)} are not installed in "
                f"{self.node_dir} (set {NODE_DIR_ENV} to where they are, or install them: "
                "it needs npm)",
                code="not_installed",
            ).with_hint(INSTALL_BOTGUARD)
        payload = {
            "protocol": _PROTOCOL,
            "node_dir": str(self.node_dir),
            # The script stops itself a little before Python gives up on it.
            "timeout_ms": int(max(self.timeout - 1.0, self.timeout * 0.9) * 1000),
            **request,
        }
        where = self.base_url or "YouTube"
        with _shipped(_RUNNER) as runner:
            try:
                done = subprocess.run(
                    [self._node_path, str(runner)],
                    input=json.dumps(payload),
                    capture_output=True,
                    text=True,
                    timeout=self.timeout,
                    check=False,
                    cwd=self.node_dir,
                )
            except subprocess.TimeoutExpired:
                raise BotGuardError(
                    f"BotGuard did not finish within {self.timeout:.0f} s; check that {where} "
                    "is reachable, or raise the timeout",
                    code="timeout",
                ) from None
            except OSError as exc:
                raise NodeMissingError(
                    f"could not start {self._node_path} ({type(exc).__name__})"
                ) from None
        answer = _last_json_line(done.stdout)
        if answer is None:
            tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
            raise BotGuardError(
                f"the BotGuard runner (node) exited with status {done.returncode} without an "
                f"answer: {tail[0][:300]}",
                code="node",
            )
        if done.stderr.strip():
            log.debug("BotGuard runner wrote %d bytes to stderr", len(done.stderr))
        if answer.get("ok") is not True:
            error = answer.get("error")
            if not isinstance(error, dict):
                error = {}
            code = str(error.get("code") or "vm")
            message = str(error.get("message") or "no reason given")
            if code == "timeout":
                message += f"; check that {where} is reachable, or raise the timeout"
            raise BotGuardError(f"BotGuard failed ({where}): {message}", code=code)
        return answer

    def __repr__(self) -> str:
        return (
            f"BotGuardProvider(base_url={self.base_url!r}, node_dir={str(self.node_dir)!r}, "
            f"timeout={self.timeout})"
        )


def _number(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    return None


def _last_json_line(text: str) -> dict[str, Any] | None:
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict) and "ok" in data:
            return data
    return None


# --- python -m ytsession.youtube.innertube.potoken.botguard --------------------------------------


def setup(node_dir: str | Path | None = None, *, check_only: bool = False) -> int:
    """Install (or with ``check_only`` just check) the Node packages, reporting on stderr.

    :return: an exit status: 0 when the provider is ready to use.
    """

    from ...._console import say

    directory = default_node_dir(node_dir)
    try:
        node = find_node()
        if not check_only:
            say(f"Installing {', '.join(NODE_PACKAGES)} into {directory} with npm ...")
            install_node_packages(directory, echo=say)
        versions = BotGuardProvider(node_dir=directory).check()
    except PoTokenError as exc:
        say(f"ytsession: {exc.cli_message()}")  # a command: its words
        return 1
    shown = ", ".join(f"{k} {v}" for k, v in versions.items())
    say(f"BotGuard provider ready: {node} ({shown}) in {directory}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m ytsession.youtube.innertube.potoken.botguard [--install|--check]``."""
    parser = argparse.ArgumentParser(
        prog="python -m ytsession.youtube.innertube.potoken.botguard",
        description="Install or check the Node.js packages of the BotGuard PO token provider.",
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--install", action="store_true", help="npm install them (default)")
    action.add_argument("--check", action="store_true", help="only check they are there")
    parser.add_argument("--node-dir", help=f"where (default: ${NODE_DIR_ENV} or the cache dir)")
    args = parser.parse_args(argv)
    return setup(args.node_dir, check_only=args.check)


if __name__ == "__main__":
    sys.exit(main())
