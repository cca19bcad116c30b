"""The connection indicator's words, from the connection's real state (its tasks decide it).

While the connection waits to try again, the seconds count down: a "28 秒后重试" that stays 28
for half a minute is a lie too. "Your work is kept" is said only when there is work to keep.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QLabel

from evaluator_app.client.connection_state import ConnectionState, failover_note
from evaluator_app.ui.alive import alive


def connection_text(
    state: ConnectionState, work_kept: bool | None = True, language: str = "zh_CN"
) -> str:
    """The state's words; when the venue has several addresses and the client moved to another,
    followed by what that meant (the login kept, the missed events replayed). ``work_kept``:
    True, an expert's typed or signed work is safe here; None, there is none yet; False, a
    console whose view may be out of date."""
    text = _status_text(state, work_kept)
    note = failover_note(state)
    return f"{text} {note.text(language)}" if note else text


def _status_text(state: ConnectionState, work_kept: bool | None) -> str:
    if state.status == "online":
        return QCoreApplication.translate("Connection", "● Connected to the venue")
    if state.status == "connecting":
        if state.failures:  # it was connected (or tried): the line dropped or a task died
            return QCoreApplication.translate("Connection", "○ Reconnecting…")
        return QCoreApplication.translate("Connection", "○ Connecting…")
    if state.status == "offline":
        if work_kept is None:
            text = QCoreApplication.translate("Connection", "✕ Venue unreachable; retry in {s} s.")
        elif work_kept:
            text = QCoreApplication.translate(
                "Connection", "✕ Venue unreachable; retrying in {s} s. Your work is kept."
            )
        else:
            text = QCoreApplication.translate(
                "Connection",
                "✕ Venue unreachable; retrying in {s} s. What is shown may be out of date.",
            )
        return text.format(s=math.ceil(state.retry_in or 0))
    if state.status == "login_required":
        return QCoreApplication.translate("Connection", "✕ Your login has expired: log in again")
    return QCoreApplication.translate("Connection", "Disconnected")


def connection_style(state: ConnectionState) -> str:
    return "color: #1b7f3b;" if state.status == "online" else "color: #b00020; font-weight: bold;"


class ConnectionIndicator(QObject):
    """A status-bar label that follows the connection: :meth:`show` on every state change; while
    it waits to retry, the label counts the seconds down."""

    def __init__(self, label: QLabel, language: str, work_kept: Callable[[], bool | None]):
        super().__init__(label)
        self.label, self.language, self._work_kept = label, language, work_kept
        self.state: ConnectionState | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._redraw)

    def show(self, state: ConnectionState) -> None:
        self.state = state
        if state.status == "offline" and state.next_retry_at is not None:
            self._tick.start()
        else:
            self._tick.stop()
        self._redraw()

    def _redraw(self) -> None:
        state = self.state
        if state is None or not alive(self.label):
            self._tick.stop()
            return
        if state.status == "offline" and state.next_retry_at is not None:
            state = replace(state, retry_in=max(0.0, state.next_retry_at - time.time()))
        self.label.setText(connection_text(state, self._work_kept(), self.language))
        self.label.setStyleSheet(connection_style(state))
