"""PySide6 6.12 on Python 3.11 drops a reference to None at every void method call; the app
must survive more such calls than None had references (``evaluator_app.ui`` guards it)."""

from __future__ import annotations

import os
import subprocess
import sys

CALLS = """
import sys
import evaluator_app.ui  # noqa: F401  (the guard)
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for _ in range(3 * sys.getrefcount(None) if sys.getrefcount(None) < 1 << 30 else 200_000):
    label.setText("x")  # void: returns None
print("ok")
"""


def test_a_long_session_of_void_qt_calls_does_not_abort_the_interpreter():
    result = subprocess.run(
        [sys.executable, "-c", CALLS],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr[-2000:]
