"""Choosing a file from async work: a QFileDialog opened with ``open()`` and awaited.

QFileDialog's static helpers run a nested ``exec()`` loop; from a coroutine (or a click a
coroutine delivers, as the GUI self-test's are) that steps other tasks inside this one ("Cannot
enter into task") and kills the connection's tasks.

The dialog speaks the app's language, not the desktop's: Qt's file model writes sizes and dates
in the system's locale ("0 bytes", "2 12 2026 18:17" on an English desktop in a Chinese
session), so they are written here in the app's (``QLocale()``, which ``i18n`` sets); its words
come from qtbase_zh_CN.qm and what it lacks from resources/translations/qt_zh_CN.json.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QIdentityProxyModel, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QFileSystemModel, QWidget

from evaluator_app.ui.ops import ask

SIZE_COLUMN, DATE_COLUMN = 1, 3  # QFileSystemModel's columns: name, size, type, date modified


class InAppLanguage(QIdentityProxyModel):
    """The file model's sizes and dates in the app's locale, everything else as Qt shows it."""

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        source = self.sourceModel()
        column = index.column()
        if (
            role == Qt.ItemDataRole.DisplayRole
            and column in (SIZE_COLUMN, DATE_COLUMN)
            and isinstance(source, QFileSystemModel)
        ):
            at = self.mapToSource(index)
            locale = QLocale()
            if column == DATE_COLUMN:
                return locale.toString(source.lastModified(at), QLocale.FormatType.ShortFormat)
            return "" if source.isDir(at) else locale.formattedDataSize(source.size(at))
        return super().data(index, role)


def _dialog(parent: QWidget, title: str, folder: str, name_filter: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, folder, name_filter)
    dialog.setObjectName("file_dialog")
    dialog.setProxyModel(InAppLanguage(dialog))
    return dialog


async def file_to_open(parent: QWidget, title: str, name_filter: str, folder: str = "") -> str:
    """The chosen existing file's path, or "" if the person cancelled."""
    dialog = _dialog(parent, title, folder, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    if await ask(dialog) != QDialog.DialogCode.Accepted.value:
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""


async def file_to_save(parent: QWidget, title: str, name_filter: str, suggested: str) -> str:
    """The path to write (``suggested`` shown first), or "" if the person cancelled."""
    dialog = _dialog(parent, title, suggested, name_filter)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.selectFile(suggested)
    if await ask(dialog) != QDialog.DialogCode.Accepted.value:
        return ""
    chosen = dialog.selectedFiles()
    return chosen[0] if chosen else ""
