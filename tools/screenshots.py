#!/usr/bin/env python3
"""Regenerate docs/screenshots/*.png, the README's pictures.

python tools/screenshots.py

The windows come from the GUI self-test (`evaluator demo --selftest --gui --shots DIR`): the
whole demo session played by clicks and keys, each person in their own window, offscreen; each
picture is taken at its moment (login filled in, documents shown, the deviation bounce, the
sheet to sign, the warnings decided, the supervisor's console, the centre's verified results,
the report). The PDF pages (score sheet, report) come from tests/reports/make_screenshots.py.
The pictures the UI tests take (EVALUATOR_SCREENSHOTS) are older and no longer refreshed here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp:
        command = [sys.executable, "-m", "evaluator_app", "demo", "--selftest", "--gui"]
        command += ["--dir", str(Path(tmp) / "demo"), "--shots", str(OUT)]
        gui = subprocess.run(command, cwd=ROOT, env=env)
    pdfs = subprocess.run(
        [sys.executable, "-m", "tests.reports.make_screenshots"], cwd=ROOT, env=env
    )
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in OUT.glob("*.png"))))
    return gui.returncode or pdfs.returncode


if __name__ == "__main__":
    sys.exit(main())
