"""The supervisor's view of the summary: scores from the summary phase on, never before (the
venue refuses earlier, and the refusal is shown in words)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.explain import explain
from evaluator_app.client.supervisor_session import SupervisorSession
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import say
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import phase_name


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
        self.summary_table = QTableWidget(0, 5)
        self.summary_table.setHorizontalHeaderLabels(
            [
                self.tr("Rank"),
                self.tr("Bidder"),
                self.tr("Final score"),
                self.tr("Price"),
                self.tr("Technical"),
            ]
        )
        self.summary_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.summary_table.verticalHeader().hide()
        self.summary_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.summary_table.horizontalHeader().setStretchLastSection(True)
        self.summary_rejected = QLabel()
        self.summary_rejected.setWordWrap(True)
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
        rows = summary.ranking
        self.summary_table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            bidder = (
                self.tr("{bidder} (recommended candidate)").format(bidder=row.bidder_id)
                if row.candidate
                else row.bidder_id
            )
            for column, text in enumerate(
                [str(row.position), bidder, row.final, row.price, row.technical]
            ):
                self.summary_table.setItem(index, column, QTableWidgetItem(text))
        rejected = "、".join(summary.rejected)
        self.summary_rejected.setText(
            self.tr("Rejected at the preliminary review: {bidders}").format(bidders=rejected)
            if rejected
            else ""
        )

    def summary_cells(self) -> list[list[str]]:
        return [
            [
                cell.text() if (cell := self.summary_table.item(r, c)) else ""
                for c in range(self.summary_table.columnCount())
            ]
            for r in range(self.summary_table.rowCount())
        ]
