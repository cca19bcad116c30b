#!/usr/bin/env python3
"""Regenerate docs/screenshots/*.png: runs the UI flow tests offscreen and grabs each screen.

python tools/screenshots.py
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, EVALUATOR_SCREENSHOTS=str(OUT), QT_QPA_PLATFORM="offscreen")
    tests = [
        "tests/ui/test_expert_flow_ui.py",
        "tests/ui/test_warnings_ui.py",
        *sorted(
            str(p.relative_to(ROOT)) for p in (ROOT / "tests" / "ui").glob("test_*console*.py")
        ),
    ]
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", *tests], cwd=ROOT, env=env)
    print("\n".join(sorted(str(p.relative_to(ROOT)) for p in OUT.glob("*.png"))))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
