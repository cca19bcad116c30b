"""Whether a widget still exists: an awaited answer may arrive after its window closed."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject


def alive(widget: QObject) -> bool:
    return shiboken6.isValid(widget)
