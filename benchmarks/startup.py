"""Start-up cost of ytsession for cron jobs, as ratios measured in the same run.

- ``python -c "import ytsession"`` against ``python -c "import requests"``
  (target: at most 0.6x)
- ``ytsession token`` with a fresh token against ``python -c pass`` (target: at most 3x)

Each command runs ``--runs`` times, interleaved so machine noise hits all alike; the median
wall time is compared. Usage: ``python benchmarks/startup.py [--runs N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {"import": 0.6, "token": 3.0}


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name("ytsession")
    if not script.exists():
        sys.exit(f"{script} not found: install ytsession into this environment first")
    return [str(script)]


def _make_profile(home: Path) -> None:
    """A profile whose token is valid for an hour, so `ytsession token` needs no server."""
    directory = home / "profiles" / "default"
    directory.mkdir(parents=True, mode=0o700)
    settings = {
        "version": 1,
        "kind": "oauth",
        "client_id": "bench.apps.googleusercontent.com",
        "client_secret": "bench-secret",
        "endpoints": {},
        "scope": "https://www.googleapis.com/auth/youtube",
        "extra": {},
    }
    token = {
        "scope": "https://www.googleapis.com/auth/youtube",
        "token_type": "Bearer",
        "access_token": "ya29.bench-access-token",
        "refresh_token": "1//bench-refresh-token",
        "expires_at": int(time.time()) + 3600,
        "expires_in": 3600,
    }
    (directory / "profile.json").write_text(json.dumps(settings))
    (directory / "oauth.json").write_text(json.dumps(token))


def _time(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per command (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _make_profile(home)
        env = dict(os.environ, YTSESSION_HOME=str(home))
        env.pop("YTSESSION_PROFILE", None)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "import requests": [sys.executable, "-c", "import requests"],
            "import ytsession": [sys.executable, "-c", "import ytsession"],
            "ytsession token": [*_console_script(), "token"],
        }
        for cmd in commands.values():  # warm the file cache and .pyc files
            _time(cmd, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                samples[name].append(_time(cmd, env))

    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"start-up, median of {args.runs} runs each:")
    for name, value in median.items():
        print(f"  {name:<18} {value * 1000:7.1f} ms")
    ratios = {
        "import": median["import ytsession"] / median["import requests"],
        "token": median["ytsession token"] / median["python -c pass"],
    }
    labels = {
        "import": "import ytsession / import requests",
        "token": "ytsession token / python -c pass  ",
    }
    for key, label in labels.items():
        verdict = "met" if ratios[key] <= TARGETS[key] else "MISSED"
        print(f"{label} = {ratios[key]:.2f}x (target <= {TARGETS[key]}x: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
