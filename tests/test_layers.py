"""The architecture, read from the code: auth is a lower layer, and login kinds are asked,
never switched on."""

from __future__ import annotations

import ast
from pathlib import Path

import ytsession

PACKAGE = Path(ytsession.__file__).parent
#: The modules that define login kinds: the only places that may compare kind names.
REGISTRY = {PACKAGE / "auth" / "kinds.py", PACKAGE / "peertube" / "kind.py"}
KIND_NAMES = {"oauth", "youtube-tv", "cookies", "peertube"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module ``path`` imports (relative imports resolved), with line numbers;
    ``if TYPE_CHECKING:`` imports included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path)
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
            found.append((node.lineno, base))
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
    return found


def test_the_import_reader_resolves_relative_imports() -> None:
    # The reader itself must be able to fail: cookie_auth.py's own imports, resolved.
    modules = {name for _, name in _imports(PACKAGE / "auth" / "cookie_auth.py")}
    assert "ytsession.auth.signing" in modules and "ytsession.errors" in modules


def test_auth_imports_nothing_from_peertube_or_innertube() -> None:
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted((PACKAGE / "auth").rglob("*.py"))
        for line, name in _imports(path)
        if name.startswith(("ytsession.peertube", "ytsession.innertube"))
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
