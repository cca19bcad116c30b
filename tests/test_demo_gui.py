"""`evaluator demo --selftest --gui`: the whole session through the real windows, offscreen, as
CI runs it (a subprocess: its own QApplication, its own demo services)."""

from __future__ import annotations

import os
import subprocess
import sys


def test_gui_selftest_plays_the_session_through_the_windows(tmp_path):
    shots = tmp_path / "shots"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaluator_app",
            "demo",
            "--selftest",
            "--gui",
            "--dir",
            str(tmp_path / "demo"),
            "--shots",
            str(shots),
        ],
        capture_output=True,
        text=True,
        timeout=1200,
        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
    )
    lines = result.stdout.strip().splitlines()
    assert result.returncode == 0, result.stdout + result.stderr[-4000:]
    # the same ranking as the headless self-test (tests/test_demo.py)
    assert lines[-1].startswith("自测通过 SELFTEST OK: ranking 1.B2 90.63 2.B1 88.17 3.B3 80.19")
    assert sum(1 for line in lines if line[0].isdigit() and "/9 " in line) == 9
    # 王芳 drawn for 孙丽's seat in the 专家抽取 tab, so the archive verifies, every check of it
    assert any(line.startswith("存档 the centre exported the archive") for line in lines), lines
    assert {p.name for p in shots.glob("*.png")} >= {
        "expert-review-sign.png",
        "expert-scoring-deviation.png",
        "expert-replaced.png",
        "centre-replacement.png",
        "centre-replaced.png",
    }
    # no loop error, unawaited coroutine, failed operation or venue complaint on the way
    for bad in ("Traceback", "never awaited", "Task exception", "ERROR", "WARNING"):
        assert bad not in result.stderr, result.stderr[-4000:]
