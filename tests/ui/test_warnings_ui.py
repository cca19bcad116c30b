"""The warnings beside scoring: the evidence shown, the leader's signed decision recorded."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication

from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry
from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from tests.collusion.bidgen import planted_set, tender_pdf
from tests.ui.conftest import fits, until
from tests.ui.zh_scan import problems
from tests.venue.flow import declare, now, vote_leader
from tests.venue.harness import COMMITTEE, SEATS, example_project

LEADER = "expert-sd-1"


async def _session_with_planted_bids(h):  # type: ignore[no-untyped-def]
    centre = await h.login("centre-1")
    bids, _ = planted_set(seed=11)
    docs = [("tender", "招标文件", tender_pdf(11), None)] + [
        (f"bid-{b.bidder_id}", f"{b.bidder_id} 投标文件", b.pdf, b.bidder_id)
        for b in bids
        if b.bidder_id != "B6"
    ]
    inputs = [DocumentInput(d, t, await centre.put_blob(p), len(p), b) for d, t, p, b in docs]
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE]
    await centre.post(
        "/sessions",
        CreateSession(
            "S1", "预警演示", example_project(), "lot-1", "jinan", tuple(members), tuple(inputs)
        ),
    )
    entries = tuple(
        sorted(
            (ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id) for d in inputs),
            key=lambda e: e.doc_id,
        )
    )
    content, signature = await centre.sign_artefact(
        "document_manifest", DocumentManifest("S1", entries, now()), h.signer("centre-1")
    )
    await centre.upload("S1", "manifest", content, signature)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    experts = {k: await h.login(k) for k in COMMITTEE}
    for key in COMMITTEE:
        await declare(h, experts[key], key)
    for key in COMMITTEE:
        await vote_leader(h, experts[key], key, LEADER)
    for _ in range(200):
        if (await centre.get("/sessions/S1/warnings"))["status"] == "done":
            return
        await asyncio.sleep(0.1)
    raise AssertionError("analysis did not finish")


async def _every_cell_fits(table) -> None:  # type: ignore[no-untyped-def]
    """Each cell's whole text and each column's heading are on the screen, the last column's
    too (its heading was cut at the edge and its decisions wrapped into a narrow strip)."""
    # the stretched columns laid out at the window's width by the loop, between steps: a
    # processEvents() here, inside the scenario's task, would step the other tasks inside it
    # ("Cannot enter into task"), leaving the pin answerer stuck and the test hung
    await asyncio.sleep(0.1)
    header = table.horizontalHeader()
    last = table.columnCount() - 1
    assert header.sectionViewportPosition(last) + header.sectionSize(last) <= (
        table.viewport().width()
    )
    for column in range(table.columnCount()):
        heading = table.horizontalHeaderItem(column).text()
        assert header.sectionSizeHint(column) <= header.sectionSize(column), heading
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            assert fits(table, row, column), (row, column, table.item(row, column).text())
    decided = table.item(table.currentRow(), last)
    assert table.fontMetrics().horizontalAdvance(decided.text()) < 3 * header.sectionSize(last)


def test_leader_sees_warnings_and_signs_the_committees_decision(
    qtbot, pin, drive, venue, tmp_path, monkeypatch
):
    person = venue.demo.person(LEADER)
    pages: list = []  # the warnings page, once open
    typed_early: list[tuple[bool, bool]] = []

    def password(_dialog) -> str:  # type: ignore[no-untyped-def]
        # keys typed while the PIN dialog comes up must not land in the reasons (the greyed
        # button passed the focus there): the window's text fields are read-only meanwhile
        if pages:
            from PySide6.QtTest import QTest

            box = pages[0].reasons
            before = box.toPlainText()
            QTest.keyClicks(box, person.password)
            typed_early.append((box.isReadOnly(), box.toPlainText() == before))
        return person.password

    pin(password)

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _session_with_planted_bids(venue.harness))
        install_language(QApplication.instance(), "zh_CN")
        window = MainWindow(venue.settings_for(f"ws-{LEADER}"), tmp_path / "app")
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
        warnings = session_window.warnings_page
        pages.append(warnings)
        await until(lambda: len(warnings.found) >= 2, message="warnings listed")
        # the evidence in Chinese: bids by bidder and page, PDF times in Beijing time
        assert not problems(session_window), problems(session_window)
        row = next(r for r, w in enumerate(warnings.found) if w["kind"] == "document_metadata")
        assert "，创建时间 2025-03-01 18:04:00（北京时间）" in warnings.table.item(row, 3).text()
        session_window.steps.setCurrentRow(session_window.pages.index(warnings))
        row = next(r for r, w in enumerate(warnings.found) if w["kind"] == "shared_passage")
        assert (
            warnings.table.item(row, 1).text() == "B2、B4"
            and "内容雷同" in warnings.table.item(row, 0).text()
        )
        assert warnings.decide_button.isVisible()
        warnings.table.selectRow(row)
        warnings.decision.setCurrentIndex(warnings.decision.findData("confirmed"))
        warnings.reasons.setPlainText("B2 与 B4 施工方案段落雷同，委员会认定存在串通投标嫌疑。")
        if SHOTS:
            await asyncio.sleep(0.5)
        shot(session_window, "expert-warnings")
        warnings.decide_button.click()
        # keys typed at once after the click, before the task has even started
        from PySide6.QtTest import QTest

        reasons_now = warnings.reasons.toPlainText()
        QTest.keyClicks(warnings.reasons, "pin")
        assert warnings.reasons.toPlainText() == reasons_now
        await until(
            lambda: (
                "确认存在问题"
                in (warnings.table.item(row, 4).text() if warnings.table.item(row, 4) else "")
            ),
            message="decision shown",
        )
        await _every_cell_fits(warnings.table)
        assert typed_early == [(True, True)], typed_early
        assert not warnings.reasons.isReadOnly()  # editable again once signed
        window.close()
        await window.shutdown_task

        # the supervisor sees the same warnings and the committee's decision in the console
        supervisor = venue.demo.person("supervisor-jinan")
        console = MainWindow(venue.settings_for("ws-supervisor-jinan"), tmp_path / "sup")
        qtbot.addWidget(console)
        console.show()
        console.login_page.use_file.setChecked(True)
        console.login_page.file_edit.setText(str(supervisor.p12))
        console.login_page.secret_edit.setText(supervisor.password)
        console.login_page.login_button.click()
        await until(
            lambda: console.lobby is not None and console.lobby.sessions, message="supervisor lobby"
        )
        console.lobby.join_button.click()
        sup_window = console.session_windows["S1"]
        qtbot.addWidget(sup_window)
        table = sup_window.actions_panel.warnings_table
        await until(
            lambda: (
                table.rowCount() >= 2
                and any(
                    "确认存在问题" in (table.item(r, 4).text() if table.item(r, 4) else "")
                    for r in range(table.rowCount())
                )
            ),
            message="warnings in the supervisor console",
        )
        assert not problems(sup_window), problems(sup_window)
        console.close()
        await console.shutdown_task

    drive(scenario)


from tests.ui.test_expert_flow_ui import SHOTS, shot  # noqa: E402
