"""The tender and bid documents: background download with progress, two viewers side by side."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QSplitter, QTableWidget, QTableWidgetItem, QWidget

from evaluator_app.client.downloads import DocState, DocumentStatus
from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.names import venue_label
from evaluator_app.core.beijing import beijing_time
from evaluator_app.protocol.bid_index import is_index
from evaluator_app.ui.alive import alive
from evaluator_app.ui.encrypted_device import EncryptedDevice
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.pdf_pane import PdfPane

logger = logging.getLogger(__name__)


def _size(n: int) -> str:
    """As a file manager says it: a scoring index of 300 bytes is 1 KB, not "0 KB"."""
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{-(-n // 1024)} KB"


class DocumentsPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Tender and bid documents"), parent)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Document"), self.tr("Size"), self.tr("State")]
        )
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setMaximumHeight(170)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_row(row))
        self.left = PdfPane(self.watermark)
        self.right = PdfPane(self.watermark)
        for pane in (self.left, self.right):
            pane.chooser.activated.connect(
                lambda _i, p=pane: self.open_in(p, p.chooser.currentData())
            )
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.left)
        split.addWidget(self.right)
        self.body.addWidget(self.table)
        self.body.addWidget(split, 1)
        self.rows: dict[str, int] = {}
        self.bidder_of: dict[str, str | None] = {}  # doc id → its bidder (None: the tender)
        self._opened_first: set[str] = set()  # documents opened by the page itself
        self._requests: dict[PdfPane, int] = {}  # the last request per viewer wins
        self.index_ready: Callable[[], None] | None = None  # a bid's scoring index arrived
        self._started = False
        self._clock = QTimer(self)  # the watermark's time moves on
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(
            lambda: (self.left.view.viewport().update(), self.right.view.viewport().update())
        )
        self._clock.start()

    def watermark(self) -> str:
        me = self.session.logged.result
        where = venue_label(me.venue, self.session.client.venue_names)
        now = beijing_time(datetime.now(UTC), self.language, seconds=False)
        return f"{me.name} · {where} {me.seat} · {now}"

    def refresh(self) -> None:
        if self._started or self.session.documents is None:
            return
        # bids only after the declaration (the venue refuses them before: the pledge first)
        if self.session.phase in ("preparing", "check_in", "declarations"):
            self.say(
                self.tr(
                    "The documents open after the declarations: every expert signs the pledge "
                    "first, then the tender and the bids are downloaded and verified here."
                )
            )
            return
        self._started = True
        self.start()

    @op
    async def start(self) -> None:
        service = self.session.documents
        assert service is not None
        service.on_change = self._status_changed
        try:
            verified = await service.load()
        except (
            Exception
        ) as exc:  # no manifest yet, or refused: said in words, retried on next refresh
            self._started = False
            self.show_error(exc)
            return
        entries = verified.manifest.documents
        self.table.setRowCount(len(entries))
        # an index is data for the scoring grid, not a page to read
        readable = [(e.title, e.doc_id) for e in entries if not is_index(e.doc_id)]
        for pane in (self.left, self.right):
            pane.set_choices(readable)
        for row, entry in enumerate(entries):
            self.rows[entry.doc_id] = row
            self.bidder_of[entry.doc_id] = entry.bidder_id
            self.table.setItem(row, 0, QTableWidgetItem(entry.title))
            self.table.setItem(row, 1, QTableWidgetItem(_size(entry.size)))
            self._status_changed(service.status(entry.doc_id))
        self.say(
            self.tr(
                "Manifest signed by {who}; every document is checked against it before it is shown."
            ).format(who=verified.signer.name)
        )
        service.start()

    def _status_changed(self, status: DocumentStatus) -> None:
        row = self.rows.get(status.doc_id)
        if row is None:
            return
        text = {
            DocState.QUEUED: self.tr("waiting"),
            DocState.DOWNLOADING: self.tr("downloading {p}%").format(
                p=int(100 * status.received / max(1, status.total))
            ),
            DocState.READY: self.tr("ready (verified)"),
            DocState.FAILED: self.tr("refused: {why}").format(
                why=status.reason if self.language == "en" else status.reason_zh
            ),
        }[status.state]
        self.table.setItem(row, 2, QTableWidgetItem(text))
        if status.state is DocState.READY and not is_index(status.doc_id):
            self._open_first(status.doc_id)
        if (
            status.state is DocState.READY
            and is_index(status.doc_id)
            and self.index_ready is not None
        ):
            self.index_ready()

    def _pane_for(self, doc_id: str) -> PdfPane:
        """The tender on the left, a bid on the right: side by side as on a desk."""
        return self.left if self.bidder_of.get(doc_id) is None else self.right

    def _open_first(self, doc_id: str) -> None:
        """The page opens with the tender and the first bid shown, as soon as each is verified."""
        pane = self._pane_for(doc_id)
        readable = [pane.chooser.itemData(i) for i in range(pane.chooser.count())]
        first = next((d for d in readable if self._pane_for(d) is pane), None)
        if pane.doc_id is None and doc_id == first and doc_id not in self._opened_first:
            self._opened_first.add(doc_id)
            self.open_in(pane, doc_id)

    def open_row(self, row: int) -> None:
        """Double-click in the list: that document, in its side's viewer."""
        doc_id = next((d for d, r in self.rows.items() if r == row), None)
        if doc_id is not None and not is_index(doc_id):
            self.open_in(self._pane_for(doc_id), doc_id)

    @op
    async def show_pages(self, doc_id: str, page: int) -> None:
        """From the scoring grid: the bid in the left viewer, at the first page that answers."""
        index = self.left.chooser.findData(doc_id)
        if index >= 0:
            self.left.chooser.setCurrentIndex(index)
        await self._open(self.left, doc_id)
        self.left.go_to_page(page - 1)

    @op
    async def open_in(self, pane: PdfPane, doc_id: str | None) -> None:
        await self._open(pane, doc_id)

    async def _open(self, pane: PdfPane, doc_id: str | None) -> None:
        service = self.session.documents
        if service is None or doc_id is None:
            return
        self._requests[pane] = request = self._requests.get(pane, 0) + 1
        try:
            reader = await asyncio.to_thread(
                service.reader, doc_id
            )  # checks the final chunk at once
        except Exception as exc:  # not ready or tampered: never shown
            self.show_error(exc)
            return
        if not alive(self) or self._requests[pane] != request:  # closed, or another was asked for
            reader.close()
            return
        pane.show_device(EncryptedDevice(reader), doc_id)
        self.message.clear()
