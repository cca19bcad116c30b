"""Review and sign: the exact PDF that will be signed, its SHA-256, then PIN, sign, what happened.

The page asks the sheet workflow (``client/sheet_workflow.py``) for everything and renders what it
returns: the bytes shown here are the bytes signed, never rendered again.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.sheet_workflow import (
    SheetBlock,
    SheetBlocked,
    SheetFate,
    SheetOutcome,
    SheetReady,
    SheetWorkflow,
)
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.sign_dialog import ask_secret, signing_op


class ReviewPage(StepPage):
    def __init__(
        self,
        session: ExpertSession,
        language: str,
        scoring: QWidget,
        go_to_scoring: Callable[[], None],
        parent: QWidget | None = None,
    ):
        super().__init__(session, language, self.tr("Review and sign the score sheet"), parent)
        self.scoring = scoring
        self.go_to_scoring = go_to_scoring
        self.workflow = SheetWorkflow(session, getattr(scoring, "written", None))
        self.document = QPdfDocument(self)
        self.pdf: bytes | None = None
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.digest = QLabel()  # the SHA-256 of exactly the PDF shown (and signed)
        self.digest.setObjectName("hint")
        self.digest.setWordWrap(True)
        self.why_disabled = QLabel()  # a grey button always says why, here and in its tooltip
        self.why_disabled.setObjectName("hint")
        self.why_disabled.setWordWrap(True)
        self.prepare_button = QPushButton(self.tr("Prepare the sheet for signing"))
        self.prepare_button.clicked.connect(self.prepare)
        self.sign_button = QPushButton(self.tr("Sign and submit"))
        self.sign_button.setObjectName("primary")
        self.sign_button.clicked.connect(self.sign)
        buttons = QHBoxLayout()
        buttons.addWidget(self.prepare_button)
        buttons.addWidget(self.why_disabled, 1)
        buttons.addWidget(self.sign_button)
        self.body.addWidget(self.view, 1)
        self.body.addWidget(self.digest)
        self.body.addLayout(buttons)
        self.ready: SheetReady | None = None
        self.outcome: SheetOutcome | None = None
        self._buffer: QBuffer | None = None
        self._update_buttons()

    @property
    def receipt(self) -> dict | None:
        return self.outcome.receipt if self.outcome is not None else None

    def refresh(self) -> None:
        if self.ready is not None and self.workflow.blocked_now() is not None:
            self.ready = None  # paused, or the phase moved on: what was shown may not be signed
        self._update_buttons()

    def _update_buttons(self) -> None:
        blocked = self.workflow.blocked_now() if self.session.lot is not None else None
        prepare_why = blocked.explanation.text(self.language) if blocked else ""
        if self.session.lot is None:
            prepare_why = self.tr("The session is still loading.")
        sign_why = ""
        if self.ready is None:
            delivered = self.outcome is not None and self.outcome.fate is SheetFate.DELIVERED
            sign_why = prepare_why or (
                self.tr(
                    "Your signed sheet was received by the venue. To change it (after the "
                    "leader returns it), prepare the sheet again."
                )
                if delivered
                else self.tr("Prepare the sheet first: the PDF you will sign is shown here.")
            )
        self.prepare_button.setEnabled(not prepare_why)
        self.prepare_button.setToolTip(prepare_why)
        self.sign_button.setEnabled(not sign_why)
        self.sign_button.setToolTip(sign_why)
        self.why_disabled.setText(sign_why)

    @op
    async def prepare(self) -> None:
        self.ready = None
        self._update_buttons()
        self.say(self.tr("Checking the sheet with the venue and building its PDF…"))
        result = await self.workflow.prepare()
        if isinstance(result, SheetBlocked):
            self._blocked(result)
            return
        self.ready = result
        # mypy: scoring is the ScoringPage, typed QWidget here
        self.scoring.mark_flags(list(result.flags))  # type: ignore[attr-defined]
        self.show_pdf(result.pdf)
        self.digest.setText(
            self.tr("SHA-256 of this PDF (bound in the signed data): {sha}").format(
                sha=result.pdf_sha256
            )
        )
        self.say(self.tr("This is exactly the sheet you will sign. Check it, then sign."))
        self._update_buttons()

    def _blocked(self, blocked: SheetBlocked) -> None:
        self.say(blocked.explanation.text(self.language), ok=False)
        if blocked.reason is SheetBlock.UNEXPLAINED:
            # mypy: scoring is the ScoringPage, typed QWidget here
            self.scoring.mark_flags(list(blocked.flags))  # type: ignore[attr-defined]
        if blocked.cells:
            focus = getattr(self.scoring, "focus_cell", None)
            if blocked.reason is not SheetBlock.UNEXPLAINED and callable(focus):
                focus(*blocked.cells[0])
            self.go_to_scoring()
            say = getattr(self.scoring, "say", None)
            if callable(say):  # the grid says it too, where the person now looks
                say(blocked.explanation.text(self.language), ok=False)
        self._update_buttons()

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf  # the exact bytes shown (and printed with Ctrl+P)
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    @signing_op
    async def sign(self) -> None:
        ready = self.ready
        if ready is None:
            return
        secret = await ask_secret(
            self,
            self.tr("score sheet, version {v}").format(v=ready.sheet.version),
            self.session.logged,
        )
        if secret is None:
            self.say(self.tr("Not signed."), ok=False)
            return
        self.sign_button.setEnabled(False)
        self.say(self.tr("Signing…"))
        outcome = await self.workflow.sign(ready, secret)
        self.outcome = outcome
        ok = outcome.fate in (SheetFate.DELIVERED, SheetFate.WAITING)
        self.say(outcome.explanation.text(self.language), ok=ok)
        if ok:
            self.ready = None  # signed: it goes out by itself; nothing more to sign here
        self._update_buttons()
