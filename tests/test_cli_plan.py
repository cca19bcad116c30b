"""`evaluator plan` and the rules-only `evaluator demo`, run as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def evaluator(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evaluator_app", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_example_check_and_evaluate(tmp_path):
    assert evaluator("plan", "example", "--out", str(tmp_path)).returncode == 0
    check = evaluator("plan", "check", str(tmp_path / "project.json"))
    assert check.returncode == 0, check.stderr
    assert "B5 临沂润德建筑安装有限公司  38760000.00 元  超过最高限价 above ceiling" in check.stdout
    result = evaluator(
        "plan", "evaluate", str(tmp_path / "project.json"), str(tmp_path / "scores.json")
    )
    assert result.returncode == 0, result.stderr
    assert "评标基准价 benchmark 35671225.96" in result.stdout
    assert "1. B2 淄博华信建工有限公司  90.63" in result.stdout
    # writing the examples again never overwrites an edited file
    assert evaluator("plan", "example", "--out", str(tmp_path)).returncode == 1


def test_example_prints_unless_told_where_to_write(tmp_path):
    shown = evaluator("plan", "example", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written into the current folder
    assert "B2 淄博华信建工有限公司：施工组织设计 6 · 施工进度计划及保证措施 8.5" in shown.stdout
    assert "投标保证金按时足额提交：不通过 fail" in shown.stdout and "q-bond" not in shown.stdout
    assert "施工组织设计未包含冬季施工专项方案" in shown.stdout
    for name in ("project", "scores"):
        raw = evaluator("plan", "example", "--json", name, cwd=tmp_path)
        assert raw.returncode == 0 and json.loads(raw.stdout)
    assert evaluator("plan", "example", "--json", "scores", "--out", str(tmp_path)).returncode == 2


def test_invalid_project_lists_every_problem_and_exits_1(tmp_path):
    evaluator("plan", "example", "--out", str(tmp_path))
    path = tmp_path / "project.json"
    data = json.loads(path.read_text("utf-8"))
    data["lots"][0]["bidders"][0]["price"] = "-3"
    data["plans"][0]["groups"][1]["items"][1]["max"] = "ten"
    path.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    result = evaluator("plan", "check", str(path))
    assert result.returncode == 1
    assert "invalid, 2 problem(s)" in result.stderr
    assert "lots[0].bidders[0].price: must not be below 0 (value: '-3')" in result.stderr
    assert "plans[0].groups[1].items[1].max" in result.stderr


def test_missing_file_is_a_usage_error(tmp_path):
    result = evaluator("plan", "check", str(tmp_path / "nope.json"))
    assert result.returncode == 2 and "cannot read" in result.stderr
