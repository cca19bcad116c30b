"""Opening a supervisor's console against a venue in a thread, and experts beside it.

The supervisor console's tests (and the recusal and all-Chinese walks, which open the console
too) need the same steps: a session brought to its declarations, experts whose client beats
its heartbeat as the app would, the console logged in through the real login page and closed
again, and the presence cell an expert's row shows. They live here, apart from the tests that
use them, so that test_supervisor_console.py holds only the scenarios.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from evaluator_app.ui.supervisor.window import SupervisorWindow
from tests.ui.conftest import until
from tests.ui.venue_thread import VenueThread
from tests.venue.streams import Stream, stream

PRESENCE_COLUMN = 3


async def in_venue(venue: VenueThread, coro: Any) -> Any:
    """Run a coroutine on the venue's loop without blocking the UI's."""
    return await asyncio.to_thread(venue.call, coro)


async def declarations_session(h) -> Any:  # type: ignore[no-untyped-def]
    centre = await h.login("centre-1")
    await h.create_session(
        centre
    )  # jinan: sd-1, sd-2, dual-sd; zibo: nca-1, nca-2; both supervisors
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    return centre


class Beating:
    """An expert's client as the app runs it: an event stream and a heartbeat every 0.3 s until it
    closes."""

    def __init__(self, client: Any, events: Stream, presence: str, items: int):
        self.client, self.events = client, events
        self.task = asyncio.create_task(self._beat(presence, items))

    async def _beat(self, presence: str, items: int) -> None:
        while self.client.ws is not None:
            try:
                await self.client.heartbeat("S1", presence, items)
            except ConnectionError:  # the socket closes under it at the end of the test: done
                if self.client.ws is None or self.client.ws.closed:
                    return
                raise
            await asyncio.sleep(0.3)


async def beating_expert(h, key: str, presence: str = "focused", items: int = 0) -> Beating:  # type: ignore[no-untyped-def]
    client = await h.login(key)
    return Beating(client, await stream(h, client), presence, items)


async def open_console(
    qtbot, venue: VenueThread, tmp_path, who: str, url: str | None = None
) -> tuple[MainWindow, SupervisorWindow]:  # type: ignore[no-untyped-def]
    """Log in through the real login page, then open the console as the main window will."""
    from PySide6.QtWidgets import QApplication

    install_language(QApplication.instance(), "zh_CN")
    person = venue.demo.person(who)
    settings = venue.settings_for(f"ws-{who}")
    main = MainWindow(replace(settings, main_venue_url=url) if url else settings, tmp_path / who)
    qtbot.addWidget(main)
    main.show()
    page = main.login_page
    page.use_file.setChecked(True)
    page.file_edit.setText(str(person.p12))
    page.secret_edit.setText(person.password)
    page.login_button.click()
    await until(lambda: main.session is not None, message="logged in")
    window = SupervisorWindow(
        main.session, "S1", main.settings, main.data_dir, main.login_page.service
    )
    qtbot.addWidget(window)
    window.show()
    await until(
        lambda: window.connection.state.status == "online" and window.tables.tables,
        message="console live",
    )
    assert "已连接" in window.connection_label.text()  # the connection's state is always shown
    return main, window


async def close_console(main: MainWindow, window: SupervisorWindow) -> None:
    window.close()
    await window.shutdown_task
    main.close()
    await main.shutdown_task


def presence_cell(window: SupervisorWindow, person: str) -> str:
    table = window.tables.table_of(person)
    return table.cell(person, PRESENCE_COLUMN) if table else ""
