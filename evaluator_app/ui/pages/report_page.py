"""The evaluation report (评标报告): read it, sign it, or record dissent with written reasons."""

from __future__ import annotations

import base64

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextEdit, QWidget

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.core.phases import REPORT_PHASES, values
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.pdf_pane import PdfPane
from evaluator_app.ui.sign_dialog import signing_op


class ReportPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Evaluation report"), parent)
        self.viewer = PdfPane(
            lambda: self.tr("{name} · report").format(name=session.logged.result.name)
        )
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.reasons = QTextEdit()
        self.reasons.setPlaceholderText(
            self.tr(
                "If you do not agree, write your reasons here (required by law for a member who "
                "does not sign)"
            )
        )
        self.reasons.setMaximumHeight(64)  # three lines; the report keeps the room
        self.load_button = QPushButton(self.tr("Load the newest report"))
        self.load_button.clicked.connect(self.load)
        self.sign_button = QPushButton(self.tr("Sign the report"))
        self.sign_button.setObjectName("primary")
        self.sign_button.clicked.connect(self.sign)
        self.dissent_button = QPushButton(self.tr("Record dissent instead of signing"))
        self.dissent_button.clicked.connect(self.dissent)
        buttons = QHBoxLayout()
        for button in (self.load_button, self.dissent_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.sign_button)
        self.body.addWidget(self.viewer, 1)
        self.body.addWidget(self.state)
        self.body.addWidget(self.reasons)
        self.body.addLayout(buttons)
        self.report: dict | None = None
        self._loaded_phase = ""

    def refresh(self) -> None:
        signing = self.session.phase == "report_signing" and not self.session.paused
        self.load_button.setEnabled(self.session.phase in values(REPORT_PHASES))
        mine = self.report is not None and self.session.me not in self.report.get("pending", [])
        self.sign_button.setEnabled(signing and self.report is not None and not mine)
        self.dissent_button.setEnabled(signing and not mine)
        if self.session.phase in values(REPORT_PHASES) and self._loaded_phase != self.session.phase:
            self._loaded_phase = self.session.phase
            self.load()

    @op
    async def load(self) -> None:
        await self.reload()

    async def reload(self) -> None:
        """The newest report (a coroutine to await; ``load`` is the button's slot)."""
        try:
            self.report = await self.session.fetch_report()
        except Exception as exc:
            self.show_error(exc)
            return
        self.viewer.show_bytes(base64.b64decode(self.report["pdf"]))
        names = (
            {m.person_id: m.name for m in self.session.view.members} if self.session.view else {}
        )

        def who(ids: list[str]) -> str:
            return "、".join(names.get(i, i) for i in ids) or self.tr("nobody")

        self.state.setText(
            self.tr("Signed: {s}. Dissented: {d}. Still to act: {p}.").format(
                s=who(self.report["signed"]),
                d=who(self.report["dissented"]),
                p=who(self.report["pending"]),
            )
        )
        self.refresh()

    @signing_op
    async def sign(self) -> None:
        if self.report is None:
            return
        report = self.report
        done = await self.signed_action(
            self.tr("the evaluation report"),
            lambda secret: self.session.sign_report(report, secret),
        )
        if done:
            self.say(self.tr("Your signature was added to the report."))
            await self.reload()

    @signing_op
    async def dissent(self) -> None:
        reasons = self.reasons.toPlainText().strip()
        if not reasons:
            self.say(
                self.tr("Write your reasons first: a member who does not sign must give them."),
                ok=False,
            )
            return
        item = await self.signed(
            self.tr("dissent from the report"), lambda secret: self.session.dissent(reasons, secret)
        )
        if item is not None and item.state == "delivered":
            await self.reload()
