"""Cold start: ``evaluator app`` paints its login window with Qt and the login page only.

A fresh interpreter runs the real entry point (``evaluator_app.cli.main.main(["app", …])``) with
``MainWindow.show`` wrapped so that, once the window is shown and its events processed (the first
paint), the process prints the modules it has loaded and the PySide6 enums built so far, and
exits. The signing, PDF, network and analysis libraries are for later: importing any of them
before that paint fails here. So does the first import of the ``Qt`` namespace or of
``QFileDialog``: PySide6 builds a class's enums as Python enums when the class is first imported
(about 0.15 ms each; the ``Qt`` namespace has 94 of them, 13 ms of a 120 ms bare start). Timing
is measured in benchmarks/bench_ui.py --startup-only, never in a test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# what the login window does not need before its first paint (loaded when first used, or by the
# login page's warm-up thread once the window is up)
HEAVY = (
    "pyhanko",
    "pyhanko_certvalidator",
    "asn1crypto",
    "cryptography",
    "reportlab",
    "PIL",
    "aiohttp",
    "ssl",
    "asyncio",
    "qasync",
    "sqlite3",
    "pkcs11",
    "gmssl",
    "pypdfium2",
    "pypdf",
    "numpy",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtNetwork",
    "evaluator_app.protocol",  # every signed message class, through the kinds' registry
    "evaluator_app.pki.validation",
    "evaluator_app.pki.cms",
    "evaluator_app.client.venue_client",
    # smaller, each a millisecond or so of a 120 ms bare start
    "ctypes",  # ui/__init__.py uses _ctypes alone
    "hashlib",
    "evaluator_app.client.credentials",  # its dataclasses: at the first certificate
    "evaluator_app.client.explain",
    "evaluator_app.pki.sm2_mechanisms",  # only when a vendor code is set
)

# classes whose first import builds many enums the login window does not use (the ``Qt``
# namespace is imported where a flag is needed, after the first paint); QEvent.Type has 180
# members (QCloseEvent is only an annotation), QIcon.ThemeIcon 151 (the icon is set after it)
COSTLY_CLASSES = ("Qt", "QFileDialog", "QMessageBox", "QPdfDocument", "QPrinter", "QEvent", "QIcon")

PROBE = """
import enum, importlib, json, os, sys, tempfile
for name in sys.argv[2:]:  # the self-test of this test: imported as if at start-up
    module, _, attribute = name.partition(":")  # "PySide6.QtCore:Qt", a class of a module
    getattr(importlib.import_module(module), attribute) if attribute else __import__(module)
import evaluator_app.ui.login_page as login_page
import evaluator_app.ui.main_window as main_window
from PySide6.QtWidgets import QApplication
# the warm-up thread starts on a 500 ms timer after the paint; on a slow machine that timer may
# already be due when the first paint's events are processed, and it would import concurrently
login_page.warm_up = lambda: None
shown = main_window.MainWindow.show
def show(self):
    shown(self)
    QApplication.processEvents()
    def enums(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("PySide6."):
                yield sub.__qualname__
            yield from enums(sub)
    seen = {"modules": sorted(sys.modules), "enums": sorted(set(enums(enum.Enum)))}
    print(json.dumps(seen), flush=True)
    os._exit(0)
main_window.MainWindow.show = show
from evaluator_app.cli.main import main
main(["app", "--data-dir", sys.argv[1], "--language", "zh_CN"])
raise SystemExit("the login window was never shown")
"""


def run_app_probe(code: str, data_dir: Path, *also: str) -> str:
    """What ``code`` (the real entry point, patched) prints in a fresh interpreter."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", code, str(data_dir), *also],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def loaded_at_first_paint(data_dir: Path, *also: str) -> dict[str, list[str]]:
    """The modules imported and the PySide6 enums built ({"modules": …, "enums": …})."""
    return json.loads(run_app_probe(PROBE, data_dir, *also).strip().splitlines()[-1])


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def costly_enums(enums: list[str]) -> list[str]:
    """Enums of the classes the login window must not import before its first paint."""
    return [e for e in enums if e.split(".")[0] in COSTLY_CLASSES]


def test_the_login_window_paints_before_any_heavy_library_is_imported(tmp_path):
    seen = loaded_at_first_paint(tmp_path)
    modules = seen["modules"]
    assert "evaluator_app.ui.login_page" in modules and "PySide6.QtWidgets" in modules
    assert heavy(modules) == []
    assert "QLineEdit.EchoMode" in seen["enums"]  # the probe sees the enums the page builds
    assert costly_enums(seen["enums"]) == []


def test_the_probe_sees_a_heavy_import_at_start_up(tmp_path):
    seen = loaded_at_first_paint(
        tmp_path, "reportlab.pdfgen.canvas", "evaluator_app.protocol", "PySide6.QtCore:Qt"
    )
    assert "reportlab.pdfgen.canvas" in heavy(seen["modules"])
    assert "evaluator_app.protocol" in heavy(seen["modules"])
    assert "Qt.AlignmentFlag" in costly_enums(seen["enums"])


AFTER_PAINT = """
import gc, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
import evaluator_app.ui.main_window as main_window
shown = main_window.MainWindow.show
def show(self):
    print("at the first paint: collector on", gc.isenabled(), flush=True)
    shown(self)
    def after():
        print("once painted: collector on", gc.isenabled(), "frozen", gc.get_freeze_count() > 0)
        sys.stdout.flush()
        self.close()
    QTimer.singleShot(100, after)
main_window.MainWindow.show = show
from evaluator_app.cli.main import main
sys.exit(main(["app", "--data-dir", sys.argv[1], "--language", "zh_CN"]))
"""


def test_the_collector_waits_for_the_first_paint_then_runs(tmp_path):
    printed = run_app_probe(AFTER_PAINT, tmp_path)
    assert "at the first paint: collector on False" in printed
    assert "once painted: collector on True frozen True" in printed
