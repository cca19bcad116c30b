"""The main window: login, then the lobby; each opened session gets a window of its own."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget, QWidget

from evaluator_app.client.login import LoggedIn, LoginService
from evaluator_app.client.settings import AppSettings
from evaluator_app.ui.alive import alive
from evaluator_app.ui.login_page import LoginPage
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import role_name
from evaluator_app.ui.style import current_scale
from evaluator_app.ui.text_size import add_text_size_menu, set_text_scale

if TYPE_CHECKING:  # imported when a session opens: the login window paints first
    # (QCloseEvent, once imported, builds QEvent.Type, 180 members, 3 ms: an annotation here)
    from PySide6.QtGui import QCloseEvent

    from evaluator_app.ui.session_window import SessionWindow
    from evaluator_app.ui.supervisor.window import SupervisorWindow

logger = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    closed = Signal()

    def __init__(self, settings: AppSettings, data_dir: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.data_dir = data_dir
        self.session: LoggedIn | None = None
        self.session_windows: dict[str, SessionWindow | SupervisorWindow] = {}
        self.setWindowTitle(self.tr("Remote bid evaluation"))
        self.resize(1100, 760)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.login_page = LoginPage(LoginService(settings), settings.language)
        self.login_page.logged_in.connect(self._logged_in)
        self.stack.addWidget(self.login_page)
        self.who = QLabel(self.tr("Not logged in"))
        self.connection = QLabel()
        self.statusBar().addWidget(self.who, 1)
        self.statusBar().addPermanentWidget(self.connection)
        self.lobby: QWidget | None = (
            None  # LobbyPage, imported after login (it needs the network stack)
        )
        menu = self.menuBar().addMenu(self.tr("&Application"))
        self.settings_action = menu.addAction(self.tr("Settings…"), self.open_settings)
        add_text_size_menu(menu, data_dir)
        self.quit_action = menu.addAction(self.tr("Quit"), self.close)
        self.shutdown_task: object | None = None  # an asyncio task once closing
        self._close_confirmed = False

    @op
    async def open_settings(self) -> None:
        from dataclasses import replace

        from evaluator_app.client.settings import save_settings
        from evaluator_app.ui.ops import ask
        from evaluator_app.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(replace(self.settings, text_scale=current_scale()), self)
        if await ask(dialog) == SettingsDialog.DialogCode.Accepted.value:
            self.settings = dialog.result_settings()
            save_settings(self.data_dir, self.settings)
            set_text_scale(self.settings.text_scale, None)  # at once, in every window
            self.login_page.service.settings = self.settings

    def _remember_credential(self, done: LoggedIn) -> None:
        """The USB key's driver, or the certificate file, is offered again next time."""
        from dataclasses import replace

        from evaluator_app.client.settings import save_settings

        self.settings = replace(
            self.settings, text_scale=current_scale(), login_mode=done.credential.kind
        )  # the text size as chosen since, the login mode as used
        if done.credential.kind == "pkcs11":
            self.settings = replace(self.settings, pkcs11_module=done.credential.path)
        elif done.credential.kind == "skf":
            self.settings = replace(self.settings, skf_library=done.credential.path)
        else:
            self.settings = replace(self.settings, last_p12=done.credential.path)
        try:
            save_settings(self.data_dir, self.settings)
        except OSError as exc:  # a read-only profile must not stop the evaluation
            logger.warning("settings not saved: %s", exc)

    def _logged_in(self, done: LoggedIn) -> None:
        from evaluator_app.client.names import venue_label

        self.session = done
        self._remember_credential(done)
        result = done.result
        self.setWindowTitle(self.tr("{name} · Remote bid evaluation").format(name=result.name))
        seat = f" · {result.seat}" if result.seat else ""
        self.who.setText(
            self.tr("{name} ({role}) at {venue}{seat}").format(
                name=result.name,
                role=role_name(result.role.value),
                venue=venue_label(result.venue, done.client.venue_names),
                seat=seat,
            )
        )
        self.connection.setText(self.tr("Connected to {url}").format(url=done.client.base_url))
        if result.role.value == "centre":  # the centre works in its workspace, not a lobby
            from evaluator_app.ui.centre import CentreWorkspace

            self.centre = CentreWorkspace(
                done, self.settings, self.data_dir / "centre", self.login_page.service
            )
            self.centre.open_console.connect(self.open_session)
            self.stack.addWidget(self.centre)
            self.stack.setCurrentWidget(self.centre)
            self.centre.refresh()
            self.centre.start_live()
            return
        from evaluator_app.ui.lobby_page import LobbyPage

        supervisor = result.role.value == "supervisor"
        self.lobby = LobbyPage(done.client, self.settings.language, supervisor)
        self.lobby.open_session.connect(self.open_session)
        self.stack.addWidget(self.lobby)
        self.stack.setCurrentWidget(self.lobby)
        self.lobby.refresh()
        self.lobby.start_live()

    def open_session(self, session_id: str) -> None:
        from evaluator_app.ui.session_window import SessionWindow

        window = self.session_windows.get(session_id)
        if window is not None and window.shutdown_task is not None:
            # closed: its journal, outbox and connection are shut; a new window opens once the
            # old one has written and closed everything (the same journal file is opened again)
            self.session_windows.pop(session_id, None)
            self._reopen(session_id, window)
            return
        if window is None:
            assert self.session is not None
            if self.session.result.role.value in ("supervisor", "centre"):  # the console
                from evaluator_app.ui.supervisor.window import SupervisorWindow

                window = SupervisorWindow(
                    self.session, session_id, self.settings, self.data_dir, self.login_page.service
                )
            else:
                window = SessionWindow(
                    self.session, session_id, self.settings, self.data_dir, self.login_page.service
                )
            self.session_windows[session_id] = window
            window.destroyed.connect(lambda *_, w=window: self._forget(session_id, w))
        window.show()
        window.raise_()
        window.activateWindow()

    def _forget(self, session_id: str, window: QWidget) -> None:
        if self.session_windows.get(session_id) is window:  # not a window opened since
            self.session_windows.pop(session_id)

    @op
    async def _reopen(self, session_id: str, closed: QWidget) -> None:
        import asyncio

        # mypy: both window kinds set shutdown_task when they close
        await asyncio.gather(closed.shutdown_task, return_exceptions=True)  # type: ignore[attr-defined]
        closed.deleteLater()
        if alive(self) and self.shutdown_task is None:
            self.open_session(session_id)

    def closeEvent(self, event: QCloseEvent) -> None:
        from evaluator_app.ui.expert_aids import confirm_close, unsigned_work

        windows = list(self.session_windows.values())
        # mypy: a SupervisorWindow has no aids: unsigned_work returns None for it
        work = [w for w in (unsigned_work(window) for window in windows) if w]  # type: ignore[arg-type]
        if not self._close_confirmed and confirm_close(self, event, work, self.close_anyway):
            return
        for window in windows:
            # asked once, here (a supervisor's window never asks: the flag is unused there)
            # mypy: a SupervisorWindow just gets an attribute it never reads
            window._close_confirmed = True  # type: ignore[union-attr]
            window.close()
        if self.session is not None:
            import asyncio

            self.shutdown_task = asyncio.ensure_future(
                self._shutdown([w.shutdown_task for w in self.session_windows.values()])
            )
        self.closed.emit()
        super().closeEvent(event)

    def close_anyway(self) -> None:
        self._close_confirmed = True
        self.close()

    async def _shutdown(self, pending: list) -> None:
        import asyncio

        await asyncio.gather(*(t for t in pending if t is not None), return_exceptions=True)
        for live in (self.lobby, getattr(self, "centre", None)):
            if live is not None:
                # mypy: lobby is a LobbyPage and centre a CentreWorkspace: both have stop_live
                await live.stop_live()  # type: ignore[union-attr]
        if self.session is not None:
            await self.session.client.close()
