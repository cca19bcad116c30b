"""Only evaluator_app/ui may import PySide6 or qasync; core loads no Qt at all."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "evaluator_app"
QT_MODULES = {"PySide6", "qasync", "shiboken6"}


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Call) and getattr(
            node.func, "attr", getattr(node.func, "id", "")
        ) in {"import_module", "__import__"}:
            names = [
                a.value
                for a in node.args[:1]
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
        else:
            continue
        found += [n for n in names if n.split(".")[0] in QT_MODULES]
    return found


def test_no_qt_outside_ui():
    offenders = {}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE)
        if relative.parts[0] == "ui":
            continue
        found = qt_imports(path)
        if found:
            offenders[str(relative)] = found
    assert not offenders, f"PySide6/qasync imported outside evaluator_app/ui: {offenders}"


def test_checker_catches_an_offender(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from PySide6.QtCore import QObject\n    import qasync\n", "utf-8")
    assert qt_imports(bad) == ["PySide6.QtCore", "qasync"]


def test_importing_core_and_services_loads_no_qt():
    code = (
        "import sys, importlib, pkgutil, evaluator_app\n"
        "for m in pkgutil.walk_packages(evaluator_app.__path__, 'evaluator_app.'):\n"
        "    if not m.name.startswith(('evaluator_app.ui', 'evaluator_app.__main__')):\n"
        "        importlib.import_module(m.name)\n"
        "qt = {'PySide6', 'qasync', 'shiboken6'}\n"
        "print(sorted(n for n in sys.modules if n.split('.')[0] in qt))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
