"""Step 3 of a new session: the tender and bid documents, each checked (a PDF, its size and
SHA-256) off the Qt thread before the session may be created."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QGroupBox, QPushButton, QVBoxLayout, QWidget

from evaluator_app.client.centre_plan import BidderInfo, CheckedDocument, check_document
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import fill, table
from evaluator_app.ui.ops import op


class DocumentsBox(QGroupBox):
    def __init__(
        self,
        title: str,
        bidders: Callable[[], Sequence[BidderInfo]],
        language: str,
        parent: QWidget | None = None,
    ):
        super().__init__(title, parent)
        self._bidders, self.language = bidders, language
        self.documents: list[CheckedDocument] = []
        self.docs = table(
            [self.tr("Document"), self.tr("Bidder"), self.tr("Size"), "SHA-256", self.tr("Check")],
            stretch=0,
        )
        add_doc = QPushButton(self.tr("Add document…"))
        add_doc.clicked.connect(self._choose_document)
        box = QVBoxLayout(self)
        box.addWidget(self.docs)
        box.addWidget(add_doc)

    def _choose_document(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Document"), "", "PDF (*.pdf)")
        if path:
            name = Path(path).stem
            bidder = next((b.id for b in self._bidders() if b.id in name), None)
            self.add_document(path, name, name, bidder)

    @op
    async def add_document(self, path: str, doc_id: str, title: str, bidder_id: str | None) -> None:
        checked = await asyncio.to_thread(check_document, Path(path), doc_id, title, bidder_id)
        if not alive(self):
            return
        self.documents = [d for d in self.documents if d.doc_id != doc_id] + [checked]
        rows = [
            (
                d.title,
                d.bidder_id or self.tr("all"),
                d.size,
                d.sha256[:16],
                self.tr("OK")
                if d.ok and d.problem is None
                else (d.problem.text(self.language) if d.problem else ""),
            )
            for d in self.documents
        ]
        fill(self.docs, rows, [d.ok for d in self.documents])
