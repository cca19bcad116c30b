"""The pledge (承诺书): no conflict with any bidder, or a recusal (回避) with its reason."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

from evaluator_app.client.expert_session import PLEDGE_ZH, ExpertSession
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.phase_names import phase_name
from evaluator_app.ui.sign_dialog import signing_op
from evaluator_app.ui.why import explain_disabled


class DeclarationPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Declaration of no conflict"), parent)
        pledge = QTextBrowser()
        pledge.setPlainText(PLEDGE_ZH)
        pledge.setMaximumHeight(120)
        self.bidders = QListWidget()
        self.no_conflict = QRadioButton(
            self.tr("I have no conflict of interest with any of these bidders")
        )
        self.conflict = QRadioButton(self.tr("I must recuse myself (回避)"))
        group = QButtonGroup(self)
        group.addButton(self.no_conflict)
        group.addButton(self.conflict)
        self.reason = QTextEdit()
        self.reason.setPlaceholderText(self.tr("Reason for the recusal (required)"))
        self.reason.setMaximumHeight(90)
        self.reason.setEnabled(False)
        self.conflict.toggled.connect(self.reason.setEnabled)
        self.sign_button = QPushButton(self.tr("Sign and submit"))
        self.sign_button.setObjectName("primary")
        self.sign_button.clicked.connect(self.submit)
        for widget in (
            pledge,
            QLabel(self.tr("Bidders of this lot:")),
            self.bidders,
            self.no_conflict,
            self.conflict,
            self.reason,
            self.sign_button,
        ):
            self.body.addWidget(widget)
        self.refresh()

    def refresh(self) -> None:
        self.bidders.clear()
        if self.session.lot is not None:
            for bidder in self.session.lot.bidders:
                self.bidders.addItem(f"{bidder.id}  {bidder.name}")
        why = ""
        if self.session.has_sent("declarations"):
            why = self.tr("Your declaration is signed and submitted.")
        elif self.session.phase != "declarations":
            why = self.tr("Declarations open once check-in is complete (now: {phase}).").format(
                phase=phase_name(self.session.phase)
            )
        elif self.session.paused:
            why = self.tr("The session is paused.")
        explain_disabled(self.sign_button, why)

    @signing_op
    async def submit(self) -> None:
        if not (self.no_conflict.isChecked() or self.conflict.isChecked()):
            self.say(self.tr("Choose one: no conflict, or recusal."), ok=False)
            return
        conflict = self.conflict.isChecked()
        reason = self.reason.toPlainText().strip()
        if conflict and not reason:
            self.say(self.tr("A recusal needs a reason."), ok=False)
            return
        what = self.tr("recusal") if conflict else self.tr("declaration of no conflict")
        item = await self.signed(
            what, lambda secret: self.session.declare(conflict, reason, secret)
        )
        if item is not None and item.state == "delivered":
            self.sign_button.setEnabled(False)
