"""Follow (会话跟踪): every session of the centre across venues: phase, who is present where,
alerts."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from evaluator_app.client.centre_follow import SessionLine, follow_lines
from evaluator_app.client.centre_service import CentreService
from evaluator_app.core.phases import RUNNING_PHASES, values
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import fill, heading, say, show_error, table
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import phase_name

logger = logging.getLogger(__name__)


class FollowTab(QWidget):
    open_console = Signal(str)  # session id: the session's console (moves, pause, substitute…)

    def __init__(
        self,
        service: CentreService,
        language: str,
        parent: QWidget | None = None,
        interval_ms: int = 5000,
    ):
        super().__init__(parent)
        self.service, self.language = service, language
        self.lines: list[SessionLine] = []
        self.sessions = table(
            [
                self.tr("Session"),
                self.tr("Title"),
                self.tr("Phase"),
                self.tr("Present at each venue"),
                self.tr("Alerts"),
            ],
            stretch=4,
        )
        self.status = QLabel()
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.console_button = QPushButton(self.tr("Open the session console"))
        self.console_button.setObjectName("primary")
        self.console_button.clicked.connect(self._open_console)
        self.sessions.doubleClicked.connect(self._open_console)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(refresh)
        row.addWidget(self.console_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Every session across all venues")))
        layout.addWidget(self.sessions, 1)
        layout.addLayout(row)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._running = False

    def showEvent(self, event: Any) -> None:
        self.timer.start()
        super().showEvent(event)

    def hideEvent(self, event: Any) -> None:
        self.timer.stop()
        super().hideEvent(event)

    def _open_console(self, *_: object) -> None:
        row = self.sessions.currentRow()
        if 0 <= row < len(self.lines):
            self.open_console.emit(self.lines[row].session_id)
        else:
            say(self.status, self.tr("Choose a session in the list first."), ok=False)

    def _tick(self) -> None:
        if not self._running:
            self.refresh()

    @op
    async def refresh(self) -> None:
        self._running = True
        try:
            sessions = await self.service.sessions()
            presence = {}
            for session in sessions:
                if session.phase in values(RUNNING_PHASES):
                    presence[session.id] = await self.service.presence(session.id)
        except Exception as exc:
            if alive(self):
                show_error(self.status, exc, self.language)
            return
        finally:
            self._running = False
        if not alive(self):
            return
        self.lines = follow_lines(sessions, presence, venue_names=self.service.client.venue_names)
        rows = [
            (
                line.session_id,
                line.title,
                phase_name(line.phase),
                line.present_text(self.language),
                "；".join(a.text(self.language) for a in line.alerts),
            )
            for line in self.lines
        ]
        fill(self.sessions, rows, [None if not line.alerts else False for line in self.lines])
        alerts = sum(len(line.alerts) for line in self.lines)
        say(
            self.status,
            self.tr("{n} session(s), {a} alert(s)").format(n=len(self.lines), a=alerts),
            ok=alerts == 0,
        )
