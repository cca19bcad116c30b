"""The centre workspace (交易中心): new session, follow, collect, report, archive, statistics."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from evaluator_app.client.centre_service import CentreService
from evaluator_app.client.connection import VenueConnection
from evaluator_app.client.login import LoggedIn, LoginService
from evaluator_app.client.settings import AppSettings
from evaluator_app.protocol.messages import SessionView
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.archive_tab import ArchiveTab
from evaluator_app.ui.centre.collect import CollectTab
from evaluator_app.ui.centre.common import SessionChooser, show_error
from evaluator_app.ui.centre.draw_tab import DrawTab, draw_service
from evaluator_app.ui.centre.follow import FollowTab
from evaluator_app.ui.centre.report import ReportTab
from evaluator_app.ui.centre.statistics import StatisticsTab
from evaluator_app.ui.centre.wizard import NewSessionWizard
from evaluator_app.ui.controls import route
from evaluator_app.ui.lobby_page import LIST_CHANGES, LIVE_DELAY_MS
from evaluator_app.ui.ops import op

logger = logging.getLogger(__name__)


class CentreWorkspace(QWidget):
    open_console = Signal(str)  # session id

    def __init__(
        self,
        logged: LoggedIn,
        settings: AppSettings,
        data_dir: Path,
        login: LoginService | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.logged, self.settings, self.data_dir, self.login = logged, settings, data_dir, login
        language = settings.language
        self.language = language
        data_dir.mkdir(parents=True, exist_ok=True)
        self.service = CentreService(logged.client, settings.trust_list_signer)
        self.sessions: list[SessionView] = []
        self.wizard = NewSessionWizard(self.service, logged, language)
        self.follow = FollowTab(self.service, language)
        self.follow.open_console.connect(self.open_console)
        self.collect = CollectTab(self.service, language)
        self.report = ReportTab(self.service, language)
        self.archive = ArchiveTab(self.service, language, data_dir)
        self.statistics = StatisticsTab(self.service, language, data_dir)
        self.drawing = draw_service(settings, data_dir, logged, login)
        self.draw = DrawTab(self.drawing, logged, language, roster=self.service.roster)
        self.draw.use_for_session.connect(self._use_draw)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.draw, self.tr("Expert draw"))
        self.tabs.addTab(self.wizard, self.tr("New session"))
        self.tabs.addTab(self.follow, self.tr("Follow"))
        self.tabs.addTab(self.collect, self.tr("Collect"))
        self.tabs.addTab(self.report, self.tr("Report"))
        self.tabs.addTab(self.archive, self.tr("Archive"))
        self.tabs.addTab(self.statistics, self.tr("Statistics"))
        self.tabs.currentChanged.connect(lambda *_: self.refresh())
        self.wizard.created.connect(lambda *_: self.refresh())
        self.status = QLabel()
        title = QLabel(self.tr("Trading centre workspace"))
        title.setObjectName("title")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.status)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(LIVE_DELAY_MS)
        self._soon.timeout.connect(self.refresh)
        self.connection = VenueConnection(logged.client, self._on_event)

    def start_live(self) -> None:
        """A phase change in any session refreshes the lists (and the Follow tab) at once."""
        self.connection.start()

    async def stop_live(self) -> None:
        await self.connection.stop()

    def _on_event(self, event: dict[str, Any]) -> None:
        if event.get("kind") in LIST_CHANGES and alive(self) and not self._soon.isActive():
            self._soon.start()

    def controls(self) -> dict[str, QWidget]:
        """Creating a session uploads the documents, creates it and signs its manifest."""
        create = self.wizard.create_button
        return {
            route("POST", "/sessions", session=False): create,
            route("PUT", "/blobs/{sha256}", session=False): create,
            route("POST", "/manifest"): create,
            route("PUT", "/draw"): create,  # a session from a draw carries its sealed record
            # each step of a draw (commitments, pool, reveal, result) is logged at the venue
            route("POST", "/draws/steps", session=False): self.draw.draw_button,
            "console": self.follow.console_button,  # the session's console: moves, pause...
        }

    def _use_draw(self, opened: object) -> None:
        # mypy: Signal(object) carries the draw tab's OpenDraw
        self.wizard.use_draw(opened)  # type: ignore[arg-type]
        self.tabs.setCurrentWidget(self.wizard)  # its message: what was taken, or what is missing

    def choosers(self) -> list[SessionChooser]:
        return [self.collect.chooser, self.report.chooser, self.archive.chooser]

    @op
    async def refresh(self) -> None:
        """The session list every tab chooses from; the Follow tab refreshes itself too."""
        try:
            sessions = await self.service.sessions()
        except Exception as exc:
            if alive(self):
                show_error(self.status, exc, self.language)
            return
        if not alive(self):
            return
        self.sessions = sessions
        for chooser in self.choosers():
            chooser.set_sessions(sessions)
        self.status.setText(self.tr("{n} session(s) at the venue").format(n=len(sessions)))
        if self.tabs.currentWidget() is self.follow:
            self.follow.refresh()
        if self.tabs.currentWidget() is self.draw:
            self.draw.refresh()

    def choose(self, session_id: str) -> None:
        for chooser in self.choosers():
            chooser.choose(session_id)
