"""A Chinese session shows Chinese: every window of every role, rendered against the real venue
in the middle and at the end of a session, holds no English sentence the translation lacks, no
raw id where a person expects a name (venues, items, artefact kinds) and no machine time."""

from __future__ import annotations

import asyncio
import os

import pytest
from PySide6.QtWidgets import QApplication

from evaluator_app.ui.i18n import install_language
from tests.ui.conftest import login_centre, until
from tests.ui.supervisor_console_setup import open_console
from tests.ui.test_expert_flow_ui import OTHERS, UI_EXPERT
from tests.ui.test_expert_resilience_ui import _close, _open, _to_scoring
from tests.ui.zh_scan import problems, texts
from tests.venue import flow
from tests.venue.test_report_signing import _sign


async def _scan(*windows) -> list[str]:  # type: ignore[no-untyped-def]
    """Each window as it is, and an expert's window on every one of its steps in turn (a
    step may fill what it shows when it is opened; the guide line speaks from each). The loop
    runs between steps (not processEvents() inside this coroutine: a nested pass steps other
    tasks inside this one, and an op a step starts then never ran, so the teardown waited on
    it for ever)."""
    found: list[str] = []
    for window in windows:
        steps = getattr(window, "steps", None)
        if steps is None:
            found += problems(window)
            continue
        was = steps.currentRow()
        for row in range(steps.count()):
            steps.setCurrentRow(row)
            for _ in range(3):
                await asyncio.sleep(0)
            found += [f"step {row + 1}: {p}" for p in problems(window)]
        steps.setCurrentRow(was)
    return sorted(set(found))


def test_every_window_speaks_chinese_through_a_session(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        from evaluator_app.ui.centre import CentreWorkspace

        await asyncio.to_thread(venue.call, _to_scoring(venue, h))
        keys = [*OTHERS, UI_EXPERT]
        clients = {k: await asyncio.to_thread(venue.call, h.login(k)) for k in keys}
        examples = {**OTHERS, UI_EXPERT: "E5"}
        for key in keys[:2]:  # two sheets in: the venue has news for the supervisor
            sheet = flow.sheet(h, key, examples[key])
            await asyncio.to_thread(venue.call, flow.submit_sheet(h, clients[key], key, sheet))
        window, session_window = await _open(qtbot, venue, tmp_path / "expert")
        scoring = session_window.scoring
        await until(lambda: scoring.bidders, message="grid")
        scoring.set_score("B1", "t-schedule", "7.3")  # refused, with its reason
        main, console = await open_console(qtbot, venue, tmp_path, "supervisor-jinan")
        logged, login = await login_centre(qtbot, venue)
        workspace = CentreWorkspace(logged, venue.settings_for("ws-centre"), tmp_path / "c", login)
        qtbot.addWidget(workspace)
        workspace.show()
        workspace.tabs.setCurrentWidget(workspace.follow)
        await until(lambda: workspace.follow.lines, message="follow lines")
        await until(lambda: console.log.list.count() > 5, message="supervisor log")
        mid = await _scan(window, session_window, main, console, workspace)
        assert not mid, "\n".join(mid)

        # to the end: every sheet, the report signed by all, the archive exported and verified
        for key in keys[2:]:
            sheet = flow.sheet(h, key, examples[key])
            await asyncio.to_thread(venue.call, flow.submit_sheet(h, clients[key], key, sheet))
        await until(lambda: session_window.session.phase == "summary", message="summary")
        workspace.tabs.setCurrentWidget(workspace.collect)
        await until(lambda: workspace.collect.chooser.current() == "S1", message="S1 listed")
        # offered once the venue lists S1 in the summary (grey, saying why, before)
        await until(lambda: workspace.collect.collect_button.isEnabled(), message="collect")
        workspace.collect.collect_button.click()
        await until(lambda: workspace.collect.collected is not None, timeout=40, message="results")
        await asyncio.to_thread(
            venue.call,
            clients["expert-sd-1"].post("/sessions/S1/phase", {"target": "report_signing"}),
        )

        async def sign_all() -> None:
            for key in keys:
                await _sign(h, clients[key], key, await clients[key].get("/sessions/S1/report"))

        await asyncio.to_thread(venue.call, sign_all())
        await until(lambda: session_window.session.phase == "closed", message="closed")
        workspace.tabs.setCurrentWidget(workspace.report)
        await until(lambda: workspace.report.chooser.current() == "S1", message="report tab")
        workspace.report.refresh_button.click()
        await until(lambda: workspace.report.state is not None, message="report state")
        archive = workspace.archive
        workspace.tabs.setCurrentWidget(archive)
        await until(lambda: archive.chooser.current() == "S1", message="archive tab")
        archive.export_to("S1", str(tmp_path / "S1.zip"))
        await until(lambda: archive.exported is not None, timeout=30, message="exported")
        archive.verify_file(str(tmp_path / "S1.zip"))
        await until(lambda: archive.report is not None, timeout=40, message="verified")
        assert archive.report.ok
        session_window.steps.setCurrentRow(session_window.step_keys.index("report"))
        await until(lambda: session_window.report_page.report is not None, message="report page")
        end = await _scan(window, session_window, main, console, workspace)
        assert not end, "\n".join(end)
        for w in (window, main):
            await _close(w)
        workspace.close()

    drive(scenario)


def _dialog_texts(dialog) -> list[str]:  # type: ignore[no-untyped-def]
    dialog.show()
    QApplication.processEvents()
    try:
        return [text for _where, text in texts(dialog)]
    finally:
        dialog.close()


@pytest.mark.parametrize("kind", ["open", "save", "print", "message"])
def test_qts_own_dialogs_speak_chinese(qapp, kind, tmp_path):  # type: ignore[no-untyped-def]
    """Qt's file, print and message dialogs, through qtbase_zh_CN.qm and what it lacks."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    install_language(qapp, "zh_CN")
    if kind in ("open", "save"):
        dialog = QFileDialog(None, "选择文件", str(tmp_path), "PDF (*.pdf)")
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on Linux
        if kind == "save":
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    elif kind == "print":
        printer = QPrinter()
        printer.setOutputFileName(os.fspath(tmp_path / "out.pdf"))
        dialog = QPrintDialog(printer)
    else:
        buttons = QMessageBox.StandardButton
        dialog = QMessageBox(
            QMessageBox.Icon.Question,
            "确认",
            "确认？",
            buttons.Yes | buttons.No | buttons.Cancel | buttons.Ok | buttons.Save | buttons.Discard,
        )
    shown = _dialog_texts(dialog)
    english = [
        t
        for t in shown
        if t
        and t.replace("&", "").strip()
        and not any("\u4e00" <= ch <= "\u9fff" for ch in t)
        and any(ch.isalpha() for ch in t)
        and t not in ("PDF (*.pdf)", str(tmp_path), os.fspath(tmp_path / "out.pdf"))
        and not t.startswith("/")
    ]
    assert not english, english
    assert any("\u4e00" <= ch <= "\u9fff" for t in shown for ch in t)
