"""The demo launcher as a person sees it: every 打开 button on its own row, and what each person
does in the session, the reserve expert included."""

from __future__ import annotations

from evaluator_app.ui.i18n import install_language


def test_buttons_sit_on_their_rows_and_the_reserve_expert_is_explained(qtbot, qapp, tmp_path):  # type: ignore[no-untyped-def]
    from evaluator_app.demo.world import EXPERTS, SUBSTITUTE, prepare
    from evaluator_app.ui.launcher import Launcher

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
        part = table.item(row, 3).text()
        if person.key in EXPERTS:
            assert part == "评标委员会成员"
        elif person.key == SUBSTITUTE:
            assert part.startswith("候补专家") and "回避" in part
        else:
            assert part
    experts = [p for p in world.people if p.role == "expert"]
    assert len(experts) == len(EXPERTS) + 1  # five on the committee and the reserve
    launcher.close()
