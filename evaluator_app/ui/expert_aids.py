"""What helps an expert find their way in the session window: the line saying what to do now
and what comes next (client.guidance), and the menus with their shortcuts — F1 help for this
step, Ctrl+F search in the documents, Ctrl+P print the score sheet or the report, the text size.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from evaluator_app.client.explain import explain
from evaluator_app.client.guidance import STEP_ROUTE, Guidance, expert_guidance, step_number
from evaluator_app.ui.alive import alive
from evaluator_app.ui.printing import print_pdf
from evaluator_app.ui.text_size import add_text_size_menu

if TYPE_CHECKING:
    from evaluator_app.ui.session_window import SessionWindow

logger = logging.getLogger(__name__)


class ExpertAids(QObject):
    def __init__(self, window: SessionWindow, data_dir: Path | None):
        super().__init__(window)
        self.window = window
        self.guide = QLabel()
        self.guide.setObjectName("guide")
        self.guide.setWordWrap(True)
        bar = window.menuBar()
        work = bar.addMenu(QCoreApplication.translate("ExpertAids", "&Evaluation"))
        self.print_action = work.addAction(
            QCoreApplication.translate("ExpertAids", "Print the score sheet or the report…"),
            self.print_current,
        )
        self.print_action.setShortcut(QKeySequence.StandardKey.Print)  # Ctrl+P
        self.find_action = work.addAction(
            QCoreApplication.translate("ExpertAids", "Search in the documents"), self.search
        )
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)  # Ctrl+F
        view = bar.addMenu(QCoreApplication.translate("ExpertAids", "&View"))
        add_text_size_menu(view, data_dir)
        helping = bar.addMenu(QCoreApplication.translate("ExpertAids", "&Help"))
        self.help_action = helping.addAction(
            QCoreApplication.translate("ExpertAids", "Help for this step"), self.help
        )
        self.help_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))  # F1
        self._task: object | None = None

    # -- the line on every step ------------------------------------------------------
    def guidance_done(self) -> bool:
        """Whether this expert's own signed step of the phase is in."""
        session = self.window.session
        phase = session.phase
        done = False
        route = STEP_ROUTE.get(phase)
        if route is not None:
            done = any(
                item.route == route and item.state == "delivered"
                for item in session.outbox.items(session.session_id)
            )
        report = self.window.report_page.report
        if phase == "report_signing" and report is not None:
            done = session.me in report.get("signed", []) or session.me in report.get(
                "dissented", []
            )
        return done

    def guidance(self) -> Guidance:
        session = self.window.session
        done = self.guidance_done()
        phase = session.phase
        counted = self.window.scoring.counted
        row = self.window.steps.currentRow()
        keys = self.window.step_keys
        return expert_guidance(
            phase,
            paused=session.paused,
            leader=session.is_leader,
            done=done,
            scored=(counted.done, counted.total) if counted else None,
            on=keys[row] if 0 <= row < len(keys) else None,
            recused=session.recused,
        )

    def refresh(self) -> None:
        if not alive(self.guide) or not self.window.session.view:
            return
        self.guide.setText(self.guidance().line(self.window.language))

    # -- F1, Ctrl+F, Ctrl+P ----------------------------------------------------------
    def help(self) -> None:
        guidance = self.guidance()
        language = self.window.language
        step = self.window.steps.currentItem()
        box = QMessageBox(self.window)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle(
            step.text() if step else QCoreApplication.translate("ExpertAids", "Help")
        )
        box.setText(guidance.line(language))
        box.setInformativeText(guidance.help.text(language))
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.finished.connect(box.deleteLater)
        box.open()  # never a nested event loop

    def search(self) -> None:
        documents = self.window.documents
        self.window.steps.setCurrentRow(self.window.stack.indexOf(documents))
        documents.left.search.setFocus()
        documents.left.search.selectAll()

    def printable(self) -> tuple[bytes, str] | None:
        """The PDF on screen that may be printed: the sheet under review, or the report."""
        current = self.window.stack.currentWidget()
        review, report = self.window.review, self.window.report_page
        if current is review and review.pdf:
            return review.pdf, QCoreApplication.translate("ExpertAids", "Score sheet")
        if current is report and report.report is not None:
            return base64.b64decode(report.report["pdf"]), QCoreApplication.translate(
                "ExpertAids", "Evaluation report"
            )
        return None

    def print_current(self) -> None:
        found = self.printable()
        page = self.window.stack.currentWidget()
        if found is None:
            say = getattr(page, "say", None)
            if say is not None:
                say(
                    QCoreApplication.translate(
                        "ExpertAids",
                        "Nothing to print on this step: the score sheet prints from step {sheet} "
                        "once prepared, the report from step {report}.",
                    ).format(sheet=step_number("review"), report=step_number("report")),
                    False,
                )
            return
        pdf, title = found
        self._task = _run(self.window, print_pdf(self.window, pdf, title), page)


def _run(
    window: SessionWindow, coro: Coroutine[Any, Any, int], page: QWidget | None
) -> asyncio.Future[int]:
    """Run the print job as a task held by the window; a failure is said on the page."""
    task = asyncio.ensure_future(coro)

    def finished(done: asyncio.Future[int]) -> None:
        if done.cancelled() or not alive(window):
            return
        error = done.exception()
        say = getattr(page, "say", None)
        if error is not None:
            logger.error("printing failed: %s", error)
            if say is not None:
                say(explain(error).text(window.language), False)
        elif done.result() and say is not None:
            say(
                QCoreApplication.translate(
                    "ExpertAids", "Sent to the printer: {n} page(s)."
                ).format(n=done.result())
            )

    task.add_done_callback(finished)
    return task


def unsigned_work(window: SessionWindow) -> str | None:
    """What would stay unsigned if this window closed now, in words; None if nothing."""
    aids: ExpertAids | None = getattr(window, "aids", None)
    if aids is None or not window.session.view or window.session.phase != "detailed_scoring":
        return None
    if aids.guidance_done():
        return None
    counted = window.scoring.counted
    if counted is None or counted.done + counted.invalid == 0:
        return None
    return QCoreApplication.translate(
        "ExpertAids",
        "Your score sheet is not signed yet ({done}/{total} scored). The draft stays on this "
        "computer and comes back when you open the session again.",
    ).format(done=counted.done, total=counted.total)


def confirm_close(
    window: QWidget, event: QCloseEvent, work: list[str], close_again: Callable[[], None]
) -> bool:
    """If ``work`` would stay unsigned, keep the window open and ask (a dialog opened, never a
    nested loop); ``close_again`` runs when the person confirms. True if the close was held."""
    if not work:
        return False
    event.ignore()
    box = QMessageBox(window)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(QCoreApplication.translate("ExpertAids", "Close with unsigned work?"))
    box.setText("\n\n".join(work))
    box.setInformativeText(QCoreApplication.translate("ExpertAids", "Close anyway?"))
    box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    box.setDefaultButton(QMessageBox.StandardButton.No)

    def answered(code: int) -> None:
        box.deleteLater()
        if box.standardButton(box.clickedButton()) == QMessageBox.StandardButton.Yes:
            close_again()

    box.finished.connect(answered)
    box.open()
    window.close_question = box  # type: ignore[attr-defined]  # held open; tests answer it
    return True
