"""The login window against a real venue: file certificate, wrong password, revoked certificate."""

from __future__ import annotations

from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow


def _window(qtbot, venue, tmp_path, ws="ws-expert-sd-1", language="zh_CN"):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    install_language(QApplication.instance(), language)
    window = MainWindow(venue.settings_for(ws, language), tmp_path / "app")
    qtbot.addWidget(window)
    window.show()
    return window


def _fill(window, person, password=None):  # type: ignore[no-untyped-def]
    page = window.login_page
    page.use_file.setChecked(True)
    page.file_edit.setText(str(person.p12))
    page.secret_edit.setText(person.password if password is None else password)
    page.login_button.click()
    return page


def test_expert_logs_in_with_a_certificate_file_and_sees_the_lobby(
    qtbot, loop, wait_for, venue, tmp_path
):
    window = _window(qtbot, venue, tmp_path)
    _fill(window, venue.demo.person("expert-sd-1"))
    wait_for(
        lambda: window.lobby is not None and window.stack.currentWidget() is window.lobby,
        message="lobby",
    )
    assert "张伟" in window.who.text() and "A01" in window.who.text()
    assert "✔" in window.login_page.cert_text.text()
    wait_for(lambda: window.lobby.status.text(), message="session list")

    async def close() -> None:  # inside the loop: the lobby's live connection is still stepping
        window.close()
        await window.shutdown_task

    loop.run_until_complete(close())


def test_wrong_password_is_explained_in_chinese(qtbot, loop, wait_for, venue, tmp_path):
    window = _window(qtbot, venue, tmp_path)
    page = _fill(window, venue.demo.person("expert-sd-1"), password="wrong-password")
    wait_for(lambda: page.error_label.text(), message="error shown")
    assert page.error_label.text() == "证书文件密码不正确"
    assert window.lobby is None and page.login_button.isEnabled()


def test_revoked_certificate_is_refused_with_the_reason(qtbot, loop, wait_for, venue, tmp_path):
    window = _window(qtbot, venue, tmp_path)
    page = _fill(window, venue.demo.person("expert-revoked"))
    wait_for(lambda: page.error_label.text(), message="error shown")
    assert "吊销" in page.error_label.text(), page.error_label.text()
    assert "✘" in page.cert_text.text()
    assert window.lobby is None


def test_english_interface(qtbot, loop, wait_for, venue, tmp_path):
    window = _window(qtbot, venue, tmp_path, language="en")
    page = _fill(window, venue.demo.person("expert-sd-1"), password="nope")
    wait_for(lambda: page.error_label.text(), message="error shown")
    assert page.error_label.text() == "wrong password for the certificate file"
    assert page.login_button.text() == "Log in"


def test_the_fields_match_the_login_mode_from_the_first_paint(qtbot, loop, venue, tmp_path):  # type: ignore[no-untyped-def]
    window = _window(qtbot, venue, tmp_path)  # no event processed yet: what the first paint shows
    page = window.login_page
    assert page.use_file.isChecked()
    assert (
        not page.pkcs11.module_edit.isEnabled()
        and not page.pkcs11.token_combo.isEnabled()
        and page.file_edit.isEnabled()
    )
    assert page.secret_label.text() == "密码："
    # a file already chosen (as the demo does) is not "no certificate": it is read at login
    assert "尚未选择证书" in page.cert_text.text()
    page.file_edit.setText(str(venue.demo.person("expert-sd-1").p12))
    assert page.cert_text.text() == "已选择证书文件：输入密码并登录时显示证书信息。"
    page.use_token.setChecked(True)
    assert page.pkcs11.module_edit.isEnabled() and not page.file_edit.isEnabled()
    assert page.secret_label.text() == "PIN 码："
    window.close()


def test_back_to_the_certificate_file_from_a_usb_key_mode(qtbot, loop, venue, tmp_path):  # type: ignore[no-untyped-def]
    """Played as 王芳: her page opens in the 国密 USB Key mode; clicking 证书文件 checked the
    button but left the SKF rows and "PIN 码" on screen, with no file field to log in with."""
    window = _window(qtbot, venue, tmp_path)
    page = window.login_page
    for usb in (page.use_skf, page.use_token):
        usb.setChecked(True)
        assert page.secret_label.text() == "PIN 码："
        page.use_file.setChecked(True)
        assert page.file_edit.isEnabled() and not page.skf.library_edit.isEnabled()
        assert not page.pkcs11.module_edit.isEnabled()
        assert page.file_edit.isVisibleTo(page) and not page.skf.library_edit.isVisibleTo(page)
        assert not page.pkcs11.module_edit.isVisibleTo(page)
        assert page.secret_label.text() == "密码："
    window.close()
