"""The scoring grid's cells: a line editor journaled and checked at every keystroke, and a cell
that shows why its score is refused, under the value, for as long as it is wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QLineEdit, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

if TYPE_CHECKING:
    from evaluator_app.ui.pages.scoring_page import ScoringPage

PROBLEM_TEXT = QColor("#b00020")
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 1  # why the cell's score is refused, when it is
PAD = 6


class ScoreDelegate(QStyledItemDelegate):
    """A plain line editor journaled and checked at every keystroke; a refused cell shows its
    reason under the value, in red, at the table's own text size."""

    def __init__(self, page: ScoringPage):
        super().__init__(page)
        self.page = page
        self.closeEditor.connect(lambda *_: page.editor_closed())

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        row, column = index.row(), index.column()
        editor.textEdited.connect(lambda text: self.page.typed(row, text, column))
        return editor

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        problem = index.data(PROBLEM_ROLE)
        if not problem:
            super().paint(painter, option, index)
            return
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        value, item.text = item.text, ""
        widget = option.widget
        style = widget.style() if widget else self.page.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        rect = option.rect.adjusted(PAD, PAD // 2, -PAD, -PAD // 2)
        line = option.fontMetrics.height()
        painter.save()
        painter.drawText(
            QRect(rect.left(), rect.top(), rect.width(), line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            value,
        )
        painter.setPen(PROBLEM_TEXT)
        painter.drawText(
            QRect(rect.left(), rect.top() + line, rect.width(), rect.height() - line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap),
            problem,
        )
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        problem = index.data(PROBLEM_ROLE)
        if not problem:
            return size
        width = max(80, self.page.table.columnWidth(index.column()) - 2 * PAD)
        metrics = option.fontMetrics
        wrapped = metrics.boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), problem
        )
        return QSize(size.width(), metrics.height() + wrapped.height() + PAD * 2)
