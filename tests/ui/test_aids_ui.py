"""Aids for people in their fifties, in the real window: the text size (applied at once,
remembered), the menus with F1 / Ctrl+F / Ctrl+P, printing the score sheet and the report to a
PDF printer, the "now / next" line on every step, and a question before closing unsigned work."""

from __future__ import annotations

import asyncio
import re
import subprocess

from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox

from evaluator_app.client.settings import load_settings
from evaluator_app.ui.printing import print_pdf_to
from evaluator_app.ui.style import apply_style, current_scale
from evaluator_app.ui.text_size import set_text_scale
from tests.reports.conftest import render_report, tool
from tests.reports.example_data import example
from tests.ui.conftest import until
from tests.ui.test_expert_resilience_ui import _close, _open, _to_scoring


def _actions(window) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Every menu item of ``window`` with its shortcut, as a person reads them."""
    found = {}
    for top in window.menuBar().actions():
        stack = [top.menu()]
        while stack:
            menu = stack.pop()
            for action in menu.actions():
                if action.menu() is not None:
                    stack.append(action.menu())
                elif action.text():
                    found[action.text()] = action.shortcut().toString()
    return found


def test_text_size_applies_everywhere_at_once_and_is_remembered(qapp, tmp_path):  # type: ignore[no-untyped-def]
    label = QLabel("评标")
    label.show()
    try:
        base = label.fontInfo().pointSizeF()
        set_text_scale(150, tmp_path)
        QApplication.processEvents()
        assert current_scale() == 150 and load_settings(tmp_path).text_scale == 150
        assert label.fontInfo().pointSizeF() >= base * 1.4  # the style sheet's size, scaled
        set_text_scale(125, tmp_path)
        assert load_settings(tmp_path).text_scale == 125
    finally:
        apply_style(qapp)  # back to 100 % for the other tests
        label.close()
    (tmp_path / "settings.json").write_text('{"text_scale": 175}', "utf-8")
    assert load_settings(tmp_path).text_scale == 100  # not one of the steps: the default


def test_print_a_report_to_a_pdf_printer(qapp, tmp_path):  # type: ignore[no-untyped-def]
    """The very PDF, rendered by QtPdf page by page onto the printer (a PDF file here)."""
    pdf = render_report(example())
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert print_pdf_to(printer, pdf) == 10
    info = subprocess.run(
        [tool("pdfinfo"), str(tmp_path / "printed.pdf")], capture_output=True, text=True, timeout=60
    ).stdout
    assert re.search(r"Pages:\s+10\n", info) and "A4" in info
    # the printed last page shows what the PDF's last page shows: compare them rendered
    original, printed = QPdfDocument(), QPdfDocument()
    original.load(_saved(tmp_path / "original.pdf", pdf))
    printed.load(str(tmp_path / "printed.pdf"))
    size = original.pagePointSize(9).toSize()
    a, b = original.render(9, size), printed.render(9, size)
    dark = lambda image: sum(  # noqa: E731
        1
        for x in range(0, image.width(), 3)
        for y in range(0, image.height(), 3)
        if image.pixelColor(x, y).lightness() < 128
    )
    assert dark(a) > 500 and abs(dark(a) - dark(b)) < 0.15 * dark(a)


def _saved(path, data: bytes) -> str:  # type: ignore[no-untyped-def]
    path.write_bytes(data)
    return str(path)


def test_menus_shortcuts_guidance_printing_and_closing(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _to_scoring(venue, h))
        window, session_window = await _open(qtbot, venue, tmp_path / "seat")
        scoring = session_window.scoring
        await until(lambda: scoring.bidders and scoring.counted, message="grid")
        items = _actions(session_window)
        assert items["本步骤说明"] == "F1"
        assert items["在招投标文件中查找"] == "Ctrl+F"
        assert items["打印评分表或评标报告…"] == "Ctrl+P"
        assert {"100 %", "125 %", "150 %"} <= set(items) and items["放大"] == "Ctrl++"
        assert "字号" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
        # the line on every step: what to do now, what comes next
        guide = session_window.aids.guide
        total = scoring.counted.total
        assert guide.text().startswith("现在：") and f"已评 0/{total}" in guide.text()
        scoring.set_score("B1", "t-schedule", "8")
        assert f"已评 1/{total}" in guide.text() and "下一步：" in guide.text()
        # each step's line, as the person walks the list: the phase's own steps start from
        # their own number, the number the list shows beside them; the others point to the grid
        for row, key in enumerate(session_window.step_keys):
            session_window.steps.setCurrentRow(row)
            shown = session_window.steps.item(row).text()
            numbers = [int(n) for n in re.findall(r"第 (\d+) 步", guide.text())]
            assert shown.startswith(f"{row + 1} ") != (key == "warnings"), shown
            own = key in ("documents", "scoring", "review")
            assert numbers[0] == (row + 1 if own else 5), (shown, guide.text())
        # F1: this step's help, in a dialog opened without a nested loop
        session_window.activateWindow()
        session_window.aids.help_action.trigger()
        box = await until(
            lambda: next(
                (b for b in session_window.findChildren(QMessageBox) if b.isVisible()), None
            ),
            message="help shown",
        )
        assert "现在：" in box.text() and "差异过大" in box.informativeText()
        box.accept()
        # Ctrl+F: the documents, the cursor in the search field
        session_window.aids.find_action.trigger()
        assert session_window.stack.currentWidget() is session_window.documents
        assert session_window.documents.left.search.hasFocus() or QApplication.focusWidget() in (
            session_window.documents.left.search,
            None,
        )
        # Ctrl+P before a sheet is prepared: says where printing is
        session_window.steps.setCurrentRow(5)
        session_window.aids.print_action.trigger()
        assert "第 6 步" in session_window.review.message.text()
        assert "评标报告在第 8 步" in session_window.review.message.text()
        # the sheet prepared (every score in): Ctrl+P prints exactly it
        from tests.venue import flow

        for bidder, values in flow.EXAMPLE_SCORES["sheets"]["E5"].items():
            for item, value in values.items():
                scoring.set_score(bidder, item, value)
        await scoring.written()
        session_window.review.prepare_button.click()
        await until(lambda: session_window.review.pdf, timeout=30, message="sheet prepared")
        session_window.steps.setCurrentRow(5)  # the sheet on screen
        session_window.aids.print_action.trigger()
        dialog = await until(
            lambda: next(
                (d for d in session_window.findChildren(QPrintDialog) if d.isVisible()), None
            ),
            message=lambda: (
                session_window.steps.currentRow(),
                session_window.review.message.text(),
                [type(c).__name__ for c in QApplication.topLevelWidgets() if c.isVisible()],
            ),
        )
        out = tmp_path / "sheet-printed.pdf"
        next(e for e in dialog.findChildren(QLineEdit) if e.objectName() == "filename").setText(
            str(out)
        )
        dialog.accept()
        await until(
            lambda: "已发送到打印机" in session_window.review.message.text(),
            timeout=60,
            message=lambda: session_window.review.message.text(),
        )
        sheet_pages = QPdfDocument()
        sheet_pages.load(_saved(tmp_path / "sheet.pdf", session_window.review.pdf))
        printed = QPdfDocument()
        printed.load(str(out))
        assert printed.pageCount() == sheet_pages.pageCount() >= 1
        # closing with the sheet unsigned: asked; "No" keeps the window
        session_window.close()
        question = await until(
            lambda: getattr(session_window, "close_question", None), message="asked"
        )
        assert "尚未签名" in question.text() and session_window.isVisible()
        question.button(QMessageBox.StandardButton.No).click()
        await asyncio.sleep(0.1)
        assert session_window.isVisible() and session_window.shutdown_task is None
        await _close(window)  # the main window asks once for all, then closes all

    drive(scenario)
