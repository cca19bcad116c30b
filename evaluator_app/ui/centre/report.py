"""Report (评标报告): the PDF as the venue rendered it and the committee's signatures on it."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from evaluator_app.client.centre_service import CentreService, ReportState
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import SessionChooser, fill, heading, say, show_error, table
from evaluator_app.ui.ops import op
from evaluator_app.ui.pdf_pane import PdfPane

logger = logging.getLogger(__name__)


class ReportTab(QWidget):
    def __init__(self, service: CentreService, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.service, self.language = service, language
        self.state: ReportState | None = None
        self.names: dict[str, str] = {}
        self.chooser = SessionChooser()
        self.refresh_button = QPushButton(self.tr("Show report"))
        self.refresh_button.setObjectName("primary")
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.pane = PdfPane(lambda: "")
        self.signatures = table([self.tr("Committee member"), self.tr("Signature")], stretch=0)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.signatures)
        split.addWidget(self.pane)
        split.setStretchFactor(1, 3)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Session")))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Evaluation report and its signatures")))
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    @op
    async def refresh(self) -> None:
        sid = self.chooser.current()
        if sid is None:
            return
        try:
            _bidders, names = await self.service.names(sid)
            state = await self.service.report(sid)
        except Exception as exc:
            if alive(self):
                show_error(self.status, exc, self.language)
            return
        if not alive(self):
            return
        self.state, self.names = state, names
        self.pane.show_bytes(state.pdf)
        rows = [(names.get(p, p), self.tr("signed")) for p in state.signed]
        rows += [
            (names.get(p, p), self.tr("dissented (reasons in the report)")) for p in state.dissented
        ]
        rows += [(names.get(p, p), self.tr("pending")) for p in state.pending]
        fill(
            self.signatures,
            rows,
            [True] * len(state.signed)
            + [False] * len(state.dissented)
            + [None] * len(state.pending),
        )
        say(
            self.status,
            self.tr("Revision {rev}: {s} signed, {d} dissented, {p} pending.").format(
                rev=state.revision,
                s=len(state.signed),
                d=len(state.dissented),
                p=len(state.pending),
            ),
            ok=not state.pending,
        )
