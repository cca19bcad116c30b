"""The people of the GUI self-test: each in their own main window with their own data folder,
logged in through the real login page, answering the real PIN and reason dialogs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabWidget, QWidget

from evaluator_app.client.settings import load_settings
from evaluator_app.demo.world import DemoPerson, DemoWorld
from evaluator_app.ui.main_window import MainWindow
from evaluator_app.ui.reason_dialog import ReasonDialog
from evaluator_app.ui.selftest.hands import (
    LEFT,
    GuiStepError,
    click,
    click_cell,
    owned_by,
    settle,
    top_levels,
    type_text,
    until,
)
from evaluator_app.ui.sign_dialog import SignDialog


@dataclass
class Person:
    key: str
    person: DemoPerson
    main: MainWindow
    window: Any = None  # their session window (an expert) or console (supervisor, centre)
    shots: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.person.name

    async def sign(
        self, what: str, timeout: float = 60.0, page: Any = None, owner: Any = None
    ) -> None:
        """The PIN dialog this person's window opened: type the password, click 签名. ``page``:
        the step page whose button opened it (its message line explains a dialog that never
        came); ``owner``: the window that opened it (their session window by default)."""
        owner = owner or self.window or self.main
        dialog = await until(
            lambda: next(
                (
                    d
                    for d in top_levels(SignDialog)
                    if owned_by(d, owner) and not dynamic_property(d, "typed")
                ),
                None,
            ),
            lambda: (
                f"{self.name}: the PIN dialog for {what}"
                + (f" (the page says: {page.message.text()!r})" if page is not None else "")
                + f"; sign dialogs: {_dialogs(owner)}"
            ),
            timeout,
        )
        dialog.setProperty("typed", True)
        await type_text(dialog.secret, self.person.password)
        await click(dialog.sign_button)

    async def give_reason(self, reason: str, what: str) -> None:
        owner = self.window or self.main
        dialog = await until(
            lambda: next(
                (
                    d
                    for d in top_levels(ReasonDialog)
                    if owned_by(d, owner) and not dynamic_property(d, "typed")
                ),
                None,
            ),
            f"{self.name}: the reason dialog for {what}",
        )
        dialog.setProperty("typed", True)
        await type_text(dialog.reason, reason)
        await click(dialog.ok_button)


def open_window(world: DemoWorld, key: str, offset: int) -> Person:
    person = world.person(key)
    window = MainWindow(load_settings(person.data_dir), person.data_dir)
    window.move(40 + 30 * offset, 40 + 20 * offset)
    window.show()
    return Person(key, person, window)


async def log_in(p: Person, before_click: Callable[[], None] | None = None) -> None:
    """Certificate file, password, 登录 — as the README tells a person to."""
    page = p.main.login_page
    await until(lambda: page.use_file.isVisible(), f"{p.name}: the login page")
    if p.person.skf_library:  # 王芳's SM2 USB key (SKF): the key and its container are listed
        await until(lambda: page.use_skf.isChecked() or page.use_skf.isVisible(), "SKF mode")
        if not page.use_skf.isChecked():
            await click(page.use_skf)
        skf = page.skf
        await until(
            lambda: skf.key_combo.count() and skf.container_combo.count(),
            f"{p.name}: the USB key and its certificate listed",
        )
    else:
        if not page.use_file.isChecked():
            await click(page.use_file)
        await type_text(page.file_edit, str(p.person.p12))
    await type_text(page.secret_edit, p.person.password)
    if before_click is not None:  # the README's screenshot of a filled-in login page
        before_click()
    await click(page.login_button)
    await until(
        lambda: p.main.lobby is not None or getattr(p.main, "centre", None) is not None,
        lambda: f"{p.name}: logged in ({page.error_label.text()})",
        120,
    )


async def click_tab(tabs: QTabWidget, title: str) -> None:
    bar = tabs.tabBar()
    for index in range(bar.count()):
        if title in bar.tabText(index):
            QTest.mouseClick(bar, LEFT, Qt.KeyboardModifier.NoModifier, bar.tabRect(index).center())
            await settle()
            return
    raise GuiStepError(f"no tab {title!r}")


async def open_session(p: Person, session_id: str) -> QWidget:
    """From the lobby (experts, supervisors) or the centre's 会话跟踪 tab: open the session."""
    centre = getattr(p.main, "centre", None)
    if centre is not None:
        await click_tab(centre.tabs, "跟踪" if p.main.settings.language == "zh_CN" else "Follow")
        follow = centre.follow
        (row,) = await until(  # a tuple: row 0 is an answer too
            lambda: (
                next(
                    ((i,) for i, line in enumerate(follow.lines) if line.session_id == session_id),
                    None,
                )
                if follow.lines
                else None
            ),
            f"{p.name}: {session_id} in the follow list",
        )
        await click_cell(follow.sessions, row, 0)
        await click(follow.console_button)
    else:
        lobby: Any = p.main.lobby  # the lobby page, shown once logged in
        assert lobby is not None
        (row,) = await until(  # a tuple: row 0 is an answer too
            lambda: next(
                (
                    (i,)
                    for i in range(lobby.table.rowCount())
                    if _cell(lobby.table, i, 0) == session_id
                ),
                None,
            ),
            lambda: (
                f"{p.name}: {session_id} in the lobby ({lobby.status.text()}; "
                f"{[_cell(lobby.table, i, 0) for i in range(lobby.table.rowCount())]})"
            ),
            120,
        )
        await click_cell(lobby.table, row, 0)
        words = "进入监督" if p.person.role == "supervisor" else "进入评标"
        if lobby.join_button.text() != words:  # the button says what it opens, for this role
            raise GuiStepError(f"{p.name}: the lobby offers {lobby.join_button.text()!r}")
        await click(lobby.join_button)
    window = await until(
        lambda: p.main.session_windows.get(session_id), f"{p.name}: the session window"
    )
    p.window = window
    return cast(QWidget, window)


def _dialogs(owner: QWidget) -> list[str]:
    return [
        f"{'shown' if d.isVisible() else 'hidden'}, {'ours' if owned_by(d, owner) else 'other'}"
        f"{', typed' if dynamic_property(d, 'typed') else ''}"
        for d in QApplication.topLevelWidgets()
        if isinstance(d, SignDialog)
    ]


def dynamic_property(widget: QWidget, name: str) -> Any:
    """A dynamic property, or None when it was never set (no Qt lookup of an unset name)."""
    if name.encode() not in {bytes(n.data()) for n in widget.dynamicPropertyNames()}:
        return None
    return widget.property(name)


def _cell(table: Any, row: int, column: int) -> str:
    item = table.item(row, column)
    return item.text() if item is not None else ""
