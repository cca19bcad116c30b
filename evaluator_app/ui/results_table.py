"""The committee's result as the leader and the supervisors see it: rank, bidder by name, final
score and the three parts that add up to it, the bid price; below it the rejected bidders, each
with the reason on record. The rows come from ``client/results_rows.py``, as in the centre."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableWidget, QTableWidgetItem

from evaluator_app.client.results_rows import Results
from evaluator_app.reports.styles import money


def _number(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}"


class ResultsTable(QTableWidget):
    """Columns: rank, bidder, final, technical, commercial, price score, bid price (final third:
    the self-test and the supervisor's checks read rank, bidder and final)."""

    def __init__(self) -> None:
        super().__init__(0, 7)
        self.setHorizontalHeaderLabels(
            [
                self.tr("Rank"),
                self.tr("Bidder"),
                self.tr("Final score"),
                self.tr("Technical"),
                self.tr("Commercial"),
                self.tr("Price score"),
                self.tr("Bid price (yuan)"),
            ]
        )
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()  # the rank is the row's number
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)  # names in full
        self.rejected = QLabel()
        self.rejected.setWordWrap(True)
        self.rejected.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def show_results(self, results: Results) -> None:
        ranked = [r for r in results.bidders if r.position is not None]
        self.setRowCount(len(ranked))
        for row, entry in enumerate(ranked):
            name = entry.name
            if entry.candidate:
                name = self.tr("{bidder} (recommended candidate)").format(bidder=name)
            cells = [
                str(entry.position),
                name,
                _number(entry.final),
                _number(entry.technical),
                _number(entry.commercial),
                _number(entry.price_score),
                money(entry.bid_price) if entry.bid_price is not None else "—",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(row, column, item)
        rejected = [r for r in results.bidders if r.rejected]
        lines = [
            self.tr("{bidder}: {reasons}").format(
                bidder=r.name, reasons="；".join(r.reasons) or self.tr("(no reason on record)")
            )
            for r in rejected
        ]
        self.rejected.setText(
            self.tr("Rejected at the preliminary review:") + "\n" + "\n".join(lines)
            if lines
            else ""
        )

    def cells(self) -> list[list[str]]:
        return [
            [cell.text() if (cell := self.item(r, c)) else "" for c in range(self.columnCount())]
            for r in range(self.rowCount())
        ]
