"""Whether a widget still exists: an awaited answer may arrive after its window closed."""

from __future__ import annotations

import shiboken6
from PySide6.QtWidgets import QWidget


def alive(widget: QWidget) -> bool:
    return shiboken6.isValid(widget)
