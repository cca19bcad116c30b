"""Summary (汇总): the committee's result from the signed sheets; the leader may return one
expert's sheet for revision, with the reason (the session goes back to detailed scoring)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.core.phases import SUMMARY_PHASES, values
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.results_table import ResultsTable


class SummaryPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Summary of the committee"), parent)
        self.table = ResultsTable()
        self.rejected = self.table.rejected
        # the leader's control: return one sheet for revision
        self.return_box = QWidget()
        self.expert_combo = QComboBox()
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Reason for returning the sheet (required)"))
        self.return_button = QPushButton(self.tr("Return this expert's sheet for revision"))
        self.return_button.clicked.connect(self.return_sheet)
        self.return_why = QLabel()
        self.return_why.setObjectName("hint")
        row = QHBoxLayout(self.return_box)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(self.tr("Leader:")))
        row.addWidget(self.expert_combo)
        row.addWidget(self.reason_edit, 1)
        row.addWidget(self.return_button)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.rejected)
        self.body.addWidget(self.return_box)
        self.body.addWidget(self.return_why)
        self._loaded_for: tuple[str, str] | None = None
        self.refresh()

    def refresh(self) -> None:
        phase = self.session.phase
        leader = self.session.is_leader
        self.return_box.setVisible(leader)
        self.return_why.setVisible(leader)
        current = self.expert_combo.currentData()
        self.expert_combo.clear()
        for member in self.session.committee:
            self.expert_combo.addItem(member.name, member.person_id)
        if current is not None:
            self.expert_combo.setCurrentIndex(max(0, self.expert_combo.findData(current)))
        why = ""
        if self.session.paused:
            why = self.tr("The session is paused.")
        elif phase != "summary":
            why = self.tr("Sheets can be returned in the summary phase only.")
        self.return_button.setEnabled(not why)
        self.return_button.setToolTip(why)
        self.return_why.setText(why)
        key = (phase, self.session.view.phase_since if self.session.view else "")
        if phase in values(SUMMARY_PHASES) and key != self._loaded_for:
            self._loaded_for = key
            self.load()

    @op
    async def load(self) -> None:
        summary = await self.session.summary()
        self.table.show_results(summary.results(self.language))

    @op
    async def return_sheet(self) -> None:
        expert = self.expert_combo.currentData()
        if expert is None:
            return
        await self.session.return_sheet(expert, self.reason_edit.text())
        self.reason_edit.clear()
        self.say(
            self.tr(
                "The sheet of {name} was returned; the session is back in detailed scoring."
            ).format(name=self.expert_combo.currentText())
        )
