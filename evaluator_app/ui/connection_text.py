"""The connection indicator's words, from the connection's real state (its tasks decide it)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from evaluator_app.client.connection_state import ConnectionState, failover_note


def connection_text(state: ConnectionState, work_kept: bool = True, language: str = "zh_CN") -> str:
    """The state's words; when the venue has several addresses and the client moved to another,
    followed by what that meant (the login kept, the missed events replayed)."""
    text = _status_text(state, work_kept)
    note = failover_note(state)
    return f"{text} {note.text(language)}" if note else text


def _status_text(state: ConnectionState, work_kept: bool) -> str:
    if state.status == "online":
        return QCoreApplication.translate("Connection", "● Connected to the venue")
    if state.status == "connecting":
        if state.failures:  # it was connected (or tried): the line dropped or a task died
            return QCoreApplication.translate("Connection", "○ Reconnecting…")
        return QCoreApplication.translate("Connection", "○ Connecting…")
    if state.status == "offline":
        text = (
            QCoreApplication.translate(
                "Connection", "✕ Venue unreachable; retrying in {s} s. Your work is kept."
            )
            if work_kept
            else QCoreApplication.translate(
                "Connection",
                "✕ Venue unreachable; retrying in {s} s. What is shown may be out of date.",
            )
        )
        return text.format(s=int(state.retry_in or 0))
    if state.status == "login_required":
        return QCoreApplication.translate("Connection", "✕ Your login has expired: log in again")
    return QCoreApplication.translate("Connection", "Disconnected")


def connection_style(state: ConnectionState) -> str:
    return "color: #1b7f3b;" if state.status == "online" else "color: #b00020; font-weight: bold;"
