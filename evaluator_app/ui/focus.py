"""Whether a window, or a dialog it opened, holds the keyboard focus: the expert's presence."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget


def holds_focus(window: QWidget) -> bool:
    """True while the active window is ``window`` itself or one of its own dialogs (the PIN
    dialog, a reason or a confirmation): typing a PIN is not leaving the evaluation window."""
    active = QApplication.activeWindow()
    while active is not None:
        if active is window:
            return True
        active = active.parentWidget()
    return False
