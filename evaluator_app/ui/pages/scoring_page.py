"""Detailed scoring (详细评审): criteria × bidders, from the keyboard, checked as you type.

Every accepted keystroke goes to the local journal at once (the draft survives a crash) and,
a second later, to the venue's draft store. Price points come from the rules, read only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QWidget,
)
from qasync import asyncSlot

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.ui.pages.base import StepPage

INVALID = QColor("#ffd6d6")
FLAGGED = QColor("#ffe8b3")
READ_ONLY = QColor("#eef2f6")
SYNC_DELAY_MS = 1000


class ScoreDelegate(QStyledItemDelegate):
    """A plain line editor whose text is checked against the item's rule at every keystroke."""

    def __init__(self, page: ScoringPage):
        super().__init__(page)
        self.page = page

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        row = index.row()
        editor.textEdited.connect(lambda text: self.page.typed(row, text))
        return editor


class ScoringPage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Detailed scoring"), parent)
        self.table = QTableWidget()
        self.table.setItemDelegate(ScoreDelegate(self))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.itemChanged.connect(self._changed)
        self.table.currentCellChanged.connect(self._cell_selected)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(self.tr("Comment on this score (optional)"))
        self.comment.textEdited.connect(lambda text: self._side_field("comment", text))
        self.explanation = QTextEdit()
        self.explanation.setPlaceholderText(
            self.tr("Written explanation: required because this score deviates from the others")
        )
        self.explanation.setMaximumHeight(80)
        self.explanation.textChanged.connect(
            lambda: self._side_field("explanation", self.explanation.toPlainText())
        )
        self.explanation.hide()
        self.pages_label = QLabel()
        self.pages_label.setObjectName("hint")
        self.pages_button = QPushButton(self.tr("Show these pages"))
        self.pages_button.clicked.connect(self._show_pages)
        self.pages_button.hide()
        side = QHBoxLayout()
        side.addWidget(self.comment, 1)
        side.addWidget(self.pages_label)
        side.addWidget(self.pages_button)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.hint)
        self.body.addLayout(side)
        self.body.addWidget(self.explanation)
        self.bidders: list[str] = []
        self.items = []  # type: ignore[var-annotated]
        self.flagged: set[tuple[str, str]] = set()
        self._linked: tuple[str, int] | None = None
        self.side: dict[
            tuple[tuple[str, str] | None, str], str
        ] = {}  # comments and explanations as typed
        self.writes: set[asyncio.Future[int]] = set()
        self.indexes: dict = {}  # type: ignore[type-arg]  # bidder -> BidIndex, when the bid package has one
        self.show_pages_requested: Callable[[str, int], None] | None = None
        self._loading = False
        self._sync = QTimer(self)
        self._sync.setSingleShot(True)
        self._sync.setInterval(SYNC_DELAY_MS)
        self._sync.timeout.connect(self._sync_now)
        self.refresh()

    # -- building the grid -----------------------------------------------------------
    def refresh(self) -> None:
        if self.session.lot is None:
            return
        bidders = self.session.valid_bidders()
        if bidders == self.bidders and self.table.rowCount():
            self._update_totals()
            return
        self.bidders = bidders
        self.items = list(self.session.scored_items())
        lot = self.session.lot
        self._loading = True
        self.table.clear()
        self.table.setColumnCount(len(bidders))
        self.table.setRowCount(len(self.items) + 2)
        self.table.setHorizontalHeaderLabels([f"{b}\n{lot.bidder(b).name}" for b in bidders])
        labels = [f"{i.name}\n({self._rule(i)})" for i in self.items] + [
            self.tr("Price points (computed)"),
            self.tr("Total"),
        ]
        self.table.setVerticalHeaderLabels(labels)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        cells = (
            self.session.snapshot().cells
        )  # once, when the grid is built (reopening after a crash)
        for (bidder, item_id), cell in cells.items():
            self.side[((bidder, item_id), "comment")] = cell.comment
            self.side[((bidder, item_id), "explanation")] = cell.explanation
        for row, item in enumerate(self.items):
            for column, bidder in enumerate(bidders):
                cell = cells.get((bidder, item.id))
                self.table.setItem(row, column, QTableWidgetItem(cell.score or "" if cell else ""))
        for row in (len(self.items), len(self.items) + 1):
            for column in range(len(bidders)):
                fixed = QTableWidgetItem("")
                fixed.setFlags(Qt.ItemFlag.ItemIsEnabled)
                fixed.setBackground(QBrush(READ_ONLY))
                self.table.setItem(row, column, fixed)
        self._loading = False
        self._recolour()
        self._update_totals()
        editable = self.session.phase == "detailed_scoring" and not self.session.paused
        self.table.setEnabled(editable or bool(bidders))
        if not bidders:
            self.say(self.tr("Scoring opens when the preliminary review is decided."), ok=False)
        else:
            self.say(
                self.tr("Type a score and press Tab or an arrow key; every score is saved at once.")
            )

    @asyncSlot()
    async def load_indexes(self) -> None:
        self.indexes = await self.session.bid_indexes()
        self._link_pages(self._current_key())

    def reload(self) -> None:
        """Rebuild from the journal (after taking the venue's newer draft)."""
        self.bidders = []
        self.refresh()

    def _rule(self, item) -> str:  # type: ignore[no-untyped-def]
        if item.bands:
            return " ".join(f"{b.grade} {b.min}–{b.max}" for b in item.bands)
        return f"{item.min}–{item.max}"

    # -- typing ----------------------------------------------------------------------
    def typed(self, row: int, text: str) -> None:
        """Every keystroke inside an editor: say at once what rule it breaks, if any."""
        if row >= len(self.items):
            return
        problem = self.session.validate(self.items[row].id, text)
        self.hint.setText("" if problem is None else problem.text(self.language))
        self.hint.setObjectName("error" if problem else "hint")
        self.hint.setStyleSheet("")

    def _changed(self, cell: QTableWidgetItem) -> None:
        if self._loading or cell.row() >= len(self.items):
            return
        bidder, item = self.bidders[cell.column()], self.items[cell.row()]
        self._remember(bidder, item.id, "score", cell.text().strip())
        self._recolour()
        self._update_totals()

    def _side_field(self, field: str, text: str) -> None:
        key = self._current_key()
        if key is not None:
            self.side[(key, field)] = text
            self._remember(key[0], key[1], field, text)

    def _remember(self, bidder: str, item_id: str, field: str, value: str) -> None:
        """Into the journal (ordered, off the Qt thread); the venue copy follows a second later."""
        task = asyncio.ensure_future(self.session.record(bidder, item_id, field, value))
        self.writes.add(task)
        task.add_done_callback(self.writes.discard)
        self._sync.start()

    async def written(self) -> None:
        """Wait until every keystroke so far is on disk (before building the sheet)."""
        if self.writes:
            await asyncio.gather(*list(self.writes))

    def typed_values(self) -> dict[tuple[str, str], str]:
        return {
            (bidder, item.id): (
                self.table.item(row, column).text().strip() if self.table.item(row, column) else ""
            )
            for row, item in enumerate(self.items)
            for column, bidder in enumerate(self.bidders)
        }

    def _current_key(self) -> tuple[str, str] | None:
        row, column = self.table.currentRow(), self.table.currentColumn()
        if 0 <= row < len(self.items) and 0 <= column < len(self.bidders):
            return self.bidders[column], self.items[row].id
        return None

    def _cell_selected(self, row: int, column: int, *_: int) -> None:
        key = self._current_key()
        self.comment.blockSignals(True)
        self.explanation.blockSignals(True)
        self.comment.setText(self.side.get((key, "comment"), "") if key else "")
        self.explanation.setPlainText(self.side.get((key, "explanation"), "") if key else "")
        self.explanation.setVisible(key in self.flagged)
        self.comment.blockSignals(False)
        self.explanation.blockSignals(False)
        if key is not None:
            self.typed(row, self.table.item(row, column).text())
        self._link_pages(key)

    def _link_pages(self, key: tuple[str, str] | None) -> None:
        """The pages of this bid that answer this criterion, from its scoring index."""
        index = self.indexes.get(key[0]) if key else None
        pages = index.pages.get(key[1], ()) if index else ()
        self._linked = (index.document, pages[0]) if pages else None
        self.pages_label.setText(
            self.tr("Pages answering it: {pages}").format(pages="、".join(map(str, pages)))
            if pages
            else ""
        )
        self.pages_button.setVisible(bool(pages))

    def _show_pages(self) -> None:
        if self._linked is not None and self.show_pages_requested is not None:
            self.show_pages_requested(*self._linked)

    def _recolour(self) -> None:
        self._loading = True
        for row, item in enumerate(self.items):
            for column, bidder in enumerate(self.bidders):
                cell = self.table.item(row, column)
                if cell is None:
                    continue
                bad = self.session.validate(item.id, cell.text()) is not None
                colour = INVALID if bad else FLAGGED if (bidder, item.id) in self.flagged else None
                cell.setBackground(QBrush(colour) if colour else QBrush())
                cell.setToolTip(
                    self.tr("Deviation: explain this score")
                    if (bidder, item.id) in self.flagged
                    else ""
                )
        self._loading = False

    def _update_totals(self) -> None:
        if not self.bidders:
            return
        self._loading = True
        try:
            prices = self.session.price_points()
        except Exception:  # a plan the rules cannot price yet: shown as a dash
            prices = {}
        totals = self.session.totals(self.bidders, self.typed_values())
        for column, bidder in enumerate(self.bidders):
            price = prices.get(bidder)
            self.table.item(len(self.items), column).setText(
                f"{price}" if price is not None else "–"
            )
            self.table.item(len(self.items) + 1, column).setText(
                f"{totals[bidder] + (price or Decimal(0))}"
            )
        self._loading = False

    def mark_flags(self, flags: list[dict]) -> None:  # type: ignore[type-arg]
        """The venue's deviation flags: those cells need a written explanation."""
        self.flagged = {(f["bidder_id"], f["item_id"]) for f in flags}
        self._recolour()
        if self.flagged:
            first = sorted(self.flagged)[0]
            self.table.setCurrentCell(
                self.items.index(next(i for i in self.items if i.id == first[1])),
                self.bidders.index(first[0]),
            )
            self.explanation.show()

    def stop(self) -> None:
        self._sync.stop()

    @asyncSlot()
    async def _sync_now(self) -> None:
        await self.session.sync_draft()

    def set_score(self, bidder: str, item_id: str, text: str) -> None:
        """As if typed (tests and paste): through the same path as the keyboard."""
        row = next(i for i, item in enumerate(self.items) if item.id == item_id)
        self.table.item(row, self.bidders.index(bidder)).setText(text)
