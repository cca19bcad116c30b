"""Tables a person reads whole: never a cell cut off with "…", never a column past the edge.

Qt's ResizeToContents columns are as wide as their longest text, whatever the table's width: a
table narrower than its text scrolls sideways (the last columns half shown) or squeezes its
stretching column to a few pixels ("…"). :class:`FitToWidth` keeps a table's columns within its
width instead, as the launcher's rows do: each column as wide as its text while they all fit;
when they do not, the widest give way first (a fair share each), wrapping their text on more
lines, never narrower than their header or their longest unbreakable word (an id stays whole);
rows are as tall as their text. It refits when the table is resized or its cells change.
"""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHeaderView, QStyle, QTableWidget

# where a line may break: between words, and around each Chinese character or punctuation mark
_UNBREAKABLE = re.compile(r"[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]+|[^\s]")
_REFIT = (QEvent.Type.Resize, QEvent.Type.Show, QEvent.Type.FontChange, QEvent.Type.StyleChange)


class FitToWidth(QObject):
    def __init__(self, table: QTableWidget, stretch: int | None = None):
        super().__init__(table)
        self.table, self.stretch = table, stretch
        self._fitting = False
        table.setWordWrap(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        table.horizontalHeader().setStretchLastSection(False)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(0)
        self._soon.timeout.connect(self.fit)
        model = table.model()
        for signal in (
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
            model.modelReset,
            model.layoutChanged,
            model.headerDataChanged,
        ):
            signal.connect(self._later)
        table.viewport().installEventFilter(self)  # resized
        table.installEventFilter(self)  # shown, or its text size changed (字号 125 %, 150 %)

    def _later(self, *_: Any) -> None:
        self._soon.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _REFIT and not self._fitting:
            self._later()
        return False

    def fit(self) -> None:
        """Share the table's width among its columns (see the module's description)."""
        table = self.table
        count = table.columnCount()
        if self._fitting or count == 0:
            return
        self._fitting = True
        try:
            natural = [self._natural(c) for c in range(count)]
            floors = [min(natural[c], self._floor(c)) for c in range(count)]
            widths = _share(natural, floors, table.viewport().width())
            spare = table.viewport().width() - sum(widths)
            if spare > 0:
                widths[self.stretch if self.stretch is not None else count - 1] += spare
            header = table.horizontalHeader()
            for column, width in enumerate(widths):
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
            table.resizeRowsToContents()
        finally:
            self._fitting = False

    def _margin(self) -> int:
        # the item's text margins, as Qt's item delegate lays them out (focus frame + 1 each side)
        style = self.table.style()
        return 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1) + 2

    def _texts(self, column: int) -> list[tuple[str, Any]]:
        table = self.table
        found = []
        for row in range(table.rowCount()):
            item = table.item(row, column)
            if item is not None and item.text():
                own = item.data(Qt.ItemDataRole.FontRole)
                found.append((item.text(), own))
        return found

    def _metrics(self, own: Any) -> Any:
        from PySide6.QtGui import QFontMetrics

        return QFontMetrics(own) if own is not None else self.table.fontMetrics()

    def _natural(self, column: int) -> int:
        """The column unwrapped: its longest line of text, its header, its widgets."""
        widest = max(
            (
                self._metrics(own).horizontalAdvance(line)
                for text, own in self._texts(column)
                for line in text.splitlines()
            ),
            default=0,
        )
        widgets = self.table.sizeHintForColumn(column) if self._has_widgets(column) else 0
        return max(widest + self._margin(), widgets, self._header(column))

    def _floor(self, column: int) -> int:
        """Never narrower than the header or the longest word that cannot break."""
        word = max(
            (
                self._metrics(own).horizontalAdvance(token)
                for text, own in self._texts(column)
                for token in _UNBREAKABLE.findall(text)
            ),
            default=0,
        )
        widgets = self.table.sizeHintForColumn(column) if self._has_widgets(column) else 0
        return max(word + self._margin(), widgets, self._header(column))

    def _header(self, column: int) -> int:
        return self.table.horizontalHeader().sectionSizeHint(column)

    def _has_widgets(self, column: int) -> bool:
        table = self.table
        return any(table.cellWidget(row, column) is not None for row in range(table.rowCount()))


def _share(natural: list[int], floors: list[int], available: int) -> list[int]:
    """Each column its natural width if all fit; else the narrow ones keep theirs and the wide
    ones share what is left equally (never below their floor)."""
    if sum(natural) <= available:
        return list(natural)
    widths = list(floors)
    budget = available - sum(floors)
    # grow columns from their floors towards their natural widths, the least growth first
    order = sorted(range(len(natural)), key=lambda c: natural[c] - floors[c])
    for place, column in enumerate(order):
        left = len(order) - place
        grow = min(natural[column] - floors[column], max(0, budget) // left)
        widths[column] += grow
        budget -= grow
    return widths


def fit_to_width(table: QTableWidget, stretch: int | None = None) -> FitToWidth:
    """Keep ``table`` within its width from now on; ``stretch`` takes the spare width."""
    return FitToWidth(table, stretch)
