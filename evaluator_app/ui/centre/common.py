"""Small pieces the centre's tabs share: tables, message lines, the session chooser."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from evaluator_app.client.explain import explain
from evaluator_app.protocol.messages import SessionView
from evaluator_app.ui.alive import alive
from evaluator_app.ui.phase_names import phase_name
from evaluator_app.ui.table_fit import fit_to_width

BAD = QColor("#fde2e4")
GOOD = QColor("#e3f4e8")


def table(headers: Sequence[str], stretch: int | None = None) -> QTableWidget:
    """A read-only table whose text is read whole within its width (``ui/table_fit.py``);
    ``stretch`` is the column that takes the spare width."""
    widget = QTableWidget(0, len(headers))
    widget.setHorizontalHeaderLabels(list(headers))
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.verticalHeader().setVisible(False)
    fit_to_width(widget, stretch)
    return widget


def fill(
    widget: QTableWidget, rows: Sequence[Sequence[Any]], marks: Sequence[bool | None] | None = None
) -> None:
    """Put rows of text in a table; ``marks`` colours a row green (True) or red (False)."""
    widget.setRowCount(len(rows))
    for r, row in enumerate(rows):
        mark = marks[r] if marks else None
        for c, value in enumerate(row):
            item = QTableWidgetItem("" if value is None else str(value))
            if mark is not None:
                item.setBackground(GOOD if mark else BAD)
            widget.setItem(r, c, item)


def cells(widget: QTableWidget, column: int) -> list[str]:
    return [
        item.text() if (item := widget.item(r, column)) else "" for r in range(widget.rowCount())
    ]


def say(label: QLabel, text: str, ok: bool = True) -> None:
    if not alive(label):
        return
    label.setObjectName("ok" if ok else "error")
    label.style().unpolish(label)  # re-apply the object-name style
    label.style().polish(label)
    label.setText(text)


def show_error(label: QLabel, error: BaseException, language: str) -> None:
    say(label, explain(error).text(language), ok=False)


class SessionChooser(QComboBox):
    """Which session a tab shows; filled by the workspace from the venue's list."""

    listed = Signal()  # the list was filled again (a session's phase may have moved)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.views: dict[str, SessionView] = {}

    def set_sessions(self, sessions: list[SessionView]) -> None:
        self.views = {session.id: session for session in sessions}
        current = self.current()
        self.blockSignals(True)
        self.clear()
        for session in sessions:
            self.addItem(
                f"{session.id} · {session.title} · {phase_name(session.phase)}",
                session.id,
            )
        index = self.findData(current) if current else -1
        self.setCurrentIndex(index if index >= 0 else 0)
        self.blockSignals(False)
        self.listed.emit()

    def current(self) -> str | None:
        data = self.currentData(Qt.ItemDataRole.UserRole)
        return str(data) if data else None

    def current_view(self) -> SessionView | None:
        """The chosen session as the venue last listed it (its phase, paused or not)."""
        chosen = self.current()
        return self.views.get(chosen) if chosen else None

    def choose(self, session_id: str) -> None:
        index = self.findData(session_id)
        if index >= 0:
            self.setCurrentIndex(index)


def heading(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("subtitle")
    return label
