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
