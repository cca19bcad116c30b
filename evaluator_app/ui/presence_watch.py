"""The expert's presence as the supervisors' board shows it: focused, idle or away.

Watching for presence is a job of its own beside the session window's steps: an application-wide
event filter counts every key, click and wheel turn as activity, a timer notices five quiet
minutes, and a change of focus window is sent once the focus has settled (the PIN dialog taking
the focus is not an "away" blip). It lives here so that the session window keeps to the steps of
the evaluation and their events; the window only says when the count of items scored changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from evaluator_app.client.connection import VenueConnection
from evaluator_app.client.heartbeats import PresenceValue
from evaluator_app.ui.focus import holds_focus

IDLE_AFTER_SECONDS = 300  # no key or click for five minutes: "idle" on the supervisor's board
FOCUS_SETTLES_MS = 200  # the PIN dialog taking the focus is not an "away" blip with an alarm
IDLE_CHECK_MS = 15_000


class PresenceWatch(QObject):
    """Watches the whole application for input and focus on behalf of ``window``, and sends
    the presence (with the count of items scored) over ``connection`` when it may have changed."""

    def __init__(
        self, window: QWidget, connection: VenueConnection, items_scored: Callable[[], int]
    ):
        super().__init__(window)
        self._window = window
        self._connection = connection
        self._items_scored = items_scored
        self._stopped = False
        self.idle = False
        self._last_input = time.monotonic()
        cast(QApplication, QApplication.instance()).installEventFilter(
            self
        )  # any key or click in the app counts as activity
        # the focus moving anywhere, to an own dialog, another program or back (changeEvent
        # misses a dialog handing the focus straight on to another program); Qt drops the
        # connection with the window, and _focus_moved does nothing once it is stopped
        cast(QApplication, QApplication.instance()).focusWindowChanged.connect(self._focus_moved)
        self._idle_timer = QTimer(self)
        self._idle_timer.setInterval(IDLE_CHECK_MS)
        self._idle_timer.timeout.connect(self._check_idle)
        self._idle_timer.start()

    def presence(self) -> PresenceValue:
        """focused, idle (no key or click for a while) or away (another window has the focus)."""
        return "away" if not holds_focus(self._window) else "idle" if self.idle else "focused"

    def report(self) -> None:
        """Send the presence now (the count shown goes to the supervisors as it changes)."""
        if self._stopped:
            return
        self._connection.set_presence(self.presence(), self._items_scored())

    def stop(self) -> None:
        """The window is closing: no more timer, no more filtering the application's input."""
        self._stopped = True
        self._idle_timer.stop()
        cast(QApplication, QApplication.instance()).removeEventFilter(self)

    def _focus_moved(self) -> None:
        if not self._stopped:
            # once the focus has landed: on its way to an own dialog it passes through no window
            QTimer.singleShot(FOCUS_SETTLES_MS, self, self.report)

    def eventFilter(self, watched: Any, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel):
            was_idle = self.idle
            self._last_input = time.monotonic()
            self.idle = False
            if was_idle:
                self.report()
        return False

    def _check_idle(self) -> None:
        if not self.idle and time.monotonic() - self._last_input > IDLE_AFTER_SECONDS:
            self.idle = True
            self.report()
