"""The architecture, read from the code: auth is a lower layer, and login kinds are asked,
never switched on."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ytsession

PACKAGE = Path(ytsession.__file__).parent
#: The modules that define login kinds: the only places that may compare kind names.
REGISTRY = {PACKAGE / "store" / "kinds.py", PACKAGE / "peertube" / "kind.py"}
KIND_NAMES = {"oauth", "youtube-tv", "cookies", "peertube"}


def _module_name(path: Path, root: Path = PACKAGE.parent) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(
    path: Path, root: Path = PACKAGE.parent, *, packages: bool = True
) -> list[tuple[int, str]]:
    """Every module ``path`` imports (relative imports resolved), with line numbers;
    ``if TYPE_CHECKING:`` imports and imports inside functions included. With
    ``packages=False``, ``from pkg import name`` counts as ``pkg.name`` only (the submodule,
    or the package when ``name`` is defined there), not also as an import of ``pkg``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            if packages:
                found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_the_import_reader_resolves_relative_imports() -> None:
    # The reader itself must be able to fail: the cookie signer's own imports, resolved.
    modules = {name for _, name in _imports(PACKAGE / "youtube" / "cookies" / "signer.py")}
    assert "ytsession.youtube.signing" in modules and "ytsession.errors" in modules


def test_cookies_and_signers_import_nothing_from_peertube_or_innertube() -> None:
    youtube = PACKAGE / "youtube"
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted([*(youtube / "cookies").rglob("*.py"), youtube / "signing.py"])
        for line, name in _imports(path)
        if name.startswith(("ytsession.peertube", "ytsession.youtube.innertube"))
    ]
    assert offences == []


def test_youtube_and_peertube_do_not_import_each_other() -> None:
    # Two services side by side in one layer: what they share lives below them.
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for mine, theirs in (("youtube", "peertube"), ("peertube", "youtube"))
        for path in sorted((PACKAGE / mine).rglob("*.py"))
        for line, name in _imports(path, packages=False)
        if name.startswith(f"ytsession.{theirs}")
    ]
    assert offences == []


def test_the_errors_module_imports_nothing_of_the_domains() -> None:
    # Every module imports the errors: one import of a domain there (even under
    # TYPE_CHECKING) would tie every module into one import circle.
    ours = {
        name
        for _, name in _imports(PACKAGE / "errors.py")
        if name.startswith("ytsession") and not name.startswith("ytsession._secrets")
    }
    assert ours == set()


def _is_kind(node: ast.expr) -> bool:
    """``settings.kind``, ``kind``, ``KIND_X`` or a kind's name as a string."""
    if isinstance(node, ast.Attribute):
        return node.attr == "kind" and not (
            isinstance(node.value, ast.Attribute | ast.Name)
            and getattr(node.value, "id", getattr(node.value, "attr", "")) in ("binding", "fault")
        )
    if isinstance(node, ast.Name):
        return node.id.startswith("KIND_")
    return isinstance(node, ast.Constant) and node.value in KIND_NAMES


@pytest.mark.slow
def test_no_kind_switch_outside_the_registry() -> None:
    offences = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in REGISTRY or "testing" in path.relative_to(PACKAGE).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Compare):
                continue
            operands = [node.left, *node.comparators]
            names = [o for o in operands if _is_kind(o)]
            if names and any(
                (isinstance(o, ast.Attribute) and o.attr == "kind") or isinstance(o, ast.Name)
                for o in names
            ):
                offences.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert offences == []


#: The limits of issue 19: a module holds one concern, a class one job, a function one step.
MAX_MODULE_LINES, MAX_CLASS_LINES, MAX_FUNCTION_LINES = 600, 400, 100


def _modules(folder: Path, root: Path) -> dict[str, Path]:
    return {_module_name(path, root): path for path in sorted(folder.rglob("*.py"))}


def _import_cycles(folder: Path, root: Path = PACKAGE.parent) -> list[list[str]]:
    """Every circle of imports among the modules under ``folder``, counting imports under
    ``if TYPE_CHECKING:`` and inside functions (``ast.walk`` sees them all). Importing a
    submodule runs its package's ``__init__`` first, as Python does for every import: that
    is not counted as an import of the package (a name taken from the package is)."""
    modules = _modules(folder, root)

    def owner(name: str) -> str | None:  # the module an imported name lives in
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph = {
        module: {
            m
            for _, name in _imports(path, root, packages=False)
            if (m := owner(name)) and m != module
        }
        for module, path in modules.items()
    }
    cycles: list[list[str]] = []
    done: set[str] = set()

    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            cycles.append([*trail[trail.index(module) :], module])
            return
        if module in done:
            return
        for target in sorted(graph[module]):
            visit(target, [*trail, module])
        done.add(module)

    for module in sorted(graph):
        visit(module, [])
    return cycles


def _oversized(folder: Path, root: Path = PACKAGE.parent) -> list[str]:
    """Modules, classes and functions under ``folder`` past the limits."""
    found = []
    for path in sorted(folder.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(root).as_posix()
        if (lines := len(text.splitlines())) > MAX_MODULE_LINES:
            found.append(f"{where}: {lines} lines")
        for node in ast.walk(ast.parse(text, str(path))):
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                limit = MAX_CLASS_LINES if isinstance(node, ast.ClassDef) else MAX_FUNCTION_LINES
                size = (node.end_lineno or node.lineno) - node.lineno + 1
                if size > limit:
                    found.append(f"{where}:{node.lineno} {node.name}: {size} lines")
    return found


def test_the_rule_readers_can_fail(tmp_path: Path) -> None:
    # Two modules importing each other only under TYPE_CHECKING and inside a function, and
    # a function of 102 lines: the readers must see all three.
    pkg = tmp_path / "ytsession" / "testing"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from ytsession.testing.b import B\n"
    )
    body = "".join(f"    x{i} = {i}\n" for i in range(100))
    (pkg / "b.py").write_text(f"def f() -> None:\n    from ytsession.testing import a\n{body}")
    assert _import_cycles(pkg, tmp_path) == [
        ["ytsession.testing.a", "ytsession.testing.b", "ytsession.testing.a"]
    ]
    assert _oversized(pkg, tmp_path) == ["ytsession/testing/b.py:1 f: 102 lines"]


def test_the_emulator_has_no_import_circle_and_keeps_to_the_sizes() -> None:
    # The emulator is a kit, its assembly and one module per service (issue 19): the kit
    # knows no service, so no service module and the assembly import each other.
    testing = PACKAGE / "testing"
    assert _import_cycles(testing) == []
    assert _oversized(testing) == []


@pytest.mark.slow
def test_nothing_outside_the_command_line_imports_it() -> None:
    # The library never reaches up into the command line, not even under TYPE_CHECKING or
    # inside a function; only `python -m ytsession` (ytsession/__main__.py) runs it.
    allowed = {PACKAGE / "__main__.py"}
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path not in allowed and not _module_name(path).startswith("ytsession.cli")
        for line, name in _imports(path)
        if name == "ytsession.cli" or name.startswith("ytsession.cli.")
    ]
    assert offences == []


def test_the_command_line_is_one_package_without_circles_and_within_the_sizes() -> None:
    # One module per command under cli/commands/ (issue 19), each adding its own
    # subcommand: no 200-line build_parser, no 1,000-line module.
    cli = PACKAGE / "cli"
    assert cli.is_dir() and (cli / "commands").is_dir()
    assert _oversized(cli) == []
    assert _import_cycles(cli) == []


# --- the layers of the whole library (issue 19) ---------------------------------------------

#: Each module's layer, by the longest prefix of its name: a module may import its own
#: layer and those below, never one above. errors/_secrets and the small shared modules <
#: transport < oauth < store < the services (YouTube, PeerTube) < what assembles them (the
#: command line, the emulator, the package root). Every module must be in the table.
LAYERS = {
    "ytsession._secrets": 0,
    "ytsession.errors": 0,
    "ytsession._hints": 0,  # what to do next, in Python and CLI words: every layer's
    "ytsession._version": 0,
    "ytsession._lazy": 0,
    "ytsession._validate": 0,
    "ytsession._files": 0,
    "ytsession._items": 0,
    "ytsession._debug": 0,
    "ytsession._console": 0,  # terminal I/O of the REPL prompts, beside the transport
    "ytsession.transport": 1,
    "ytsession.oauth": 2,
    "ytsession._rules": 0,  # profile names and files, stdlib only: the token fast path's
    "ytsession.store": 3,
    "ytsession.youtube": 4,  # cookies, signers, InnerTube, the Session, the YouTube kinds
    "ytsession.peertube": 4,
    "ytsession.cli": 5,
    "ytsession.testing": 5,
    "ytsession.demo": 5,
    "ytsession.__main__": 5,
    "ytsession": 5,
}


def _layer(module: str) -> int | None:
    if module == "ytsession":  # the root itself: not a prefix of everything
        return LAYERS[module]
    name = module
    while name != "ytsession":
        if name in LAYERS:
            return LAYERS[name]
        name = name.rpartition(".")[0]
    return None


def _library_modules() -> dict[str, Path]:
    return _modules(PACKAGE, PACKAGE.parent)


def test_every_module_has_a_layer() -> None:
    # A new folder (or an old module left where it was) must be placed on purpose.
    assert [name for name in _library_modules() if _layer(name) is None] == []
    assert (PACKAGE / "transport").is_dir() and (PACKAGE / "oauth").is_dir()
    assert (PACKAGE / "store").is_dir() and not list((PACKAGE / "auth").rglob("*.py"))
    assert (PACKAGE / "youtube").is_dir() and not list((PACKAGE / "innertube").rglob("*.py"))


def test_lower_layers_never_import_higher_ones() -> None:
    modules = _library_modules()
    offences = []
    for module, path in modules.items():
        for line, name in _imports(path, packages=False):
            target = name
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if not target or target == module:
                continue
            if (_layer(target) or 0) > (_layer(module) or 0):
                offences.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert offences == []


def test_oauth_knows_no_profile_store_or_youtube() -> None:
    oauth = PACKAGE / "oauth"
    assert oauth.is_dir()
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted(oauth.rglob("*.py"))
        for line, name in _imports(path, packages=False)
        if name.startswith(("ytsession.store", "ytsession.youtube", "ytsession.peertube"))
    ]
    assert offences == []


def test_the_library_has_no_import_circle() -> None:
    # Not even the login kinds' registry: a kind sees a profile through a protocol
    # (`StoredProfile`), and the built-in kinds are found through entry points.
    assert _import_cycles(PACKAGE) == []


def test_the_library_keeps_to_the_sizes() -> None:
    # No declarative table is past the limits today, so there is no exception to name.
    assert _oversized(PACKAGE) == []


def test_the_root_exports_the_story_in_thirty_names_each_listed_once() -> None:
    # One table (`_EXPORTS`) that the lazy loader reads and `__all__` is made of; the type
    # checkers' imports must name the same, and every name must load.
    names = ytsession.__all__
    assert len(names) <= 30 and len(set(names)) == len(names)
    exports: dict[str, str] = vars(ytsession)["_EXPORTS"]
    assert set(names) == {"__version__", *exports}
    tree = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))
    for_checkers = {
        alias.asname
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
        if alias.asname == alias.name
    }
    assert for_checkers == set(exports)
    assert all(getattr(ytsession, name) is not None for name in names)
    # ytmusicapi's names keep working from the root.
    assert {"Credentials", "OAuthCredentials", "OAuthToken", "RefreshingToken"} <= set(names)


def test_every_package_lists_each_name_it_exports_once() -> None:
    # The packages that load names lazily keep one table (`_EXPORTS`): `__all__` is made
    # from it, the type checkers' imports name the same, and every name loads.
    import importlib

    tables = 0
    for path in sorted(PACKAGE.rglob("__init__.py")):
        module = importlib.import_module(_module_name(path))
        exports = vars(module).get("_EXPORTS")
        if exports is None:
            continue
        tables += 1
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for_checkers = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING"
            for sub in ast.walk(node)
            if isinstance(sub, ast.ImportFrom)
            for alias in sub.names
        }
        assert set(module.__all__) - {"__version__"} == set(exports), path
        assert for_checkers >= set(exports), path
        assert all(getattr(module, name) is not None for name in exports), path
    assert tables >= 6  # the root, oauth, peertube, youtube (and its cookies), innertube, potoken
