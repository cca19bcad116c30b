"""The expert window when things go wrong: the network cut mid-upload, the app restarted
mid-scoring (and at another seat), a corrupt document, a USB key and a wrong PIN."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from evaluator_app.pki import softhsm
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from tests.client.conftest import CutProxy
from tests.ui.conftest import until
from tests.ui.test_expert_flow_ui import OTHERS, UI_EXPERT, _setup
from tests.venue import flow


async def _open(qtbot, venue, data_dir, url=None, workstation=None):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    install_language(QApplication.instance(), "zh_CN")
    person = venue.demo.person(UI_EXPERT)
    settings = venue.settings_for(workstation or f"ws-{UI_EXPERT}")
    if url:
        settings = replace(settings, main_venue_url=url)
    window = MainWindow(settings, data_dir)
    qtbot.addWidget(window)
    window.show()
    page = window.login_page
    page.use_file.setChecked(True)
    page.file_edit.setText(str(person.p12))
    page.secret_edit.setText(person.password)
    page.login_button.click()
    await until(lambda: window.lobby is not None and window.lobby.sessions, message="lobby")
    window.lobby.join_button.click()
    session_window = window.session_windows["S1"]
    qtbot.addWidget(session_window)
    await until(lambda: session_window.session.lot is not None, message="session loaded")
    return window, session_window


async def _close(window):  # type: ignore[no-untyped-def]
    window.close()
    question = getattr(window, "close_question", None)
    if window.shutdown_task is None and question is not None:  # unsigned work: close anyway
        from PySide6.QtWidgets import QMessageBox

        question.button(QMessageBox.StandardButton.Yes).click()
    try:  # the app bounds its own quit (ui/app.py); a window's shutdown alone must end too
        await asyncio.wait_for(asyncio.shield(window.shutdown_task), 20)
    except TimeoutError:
        stuck = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        raise AssertionError(  # what is still running, to find what held the shutdown up
            "window shutdown still running after 20 s:\n"
            + "\n".join(f"{t.get_name()}: {t.get_stack(limit=3)}" for t in stuck)
        ) from None


def test_network_cut_mid_upload_loses_nothing_and_doubles_nothing(
    qtbot, pin, drive, venue, tmp_path, monkeypatch
):
    h = venue.harness
    pin(venue.demo.person(UI_EXPERT).password)
    from evaluator_app.venue.intake import submit as intake

    accept = intake.submit
    cut_after_accepting = {"on": False}

    async def submit_then_cut(*args, **kwargs):  # type: ignore[no-untyped-def]
        # the venue accepts and commits; then the network dies before the answer leaves
        result = await accept(*args, **kwargs)
        if cut_after_accepting["on"]:
            cut_after_accepting["on"] = False
            proxy.cut()
        return result

    monkeypatch.setattr(intake, "submit", submit_then_cut)

    async def scenario() -> None:
        nonlocal proxy
        await asyncio.to_thread(venue.call, _setup(h))
        proxy = await asyncio.to_thread(venue.call, CutProxy(h.port).start())
        window, session_window = await _open(qtbot, venue, tmp_path / "app", proxy.url)
        declaration = session_window.pages[0]
        await until(lambda: declaration.sign_button.isEnabled(), message="declaration open")
        cut_after_accepting["on"] = True
        declaration.no_conflict.setChecked(True)
        declaration.sign_button.click()

        def count() -> int:
            return venue.call(h.venue.store.tx(lambda tx: len(tx.artefacts("S1", "declaration"))))

        await until(lambda: declaration.message.text(), message="outcome shown")
        assert count() == 1, "the venue accepted it"
        item = session_window.session.outbox.items("S1")[0]
        assert "安全保存" in declaration.message.text() or item.state == "delivered", (
            declaration.message.text()
        )
        await until(
            lambda: session_window.session.outbox.item(item.id).state == "delivered",
            timeout=40,
            message="delivered after reconnect",
        )
        assert count() == 1  # nothing doubled
        stored = venue.call(h.venue.store.tx(lambda tx: tx.artefacts("S1", "declaration")[0]))
        assert (
            session_window.session.outbox.item(item.id).receipt == stored.receipt
        )  # the same receipt
        await _close(window)
        await asyncio.to_thread(venue.call, proxy.close())

    proxy: CutProxy | None = None
    drive(scenario)


async def _declared(h):  # type: ignore[no-untyped-def]
    """Every expert has signed the declaration: the bids are open to them (the pledge first)."""
    others = await _setup(h)
    everyone = {**others, UI_EXPERT: await h.login(UI_EXPERT)}
    for key in everyone:
        await flow.declare(h, everyone[key], key)
    return everyone


async def _to_scoring(venue, h):  # type: ignore[no-untyped-def]
    everyone = await _declared(h)
    others = {k: c for k, c in everyone.items() if k != UI_EXPERT}
    for key in everyone:
        await flow.vote_leader(h, everyone[key], key, "expert-sd-1")
    for key in everyone:
        await flow.gate_votes(h, everyone[key], key, OTHERS.get(key, "E5"))
    await others["expert-sd-1"].post("/sessions/S1/phase", {"target": "detailed_scoring"})


def test_restart_mid_scoring_brings_the_draft_back_here_and_at_another_seat(
    qtbot, drive, venue, tmp_path
):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _to_scoring(venue, h))
        window, session_window = await _open(qtbot, venue, tmp_path / "seat-A03")
        scoring = session_window.scoring
        await until(lambda: scoring.bidders == ["B1", "B2", "B3"], message="grid")
        scoring.set_score("B1", "t-schedule", "8.5")
        scoring.set_score("B2", "c-credit", "3.5")
        await scoring.written()
        await until(
            lambda: not session_window.session.journal.unsynced("S1", session_window.session.me),
            message="draft synced to the venue",
        )
        # the machine dies: nothing is closed cleanly; the app starts again on the same disk
        session_window.connection.set_presence("away", 0)
        again, again_window = await _open(qtbot, venue, tmp_path / "seat-A03")
        await until(
            lambda: again_window.scoring.bidders == ["B1", "B2", "B3"], message="grid again"
        )
        assert again_window.scoring.typed_values()[("B1", "t-schedule")] == "8.5"
        # the workstation is broken: the expert continues at another seat (an empty disk)
        other, other_window = await _open(qtbot, venue, tmp_path / "seat-spare")
        await until(
            lambda: other_window.scoring.typed_values().get(("B2", "c-credit")) == "3.5",
            message="draft from the venue at another seat",
        )
        for w in (again, other, window):
            await _close(w)

    drive(scenario)


def test_a_corrupt_document_is_refused_before_display(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _declared(h))
        sha = venue.call(
            h.venue.store.tx(
                lambda tx: next(d.sha256 for d in tx.documents("S1") if d.doc_id == "tender")
            )
        )
        path = h.venue.blobs.path(sha)
        data = bytearray(path.read_bytes())
        data[200] ^= 0xFF
        path.write_bytes(bytes(data))
        window, session_window = await _open(qtbot, venue, tmp_path / "app")
        documents = session_window.documents
        session_window.steps.setCurrentRow(3)
        row = lambda doc: documents.rows.get(doc)  # noqa: E731
        await until(
            lambda: (
                row("tender") is not None
                and "拒绝"
                in (
                    documents.table.item(row("tender"), 2).text()
                    if documents.table.item(row("tender"), 2)
                    else ""
                )
            ),
            message=lambda: (
                "corrupt document refused; rows "
                + str(
                    [
                        cell.text() if (cell := documents.table.item(r, 2)) else None
                        for r in range(documents.table.rowCount())
                    ]
                )
            ),
        )
        await until(
            lambda: "已核验" in documents.table.item(row("bid-B2"), 2).text(),
            message="the other document is fine",
        )
        documents.open_in(documents.left, "tender")
        await until(lambda: documents.message.text(), message="refusal explained")
        assert documents.left.document.pageCount() == 0  # nothing was shown
        await _close(window)

    drive(scenario)


@pytest.mark.skipif(
    not softhsm.softhsm_available(), reason="SoftHSM2 (softhsm2 package) is not installed"
)
def test_usb_key_wrong_pin_then_right_pin(qtbot, drive, venue, tmp_path):
    # 孙丽's NCA (ECDSA) certificate: SoftHSM2 has no SM2, and her SDCA one is SM2
    person = venue.demo.person("expert-dual-nca")
    token = softhsm.create_token(tmp_path / "hsm", "sunli-key", "246810", "13579111")
    softhsm.import_identity(token, person.load_key(), person.load_cert())

    async def scenario() -> None:
        from PySide6.QtWidgets import QApplication

        install_language(QApplication.instance(), "zh_CN")
        settings = replace(venue.settings_for(f"ws-{UI_EXPERT}"), pkcs11_module=token.module)
        window = MainWindow(settings, tmp_path / "app")
        qtbot.addWidget(window)
        window.show()
        page = window.login_page
        page.use_token.setChecked(True)
        combo = page.pkcs11.token_combo
        await until(
            lambda: combo.count() and "sunli-key" in combo.itemText(0),
            message="token listed",
        )
        await until(
            lambda: "孙丽" in page.cert_text.text(), message="certificate shown before the PIN"
        )
        page.secret_edit.setText("000000")
        page.login_button.click()
        await until(lambda: page.error_label.text(), message="wrong PIN explained")
        assert page.error_label.text().startswith("PIN 码不正确"), page.error_label.text()
        page.secret_edit.setText("246810")
        page.login_button.click()
        await until(lambda: window.lobby is not None, message="logged in with the USB key")
        assert window.session.credential.kind == "pkcs11"
        await _close(window)

    drive(scenario)
