"""The settings dialog's 国密 rows: the SKF library, the PKCS#11 SM2 mechanism codes and the
document cache cipher are saved; a code that cannot be one is refused in words and the dialog
stays open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox

from evaluator_app.client.settings import AppSettings
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.settings_dialog import SettingsDialog


def _save(dialog: SettingsDialog) -> None:
    buttons = dialog.findChild(QDialogButtonBox)
    assert buttons is not None
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    assert save.isVisible()
    QTest.mouseClick(save, Qt.MouseButton.LeftButton)


def _type(widget, text: str) -> None:  # type: ignore[no-untyped-def]
    assert widget.isVisible() and widget.isEnabled()
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(widget, text)


def test_sm2_settings_are_saved_and_a_bad_code_is_refused(qtbot):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    install_language(QApplication.instance(), "zh_CN")
    dialog = SettingsDialog(AppSettings(language="zh_CN"))
    qtbot.addWidget(dialog)
    dialog.show()
    _type(dialog.skf_library, "/opt/vendor/libskf.so")
    _type(dialog.sm2_digest, "0x1041")  # a standard mechanism, not a vendor code
    _save(dialog)
    assert dialog.isVisible() and dialog.result() == 0
    assert "不是厂商机制代码" in dialog.error.text(), dialog.error.text()
    _type(dialog.sm2_digest, "0x80008104")
    _save(dialog)
    assert not dialog.isVisible() and dialog.result() == SettingsDialog.DialogCode.Accepted
    saved = dialog.result_settings()
    assert (saved.skf_library, saved.pkcs11_sm2_sign_digest, saved.pkcs11_sm2_sign_message) == (
        "/opt/vendor/libskf.so",
        "0x80008104",
        "",
    )


def test_the_cache_cipher_is_offered_with_what_it_means(qtbot, tmp_path):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QLabel

    from evaluator_app.client.settings import load_settings, save_settings

    install_language(QApplication.instance(), "zh_CN")
    dialog = SettingsDialog(AppSettings(language="zh_CN"))
    qtbot.addWidget(dialog)
    dialog.show()
    combo = dialog.cache_cipher
    assert combo.isVisible() and combo.currentText() == "AES-256-GCM"
    notes = [label.text() for label in dialog.findChildren(QLabel) if label.isVisible()]
    assert any("SM4-GCM 为国密算法" in text and "密评" in text for text in notes), notes
    combo.setFocus()
    QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == "SM4-GCM（国密）"
    _save(dialog)
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    save_settings(tmp_path, dialog.result_settings())
    assert load_settings(tmp_path).cache_cipher == "sm4-gcm"
    again = SettingsDialog(load_settings(tmp_path))
    qtbot.addWidget(again)
    assert again.cache_cipher.currentData() == "sm4-gcm"  # shown as saved
