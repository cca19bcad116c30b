"""The GUI self-test's centre steps: a substitute for the expert who recused, and the archive.

The substitute: first the session console, where the venue refuses 王芳, whom nobody drew, and
says where to go. Then the 专家抽取 tab: 陈静 imports the experts who joined the pool since the
draw (the file typed into the real file dialog), opens the sealed record (its password into the
real dialog), replaces 孙丽 (who, why, the reason), signs with her PIN, and the supervising
official 赵敏 types hers; the supplementary draw finds 王芳, the grown record goes to the session
and seats her there. The archive: exported through the real save dialog, opened and verified.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit

from evaluator_app.demo.actors import SESSION
from evaluator_app.demo.draw import seal_password
from evaluator_app.demo.world import DemoWorld
from evaluator_app.ui.centre.draw_prompts import PasswordDialog, ReplaceDialog
from evaluator_app.ui.selftest.hands import (
    GuiStepError,
    choose_in_combo,
    click,
    click_cell,
    enabled,
    owned_by,
    press,
    says,
    top_levels,
    type_text,
    until,
)
from evaluator_app.ui.selftest.people import Person, click_tab, dynamic_property

LATER_LIST = "新入库专家.xlsx"


async def dialog_of(kind: type, owner: Any, what: str) -> Any:
    """The next dialog of ``kind`` the owner's window opened and nobody has answered yet."""
    dialog = await until(
        lambda: next(
            (
                d
                for d in top_levels(kind)
                if owned_by(d, owner) and not dynamic_property(d, "typed")
            ),
            None,
        ),
        what,
    )
    dialog.setProperty("typed", True)
    return dialog


async def answer_password(owner: Any, password: str, what: str) -> None:
    dialog = await dialog_of(PasswordDialog, owner, what)
    await type_text(dialog.secret, password)
    await click(dialog.ok_button)


async def choose_file(owner: Any, path: str, what: str) -> None:
    """Qt's file dialog: the path typed into its file name field, then Enter."""
    dialog = await dialog_of(QFileDialog, owner, what)
    name = dialog.findChild(QLineEdit, "fileNameEdit")
    if name is None:
        raise GuiStepError(f"{what}: the file dialog has no file name field")
    await type_text(name, path)
    await press(name, Qt.Key.Key_Return)


async def substitute_through_the_draw(centre: Person) -> None:
    """The console's substitute control after 孙丽's recusal: grey, saying the draw seats the
    substitute (the committee was drawn), and where to go."""
    console = centre.window.actions_panel
    board = centre.window.session.board
    await until(
        lambda: (
            bool(board.view and any(m.status == "recused" for m in board.view.members))
            and not console.substitute_button.isEnabled()
            and "专家抽取" in console.substitute_button.toolTip()
            and "专家抽取" in console.why.text()
        ),
        lambda: f"the centre's substitute control ({console.substitute_button.toolTip()!r})",
    )
    recused = next(m for m in board.view.members if m.status == "recused")
    tables = centre.window.tables

    def row_says() -> str:
        table = tables.table_of(recused.person_id)
        return table.cell(recused.person_id, 3) if table else ""

    await until(lambda: row_says() == "回避", lambda: f"{recused.name} shown as {row_says()!r}")


async def replaced_by_the_draw(world: DemoWorld, centre: Person, shot: Callable[..., None]) -> None:
    workspace = centre.main.centre
    tab = workspace.draw
    main = centre.main
    await click_tab(workspace.tabs, "专家抽取")
    await click(tab.import_button)
    await choose_file(main, str(world.root / "pool" / LATER_LIST), "the expert list's file dialog")
    await until(says(tab.pool_label, "200"), lambda: f"王芳 imported ({tab.message.text()!r})")
    await until(lambda: tab.draws.rowCount() >= 1, "the draw in the list")
    await click_cell(tab.draws, 0, 0)
    await click(tab.open_button)
    await answer_password(main, seal_password(world), "the sealing key's password")
    await until(
        lambda: tab.committee.rowCount() == 5, lambda: f"the record opened ({tab.message.text()})"
    )
    official = world.person("supervisor-jinan")
    await choose_in_combo(tab.request.supervisor, lambda t: official.name in t, official.name)
    await type_text(tab.request.supervisor_file, str(official.p12))
    await until(enabled(tab.replace_button), "替补专家…")
    await click(tab.replace_button)
    # the record still seats 孙丽; the committee says the session lost her, and the dialog
    # opens on her, for her cause
    sun = next(r for r in range(5) if tab.committee.item(r, 0).text() == "孙丽")
    status = tab.committee.item(sun, 4).text()
    if status != "会话中已回避，需替补":
        raise GuiStepError(f"孙丽 in the opened record: {status!r}")
    dialog = await dialog_of(ReplaceDialog, main, "the replacement dialog")
    opened_on = (dialog.who.currentText(), dialog.cause.currentText())
    if opened_on != ("孙丽", "回避"):
        raise GuiStepError(f"the replacement dialog opened on {opened_on}")
    await choose_in_combo(dialog.who, lambda t: t == "孙丽", "孙丽")
    await choose_in_combo(dialog.cause, lambda t: t == "回避", "回避")
    await type_text(dialog.reason, "三年内曾在投标人B3任职")
    shot("centre-replacement", widget=dialog)
    await click(dialog.ok_button)
    await centre.sign("the replacement", owner=main)
    await answer_password(main, official.password, "the supervising official's password")
    await until(
        says(tab.message, "王芳已安排在济南 A04"),
        lambda: f"王芳 drawn and seated ({tab.message.text()!r})",
        120,
    )
    shot("centre-replaced")


async def archived(world: DemoWorld, centre: Person) -> int:
    """The centre's 存档 tab: the closed session's archive exported (the real save dialog) and
    opened again to verify offline; every check must pass. Returns how many there were."""
    workspace = centre.main.centre
    tab = workspace.archive
    await click_tab(workspace.tabs, "存档")
    await until(lambda: tab.chooser.count() > 0, "a session to archive")
    await choose_in_combo(tab.chooser, lambda t: t.startswith(SESSION), SESSION)
    target = str(world.root / f"存档-{SESSION}.zip")
    await click(tab.export_button)
    await choose_file(centre.main, target, "the archive's save dialog")
    await until(says(tab.verdict, "存档已保存"), lambda: f"exported ({tab.verdict.text()!r})", 120)
    await click(tab.open_button)
    await choose_file(centre.main, target, "the archive's open dialog")
    await until(
        says(tab.verdict, "存档完好"), lambda: f"verified offline ({tab.verdict.text()!r})", 120
    )
    return int(tab.checks.rowCount())
