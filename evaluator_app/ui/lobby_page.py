"""The lobby: the sessions this person may open, with phase, venues and time."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.connection import VenueConnection
from evaluator_app.client.explain import explain
from evaluator_app.client.names import venues_label
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.beijing import beijing_time
from evaluator_app.ui.alive import alive
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import phase_name

logger = logging.getLogger(__name__)
LIVE_DELAY_MS = 200  # events come in bursts (a phase change and its checkpoint): one refresh
LIST_CHANGES = {"phase", "session.created", "member", "member.absent", "leader.elected"}


class LobbyPage(QWidget):
    open_session = Signal(str)  # session id

    def __init__(
        self,
        client: VenueClient,
        language: str,
        supervisor: bool = False,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.client = client
        self.language = language
        self.sessions: list[dict] = []
        # a supervisor watches a session from a console; an expert evaluates in it
        title = QLabel(
            self.tr("Sessions I supervise") if supervisor else self.tr("My evaluation sessions")
        )
        title.setObjectName("title")
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Session"),
                self.tr("Project"),
                self.tr("Phase"),
                self.tr("Venues"),
                self.tr("Start"),
            ]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # every column as wide as its text, the project's title takes the rest (wrapped): at the
        # window's default size nothing is cut off with "…"
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(self._join)
        self.status = QLabel()
        self.status.setObjectName("hint")
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.join_button = QPushButton(
            self.tr("Open the supervision console") if supervisor else self.tr("Open session")
        )
        self.join_button.setObjectName("primary")
        self.join_button.clicked.connect(self._join)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(refresh)
        buttons.addWidget(self.join_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        # live: a phase change (or a new session) anywhere this person may see refreshes the list
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(LIVE_DELAY_MS)
        self._soon.timeout.connect(self.refresh)
        self.connection = VenueConnection(client, self._on_event)

    def start_live(self) -> None:
        self.connection.start()

    async def stop_live(self) -> None:
        await self.connection.stop()

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("kind") in LIST_CHANGES and alive(self) and not self._soon.isActive():
            self._soon.start()

    @op
    async def refresh(self) -> None:
        try:
            data = await self.client.get("/sessions")
        except Exception as exc:
            if alive(self):
                self.status.setText(explain(exc).text(self.language))
            return
        if not alive(self):  # the window closed while the venue answered
            return
        self.sessions = data["sessions"]
        self.table.setRowCount(len(self.sessions))
        for row, session in enumerate(self.sessions):
            phase = "paused" if session["paused"] else session["phase"]
            cells = [
                session["id"],
                session["title"],
                phase_name(phase),
                venues_label(session["venues"], self.client.venue_names, session.get("main_venue")),
                beijing_time(session["scheduled_start"]) if session.get("scheduled_start") else "",
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, session["id"])
                self.table.setItem(row, column, item)
        if self.sessions:
            self.table.selectRow(0)
        self.status.setText(
            self.tr("{n} session(s)").format(n=len(self.sessions))
            if self.sessions
            else self.tr("No session is assigned to you yet.")
        )

    def _join(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < len(self.sessions):
            self.open_session.emit(self.sessions[row]["id"])
