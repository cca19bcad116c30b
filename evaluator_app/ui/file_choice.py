"""Choosing a file from async work: a QFileDialog opened with ``open()`` and awaited.

QFileDialog's static helpers run a nested ``exec()`` loop; from a coroutine (or a click a
coroutine delivers, as the GUI self-test's are) that steps other tasks inside this one ("Cannot
enter into task") and kills the connection's tasks.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

from evaluator_app.ui.ops import ask


async def file_to_open(parent: QWidget, title: str, name_filter: str, folder: str = "") -> str:
    """The chosen existing file's path, or "" if the person cancelled."""
    dialog = QFileDialog(parent, title, folder, name_filter)
    dialog.setObjectName("file_dialog")
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    if await ask(dialog) != QDialog.DialogCode.Accepted.value:
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""


async def file_to_save(parent: QWidget, title: str, name_filter: str, suggested: str) -> str:
    """The path to write (``suggested`` shown first), or "" if the person cancelled."""
    dialog = QFileDialog(parent, title, suggested, name_filter)
    dialog.setObjectName("file_dialog")
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(suggested)
    if await ask(dialog) != QDialog.DialogCode.Accepted.value:
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""
