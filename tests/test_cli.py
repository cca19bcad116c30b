"""The evaluator command line: --version, --help, honest 'not built yet'."""

from __future__ import annotations

import subprocess
import sys

from evaluator_app import __version__
from evaluator_app.cli.main import SUBCOMMANDS, _is_built, main


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evaluator_app", *args], capture_output=True, text=True, timeout=120
    )


def test_version():
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"evaluator {__version__}"


def test_help_lists_every_subcommand_and_loads_no_qt():
    result = run("--help")
    assert result.returncode == 0
    for name in ["app", "venue", "demo", "pki", "cert", "sign", "verify", "audit", "trust-list"]:
        assert name in SUBCOMMANDS
        assert f"    {name} " in result.stdout
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\nfrom evaluator_app.cli.main import build_parser\n"
            "build_parser(['--help'])\nprint(any(m.startswith('PySide6') for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.strip() == "False"


def test_every_listed_subcommand_is_built():
    assert [n for n in SUBCOMMANDS if not _is_built(n)] == []


def test_a_subcommand_not_built_yet_says_so_and_exits_2(monkeypatch, capsys):
    # a later issue's command is listed before its module exists: it must not pretend
    monkeypatch.setitem(SUBCOMMANDS, "archive-sync", ("sync archives to the province", 99))
    assert main(["archive-sync", "--anything"]) == 2
    err = capsys.readouterr().err
    assert "not built yet (planned in issue #99)" in err and "尚未实现" in err


def test_no_subcommand_prints_help_and_exits_2(capsys):
    assert main([]) == 2
    assert "usage: evaluator" in capsys.readouterr().out


def test_audit_verify_with_a_wrong_demo_dir_says_so_once_in_each_language(tmp_path, capsys):
    missing = tmp_path / "no-such-demo"
    assert main(["audit", "verify", str(tmp_path / "log.jsonl"), "--demo", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"无法校验 / cannot verify {tmp_path / 'log.jsonl'}: {missing} 中没有演示 PKI（无法读取"
        f" index.json） / no demo PKI in {missing}: [Errno 2] No such file or directory:"
        f" '{missing / 'index.json'}'\n"
    )
    missing.mkdir()
    (missing / "index.json").write_text("{", "utf-8")
    assert main(["audit", "prove", str(tmp_path / "receipt.json"), "--demo", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"无法校验 / cannot check {tmp_path / 'receipt.json'}: {missing} 中没有演示 PKI"
        f"（index.json 内容无效） / no demo PKI in {missing}: "
    )
    assert err.count("没有演示 PKI") == 1
