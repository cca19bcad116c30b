"""The text size menu (字号 100 % / 125 % / 150 %): applied to every window at once and
remembered in this person's settings.json."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu

from evaluator_app.client.settings import TEXT_SCALES, load_settings, save_settings
from evaluator_app.ui.style import apply_style, current_scale

logger = logging.getLogger(__name__)


def set_text_scale(scale: int, data_dir: Path | None) -> None:
    """Apply ``scale`` to the whole app now and remember it (the rest of the file unchanged)."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_style(app, scale)
    if data_dir is None:
        return
    try:
        save_settings(data_dir, replace(load_settings(data_dir), text_scale=scale))
    except OSError as exc:  # the size still applies for this run
        logger.warning("text size not saved: %s", exc)


def add_text_size_menu(menu: QMenu, data_dir: Path | None) -> QMenu:
    """A 字号 submenu of ``menu``, with the current size checked; Ctrl++ and Ctrl+- step it."""
    sizes = menu.addMenu(QCoreApplication.translate("TextSize", "Text size"))
    group = QActionGroup(sizes)
    actions: dict[int, QAction] = {}
    for scale in TEXT_SCALES:
        # not QAction(text, parent): resolving that overload imports QIcon (151-member enum)
        action = QAction(sizes)
        action.setText(f"{scale} %")
        action.setCheckable(True)
        action.setChecked(scale == current_scale())
        action.triggered.connect(lambda _checked=False, s=scale: set_text_scale(s, data_dir))
        group.addAction(action)
        sizes.addAction(action)
        actions[scale] = action

    def step(direction: int) -> None:
        index = TEXT_SCALES.index(current_scale()) + direction
        if 0 <= index < len(TEXT_SCALES):
            actions[TEXT_SCALES[index]].trigger()

    sizes.addSeparator()
    larger = sizes.addAction(QCoreApplication.translate("TextSize", "Larger"), lambda: step(1))
    # setShortcuts, not setShortcut: PySide's first setShortcut call builds ~100 Qt enum classes
    # (a quarter of a second here), before the login window's first paint
    larger.setShortcuts([QKeySequence("Ctrl++")])
    smaller = sizes.addAction(QCoreApplication.translate("TextSize", "Smaller"), lambda: step(-1))
    smaller.setShortcuts([QKeySequence("Ctrl+-")])
    sizes.aboutToShow.connect(lambda: actions[current_scale()].setChecked(True))
    return sizes
