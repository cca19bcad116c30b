"""The supervisor console's read-only panels: a table of experts per venue, alerts, the event
log."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.supervisor_rows import Alert, ExpertRow, LogEntry, clock_time
from evaluator_app.ui.phase_names import phase_name
from evaluator_app.ui.table_fit import fit_to_width

logger = logging.getLogger(__name__)

COLOURS = {"alert": "#f8d7da", "warn": "#fff3cd", "muted": "#e9ecef", "": "#ffffff"}
ALERT_TEXT = QColor("#b00020")


def _item(text: str, attention: str = "", data: object = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setBackground(QBrush(QColor(COLOURS.get(attention, "#ffffff"))))
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    return item


class ExpertTable(QGroupBox):
    """The experts seated at one venue, live."""

    COLUMNS = 7

    def __init__(self, venue: str, language: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.venue = venue
        self.language = language
        self.setTitle(title)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Expert"),
                self.tr("Venue"),
                self.tr("Seat"),
                self.tr("Presence"),
                self.tr("Phase"),
                self.tr("Items scored"),
                self.tr("Last activity"),
            ]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        fit_to_width(self.table)  # two venues side by side: presence and phase wrap, never "…"
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.rows: list[ExpertRow] = []

    def show_rows(self, rows: list[ExpertRow]) -> None:
        if rows == self.rows and self.table.rowCount() == len(rows):
            return  # nothing changed: the selection and scroll position stay
        self.rows = rows
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            presence = row.presence_text.text(self.language)
            if row.status != "assigned":
                presence = row.status_text.text(self.language)
            phase = phase_name(row.phase)
            if row.step_done:
                phase = self.tr("{phase} · submitted").format(phase=phase)
            cells = [
                row.name,
                row.venue_name or row.venue,
                row.seat,
                presence,
                phase,
                str(row.items_scored),
                clock_time(row.last_activity),
            ]
            for column, text in enumerate(cells):
                self.table.setItem(index, column, _item(text, row.attention, row.person_id))

    def row_of(self, person_id: str) -> ExpertRow | None:
        return next((r for r in self.rows if r.person_id == person_id), None)

    def cell(self, person_id: str, column: int) -> str:
        for index, row in enumerate(self.rows):
            if row.person_id == person_id:
                item = self.table.item(index, column)
                return item.text() if item else ""
        return ""


class VenueTables(QWidget):
    """One table per venue, side by side (the main venue's supervisor sees every venue)."""

    def __init__(self, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self.tables: dict[str, ExpertTable] = {}
        self.layout_ = QHBoxLayout(self)
        self.layout_.setContentsMargins(0, 0, 0, 0)

    def show_tables(self, tables: dict[str, list[ExpertRow]]) -> None:
        for venue in [v for v in self.tables if v not in tables]:
            self.tables.pop(venue).deleteLater()
        for venue, rows in tables.items():
            table = self.tables.get(venue)
            if table is None:
                title = rows[0].venue_name if rows and rows[0].venue_name else venue
                table = self.tables[venue] = ExpertTable(venue, self.language, title)
                self.layout_.addWidget(table, 1)
            table.show_rows(rows)

    def table_of(self, person_id: str) -> ExpertTable | None:
        return next((t for t in self.tables.values() if t.row_of(person_id) is not None), None)


class AlertPanel(QGroupBox):
    """Alerts, the unacknowledged ones first and in red, each with its acknowledge button."""

    def __init__(
        self, language: str, acknowledge: Callable[[int], None], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.language = language
        self._acknowledge = acknowledge
        self.setTitle(self.tr("Alerts"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Alert"), self.tr("Acknowledged")]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        self.alerts: list[Alert] = []

    def show_alerts(self, alerts: list[Alert], open_count: int) -> None:
        if alerts == self.alerts and self.table.rowCount() == len(alerts):
            return  # unchanged: a button being pressed is not replaced under the mouse
        self.alerts = alerts
        self.setTitle(
            self.tr("Alerts ({n} not acknowledged)").format(n=open_count)
            if open_count
            else self.tr("Alerts")
        )
        self.table.setRowCount(len(alerts))
        for index, alert in enumerate(alerts):
            attention = "" if alert.acknowledged else "alert"
            when = _item(clock_time(alert.at), attention, alert.seq)
            what = _item(alert.text.text(self.language), attention, alert.seq)
            if not alert.acknowledged:
                what.setForeground(QBrush(ALERT_TEXT))
            self.table.setItem(index, 0, when)
            self.table.setItem(index, 1, what)
            if alert.acknowledged:
                self.table.removeCellWidget(index, 2)
                done = self.tr("{name} at {time}").format(
                    name=alert.acknowledged_name or alert.acknowledged_by or "",
                    time=clock_time(alert.acknowledged_at or ""),
                )
                self.table.setItem(index, 2, _item(done))
            else:
                self.table.setItem(index, 2, _item("", attention))
                button = QPushButton(self.tr("Acknowledge"))
                button.clicked.connect(lambda _=False, seq=alert.seq: self._acknowledge(seq))
                self.table.setCellWidget(index, 2, button)
        self.table.resizeRowsToContents()

    def button_for(self, seq: int) -> QPushButton | None:
        for index, alert in enumerate(self.alerts):
            if alert.seq == seq:
                widget = self.table.cellWidget(index, 2)
                return widget if isinstance(widget, QPushButton) else None
        return None

    def acknowledged_text(self, seq: int) -> str:
        for index, alert in enumerate(self.alerts):
            if alert.seq == seq:
                item = self.table.item(index, 2)
                return item.text() if item else ""
        return ""


class EventLog(QGroupBox):
    """The live event log, newest at the bottom; alerts in red."""

    def __init__(self, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.language = language
        self.setTitle(self.tr("Event log"))
        self.list = QListWidget()
        self.list.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        self.shown = 0  # seq of the last line shown

    def show_log(self, entries: list[LogEntry]) -> None:
        fresh = [e for e in entries if e.seq > self.shown]
        if not fresh:
            return
        at_bottom = (
            self.list.verticalScrollBar().value() >= self.list.verticalScrollBar().maximum() - 2
        )
        for entry in fresh:
            item = QListWidgetItem(
                f"{clock_time(entry.at)}  #{entry.seq}  {entry.text.text(self.language)}"
            )
            if entry.alert:
                item.setForeground(QBrush(ALERT_TEXT))
            self.list.addItem(item)
        while self.list.count() > len(entries):
            self.list.takeItem(0)
        self.shown = fresh[-1].seq
        if at_bottom:
            self.list.scrollToBottom()

    def texts(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]
