"""The expert's presence as the supervisors see it: typing the PIN into the sign dialog is not
leaving the evaluation window (played under Xvfb, every signature raised "离开了评标程序窗口");
another application's window taking the focus is."""

from __future__ import annotations

import asyncio

from PySide6.QtWidgets import QApplication, QWidget

from evaluator_app.ui.focus import holds_focus
from evaluator_app.ui.presence_watch import FOCUS_SETTLES_MS
from tests.ui.conftest import until
from tests.ui.test_expert_flow_ui import _setup
from tests.ui.test_expert_resilience_ui import _close, _open


def _active(widget: QWidget) -> None:
    widget.show()
    widget.activateWindow()


def test_the_sign_dialog_keeps_the_expert_present(qtbot, drive, venue, tmp_path):  # type: ignore[no-untyped-def]
    from evaluator_app.ui.sign_dialog import ask_secret

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _setup(venue.harness))
        window, session_window = await _open(qtbot, venue, tmp_path / "app")
        _active(session_window)
        await until(lambda: QApplication.activeWindow() is session_window, message="active")
        connection = session_window.connection
        await until(lambda: connection.presence == "focused", message="focused")
        sent: list[str] = []
        report = connection.set_presence
        connection.set_presence = lambda p, n: (sent.append(p), report(p, n))[1]  # type: ignore[method-assign]
        logged = session_window.session.logged
        asking = asyncio.ensure_future(ask_secret(session_window, "评标承诺书", logged))
        await until(lambda: isinstance(QApplication.activeModalWidget(), QWidget), message="PIN")
        dialog = QApplication.activeModalWidget()
        _active(dialog)
        await until(lambda: QApplication.activeWindow() is dialog, message="dialog active")
        assert holds_focus(session_window)
        await asyncio.sleep(3 * FOCUS_SETTLES_MS / 1000)
        assert "away" not in sent and connection.presence == "focused", sent
        dialog.reject()
        assert await asking is None
        elsewhere = QWidget()  # another program's window (here: a window the session did not open)
        qtbot.addWidget(elsewhere)
        _active(elsewhere)
        await until(lambda: QApplication.activeWindow() is elsewhere, message="elsewhere")
        assert not holds_focus(session_window)
        await until(lambda: connection.presence == "away", message="away when truly away")
        elsewhere.close()
        for w in (session_window, window):
            await _close(w)

    drive(scenario)
