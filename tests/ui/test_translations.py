"""Every visible string has its Chinese translation, and the shipped .qm is up to date."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_string_is_translated_and_qm_is_current():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "i18n.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_chinese_is_the_default_language(qapp):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QCoreApplication

    from evaluator_app.client.settings import AppSettings
    from evaluator_app.ui.i18n import install_language

    assert AppSettings().language == "zh_CN"
    assert install_language(qapp, "zh_CN")
    assert QCoreApplication.translate("LoginPage", "Log in") == "登录"
    install_language(qapp, "en")
    assert QCoreApplication.translate("LoginPage", "Log in") == "Log in"


def test_a_catalogue_rewritten_while_the_app_runs_changes_nothing(qapp, tmp_path):  # type: ignore[no-untyped-def]
    """Loaded from a copy in memory: an update that rewrites the .qm in place (as lrelease
    does) must not reach the running windows (mapped from the file, it turned them English)."""
    import shutil

    from PySide6.QtCore import QCoreApplication

    from evaluator_app.resources import resources_dir
    from evaluator_app.ui.i18n import _from_memory

    path = tmp_path / "evaluator_zh_CN.qm"
    shutil.copy(resources_dir() / "translations" / "evaluator_zh_CN.qm", path)
    translator = _from_memory(qapp, path)
    assert translator is not None
    qapp.installTranslator(translator)
    try:
        before = QCoreApplication.translate("ExpertAids", "Close with unsigned work?")
        assert before == "有尚未签名的工作，确定关闭？"
        with path.open("r+b") as f:  # rewritten in place, same inode
            f.write(b"\0" * path.stat().st_size)
        assert QCoreApplication.translate("ExpertAids", "Close with unsigned work?") == before
    finally:
        qapp.removeTranslator(translator)
