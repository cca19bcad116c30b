"""The 专家抽取 tab against the real venue: import the pool, draw with two signers, open the
sealed record, take the committee into the new-session wizard by clicks, create the session
(the venue recomputes the draw), then replace an expert who recused."""

from __future__ import annotations

import asyncio
import json
from datetime import date

from evaluator_app.demo.draw import LATER, demo_people, demo_pool, write_xlsx
from evaluator_app.ui.centre import CentreWorkspace
from evaluator_app.ui.centre.common import cells
from evaluator_app.ui.centre.draw_prompts import PasswordDialog, ReplaceDialog
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.selftest.hands import type_text
from evaluator_app.venue.venue_dir import demo_roster
from tests.ui.conftest import login_centre, read_whole, until
from tests.venue.harness import SEATS, example_project

EXPERTS = ["expert-sd-1", "expert-sd-2", "expert-dual-sd", "expert-nca-1", "expert-nca-2"]


async def _type_and_confirm(dialog, text: str) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClicks(dialog.secret, text)
    await asyncio.sleep(0)
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


async def _choose(combo, text: str) -> None:  # type: ignore[no-untyped-def]
    """By keys, as a person picks a line of a closed combo box."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    QTest.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == text:
            return
        QTest.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == text, [combo.itemText(i) for i in range(combo.count())]


def test_draw_tab_to_a_session_whose_committee_was_drawn(
    qtbot, pin, answer, drive, venue, tmp_path
):  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        from PySide6.QtWidgets import QApplication

        install_language(QApplication.instance(), "zh_CN")
        pki = venue.demo
        centre, official = pki.person("centre-1"), pki.person("supervisor-jinan")
        pin(centre.password)  # typed into the real sign dialog
        passwords = {
            "监督人员的证书密码": official.password,
            "交易中心密封密钥密码": "seal-2026-demo",
        }
        asked: list[str] = []

        async def type_password(dialog: PasswordDialog) -> None:
            asked.append(dialog.windowTitle())
            await _type_and_confirm(dialog, passwords[dialog.windowTitle()])

        answer(PasswordDialog, type_password)  # typed into the real, awaited dialogs
        logged, login = await login_centre(qtbot, venue)
        workspace = CentreWorkspace(
            logged, venue.settings_for("ws-centre"), tmp_path / "centre", login
        )
        qtbot.addWidget(workspace)
        workspace.show()
        tab = workspace.draw
        assert workspace.tabs.tabText(0) == "专家抽取"

        # 1. the pool: a bad list changes nothing, the demo's list is imported
        (tmp_path / "bad.csv").write_text(
            "编号,姓名,评标专业,城市,工作单位\nE1,,A010101,济南,甲\n", "utf-8"
        )
        tab.import_list(str(tmp_path / "bad.csv"))
        await until(lambda: "未导入" in tab.message.text(), message=lambda: tab.message.text())
        assert "第 2 行「姓名」" in tab.message.text()
        project = example_project()
        bidders = [b["organisation"] for b in project["lots"][0]["bidders"]]
        roster = demo_roster(pki)["people"]
        listed = write_xlsx(tmp_path / "pool.xlsx", demo_pool(pki, roster, bidders, date.today()))
        tab.import_list(str(listed))
        await until(lambda: "199" in tab.pool_label.text(), message=lambda: tab.pool_label.text())

        # 2. the request, typed; the official signs with their own certificate file
        (tmp_path / "project.json").write_text(json.dumps(project, ensure_ascii=False), "utf-8")
        request = tab.request
        request.load_project(str(tmp_path / "project.json"))
        await until(
            lambda: request.lot.count() == 1 and request.supervisor.count() > 0,
            message="project and roster",
        )
        # the project by its name, whole, at the console's default size (it showed "on")
        workspace.resize(1100, 720)
        await until(lambda: request.project_edit.width() > 300, message="laid out")
        shown = request.project_edit
        assert shown.text() == project["project"]["name"] and shown.toolTip().endswith(".json")
        assert shown.fontMetrics().horizontalAdvance(shown.text()) <= shown.width() - 12
        request.draw_id.setText("JN-2026-0418-D1")
        request.tenderer_city.setText("济南")
        request.needs.setPlainText("A010101 2 0\nA010102 1 1\nA010103 2 0")
        request.seats.setPlainText("济南 A01-A04\n淄博 B01-B02")
        request.other_city.setValue(2)
        request.supervisor.setCurrentIndex(request.supervisor.findText(official.name))
        request.supervisor_file.setText(str(official.p12))
        tab.draw_button.click()
        await until(
            lambda: "抽中 5 人" in tab.message.text(),
            message=lambda: tab.message.text(),
            timeout=60,
        )
        assert "按规则排除" in tab.message.text()
        # the official is named in their prompt; the sealing key is made with its password
        assert asked == ["监督人员的证书密码", "交易中心密封密钥密码"]
        await until(lambda: tab.draws.rowCount() == 1, message="the draw is listed")
        # at the console's default size, every cell whole (no "…", no column past the edge)
        await read_whole(tab.draws)
        assert "陈静" not in json.dumps(cells(tab.committee, 0), ensure_ascii=False)  # still sealed

        # 3. open the sealed record and take the committee into the wizard, by clicks
        tab.draws.selectRow(0)
        tab.open_button.click()
        await until(lambda: tab.committee.rowCount() == 5, message="committee shown")
        await read_whole(tab.committee)
        assert asked[-1] == "交易中心密封密钥密码"
        wizard = workspace.wizard
        # taken before the project file is chosen: the wizard is shown and says what to do first
        tab.use_button.click()
        assert workspace.tabs.currentWidget() is wizard
        assert wizard.message.isVisible() and "项目文件" in wizard.message.text()
        assert not [a for a in wizard.assignments if a.person.role == "expert"]
        workspace.tabs.setCurrentWidget(tab)
        wizard.load_project(str(tmp_path / "project.json"))
        await until(
            lambda: wizard.check is not None and wizard.check.ok and wizard.roster,
            message="wizard ready",
        )
        tab.use_button.click()
        assert workspace.tabs.currentWidget() is wizard
        drawn = {pki.person(k).person_id: SEATS[k] for k in EXPERTS}
        assert {(a.person.person_id, a.venue, a.seat) for a in wizard.assignments} == {
            (pid, *seat) for pid, seat in drawn.items()
        }
        assert wizard.assign(pki.person("supervisor-jinan").person_id, "jinan", "S1") is None
        wizard.session_id.setText("S1")
        created: list[str] = []
        wizard.created.connect(created.append)
        wizard.create_button.click()
        await until(lambda: created, message=lambda: wizard.message.text(), timeout=60)
        made = await logged.client.get("/sessions/S1")
        assert made["phase"] == "check_in"
        assert {m["person_id"] for m in made["members"] if m["role"] == "expert"} == set(drawn)

        # 4. 孙丽 recuses: no reserve is left, a supplementary draw seats 王芳 (just imported)
        later = write_xlsx(tmp_path / "later.xlsx", demo_people(pki, roster, LATER, date.today()))
        tab.import_list(str(later))
        await until(lambda: "200" in tab.pool_label.text(), message="王芳 imported")

        grey_without_reason: list[bool] = []

        async def replace(dialog: ReplaceDialog) -> None:
            from PySide6.QtCore import Qt
            from PySide6.QtTest import QTest
            from PySide6.QtWidgets import QDialogButtonBox

            grey_without_reason.append(not dialog.ok_button.isEnabled())
            box = dialog.findChild(QDialogButtonBox)
            assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"
            await _choose(dialog.who, "孙丽")
            await _choose(dialog.cause, "回避")
            await type_text(dialog.reason, "三年内曾在投标人B3任职", clear=False)
            await asyncio.sleep(0)
            QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

        answer(ReplaceDialog, replace)
        tab.replace_button.click()
        await until(
            lambda: "王芳" in tab.message.text(), message=lambda: tab.message.text(), timeout=60
        )
        assert "王芳" in cells(tab.committee, 0) and "回避" in cells(tab.committee, 4)
        assert grey_without_reason == [True]  # the reason is required
        assert asked[-1] == "监督人员的证书密码"
        # the grown record went to S1, which seats 王芳 where the record says; 孙丽's seat is taken
        wang = pki.person("expert-sd-3").person_id
        sun = pki.person("expert-dual-sd").person_id
        after = await logged.client.get("/sessions/S1")
        status = {m["person_id"]: (m["status"], m["venue"], m["seat"]) for m in after["members"]}
        seat = next(m for m in tab.opened.committee if m.person_id == wang)
        assert status[wang] == ("assigned", seat.venue, seat.seat)
        assert status[sun][0] == "replaced"
        where = f"{tab.venues()[seat.venue]} {seat.seat}"
        assert tab.message.text().splitlines() == [
            "由 王芳 替补。",
            f"{after['title']}：抽取记录已附加，王芳已安排在{where}座位。",
        ], tab.message.text()

    drive(scenario)
