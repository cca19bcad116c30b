"""The app's file dialog (ui/file_choice.py) as a person sees it in a Chinese session: every
word Chinese (Qt's own labels, the file list's type, size and date columns, the context menu),
and a certificate field's dialog lists every certificate file the app opens (赵敏's SM2
``.sm2.pem`` as well as a ``.p12``/``.pfx``), then fills the field with the one chosen."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evaluator_app.ui.i18n import install_language
from tests.ui.conftest import until

CERTIFICATES = ("zhao-min.sm2.pem", "chen-jing.p12", "official.pfx")
OTHERS = ("notes.txt", "project.json")


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "证书"
    (folder / "子文件夹").mkdir(parents=True)
    for name in (*CERTIFICATES, *OTHERS):
        (folder / name).write_bytes(b"-----BEGIN CERTIFICATE-----\n" * 3)
    return folder


def _open_dialog() -> Any:
    from PySide6.QtWidgets import QApplication, QFileDialog

    shown = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, QFileDialog) and w.objectName() == "file_dialog" and w.isVisible()
    ]
    return shown[0] if shown else None


def _listed(dialog: Any) -> dict[str, list[str]]:
    """Each row of the dialog's detail view: its name and what the other columns say."""
    from PySide6.QtWidgets import QTreeView

    view = dialog.findChild(QTreeView, "treeView")
    model, root = view.model(), view.rootIndex()
    return {
        model.index(r, 0, root).data(): [
            str(model.index(r, c, root).data() or "") for c in range(1, model.columnCount(root))
        ]
        for r in range(model.rowCount(root))
    }


def _words(dialog: Any) -> Iterator[tuple[str, str]]:
    """(where, text) for everything the dialog shows or offers, its views' cells included."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QComboBox, QLabel, QWidget

    yield "title", dialog.windowTitle()
    for w in [dialog, *dialog.findChildren(QWidget)]:
        where = f"{type(w).__name__}:{w.objectName()}"
        yield where + " tooltip", w.toolTip()
        yield where + " name", w.accessibleName()
        if isinstance(w, QLabel | QAbstractButton):
            yield where, w.text()
        elif isinstance(w, QComboBox):
            for i in range(w.count()):
                yield where, w.itemText(i)
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model, root = w.model(), w.rootIndex()
            for c in range(model.columnCount(root)):
                yield where + " header", str(model.headerData(c, Qt.Orientation.Horizontal) or "")
            for r in range(model.rowCount(root)):
                for c in range(model.columnCount(root)):
                    yield where, str(model.index(r, c, root).data() or "")
    for action in dialog.findChildren(QAction):
        yield "menu", action.text()


def _english(dialog: Any, folder: Path) -> list[str]:
    names = {p.name for p in folder.iterdir()} | {folder.name, Path.home().name}
    found = []
    for where, text in _words(dialog):
        plain = text.replace("&", "").strip()
        if (
            not plain
            or plain in names
            or plain.startswith(("/", str(folder)))
            or any("\u4e00" <= ch <= "\u9fff" for ch in plain)
            or not any(ch.isascii() and ch.isalpha() for ch in plain)
            or plain.startswith(("JSON (", "(*"))
        ):
            continue
        found.append(f"{where}: {text!r}")
    return sorted(set(found))


async def _wait_listed(dialog: Any, folder: Path) -> dict[str, list[str]]:
    dialog.setDirectory(str(folder))  # where the person browses to
    await until(lambda: "子文件夹" in _listed(dialog), message=lambda: _listed(dialog))
    await until(lambda: all(_listed(dialog).get(n, [""])[0] for n in _listed(dialog) if "." in n))
    return _listed(dialog)


async def _choose(dialog: Any, name: str) -> None:
    """As a person: type the file's name into 文件名称 and press Enter."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    line = dialog.findChild(QLineEdit, "fileNameEdit")
    QTest.keyClicks(line, name)
    QTest.keyClick(line, Qt.Key.Key_Return)


def _login_page() -> Any:
    from evaluator_app.client.login import LoginService
    from evaluator_app.client.settings import AppSettings
    from evaluator_app.ui.login_page import LoginPage

    page = LoginPage(LoginService(AppSettings()), "zh_CN")
    page.use_file.setChecked(True)
    return page, page._browse_file, page.file_edit, page.use_file.text()


def _draw_request() -> Any:
    from evaluator_app.ui.centre.draw_request import DrawRequestBox

    box = DrawRequestBox("抽取申请")
    return (
        box,
        box.supervisor_browse.click,
        box.supervisor_file,
        box.supervisor_file.placeholderText(),
    )


@pytest.mark.parametrize("where", ["login", "draw_request"])
def test_a_certificate_files_dialog_in_chinese_lists_every_certificate_file(
    qtbot, qapp, drive, tmp_path, where
):  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QFileInfo, QLocale

    install_language(qapp, "zh_CN")
    folder = _folder(tmp_path)

    async def scenario() -> None:
        widget, browse, field, named = (_login_page if where == "login" else _draw_request)()
        qtbot.addWidget(widget)
        widget.show()
        for kind in (".p12", ".pfx", ".pem"):  # the field says which files it takes
            assert kind in named, named
        assert "证书文件" in named, named
        browse()
        await until(_open_dialog, message="the file dialog opens")
        dialog = _open_dialog()
        listed = await _wait_listed(dialog, folder)
        # every certificate file the app opens is offered; nothing else but folders
        assert set(listed) == {*CERTIFICATES, "子文件夹"}, listed
        english = _english(dialog, folder)
        assert not english, english
        # sizes and dates in the app's language, not the desktop's ("0 bytes", "2 12 2026")
        size, _kind, date = listed["zhao-min.sm2.pem"]
        assert size.endswith("字节"), listed
        assert listed["子文件夹"][1] == "文件夹", listed
        modified = QFileInfo(os.fspath(folder / "zhao-min.sm2.pem")).lastModified()
        assert QLocale().name() == "zh_CN"
        assert date == QLocale().toString(modified, QLocale.FormatType.ShortFormat), date
        await _choose(dialog, "zhao-min.sm2.pem")
        await until(
            lambda: field.text(),
            message=lambda: f"the field is filled: {dialog.result()} {dialog.selectedFiles()}",
        )
        assert field.text() == os.fspath(folder / "zhao-min.sm2.pem")
        widget.close()

    drive(scenario)
