"""The supervisor console (监督/见证) for one session: experts per venue, alerts, log, actions."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QSplitter, QVBoxLayout, QWidget

from evaluator_app.client.connection import ConnectionState, VenueConnection
from evaluator_app.client.explain import explain
from evaluator_app.client.guidance import supervisor_guidance
from evaluator_app.client.login import LoggedIn, LoginService
from evaluator_app.client.names import venue_label
from evaluator_app.client.settings import AppSettings
from evaluator_app.client.supervisor_session import SupervisorSession
from evaluator_app.core.phases import Role
from evaluator_app.ui.alive import alive
from evaluator_app.ui.connection_text import ConnectionIndicator
from evaluator_app.ui.controls import route
from evaluator_app.ui.moves_panel import MovesPanel
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import phase_name, role_name
from evaluator_app.ui.supervisor.actions import ActionsPanel
from evaluator_app.ui.supervisor.panels import AlertPanel, EventLog, VenueTables
from evaluator_app.ui.text_size import add_text_size_menu

logger = logging.getLogger(__name__)

PRESENCE_REFRESH_MS = 10_000  # "connected" and last activity from the venue's board
RENDER_DELAY_MS = 80  # events arriving together (a replay) are drawn once


class SupervisorWindow(QMainWindow):
    def __init__(
        self,
        logged: LoggedIn,
        session_id: str,
        settings: AppSettings,
        data_dir: Path,
        login: LoginService | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.settings = settings
        self.language = settings.language
        self.login = login
        self.session = SupervisorSession(logged, session_id, data_dir / "supervisor" / session_id)
        self.session.listeners.append(self._schedule_render)
        self.resize(1500, 940)

        self.header = QLabel(self.tr("Loading…"))
        self.header.setObjectName("title")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("subtitle")
        self.alert_banner = QLabel()
        self.alert_banner.setStyleSheet(
            "background: #b00020; color: white; font-weight: bold; padding: 6px;"
        )
        self.alert_banner.hide()
        self.paused_banner = QLabel()
        self.paused_banner.setStyleSheet(
            "background: #fff3cd; color: #7a4b00; font-weight: bold; padding: 6px;"
        )
        self.paused_banner.hide()

        self.guide = QLabel()  # what to do now, what comes next
        self.guide.setObjectName("guide")
        self.guide.setWordWrap(True)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        add_text_size_menu(view_menu, data_dir)
        self.moves = MovesPanel(
            logged.client,
            session_id,
            Role(logged.result.role.value),
            self.language,
            on_moved=lambda _view: self.reload(),
        )
        self.tables = VenueTables(self.language)
        self.alerts = AlertPanel(self.language, self.acknowledge)
        self.log = EventLog(self.language)
        self.actions_panel = ActionsPanel(self.session, self.language)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        for panel in (self.alerts, self.log, self.actions_panel):
            bottom.addWidget(panel)
        bottom.setSizes([520, 420, 560])
        middle = QSplitter(Qt.Orientation.Vertical)
        middle.addWidget(self.tables)
        middle.addWidget(bottom)
        middle.setSizes([430, 430])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.guide)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.alert_banner)
        layout.addWidget(self.paused_banner)
        layout.addWidget(self.moves)
        layout.addWidget(middle, 1)
        self.setCentralWidget(central)

        self.connection_label = QLabel()
        self.indicator = ConnectionIndicator(self.connection_label, self.language, lambda: False)
        self.who_label = QLabel()
        result = logged.result
        self.who_label.setText(
            self.tr("{name} ({role}) at {venue}").format(
                name=result.name,
                role=role_name(result.role.value),
                venue=venue_label(result.venue, logged.client.venue_names),
            )
        )
        self.statusBar().addWidget(self.connection_label, 1)
        self.statusBar().addPermanentWidget(self.who_label)

        self.connection = VenueConnection(logged.client, self._on_event, on_state=self._on_state)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_DELAY_MS)
        self._render_timer.timeout.connect(self.redraw)
        self._presence_timer = QTimer(self)
        self._presence_timer.setInterval(PRESENCE_REFRESH_MS)
        self._presence_timer.timeout.connect(self._refresh_presence)
        self._started = False
        self._closed = False
        self.shutdown_task: asyncio.Future[None] | None = None
        self._on_state(self.connection.state)
        self.redraw()

    def controls(self) -> dict[str, QWidget]:
        """The supervisor's (or, in the centre's console, the centre's) actions."""
        actions = self.actions_panel
        out: dict[str, QWidget] = {
            route("POST", "/pause"): actions.pause_button,
            route("POST", "/resume"): actions.resume_button,
            route("POST", "/broadcast"): actions.broadcast_button,
            route("POST", "/absent"): actions.absent_button,
            route("POST", "/acknowledge"): self.alerts,  # one acknowledge button per alert
            **self.moves.controls(),
        }
        if actions.is_centre:
            out[route("POST", "/members")] = actions.substitute_button
        else:
            out[route("POST", "/witness-notes")] = actions.note_button
        return out

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.start()

    @op
    async def start(self) -> None:
        try:
            await self.session.load()
        except Exception as exc:  # the view comes with the first event or the next refresh
            if alive(self):
                self.subtitle.setText(explain(exc).text(self.language))
        if self._closed:
            return
        # from since=0: alerts and acknowledgements are rebuilt from the record
        self.connection.start()
        self._presence_timer.start()
        self.actions_panel.load_warnings()
        await self.session.deliver()  # notes signed before a restart go out now

    async def _on_event(self, event: dict[str, Any]) -> None:
        result = self.session.on_event(event)
        if asyncio.iscoroutine(result):
            await result
        if (
            event.get("kind") in ("collusion.done", "warning_decision.accepted")
            and not self._closed
            and alive(self)
        ):
            self.actions_panel.load_warnings()

    # -- showing ---------------------------------------------------------------------
    def _schedule_render(self) -> None:
        if not self._closed and alive(self) and not self._render_timer.isActive():
            self._render_timer.start()

    def redraw(self) -> None:  # QWidget.render paints into a device: another thing
        if self._closed or not alive(self):
            return
        board = self.session.board
        self.header.setText(board.title or self.session.session_id)
        phase = phase_name("paused" if board.paused else board.phase) if board.phase else "…"
        self.subtitle.setText(
            self.tr("Session {id} · phase: {phase} · main venue: {main}").format(
                id=self.session.session_id,
                phase=phase,
                main=venue_label(board.main_venue, board.venue_names),
            )
        )
        guidance = supervisor_guidance(board.phase, paused=board.paused)
        self.guide.setText(guidance.line(self.language))
        count = board.open_alerts
        title = self.tr("{name} · supervisor console — {id}").format(
            name=self.session.logged.result.name, id=self.session.session_id
        )
        self.setWindowTitle(
            self.tr("{title} ({n} alert(s))").format(title=title, n=count) if count else title
        )
        self.alert_banner.setText(self.tr("⚠ {n} alert(s) not acknowledged").format(n=count))
        self.alert_banner.setVisible(count > 0)
        self.paused_banner.setText(
            self.tr("The session is paused: experts cannot submit until it resumes.")
        )
        self.paused_banner.setVisible(board.paused)
        self.tables.show_tables(board.tables())
        self.alerts.show_alerts(board.alerts(), count)
        self.log.show_log(board.log)
        self.actions_panel.refresh()
        self.moves.show_moves(board.view or None)

    @op
    async def reload(self) -> None:
        await self.session.load()

    def _on_state(self, state: ConnectionState) -> None:
        if self._closed or not alive(self):
            return
        self.indicator.show(state)
        if state.status == "online":
            self._refresh_presence()
            self._deliver_notes()

    @op
    async def _deliver_notes(self) -> None:
        """The venue is back: a witness note signed while it was away goes out now."""
        if not self._closed and self.session.has_pending():
            await self.session.deliver()

    @op
    async def _refresh_presence(self) -> None:
        if self._closed:
            return
        try:
            await self.session.refresh_presence()
        except Exception as exc:  # the connection's state already says the venue is away
            logger.info("presence not refreshed: %s", exc)

    @op
    async def acknowledge(self, seq: int) -> None:
        try:
            await self.session.acknowledge(seq)
        except Exception as exc:
            if alive(self):
                self.actions_panel.say(
                    self.actions_panel.message, explain(exc).text(self.language), ok=False
                )

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed:
            self._closed = True
            self._presence_timer.stop()
            self._render_timer.stop()
            self.shutdown_task = asyncio.ensure_future(self._shutdown())
        super().closeEvent(event)

    async def _shutdown(self) -> None:
        await self.connection.stop()
        self.session.close()
