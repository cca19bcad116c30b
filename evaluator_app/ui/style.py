"""One look for every window: large, calm, high-contrast text for long sessions."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from evaluator_app.resources import resource

BASE_POINT_SIZE = 12  # experts in their fifties read for hours: never smaller than this

STYLE_SHEET = """
QWidget { font-size: 12pt; }
QLabel#title { font-size: 20pt; font-weight: bold; color: #1d3557; }
QLabel#subtitle { font-size: 13pt; color: #457b9d; }
QLabel#error { color: #b00020; font-weight: bold; }
QLabel#ok { color: #1b7f3b; font-weight: bold; }
QLabel#hint { color: #555555; }
QPushButton { padding: 6px 18px; min-height: 28px; }
QPushButton#primary { background: #1d3557; color: white; border-radius: 4px; font-weight: bold; }
QPushButton#primary:disabled { background: #8a9bb0; }
QGroupBox { font-weight: bold; margin-top: 10px; }
QStatusBar QLabel { padding: 0 8px; }
"""


def apply_style(app: QApplication) -> None:
    icon = resource("icons/icon.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    font_id = QFontDatabase.addApplicationFont(str(resource("fonts/wqy-microhei.ttc")))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    font = QFont(families[0] if families else app.font().family(), BASE_POINT_SIZE)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
