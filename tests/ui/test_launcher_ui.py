"""The demo launcher as a person sees it: every 打开 button on its own row, and what each person
does in the session, the reserve expert included, in full (wrapped, never cut off with "…")."""

from __future__ import annotations

from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.style import apply_style
from tests.ui.conftest import fits


def test_buttons_sit_on_their_rows_and_the_reserve_expert_is_explained(qtbot, qapp, tmp_path):  # type: ignore[no-untyped-def]
    from evaluator_app.demo.world import EXPERTS, SUBSTITUTE, prepare
    from evaluator_app.ui.launcher import Launcher

    apply_style(qapp)  # as run_launcher does: the app's font sizes, which the columns must fit
    install_language(qapp, "zh_CN")
    world = prepare(tmp_path / "demo")
    launcher = Launcher(world)
    qtbot.addWidget(launcher)
    launcher.show()
    qtbot.waitExposed(launcher)
    table = launcher.table
    for row, person in enumerate(world.people):
        button = launcher.buttons[person.key]
        assert button.text() == "打开"
        top = button.mapTo(table.viewport(), button.rect().topLeft()).y()
        bottom = button.mapTo(table.viewport(), button.rect().bottomLeft()).y()
        cell = table.visualRect(table.model().index(row, 6))
        assert cell.top() <= top and bottom <= cell.bottom(), (person.name, top, bottom, cell)
        cut = [table.item(row, c).text() for c in range(6) if not fits(table, row, c)]
        assert not cut, (person.name, cut)
        part = table.item(row, 3).text()
        if person.key in EXPERTS:
            assert part == "评标委员会成员"
        elif person.key == SUBSTITUTE:
            assert part.startswith("补抽专家") and "回避" in part and "补充抽取" in part
        else:
            assert part
    experts = [p for p in world.people if p.role == "expert"]
    assert len(experts) == len(EXPERTS) + 1  # five on the committee and the reserve
    launcher.close()


def test_passwords_are_shown_in_a_fixed_pitch_font(qtbot, qapp, tmp_path):  # type: ignore[no-untyped-def]
    """陈静's password starts with a lower-case l; in the UI font it reads as a capital I and the
    login fails. Typed from the screen, every password is drawn in a fixed-pitch font."""
    from PySide6.QtGui import QFontInfo

    from evaluator_app.demo.world import prepare
    from evaluator_app.ui.launcher import PASSWORD_COLUMN, Launcher

    apply_style(qapp)
    install_language(qapp, "zh_CN")
    world = prepare(tmp_path / "demo")
    launcher = Launcher(world)
    qtbot.addWidget(launcher)
    assert launcher.table.horizontalHeaderItem(PASSWORD_COLUMN).text() == "证书密码"
    for row, person in enumerate(world.people):
        item = launcher.table.item(row, PASSWORD_COLUMN)
        assert item.text() == person.password
        assert QFontInfo(item.font()).fixedPitch(), (person.name, item.font().family())
        assert item.font().pointSizeF() >= launcher.table.font().pointSizeF()
        assert fits(launcher.table, row, PASSWORD_COLUMN), person.name
    launcher.close()


def test_the_certificate_column_says_what_the_app_logs_in_with(qtbot, qapp, tmp_path):  # type: ignore[no-untyped-def]
    """王芳's row said "应用中使用 SM2 证书文件" while her app opens on her SKF USB key: the
    player switched to the file, was logged in with it, and her sign dialogs asked for the
    file's password. The row says what her login page opens on."""
    from evaluator_app.client.settings import load_settings
    from evaluator_app.demo.world import SKF_EXPERT, prepare
    from evaluator_app.ui.launcher import Launcher

    install_language(qapp, "zh_CN")
    world = prepare(tmp_path / "demo")
    launcher = Launcher(world)
    qtbot.addWidget(launcher)
    for row, person in enumerate(world.people):
        shown = launcher.table.item(row, 4).text()
        mode = load_settings(person.data_dir).first_login_mode
        if mode == "skf":
            assert person.key == SKF_EXPERT and person.skf_library
            assert "USB Key" in shown and "证书文件" not in shown and "PIN" in shown, shown
        else:
            assert mode == "pkcs12" and "USB Key" not in shown, (person.name, shown)
    launcher.close()
