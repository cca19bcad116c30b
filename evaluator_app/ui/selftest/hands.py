"""A person's hands for the GUI self-test: mouse clicks and key presses on visible widgets only.

Every action checks that the widget is shown and enabled, as a person would see it; a grey
control fails the step with the reason the window gives (its tooltip). Nothing here calls a
widget's slots or sets its state directly: clicks and keys go through Qt's event system
(QTest), so the widgets' own handlers run as they do for a person.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QRadioButton,
    QTableWidget,
    QTextEdit,
    QWidget,
)

from evaluator_app.ui.alive import alive

LEFT = Qt.MouseButton.LeftButton


class GuiStepError(Exception):
    """A step of the GUI self-test did not do what it should (said in words)."""


def _name(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    shown = text() if callable(text) else ""
    return f"{type(widget).__name__} {shown!r}".strip()


def usable(widget: QWidget) -> QWidget:
    if not alive(widget) or not widget.isVisible():
        raise GuiStepError(f"{_name(widget)} is not on the screen")
    if not widget.isEnabled():
        why = widget.toolTip() or "no reason shown"
        raise GuiStepError(f"{_name(widget)} is grey: {why}")
    return widget


async def until(
    condition: Callable[[], Any], what: str | Callable[[], str], timeout: float = 60.0
) -> Any:
    """Let the windows work until ``condition()`` holds, as a person waits and watches."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise GuiStepError(f"timed out waiting for {what() if callable(what) else what}")


def enabled(widget: QWidget) -> Callable[[], bool]:
    return lambda: alive(widget) and widget.isVisible() and widget.isEnabled()


def grey(widget: QWidget) -> Callable[[], bool]:
    return lambda: alive(widget) and not widget.isEnabled()


def says(label: Any, text: str) -> Callable[[], bool]:
    return lambda: alive(label) and text in label.text()


def page_drawn(view: QWidget) -> Callable[[], bool]:
    """The middle of a PDF view holds ink, not only white paper: QtPdf renders pages in its own
    thread after the document is loaded, so a picture taken at once shows blank pages."""

    def check() -> bool:  # dark ink: the light red watermark over a blank page does not count
        image = view.grab().toImage()
        w, h = image.width(), image.height()
        return any(
            image.pixelColor(x, y).lightness() < 100
            for y in range(h // 8, h * 7 // 8, 3)
            for x in range(w // 8, w * 7 // 8, 3)
        )

    return check


async def settle() -> None:
    """Give the loop a moment to run what a click started (the handlers, their tasks)."""
    for _ in range(3):
        await asyncio.sleep(0)


async def click(widget: QWidget) -> None:
    usable(widget)
    point = widget.rect().center()
    if isinstance(widget, QRadioButton | QCheckBox):  # on the indicator, not the empty width
        point = QPoint(min(8, widget.width() // 2), widget.height() // 2)
    QTest.mouseClick(widget, LEFT, Qt.KeyboardModifier.NoModifier, point)
    await settle()


async def enabled_click(widget: QWidget, what: str, timeout: float = 60.0) -> None:
    """Wait until the control is offered (shown and enabled), then click it."""
    await until(lambda: alive(widget) and widget.isVisible() and widget.isEnabled(), what, timeout)
    await click(widget)


async def type_text(widget: QWidget, text: str, clear: bool = True) -> None:
    """Type into a line or text field: select what is there (Ctrl+A) and type over it."""
    usable(widget)
    if clear and isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit):
        QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        QTest.keyClick(widget, Qt.Key.Key_Delete)
    _keys(widget, text)
    await settle()


def _keys(widget: QWidget, text: str) -> None:
    """ASCII by key presses; Chinese as an input method commits it (as a person's IME does)."""
    for part in _runs(text):
        if part.isascii():
            QTest.keyClicks(widget, part)
        else:
            event = QInputMethodEvent()
            event.setCommitString(part)
            QApplication.sendEvent(widget, event)


def _runs(text: str) -> list[str]:
    runs: list[str] = []
    for ch in text:
        if runs and runs[-1][-1].isascii() == ch.isascii():
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


async def press(widget: QWidget, key: Qt.Key) -> None:
    usable(widget)
    QTest.keyClick(widget, key)
    await settle()


async def choose_in_combo(combo: QComboBox, matches: Callable[[str], bool], what: str) -> None:
    """Choose an entry with the keyboard (Home, then Down until the wanted one shows)."""
    usable(combo)
    texts = [combo.itemText(i) for i in range(combo.count())]
    if not any(matches(t) for t in texts):
        raise GuiStepError(f"{what}: not among {texts}")
    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if matches(combo.currentText()):
            await settle()
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    if not matches(combo.currentText()):
        raise GuiStepError(f"{what}: the keyboard did not reach it in {texts}")
    await settle()


async def click_list_row(view: QListWidget, matches: Callable[[str], bool], what: str) -> None:
    """Click the row whose text matches; the list may be rebuilt meanwhile (a refresh), so the
    row is found again right before the click."""
    usable(view)

    def row() -> int | None:
        return next((r for r in range(view.count()) if matches(view.item(r).text())), None)

    found = row()
    if found is None:
        texts = [view.item(r).text() for r in range(view.count())]
        raise GuiStepError(f"{what}: no such row among {texts}")
    view.scrollToItem(view.item(found))
    await settle()
    found = await until(lambda: (r,) if (r := row()) is not None else None, what, 10)
    item = view.item(found[0])
    QTest.mouseClick(
        view.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, view.visualItemRect(item).center()
    )
    await settle()


async def click_cell(table: QTableWidget | QAbstractItemView, row: int, column: int) -> None:
    usable(table)
    index = table.model().index(row, column)
    table.scrollTo(index)
    await settle()
    QTest.mouseClick(
        table.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, table.visualRect(index).center()
    )
    await settle()


async def edit_cell(table: QTableWidget, row: int, column: int, text: str) -> None:
    """Double-click the cell, type into the editor that opens, press Enter."""
    usable(table)
    index = table.model().index(row, column)
    table.scrollTo(index)
    await settle()
    point = table.visualRect(index).center()
    QTest.mouseClick(table.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, point)
    QTest.mouseDClick(table.viewport(), LEFT, Qt.KeyboardModifier.NoModifier, point)
    await settle()
    editor = await until(lambda: _open_editor(table), f"the editor of cell ({row}, {column})", 10)
    QTest.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    _keys(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)
    await settle()


def _open_editor(table: QTableWidget) -> QWidget | None:
    for editor in table.viewport().findChildren(QLineEdit):
        if editor.isVisible():
            return editor
    return None


def top_levels(kind: type) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def owned_by(dialog: QWidget, window: QWidget) -> bool:
    parent = dialog.parentWidget()
    return parent is not None and parent.window() is window
