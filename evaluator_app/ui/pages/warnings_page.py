"""Collusion and fraud warnings (围标串标预警): the evidence beside scoring; the leader records
the committee's decision on each, signed. The software decides nothing."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTextEdit, QWidget

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.core.phases import WARNING_DECISION_PHASES, values
from evaluator_app.reports.warnings_section import DECISION_ZH
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.sign_dialog import signing_op
from evaluator_app.ui.warnings_table import WarningsTable, status_text
from evaluator_app.ui.why import explain_disabled


class WarningsPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Collusion and fraud warnings"), parent)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.table = WarningsTable()
        self.decision = QComboBox()
        for key, text in DECISION_ZH.items():
            self.decision.addItem(text, key)
        self.reasons = QTextEdit()
        self.reasons.setPlaceholderText(self.tr("The committee's reasons (required)"))
        self.reasons.setMaximumHeight(70)
        self.decide_button = QPushButton(self.tr("Sign the committee's decision"))
        self.decide_button.setObjectName("primary")
        self.decide_button.clicked.connect(self.decide)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Decision:")))
        row.addWidget(self.decision)
        row.addWidget(self.reasons, 1)
        row.addWidget(self.decide_button)
        self.body.addWidget(self.status)
        self.body.addWidget(self.table, 1)
        self.body.addLayout(row)
        self.found: list[dict] = []
        self._loaded = False
        self._deciding = False  # a decision is being signed and sent: the button waits for it

    def refresh(self) -> None:
        leader = self.session.is_leader
        phase_ok = self.session.phase in values(WARNING_DECISION_PHASES) and not self.session.paused
        for widget in (self.decision, self.reasons, self.decide_button):
            widget.setVisible(leader)
            widget.setEnabled(phase_ok)
        if phase_ok and self._deciding:  # a click now would be ignored: say so, in grey
            explain_disabled(
                self.decide_button, self.tr("The previous decision is still being sent…")
            )
        if not self._loaded and self.session.lot is not None:
            self._loaded = True
            self.load()

    @op
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        """The warnings as the venue has them (a coroutine to await; ``load`` is the slot)."""
        try:
            data = await self.session.client.get(f"/sessions/{self.session.session_id}/warnings")
        except Exception as exc:
            self._loaded = False
            self.show_error(exc)
            return
        self.found = data.get("warnings", [])
        self.status.setText(status_text(self, data))
        self.table.show_warnings(self.found)

    def on_event(self, kind: str) -> None:
        if kind in ("collusion.done", "warning_decision.accepted"):
            self.load()

    @signing_op
    async def decide(self) -> None:
        row = self.table.currentRow()
        reasons = self.reasons.toPlainText().strip()
        if not (0 <= row < len(self.found)) or not reasons:
            self.say(self.tr("Choose a warning and write the committee's reasons."), ok=False)
            return
        warning_id, decision = self.found[row]["id"], str(self.decision.currentData())
        typed = self.reasons.document().revision()
        self._deciding = True
        self.refresh()
        try:
            item = await self.signed(
                self.tr("the committee's decision on a warning"),
                lambda secret: self.session.decide_warning(warning_id, decision, reasons, secret),
            )
        finally:
            self._deciding = False
            self.decide_button.setToolTip("")
            self.refresh()
        if item is not None and item.state == "delivered":
            if self.reasons.document().revision() == typed:  # not the next one's, typed since
                self.reasons.clear()
            # the list is read again beside this operation, not inside it: a decision on the
            # next warning clicked meanwhile was ignored as a second click on a running one
            self.load()
