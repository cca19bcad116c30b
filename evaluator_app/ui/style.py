"""One look for every window: large, calm, high-contrast text for long sessions.

The text size is a setting (100 %, 125 %, 150 %: 系统 → 字号), applied to the whole app at once
and remembered in settings.json: the base size and every size the style sheet names scale.
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from evaluator_app.resources import resource

BASE_POINT_SIZE = 12  # experts in their fifties read for hours: never smaller than this
TEXT_SCALES = (100, 125, 150)  # per cent

STYLE_SHEET = """
QWidget {{ font-size: {base}pt; }}
QLabel#title {{ font-size: {title}pt; font-weight: bold; color: #1d3557; }}
QLabel#subtitle {{ font-size: {subtitle}pt; color: #457b9d; }}
QLabel#guide {{ font-size: {subtitle}pt; color: #1d3557; background: #eef4fb;
                padding: 4px 8px; border-left: 4px solid #457b9d; }}
QLabel#error {{ color: #b00020; font-weight: bold; }}
QLabel#ok {{ color: #1b7f3b; font-weight: bold; }}
QLabel#hint {{ color: #444444; }}
QPushButton {{ padding: 6px 18px; min-height: {button}px; }}
QPushButton#primary {{ background: #1d3557; color: white; border-radius: 4px; font-weight: bold; }}
QPushButton#primary:disabled {{ background: #8a9bb0; }}
QGroupBox {{ font-weight: bold; margin-top: 10px; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""


def style_sheet(scale: int = 100) -> str:
    def pt(size: float) -> str:
        return f"{size * scale / 100:g}"

    return STYLE_SHEET.format(
        base=pt(BASE_POINT_SIZE), title=pt(20), subtitle=pt(13), button=round(28 * scale / 100)
    )


def apply_style(app: QApplication, scale: int = 100) -> None:
    """The look, at ``scale`` per cent of the base text size (any value is clamped to a step)."""
    scale = min(TEXT_SCALES, key=lambda s: abs(s - scale))
    family = _family(app)
    app.setFont(QFont(family, round(BASE_POINT_SIZE * scale / 100)))
    app.setStyleSheet(style_sheet(scale))
    app.setProperty("text_scale", scale)


def set_app_icon(app: QApplication) -> None:
    """The windows' icon. Set once the first window is painted: importing QIcon builds its
    enums (QIcon.ThemeIcon has 151 members), a millisecond of the cold start."""
    from PySide6.QtGui import QIcon

    icon = resource("icons/icon.png")
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


_families: list[str] = []


def _family(app: QApplication) -> str:
    """The shipped CJK font, registered once."""
    if not _families:
        font_id = QFontDatabase.addApplicationFont(str(resource("fonts/wqy-microhei.ttc")))
        found = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        _families.append(found[0] if found else app.font().family())
    return _families[0]


def current_scale(app: QApplication | None = None) -> int:
    target = app or QApplication.instance()
    value = target.property("text_scale") if target is not None else None
    return int(value) if value else 100
