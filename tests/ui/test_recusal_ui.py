"""An expert recuses in her own window: her heartbeats stop (she is off the committee, nobody
watches her presence); the centre seats a substitute from its console, choosing the venue by
its name (济南主场), never by its id."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from evaluator_app.ui.selftest.hands import type_text
from tests.ui.conftest import until
from tests.ui.supervisor_console_setup import (
    close_console,
    declarations_session,
    in_venue,
    open_console,
)
from tests.ui.test_expert_flow_ui import UI_EXPERT
from tests.ui.test_expert_resilience_ui import _close, _open

LEFT = Qt.MouseButton.LeftButton


def _heartbeat_tasks() -> list[asyncio.Task[object]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "venue-heartbeats" and not t.done()]


def _items(combo) -> list[str]:  # type: ignore[no-untyped-def]
    return [combo.itemText(i) for i in range(combo.count())]


def test_a_recused_expert_stops_beating_and_the_centre_seats_a_substitute_by_venue_name(
    qtbot, pin, drive, venue, tmp_path
):  # type: ignore[no-untyped-def]
    h = venue.harness
    pin(venue.demo.person(UI_EXPERT).password)

    async def scenario() -> None:
        await in_venue(venue, declarations_session(h))  # declarations
        window, session_window = await _open(qtbot, venue, tmp_path / "seat-A03")
        connection = session_window.connection
        await until(lambda: _heartbeat_tasks(), message="her window beats while she sits")
        declaration = session_window.pages[0]
        await until(lambda: declaration.sign_button.isEnabled(), message="declaration step")
        button = declaration.conflict  # clicked on its round indicator, at the left
        QTest.mouseClick(button, LEFT, pos=QPoint(8, button.height() // 2))
        assert declaration.conflict.isChecked() and declaration.reason.isEnabled()
        await type_text(declaration.reason, "三年内曾在投标人B3任职", clear=False)
        QTest.mouseClick(declaration.sign_button, LEFT)
        me = session_window.session.me
        await until(
            lambda: (m := session_window.session.view.member(me)) and m.status == "recused",
            message=lambda: (
                f"her recusal accepted: {declaration.message.text()!r}, "
                f"checked {declaration.conflict.isChecked()}, "
                f"reason {declaration.reason.toPlainText()!r}, "
                f"{session_window.session.view.member(me)}"
            ),
        )
        # off the committee: her heartbeats stop (a change of presence would be sent at once)
        await until(lambda: not connection.beating, message="heartbeats stopped")
        beats = connection.beats_sent
        connection.set_presence("away", 0)
        assert connection.state.status == "online"  # the events still reach her window

        # the centre's console: venues by name, the candidates' venues too
        main, console = await open_console(qtbot, venue, tmp_path, "centre-1")
        panel = console.actions_panel
        await until(
            lambda: panel.substitute_button.isEnabled() and panel.substitute_combo.count(),
            message=lambda: f"substitute control ({panel.substitute_button.toolTip()})",
        )
        assert _items(panel.substitute_venue) == ["济南主场", "淄博副场"]
        candidates = _items(panel.substitute_combo)
        assert candidates and not [c for c in candidates if "jinan" in c or "zibo" in c]
        substitute = h.person_id("expert-sd-3")
        panel.substitute_combo.setCurrentIndex(panel.substitute_combo.findData(substitute))
        panel.substitute_venue.setCurrentIndex(panel.substitute_venue.findText("济南主场"))
        await type_text(panel.substitute_seat, "A04", clear=False)
        QTest.mouseClick(panel.substitute_button, LEFT)
        await until(
            lambda: any(
                m.person_id == substitute and (m.venue, m.seat) == ("jinan", "A04")
                for m in console.session.board.view.members
            ),
            message=lambda: panel.message.text(),
        )
        assert connection.beats_sent == beats  # not one beat since she recused
        await close_console(main, console)
        await _close(session_window)
        await _close(window)

    drive(scenario)
