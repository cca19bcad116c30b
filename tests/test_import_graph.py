"""The import graph: the layers of ARCHITECTURE.md hold, and no module imports itself round.

Every import counts, the lazy ones inside functions too (a cycle hidden in a function is still
a cycle); only ``if TYPE_CHECKING:`` blocks, which never run, are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "evaluator_app"

# top-level package -> the packages it may import (the arrows of ARCHITECTURE.md)
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "protocol": {"core"},
    "pki": {"core"},
    "auditlog": {"core", "pki"},  # the audit log's format and checks: venue and archive share it
    # the expert draw's checks: the venue (when a session opens) and the archive verifier share them
    "drawcheck": {"core", "pki", "protocol"},
    "reports": {"core", "pki", "protocol", "resources"},
    "archive": {"core", "pki", "protocol", "auditlog", "drawcheck"},
    "client": {"core", "pki", "protocol", "reports", "archive", "drawcheck"},
    "venue": {"core", "pki", "protocol", "auditlog", "reports", "drawcheck"},
    # ui/launcher.py is the demo's own window: it starts the demo world
    "ui": {"core", "pki", "protocol", "client", "reports", "archive", "resources", "demo"},
    "demo": {
        "core",
        "pki",
        "protocol",
        "client",
        "reports",
        "archive",
        "auditlog",
        "venue",
        "drawcheck",
    },
}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.AST) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    )


def imports_of(tree: ast.AST, modules: set[str]) -> set[str]:
    """The package's modules this tree imports (a ``from pkg import sub`` names ``pkg.sub``)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if _type_checking_only(node):
            for child in getattr(node, "orelse", []):
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names} & modules
            found.update(subs)
            if node.module in modules and len(subs) < len(node.names):
                found.add(node.module)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    paths = {module_name(p, root): p for p in root.rglob("*.py") if "__pycache__" not in p.parts}
    modules = set(paths)
    return {
        name: imports_of(ast.parse(path.read_text("utf-8")), modules) - {name}
        for name, path in paths.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return found


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_module_imports_itself_round():
    assert cycles(import_graph()) == []


def test_the_layers_hold():
    wrong = sorted(
        f"{a} imports {b}"
        for a, targets in import_graph().items()
        for b in targets
        if _top(a) in ALLOWED and _top(b) != _top(a) and _top(b) not in ALLOWED[_top(a)]
    )
    assert wrong == []


def test_archive_and_venue_do_not_import_each_other():
    graph = import_graph()
    crossing = [
        (a, b)
        for a, targets in graph.items()
        for b in targets
        if {_top(a), _top(b)} == {"archive", "venue"}
    ]
    assert crossing == []


def test_the_checker_sees_a_lazy_cycle_and_ignores_type_checking(tmp_path):
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "a.py").write_text("from pkg import b\n")
    (root / "b.py").write_text("def later():\n    from pkg.c import thing\n")
    (root / "c.py").write_text("import pkg.a\n")
    (root / "d.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import x\n"
    )
    graph = import_graph(root)
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.c"]]
    assert graph["pkg.d"] == set()
