"""The supervisor's view of the summary: scores from the summary phase on, never before (the
venue refuses earlier, and the refusal is shown in words)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.explain import explain
from evaluator_app.client.supervisor_session import SupervisorSession
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import say
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import phase_name
from evaluator_app.ui.results_table import ResultsTable


class SummaryTab(QWidget):
    def __init__(self, session: SupervisorSession, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.language = session, language
        hint = QLabel(
            self.tr("Scores are shown to supervisors from the summary phase on, never before.")
        )
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        self.summary_button = QPushButton(self.tr("Show the summary"))
        self.summary_button.clicked.connect(self.show_summary)
        self.summary_message = QLabel()
        self.summary_message.setWordWrap(True)
        self.summary_table = ResultsTable()
        self.summary_rejected = self.summary_table.rejected
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        row = QHBoxLayout()
        row.addWidget(self.summary_message, 1)
        row.addWidget(self.summary_button)
        layout.addLayout(row)
        layout.addWidget(self.summary_table, 1)
        layout.addWidget(self.summary_rejected)

    @op
    async def show_summary(self) -> None:
        try:
            summary = await self.session.summary()
        except Exception as exc:  # before the summary phase the venue refuses (403)
            say(self.summary_message, explain(exc).text(self.language), ok=False)
            return
        if not alive(self):
            return
        say(
            self.summary_message,
            self.tr("Summary of the venue (phase: {phase}).").format(
                phase=phase_name(summary.phase)
            ),
        )
        self.summary_table.show_results(summary.results(self.language))

    def summary_cells(self) -> list[list[str]]:
        return self.summary_table.cells()
