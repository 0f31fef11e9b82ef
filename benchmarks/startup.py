"""Start-up cost of ytsession for cron jobs, as ratios measured in the same run.

- ``python -c "import ytsession"`` against ``python -c "import requests"``
  (target: at most 0.3x)
- ``ytsession token`` with a fresh token against ``python -c pass`` (target: at most 2.5x)

Measured in a plain, non-editable install, as users get it: the benchmark makes a temporary
virtual environment, installs this checkout into it with ``pip install --no-deps .`` (an
editable install's start-up hook would slow the baseline and flatter the ratio) and lets it
find the dependencies of the running environment through a ``.pth`` path line. Each command
runs ``--runs`` times, interleaved so machine noise hits all alike; the median wall time is
compared. Usage: ``python benchmarks/startup.py [--runs N]``.
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

TARGETS = {"import": 0.3, "token": 2.5}
ROOT = Path(__file__).resolve().parent.parent


def _plain_install(directory: Path) -> Path:
    """Install this checkout, not editable, into a new virtual environment.

    :return: the environment's Python.
    """
    import site
    import sysconfig

    venv = directory / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = [str(python), "-m", "pip", "install", "-q", "--no-deps", str(ROOT)]
    quiet = {"PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    subprocess.run(install, check=True, env={**os.environ, **quiet}, cwd=directory)
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The dependencies (requests, platformdirs, ...) of the environment running this script,
    # by a plain path line: no import hook, so the baseline is not slowed.
    ours = {sysconfig.get_paths()["purelib"], *site.getsitepackages()}
    (Path(purelib) / "_ytsession_benchmark_deps.pth").write_text(
        "".join(f"{path}\n" for path in sorted(ours) if path != purelib)
    )
    check = subprocess.run(
        [str(python), "-c", "import ytsession, requests; print(ytsession.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=directory,  # not this checkout: `-c` puts the working directory on sys.path
    ).stdout.strip()
    if not check.startswith(purelib):
        sys.exit(f"ytsession came from {check}, not the plain install in {purelib}")
    return python


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


def _time(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, cwd=cwd)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per command (default 30)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        python = str(_plain_install(Path(tmp)))
        home = Path(tmp) / "home"
        _make_profile(home)
        env = dict(os.environ, YTSESSION_HOME=str(home))
        env.pop("YTSESSION_PROFILE", None)
        env.pop("YTSESSION_DEBUG", None)
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "import requests": [python, "-c", "import requests"],
            "import ytsession": [python, "-c", "import ytsession"],
            "ytsession token": [str(Path(python).with_name("ytsession")), "token"],
        }
        for cmd in commands.values():  # warm the file cache and .pyc files
            _time(cmd, env, Path(tmp))
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():
                samples[name].append(_time(cmd, env, Path(tmp)))

    median = {name: statistics.median(values) for name, values in samples.items()}
    print(f"start-up in a plain (non-editable) install, median of {args.runs} runs each:")
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
