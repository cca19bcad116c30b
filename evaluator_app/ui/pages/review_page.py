"""Review and sign: the sheet as the exact PDF that will be signed, then PIN, sign, receipt."""

from __future__ import annotations

import asyncio
import json

from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.core.beijing import beijing_time
from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage


class ReviewPage(StepPage):
    def __init__(
        self,
        session: ExpertSession,
        language: str,
        scoring: QWidget,
        go_to_scoring,
        parent: QWidget | None = None,
    ):  # type: ignore[no-untyped-def]
        super().__init__(session, language, self.tr("Review and sign the score sheet"), parent)
        self.scoring = scoring
        self.go_to_scoring = go_to_scoring
        self.document = QPdfDocument(self)
        self.pdf: bytes | None = None
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.prepare_button = QPushButton(self.tr("Prepare the sheet for signing"))
        self.prepare_button.clicked.connect(self.prepare)
        self.sign_button = QPushButton(self.tr("Sign and submit"))
        self.sign_button.setObjectName("primary")
        self.sign_button.setEnabled(False)
        self.sign_button.clicked.connect(self.sign)
        buttons = QHBoxLayout()
        buttons.addWidget(self.prepare_button)
        buttons.addStretch()
        buttons.addWidget(self.sign_button)
        self.body.addWidget(self.view, 1)
        self.body.addLayout(buttons)
        self.sheet: ScoreSheet | None = None
        self._buffer: QBuffer | None = None
        self.receipt: dict | None = None  # type: ignore[type-arg]

    def refresh(self) -> None:
        self.prepare_button.setEnabled(
            self.session.phase == "detailed_scoring" and not self.session.paused
        )

    @op
    async def prepare(self) -> None:
        self.sign_button.setEnabled(False)
        try:
            version = await self.session.next_sheet_version()
            if version == 0:
                self.say(
                    self.tr(
                        "Your sheet has been received; it can be changed only if the leader returns it."
                    )
                )
                return
            await self.scoring.written()
            sheet = await self.session.build_sheet(self.session.valid_bidders(), version)
        except ValueError as exc:
            self.say(
                self.tr("Not every score is filled in or valid yet: {cell}").format(cell=exc),
                ok=False,
            )
            self.go_to_scoring()
            return
        except Exception as exc:
            self.show_error(exc)
            return
        try:
            check = await self.session.check_sheet(sheet)
        except Exception as exc:
            self.show_error(exc)
            return
        self.scoring.mark_flags(list(check.flags))
        if check.unexplained:
            cells = "、".join(f"{f['bidder_id']}/{f['item_id']}" for f in check.unexplained)
            self.say(
                self.tr(
                    "These scores differ strongly from the other experts' and need a written explanation first: {cells}"
                ).format(cells=cells),
                ok=False,
            )
            self.go_to_scoring()
            return
        self.sheet = sheet
        pdf = await asyncio.to_thread(
            self.session.sheet_pdf, sheet
        )  # reportlab takes ~0.1 s: off the window's thread
        self.show_pdf(pdf)
        self.say(self.tr("This is exactly the sheet you will sign. Check it, then sign."))
        self.sign_button.setEnabled(True)

    def show_pdf(self, pdf: bytes) -> None:
        self.pdf = pdf  # the exact bytes shown (and printed with Ctrl+P)
        self.document.close()
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(self._buffer)

    @op
    async def sign(self) -> None:
        if self.sheet is None:
            return
        sheet = self.sheet
        item = await self.signed(
            self.tr("score sheet, version {v}").format(v=sheet.version),
            lambda secret: self.session.submit_sheet(sheet, secret),
        )
        if item is None:
            return
        self.sign_button.setEnabled(False)
        if item.receipt:
            self.receipt = json.loads(item.receipt)
            self.say(
                self.tr(
                    "Received by the venue at {at}. Receipt no. {id}, content SHA-256 {sha}…"
                ).format(
                    at=beijing_time(self.receipt["accepted_at"], self.language),
                    id=self.receipt["artefact_id"],
                    sha=self.receipt["content_sha256"][:16],
                )
            )
