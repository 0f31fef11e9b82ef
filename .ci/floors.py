"""The oldest dependency versions ytsession claims to work with, for CI's floors lane.

``python .ci/floors.py [EXTRA ...]`` prints a pip constraints file that pins every
requirement of setup.cfg's ``install_requires`` (and of the named extras) to its floor
(``name>=X`` becomes ``name==X``). ``python .ci/floors.py --check [EXTRA ...]``, run inside
the floors environment, fails unless each installed version is exactly its floor (so the
lane cannot silently test newer versions).

A requirement without a ``>=`` floor is an error: every dependency must name the oldest
version that works.
"""

from __future__ import annotations

import configparser
import re
import sys
from importlib import metadata
from pathlib import Path

SETUP_CFG = Path(__file__).resolve().parent.parent / "setup.cfg"
_REQUIREMENT = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def floors(extras: list[str], setup_cfg: Path = SETUP_CFG) -> dict[str, str]:
    """:return: the floor version of each requirement of ``install_requires`` and of the
    ``extras``, by name."""
    config = configparser.ConfigParser()
    config.read(setup_cfg)
    lines = config["options"]["install_requires"].splitlines()
    for extra in extras:
        lines += config["options.extras_require"][extra].splitlines()
    found = {}
    for raw in lines:
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line:
            continue
        match = _REQUIREMENT.match(line)
        floor = re.search(r">=\s*([^,\s]+)", match.group(2)) if match else None
        if match is None or floor is None:
            raise SystemExit(f"setup.cfg: {line!r} names no '>=' floor")
        found[match.group(1)] = floor.group(1)
    return found


def _release(version: str) -> tuple[int, ...]:
    """``2.31`` and ``2.31.0`` alike: the first three numbers, zero-padded."""
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3]]
    return tuple(numbers + [0] * (3 - len(numbers)))


def check(extras: list[str]) -> int:
    """:return: 0 when every installed dependency is exactly at its floor, else 1."""
    wrong = []
    for name, floor in floors(extras).items():
        installed = metadata.version(name)
        if _release(installed) != _release(floor):
            wrong.append(f"{name} {installed} (floor {floor})")
        else:
            print(f"{name} {installed} is its floor {floor}")
    if wrong:
        print("not at their floors: " + ", ".join(wrong), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--check"]:
        raise SystemExit(check(arguments[1:]))
    print("\n".join(f"{name}=={version}" for name, version in floors(arguments).items()))
