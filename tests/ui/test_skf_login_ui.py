"""Logging in with a 国密 USB key through the real login page: the software SKF token (C, over
its real ctypes binding) holds 王芳's SM2 signing/encryption pair; the person picks the SKF
library, sees the key, its container and which certificate is used, mistypes the PIN, then logs
in. Only visible widgets are driven, by mouse clicks and key presses."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from evaluator_app.client.settings import load_settings
from evaluator_app.pki import sm2_x509, softskf
from evaluator_app.pki.credentials.sm2_file import read_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from tests.skf_fixtures import build_softskf, set_root
from tests.ui.conftest import until
from tests.ui.test_expert_flow_ui import shot

PERSON = "expert-sd-3"  # 王芳, SDCA (SM2)


@pytest.fixture(scope="module")
def skf_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_softskf(tmp_path_factory)


def _encryption_certificate(demo: DemoPki, sign_der: bytes) -> bytes:
    """The encryption half of 王芳's pair, issued by SDCA like the signing one."""
    from cryptography import x509

    from evaluator_app.pki import sm2

    ca = demo.ca(demo.person(PERSON).ca)
    ca_key = ca.load_key()
    assert isinstance(ca_key, sm2.PrivateKey)
    now = datetime.now(UTC)
    cert = sm2_x509.build_cert(
        subject=x509.load_der_x509_certificate(sign_der).subject,
        public_key=sm2.PrivateKey.generate().public,
        issuer_cert=ca.load_cert(),
        issuer_key=ca_key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=90),
        key_usage=("key_encipherment", "data_encipherment", "key_agreement"),
        crl_url=ca.crl_url,
    )
    return cert.public_bytes(serialization.Encoding.DER)


@pytest.fixture
def wangfang_key(venue, skf_lib: Path, tmp_path: Path) -> Iterator[softskf.Device]:  # type: ignore[no-untyped-def]
    person = venue.demo.person(PERSON)
    key, certs = read_key_file(person.p12.read_bytes(), person.password.encode())
    sign_der = certs[0].dump()
    root = tmp_path / "skf-tokens"
    device = softskf.provision(
        root,
        "WANGFANG-SKF",
        key=key,
        sign_cert_der=sign_der,
        enc_cert_der=_encryption_certificate(venue.demo, sign_der),
        pin="135790",
        label="王芳 SM2 USB Key",
        serial="SKF-0001",
    )
    set_root(skf_lib, root)
    yield device
    set_root(skf_lib, tmp_path / "no-keys")  # no later test sees this key


def _visible(widget):  # type: ignore[no-untyped-def]
    assert widget.isVisible() and widget.isEnabled(), f"{widget!r} is not there to use"
    return widget


def _click(widget) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QCheckBox, QRadioButton

    # a radio button stretched across its row takes clicks on its mark and text only
    mark = isinstance(widget, QRadioButton | QCheckBox)
    at = QPoint(8, widget.height() // 2) if mark else widget.rect().center()
    QTest.mouseClick(_visible(widget), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)


def _type(widget, text: str, enter: bool = False) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    _visible(widget).setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)  # replace
    QTest.keyClicks(widget, text)
    if enter:
        QTest.keyClick(widget, Qt.Key.Key_Return)


def test_sm2_usb_key_login_through_the_login_page(  # type: ignore[no-untyped-def]
    qtbot, drive, venue, skf_lib, wangfang_key, tmp_path
):
    data_dir = tmp_path / "app"

    async def scenario() -> None:
        from PySide6.QtWidgets import QApplication

        install_language(QApplication.instance(), "zh_CN")
        window = MainWindow(venue.settings_for(f"ws-{PERSON}"), data_dir)
        qtbot.addWidget(window)
        window.show()
        page = window.login_page
        assert page.use_file.isChecked()  # nothing chosen before: the file mode
        assert not page.skf.library_edit.isVisible()

        _click(page.use_skf)
        await until(lambda: page.skf.library_edit.isVisible(), message="SKF rows shown")
        assert not page.pkcs11.module_edit.isVisible() and not page.file_edit.isVisible()
        assert page.secret_label.text() == "PIN 码："
        _type(page.skf.library_edit, str(skf_lib), enter=True)

        await until(
            lambda: page.skf.key_combo.currentText() == "王芳 SM2 USB Key  (SKF-0001)",
            message=lambda: f"key listed: {page.skf.key_combo.currentText()!r}",
        )
        assert _visible(page.skf.container_combo).currentText() == "EVALUATOR / SM2"
        await until(lambda: "王芳" in page.cert_text.text(), message="certificate before the PIN")
        shown = page.cert_text.text()
        assert "SM2 签名证书：用于登录和签名" in shown, shown
        assert "该容器中有一对证书" in shown and "加密证书不用于登录和签名" in shown, shown
        assert "✔" in shown, shown  # SDCA is on the mutual-recognition list
        assert page.tries_label.text() == ""
        shot(window, "login-sm2-usb-key")

        _type(page.secret_edit, "000000")
        _click(page.login_button)
        await until(lambda: page.error_label.text(), message="wrong PIN explained")
        assert page.error_label.text() == "PIN 码不正确，还剩 5 次机会", page.error_label.text()
        assert window.lobby is None
        await until(  # the key's own counter, read again by the login page's poll
            lambda: "还可尝试 5 次" in page.tries_label.text(),
            timeout=30,
            message=lambda: f"tries shown: {page.tries_label.text()!r}",
        )
        shot(window, "login-sm2-usb-key-wrong-pin")

        _type(page.secret_edit, "135790", enter=True)
        await until(lambda: window.lobby is not None, message="logged in with the SKF key")
        assert "王芳" in window.who.text(), window.who.text()
        credential = window.session.credential
        assert (credential.kind, credential.token_label) == ("skf", "WANGFANG-SKF")
        assert wangfang_key.pin_remaining() == 6  # the right PIN resets the counter
        saved = json.loads((data_dir / "settings.json").read_text("utf-8"))
        assert saved["skf_library"] == str(skf_lib)  # offered again next time
        assert saved["login_mode"] == "skf"
        window.close()
        await window.shutdown_task

        # the next start opens in the mode last used, even with a PKCS#11 module configured
        again = replace(load_settings(data_dir), pkcs11_module=str(tmp_path / "vendor-p11.so"))
        restarted = MainWindow(again, data_dir)
        qtbot.addWidget(restarted)
        restarted.show()
        page = restarted.login_page
        assert page.use_skf.isChecked() and page.skf.library_edit.isVisible()
        assert not page.pkcs11.module_edit.isVisible()
        await until(
            lambda: page.skf.key_combo.currentText().startswith("王芳"), message="key listed again"
        )
        restarted.close()  # not logged in: nothing to shut down

    drive(scenario)


def test_the_sm2_key_mode_is_offered_again_and_says_when_no_key_is_plugged_in(  # type: ignore[no-untyped-def]
    qtbot, drive, venue, skf_lib, wangfang_key, tmp_path
):
    wangfang_key.unplug()

    async def scenario() -> None:
        from PySide6.QtWidgets import QApplication

        install_language(QApplication.instance(), "zh_CN")
        settings = replace(venue.settings_for(f"ws-{PERSON}"), skf_library=str(skf_lib))
        window = MainWindow(settings, tmp_path / "app")
        qtbot.addWidget(window)
        window.show()
        page = window.login_page
        assert page.use_skf.isChecked() and page.skf.library_edit.text() == str(skf_lib)
        await until(
            lambda: page.skf.key_combo.currentText() == "未找到国密 USB Key，请插入",
            message=lambda: f"no key: {page.skf.key_combo.currentText()!r}",
        )
        wangfang_key.plug()  # hot-plug: the poll finds it
        await until(
            lambda: page.skf.key_combo.currentText().startswith("王芳"),
            timeout=30,
            message="key found after plugging it in",
        )
        await until(lambda: "王芳" in page.cert_text.text(), message="its certificate shown")
        window.close()  # not logged in: nothing to shut down

    drive(scenario)


def test_a_later_signature_opens_the_sm2_usb_key_again_through_the_pin_dialog(  # type: ignore[no-untyped-def]
    qtbot, pin, drive, venue, skf_lib, wangfang_key, tmp_path, monkeypatch
):
    """王芳 logs in on her SKF key; every later signature (承诺书, 组长推选, 初步评审) asks her
    for the key's PIN, names her, and opens the key: never her certificate file's password."""
    import asyncio
    from dataclasses import replace

    from tests.ui import test_expert_flow_ui as flow_ui
    from tests.venue import flow

    asked: list[str] = []
    prompts: list[str] = []

    def pin_for(dialog):  # type: ignore[no-untyped-def]
        # the real sign dialog, opened (never exec()'d) and answered by keys and a click
        asked.append(dialog.secret.placeholderText())
        prompts.append(dialog.prompt.text())
        return "135790"

    monkeypatch.setattr(flow_ui, "UI_EXPERT", PERSON)  # 王芳 sits on the committee instead
    pin(pin_for)

    async def scenario() -> None:
        from PySide6.QtWidgets import QApplication

        h = venue.harness
        others = await asyncio.to_thread(venue.call, flow_ui._setup(h))
        install_language(QApplication.instance(), "zh_CN")
        settings = replace(venue.settings_for(f"ws-{PERSON}"), skf_library=str(skf_lib))
        window = MainWindow(settings, tmp_path / "app")
        qtbot.addWidget(window)
        window.show()
        page = window.login_page
        await until(lambda: "王芳" in page.cert_text.text(), message="certificate shown")
        _type(page.secret_edit, "135790", enter=True)
        await until(lambda: window.lobby is not None and window.lobby.sessions, message="lobby")
        _click(window.lobby.join_button)
        session_window = window.session_windows["S1"]
        qtbot.addWidget(session_window)
        declaration = session_window.pages[0]
        await until(lambda: declaration.sign_button.isEnabled(), message="declaration open")
        _click(declaration.no_conflict)
        _click(declaration.sign_button)
        await until(lambda: declaration.message.text(), message="declaration signed")
        assert declaration.message.text() == "已签名并送达场地（回执已保存）。", (
            declaration.message.text()
        )
        assert asked == ["USB Key PIN 码"]  # the USB key's PIN, not a file password
        stored = venue.call(h.venue.store.tx(lambda tx: tx.artefacts("S1", "declaration")))
        assert len(stored) == 1
        assert session_window.session.logged.credential.kind == "skf"

        for key in flow_ui.OTHERS:
            await asyncio.to_thread(venue.call, flow.declare(h, others[key], key))
        election = session_window.pages[1]
        await until(lambda: election.vote_button.isEnabled(), message="leader election open")
        election.members.setCurrentRow(0)
        _click(election.vote_button)
        await until(lambda: not election.vote_button.isEnabled(), message="vote delivered")
        for key in flow_ui.OTHERS:
            await asyncio.to_thread(
                venue.call, flow.vote_leader(h, others[key], key, "expert-sd-1")
            )
        gates = session_window.pages[2]  # 初步评审, where her dialog asked for a file password
        await until(lambda: gates.sign_button.isEnabled(), timeout=20, message="gates open")
        assert session_window.session.logged.credential.kind == "skf"
        _click(gates.sign_button)
        await until(lambda: not gates.sign_button.isEnabled(), message="gate votes delivered")
        assert gates.message.text() == "已签名并送达场地（回执已保存）。", gates.message.text()
        assert asked == ["USB Key PIN 码"] * 3, asked
        assert all(t.startswith("王芳：请输入 USB Key 的 PIN 以签署") for t in prompts), prompts
        assert wangfang_key.pin_remaining() == 6  # the key opened each time with her PIN
        for kind in ("leader_vote", "gate_votes"):
            stored = venue.call(h.venue.store.tx(lambda tx, k=kind: tx.artefacts("S1", k)))
            assert [a.person_id for a in stored].count(h.person_id(PERSON)) == 1, kind
        window.close()
        await window.shutdown_task

    drive(scenario)


def test_a_page_opening_in_the_sm2_key_mode_before_the_loop_runs_lists_the_key(  # type: ignore[no-untyped-def]
    qtbot, loop, skf_lib, wangfang_key, venue, tmp_path
):
    """As the app starts (ui/app.py): the window is built and painted by processEvents before
    the asyncio loop exists. Played as 王芳, whose page opens in this mode: the listing started
    then never ran, the page said 正在处理… with no key for good, and she could not log in."""
    import asyncio

    from PySide6.QtWidgets import QApplication

    from evaluator_app.ui import ops

    install_language(QApplication.instance(), "zh_CN")
    settings = replace(
        venue.settings_for(f"ws-{PERSON}"), skf_library=str(skf_lib), login_mode="skf"
    )
    asyncio.set_event_loop(None)  # no loop yet, as in run_app before qasync is imported
    try:
        window = MainWindow(settings, tmp_path / "app")
        qtbot.addWidget(window)
        window.show()
        for _ in range(5):
            QApplication.processEvents()
        page = window.login_page
        assert page.use_skf.isChecked()
        assert not ops.running(page)  # nothing handed to a loop that does not run
    finally:
        asyncio.set_event_loop(loop)
    loop.run_until_complete(
        until(
            lambda: page.skf.key_combo.currentText() == "王芳 SM2 USB Key  (SKF-0001)",
            message=lambda: f"key listed: {page.skf.key_combo.currentText()!r}",
        )
    )
    window.close()
