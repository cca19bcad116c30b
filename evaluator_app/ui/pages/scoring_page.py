"""Detailed scoring (详细评审): criteria × bidders, from the keyboard, checked as you type.

Every keystroke, in the open editor already (before Tab or Enter), goes to the local journal at
once (the draft survives a crash) and, a second later, to the venue's draft store. A refused
score says why beside the cell, in the cell's own text size, for as long as it is wrong. Price
points come from the rules, read only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from decimal import Decimal

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QWidget,
)

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.grid import GridProgress, grid_progress
from evaluator_app.client.journal import Field
from evaluator_app.protocol.messages import SheetFlag
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.pages.score_delegate import PROBLEM_ROLE, ScoreDelegate

INVALID = QColor("#ffd6d6")
FLAGGED = QColor("#ffe8b3")
READ_ONLY = QColor("#eef2f6")
SYNC_DELAY_MS = 1000


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
        self.hint.setWordWrap(True)
        self.progress = QLabel()  # 已评 15/21
        self.progress.setObjectName("subtitle")
        # while an editor is open it covers its cell: the reason shows right under it
        self.live_problem = QLabel(self.table.viewport())
        self.live_problem.setObjectName("cellProblem")
        self.live_problem.setWordWrap(True)
        self.live_problem.setStyleSheet(
            "QLabel#cellProblem { color: #b00020; background: #fff4f4;"
            " border: 1px solid #b00020; padding: 4px; }"
        )
        self.live_problem.hide()
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
        self.body.addWidget(self.progress)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.hint)
        self.body.addLayout(side)
        self.body.addWidget(self.explanation)
        self.bidders: list[str] = []
        # mypy: reload() fills it with the session's ScoredItems
        self.items = []  # type: ignore[var-annotated]
        self.flagged: set[tuple[str, str]] = set()
        self._linked: tuple[str, int] | None = None
        self.side: dict[
            tuple[tuple[str, str] | None, str], str
        ] = {}  # comments and explanations as typed
        self.writes: set[asyncio.Future[int]] = set()
        self.indexes: dict = {}
        self.show_pages_requested: Callable[[str, int], None] | None = None
        self._loading = False
        self._live: tuple[int, int, str] | None = None  # the open editor's text, not yet committed
        self._recorded: dict[tuple[str, str], str] = {}  # the score last sent to the journal
        self._restored = False  # the draft found at start was announced
        self.counted: GridProgress | None = None  # 已评 n/m, as last counted
        self.progress_changed: Callable[[], None] | None = None
        session.draft_listeners.append(self._merged_from_elsewhere)
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
            self._recorded[(bidder, item_id)] = cell.score or ""
        for row, item in enumerate(self.items):
            for column, bidder in enumerate(bidders):
                draft = cells.get((bidder, item.id))
                text = draft.score or "" if draft else ""
                self.table.setItem(row, column, QTableWidgetItem(text))
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
        restored = sum(1 for cell in cells.values() if cell.score)
        if not bidders:
            self.say(self.tr("Scoring opens when the preliminary review is decided."), ok=False)
        elif restored and not self._restored:
            self._restored = True
            self.say(
                self.tr(
                    "Draft restored: {n} scores typed earlier are back from this computer's "
                    "journal."
                ).format(n=restored)
            )
        else:
            self.say(
                self.tr("Type a score and press Tab or an arrow key; every score is saved at once.")
            )

    @op
    async def load_indexes(self) -> None:
        self.indexes = await self.session.bid_indexes()
        self._link_pages(self._current_key())

    def reload(self) -> None:
        """Rebuild from the journal (after taking the venue's newer draft)."""
        self.bidders = []
        self.refresh()

    def _merged_from_elsewhere(self) -> None:
        if self._live is not None:  # never pull the text from under the person typing
            return
        self._restored = True
        self.reload()
        self.say(self.tr("Scores you typed at another seat were merged into this draft."))

    def _rule(self, item) -> str:
        if item.bands:
            return " ".join(f"{b.grade} {b.min}–{b.max}" for b in item.bands)
        return f"{item.min}–{item.max}"

    # -- typing ----------------------------------------------------------------------
    def typed(self, row: int, text: str, column: int | None = None) -> None:
        """Every keystroke inside an editor: into the journal at once (no Tab needed to keep it),
        and say at once, beside the cell, what rule it breaks, if any."""
        if row >= len(self.items):
            return
        problem = self.session.validate(self.items[row].id, text)
        reason = "" if problem is None else problem.text(self.language)
        self.hint.setText(reason)
        self.hint.setObjectName("error" if problem else "hint")
        self.hint.setStyleSheet("")
        if column is None or not 0 <= column < len(self.bidders):
            return
        self._live = (row, column, text.strip())
        self._remember(self.bidders[column], self.items[row].id, "score", text.strip())
        self._place_problem(row, column, reason)
        self._update_totals()

    def _place_problem(self, row: int, column: int, reason: str) -> None:
        if not reason:
            self.live_problem.hide()
            return
        cell = self.table.visualRect(self.table.model().index(row, column))
        width = max(cell.width(), 280)
        self.live_problem.setText(reason)
        self.live_problem.setFixedWidth(width)
        self.live_problem.adjustSize()
        x = min(cell.left(), max(0, self.table.viewport().width() - width))
        below = cell.bottom() + 1
        if below + self.live_problem.height() > self.table.viewport().height():
            below = max(0, cell.top() - self.live_problem.height())  # no room below: above
        self.live_problem.move(x, below)
        self.live_problem.show()
        self.live_problem.raise_()

    def editor_closed(self) -> None:
        """The editor closed: committed (itemChanged came first) or abandoned with Escape,
        in which case the journal goes back to the cell's value."""
        live, self._live = self._live, None
        self.live_problem.hide()
        if live is not None:
            row, column, _text = live
            cell = self.table.item(row, column)
            if cell is not None:
                bidder, item = self.bidders[column], self.items[row]
                self._remember(bidder, item.id, "score", cell.text().strip())
        self._recolour()
        self._update_totals()

    def _changed(self, cell: QTableWidgetItem) -> None:
        if self._loading or cell.row() >= len(self.items):
            return
        bidder, item = self.bidders[cell.column()], self.items[cell.row()]
        if self._live is not None and self._live[:2] == (cell.row(), cell.column()):
            self._live = None
        self._remember(bidder, item.id, "score", cell.text().strip())
        self._recolour()
        self._update_totals()

    def _side_field(self, field: Field, text: str) -> None:
        key = self._current_key()
        if key is not None:
            self.side[(key, field)] = text
            self._remember(key[0], key[1], field, text)

    def _remember(self, bidder: str, item_id: str, field: Field, value: str) -> None:
        """Into the journal (ordered, off the Qt thread); the venue copy follows a second later."""
        if field == "score":
            if self._recorded.get((bidder, item_id), "") == value:
                return  # the commit of text already journaled as it was typed
            self._recorded[(bidder, item_id)] = value
        task = asyncio.ensure_future(self.session.record(bidder, item_id, field, value))
        self.writes.add(task)
        task.add_done_callback(self.writes.discard)
        self._sync.start()

    async def written(self) -> None:
        """Wait until every keystroke so far is on disk (before building the sheet)."""
        if self.writes:
            await asyncio.gather(*list(self.writes))

    def typed_values(self) -> dict[tuple[str, str], str]:
        """Every cell as it stands, the open editor's text included."""
        values = {
            (bidder, item.id): self._text(row, column)
            for row, item in enumerate(self.items)
            for column, bidder in enumerate(self.bidders)
        }
        if self._live is not None:
            row, column, text = self._live
            values[(self.bidders[column], self.items[row].id)] = text
        return values

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
            self.typed(row, self._text(row, column))
        self._link_pages(key)

    def _link_pages(self, key: tuple[str, str] | None) -> None:
        """The pages of this bid that answer this criterion, from its scoring index."""
        index = self.indexes.get(key[0]) if key else None
        pages = index.pages.get(key[1], ()) if index and key else ()
        self._linked = (index.document, pages[0]) if index and pages else None
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
                problem = self.session.validate(item.id, cell.text())
                bad = problem is not None
                cell.setData(PROBLEM_ROLE, problem.text(self.language) if problem else None)
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
            self.progress.clear()
            return
        typed = self.typed_values()
        self.counted = grid_progress(self.items, self.bidders, typed, self.session.validate)
        self.progress.setText(self.counted.text(self.language))
        if self.progress_changed is not None:
            self.progress_changed()
        self._loading = True
        try:
            prices = self.session.price_points()
        except Exception:  # a plan the rules cannot price yet: shown as a dash
            prices = {}
        totals = self.session.totals(self.bidders, typed)
        for column, bidder in enumerate(self.bidders):
            price = prices.get(bidder)
            self._item(len(self.items), column).setText(f"{price}" if price is not None else "–")
            self._item(len(self.items) + 1, column).setText(
                f"{totals[bidder] + (price or Decimal(0))}"
            )
        self._loading = False

    def mark_flags(self, flags: Sequence[SheetFlag]) -> None:
        """The venue's deviation flags: those cells need a written explanation."""
        self.flagged = {f.key for f in flags}
        self._recolour()
        if self.flagged:
            first = sorted(self.flagged)[0]
            self.table.setCurrentCell(
                self.items.index(next(i for i in self.items if i.id == first[1])),
                self.bidders.index(first[0]),
            )
            self.explanation.show()

    def focus_cell(self, bidder: str, item_id: str) -> None:
        """Select one cell (the review page points at a score still missing or refused)."""
        rows = [i for i, item in enumerate(self.items) if item.id == item_id]
        if rows and bidder in self.bidders:
            self.table.setCurrentCell(rows[0], self.bidders.index(bidder))
            self.table.setFocus()

    def stop(self) -> None:
        self._sync.stop()

    @op
    async def _sync_now(self) -> None:
        await self.session.sync_draft()

    def set_score(self, bidder: str, item_id: str, text: str) -> None:
        """As if typed (tests and paste): through the same path as the keyboard."""
        row = next(i for i, item in enumerate(self.items) if item.id == item_id)
        self._item(row, self.bidders.index(bidder)).setText(text)

    def _item(self, row: int, column: int) -> QTableWidgetItem:
        cell = self.table.item(row, column)
        assert cell is not None, "every cell of the grid is made when it is built"
        return cell

    def _text(self, row: int, column: int) -> str:
        cell = self.table.item(row, column)
        return cell.text().strip() if cell is not None else ""
