"""The login kinds' registry: the built-in kinds are declared as entry points and loaded on
first use; another package's kind is found the same way, an unknown one is a typed error."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from ytsession.errors import ProfileError
from ytsession.store import kinds
from ytsession.store.settings import ProfileSettings

BUILT_IN = {"oauth", "youtube-tv", "cookies", "peertube"}


def test_the_built_in_kinds_are_declared_as_entry_points_and_each_loads_itself() -> None:
    declared = {point.name: point for point in entry_points(group=kinds.ENTRY_POINTS)}
    assert set(declared) >= BUILT_IN
    for name in BUILT_IN:
        kind = declared[name].load()
        assert isinstance(kind, kinds.LoginKind) and kind.name == name
        assert kinds.kind_of(name) is kind
        assert kinds.kind_of(ProfileSettings(kind=name)) is kind
    assert set(kinds.known_kinds()) >= BUILT_IN


def test_a_fresh_process_finds_a_kind_without_importing_its_module_first() -> None:
    # Nothing imports ytsession.youtube.kinds or ytsession.peertube.kind before the lookup:
    # the registry finds them through the entry points alone.
    probe = textwrap.dedent(
        """
        import sys
        from ytsession.store.kinds import kind_of
        assert "ytsession.youtube.kinds" not in sys.modules
        print(kind_of("cookies").name, kind_of("peertube").name)
        print("ytsession.youtube.kinds" in sys.modules, "ytsession.peertube.kind" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["cookies", "peertube", "True", "True"]


def test_a_kind_named_by_module_and_object_is_loaded_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "extra_kind_for_test.py").write_text(
        "from ytsession.store.kinds import LoginKind\n"
        "class ExtraKind(LoginKind):\n"
        "    name = 'extra-test'\n"
        "EXTRA = ExtraKind()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    kinds.register_lazy("extra-test", "extra_kind_for_test:EXTRA")
    try:
        assert "extra-test" in kinds.known_kinds()
        kind = kinds.kind_of("extra-test")
        assert type(kind).__name__ == "ExtraKind" and kind.name == "extra-test"
    finally:
        vars(kinds)["_KINDS"].pop("extra-test", None)
        vars(kinds)["_LAZY"].pop("extra-test", None)


def test_an_unknown_kind_is_a_profile_error_that_says_what_to_do() -> None:
    with pytest.raises(ProfileError, match="not known to this version of ytsession; upgrade"):
        kinds.kind_of("no-such-kind")


def test_a_copy_without_package_metadata_says_to_reinstall(tmp_path: Path) -> None:
    # The package's files on sys.path without its metadata (a checkout that was never
    # installed, or installed before the kinds were entry points): a typed error that says
    # what to do, not "unknown kind".
    shutil.copytree(Path(kinds.__file__).parents[1], tmp_path / "ytsession")
    probe = textwrap.dedent(
        """
        import sys
        sys.path.insert(0, sys.argv[1])
        from ytsession.errors import ProfileError
        from ytsession.store.kinds import kind_of
        try:
            kind_of("oauth")
        except ProfileError as error:
            print(error)
        """
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", probe, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tmp_path,
    )
    assert "declares no login kinds" in result.stdout
    assert "reinstall ytsession" in result.stdout
