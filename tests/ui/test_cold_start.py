"""Cold start: ``evaluator app`` paints its login window with Qt and the login page only.

A fresh interpreter runs the real entry point (``evaluator_app.cli.main.main(["app", …])``) with
``MainWindow.show`` wrapped so that, once the window is shown and its events processed (the first
paint), the process prints the modules it has loaded and exits. The signing, PDF, network and
analysis libraries are for later: importing any of them before that paint fails here (timing is
measured in benchmarks/bench_ui.py --startup-only, never in a test).
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
)

PROBE = """
import json, os, sys, tempfile
for name in sys.argv[2:]:  # the self-test of this test: modules imported as if at start-up
    __import__(name)
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
    print(json.dumps(sorted(sys.modules)), flush=True)
    os._exit(0)
main_window.MainWindow.show = show
from evaluator_app.cli.main import main
main(["app", "--data-dir", sys.argv[1], "--language", "zh_CN"])
raise SystemExit("the login window was never shown")
"""


def loaded_at_first_paint(data_dir: Path, *also: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(data_dir), *also],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_the_login_window_paints_before_any_heavy_library_is_imported(tmp_path):
    modules = loaded_at_first_paint(tmp_path)
    assert "evaluator_app.ui.login_page" in modules and "PySide6.QtWidgets" in modules
    assert heavy(modules) == []


def test_the_probe_sees_a_heavy_import_at_start_up(tmp_path):
    modules = loaded_at_first_paint(tmp_path, "reportlab.pdfgen.canvas", "evaluator_app.protocol")
    assert "reportlab.pdfgen.canvas" in heavy(modules)
    assert "evaluator_app.protocol" in heavy(modules)
