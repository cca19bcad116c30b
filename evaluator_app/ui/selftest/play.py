"""``evaluator demo --selftest --gui``: the whole session played through the real windows.

Every person of the demo (five experts, one of whom recuses, the reserve who replaces them, both
venues' supervisors, the trading centre) has their own main window and data folder, logs in on
the login page with their certificate file and password, and acts only through visible
controls: clicks, typed keys, the PIN typed into the real sign dialog, the reason into the real
reason dialog. Nothing calls the venue's API on anyone's behalf. The same checks as the
headless self-test end it with the same ranking line.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint

from evaluator_app.demo.actors import SESSION, example_project, example_scores
from evaluator_app.demo.world import DemoWorld
from evaluator_app.ui.selftest.centre_steps import (
    archived,
    replaced_by_the_draw,
    substitute_through_the_draw,
)
from evaluator_app.ui.selftest.hands import (
    GuiStepError,
    choose_in_combo,
    click,
    click_cell,
    click_list_row,
    edit_cell,
    enabled,
    enabled_click,
    grey,
    page_drawn,
    says,
    type_text,
    until,
)
from evaluator_app.ui.selftest.people import (
    Person,
    click_tab,
    log_in,
    open_session,
    open_window,
)

logger = logging.getLogger(__name__)

# who plays which example expert (examples/scores.json); 孙丽 (expert-dual-sd) recuses
PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-sd-3": "E5",
}
RECUSES = "expert-dual-sd"
LEADER = "expert-sd-1"
STEP = {"declaration": 0, "election": 1, "gates": 2, "documents": 3, "scoring": 4, "review": 5}
STEP["summary"] = 6
STEP["report"], STEP["warnings"] = 7, 8


class Play:
    def __init__(self, world: DemoWorld, say: Callable[[str], None], shots: Path | None):
        self.world, self.say, self.shots = world, say, shots
        self.people: dict[str, Person] = {}
        _, project = example_project()
        self.lot = project.lot("lot-1")
        self.scores = example_scores()

    def shot(self, p: Person, name: str, main: bool = False, widget: Any = None) -> None:
        """A PNG of the person's session window or console (``main``: their main window;
        ``widget``: a dialog of theirs, which is a window of its own)."""
        window = widget or (p.main if main else p.window)
        if self.shots is not None and window is not None:
            self.shots.mkdir(parents=True, exist_ok=True)
            window.grab().save(str(self.shots / f"{name}.png"))

    # -- the session ---------------------------------------------------------------------
    async def run(self) -> str:
        keys = [*PLAYS, RECUSES, "supervisor-jinan", "supervisor-zibo", "centre-1"]
        for offset, key in enumerate(keys):
            self.people[key] = open_window(self.world, key, offset)
        for p in self.people.values():
            shot = functools.partial(self.shot, p, "expert-login", main=True)
            await log_in(p, shot if p.key == LEADER else None)
        centre = self.people["centre-1"]
        for key in [*list(PLAYS)[:4], RECUSES, "supervisor-jinan", "supervisor-zibo", "centre-1"]:
            await open_session(self.people[key], SESSION)
        self.say("1/9 登录 everyone logged in on the login page; sessions opened from the lobby")

        await self.declarations(centre)
        self.say("2/9 承诺书 declarations signed; 孙丽 recused, the centre drew 王芳 for her seat")
        await self.election()
        self.say("3/9 组长 leader elected in the windows: 张伟")
        await self.gates()
        self.say("4/9 初步评审 gate votes signed; the leader moved on to detailed scoring")
        await self.warnings()
        self.say("5/9 围标串标预警 the leader signed the committee's decision on every warning")
        await self.pause_and_resume()
        self.say("6/9 暂停 the Jinan supervisor paused (the experts saw it) and resumed")
        await self.scoring()
        self.say("7/9 评分 every sheet typed, checked, shown, signed; 王芳's deviation explained")
        ranking = await self.summary()
        self.say(f"8/9 汇总 ranking {ranking}")
        await self.report()
        self.say("9/9 评标报告 every member signed the report in their window; session closed")
        checks = await archived(self.world, centre)
        self.say(f"存档 the centre exported the archive and verified it offline: {checks} checks")
        return ranking

    def expert(self, key: str) -> Any:
        return self.people[key].window

    async def goto(self, key: str, step: str) -> Any:
        window = self.expert(key)
        await click_list_row(
            window.steps, lambda t: t == window.steps.item(STEP[step]).text(), step
        )
        return window.pages[STEP[step]]

    async def declarations(self, centre: Person) -> None:
        for key in list(PLAYS)[:4]:
            page = await self.goto(key, "declaration")
            await enabled_click(page.no_conflict, f"{key}: 无利害关系")
            await enabled_click(page.sign_button, f"{key}: 签名并提交")
            await self.people[key].sign("the declaration", page=page)
            await until(says(page.message, "回执"), f"{key}: declaration receipt")
        page = await self.goto(RECUSES, "declaration")
        await enabled_click(page.conflict, "回避")
        await type_text(page.reason, "三年内曾在投标人B3任职")
        self.shot(self.people[RECUSES], "expert-recusal")
        await enabled_click(page.sign_button, "孙丽: 签名并提交")
        await self.people[RECUSES].sign("the recusal", page=page)
        await until(lambda: "回执" in page.message.text(), "recusal receipt")

        await substitute_through_the_draw(centre)
        self.shot(centre, "centre-substitute")
        await replaced_by_the_draw(
            self.world, centre, functools.partial(self.shot, centre, main=True)
        )
        substitute = self.people["expert-sd-3"]
        await open_session(substitute, SESSION)
        page = await self.goto("expert-sd-3", "declaration")
        await enabled_click(page.no_conflict, "王芳: 无利害关系")
        await enabled_click(page.sign_button, "王芳: 签名并提交")
        await substitute.sign("the declaration", page=page)
        await until(lambda: self.expert(LEADER).session.phase == "leader_election", "the election")
        recused = self.expert(RECUSES)  # her window says the session goes on without her
        await until(lambda: "替补" in recused.banner.text(), "孙丽's window: a substitute seated")
        self.shot(self.people[RECUSES], "expert-replaced")

    async def election(self) -> None:
        for key in PLAYS:
            page = await self.goto(key, "election")
            await until(enabled(page.vote_button), f"{key}: vote offered")
            await click_list_row(page.members, lambda t: "张伟" in t, "张伟")
            await click(page.vote_button)
            await self.people[key].sign("the vote", page=page)
            await until(grey(page.vote_button), f"{key}: vote sent")
        await until(lambda: self.expert(LEADER).session.phase == "preliminary_review", "the review")

    async def gates(self) -> None:
        names = {i.id: i.name for i in self.lot.plan.gate_items}
        for key, example in PLAYS.items():
            page = await self.goto(key, "gates")
            await until(enabled(page.sign_button), f"{key}: gates offered")
            for fail in self.scores["gate_votes"]["fails"]:
                if fail["expert"] != example:
                    continue
                row = next(
                    r
                    for r in range(page.table.rowCount())
                    if page.table.item(r, 0).text().startswith(fail["bidder"] + " ")
                    and page.table.item(r, 1).text() == names[fail["item"]]
                )
                combo = page.table.cellWidget(row, 2)  # keys to the combo: a click opens its list
                page.table.scrollToItem(page.table.item(row, 0))
                await choose_in_combo(combo, lambda t: t in ("不合格", "Fail"), "不合格")
                await edit_cell(page.table, row, 3, fail["reason"])
            if key == LEADER:
                self.shot(self.people[key], "expert-preliminary-review")
            await click(page.sign_button)
            await self.people[key].sign("the gate votes", page=page)
            await until(grey(page.sign_button), f"{key}: gates sent")
        leader = self.expert(LEADER)
        move = leader.moves.buttons["phase:preliminary_review->detailed_scoring"]
        await enabled_click(move, "the leader's 进入详细评审", 120)
        await until(lambda: leader.session.phase == "detailed_scoring", "detailed scoring")
        gate_page = await self.goto(LEADER, "gates")  # the outcome, each rejection with its reason
        await until(
            says(gate_page.message, "超过最高限价"),
            lambda: f"the rejections' reasons on the gate page ({gate_page.message.text()!r})",
            30,
        )
        if "票不通过" not in gate_page.message.text():
            raise GuiStepError(f"the failed item's votes are missing: {gate_page.message.text()}")
        if self.shots is not None:
            self.shot(self.people[LEADER], "expert-preliminary-review-decided")
        docs = await self.goto(LEADER, "documents")  # the tender and the first bid, side by side
        await until(
            lambda: docs.left.document.pageCount() > 0 and docs.right.document.pageCount() > 0,
            "the tender and the first bid shown",
            120,
        )
        if self.shots is not None:  # the window may have followed the phase to step 5 meanwhile
            docs = await self.goto(LEADER, "documents")
            for pane in (docs.left, docs.right):
                await until(page_drawn(pane.view), "the documents' pages drawn", 30)
            self.shot(self.people[LEADER], "expert-documents")

    async def warnings(self) -> None:
        page = await self.goto(LEADER, "warnings")
        await until(lambda: page.table.rowCount() >= 1, "the collusion analysis", 180)
        decided = 0
        while decided < page.table.rowCount():
            row = decided
            await click_cell(page.table, row, 0)
            first = row == 0
            choice = "确认存在问题" if first else "记录备查"
            await choose_in_combo(page.decision, choice.__eq__, choice)
            await type_text(
                page.reasons,
                "B4、B5 投标文件雷同且由同一人编制，委员会认定存在串通投标嫌疑，报交易中心处理"
                if first
                else "与上一条预警为同一事实，一并报交易中心处理",
            )
            await enabled_click(page.decide_button, "签署委员会决定")
            await self.people[LEADER].sign("the committee's decision", page=page)
            await until(
                functools.partial(_cell_starts, page.table, row, 4, choice),
                f"warning {row + 1} decided",
            )
            decided += 1
        self.shot(self.people[LEADER], "expert-warnings")

    async def pause_and_resume(self) -> None:
        sup = self.people["supervisor-jinan"]
        actions = sup.window.actions_panel
        await type_text(actions.reason_edit, "淄博分会场网络检查")
        await enabled_click(actions.pause_button, "暂停")
        expert = self.expert("expert-nca-2")
        await until(lambda: "暂停" in expert.banner.text(), "the pause shown to 杨帆")
        await asyncio.sleep(0.2)  # laid out with the banner
        steps_at = expert.steps.mapTo(expert, QPoint(0, 0))
        self.shot(self.people["expert-nca-2"], "expert-paused")
        await type_text(actions.reason_edit, "网络恢复")
        await enabled_click(actions.resume_button, "恢复")
        await until(lambda: not expert.session.paused, "resumed")
        await until(lambda: not expert.banner.text(), "杨帆's pause banner gone")
        await asyncio.sleep(0.2)  # laid out without it
        if expert.steps.mapTo(expert, QPoint(0, 0)) != steps_at:  # a click would land elsewhere
            raise GuiStepError(f"the banner moved 杨帆's list of steps from {steps_at}")

    async def score(self, key: str, example: str) -> None:
        page = await self.goto(key, "scoring")
        table = page.table
        await until(lambda: table.columnCount() == 3, f"{key}: the scoring grid")
        columns = {table.horizontalHeaderItem(c).text().split("\n")[0]: c for c in range(3)}
        rows = {
            table.verticalHeaderItem(r).text().split("\n")[0]: r
            for r in range(table.rowCount())
            if table.verticalHeaderItem(r) is not None
        }
        names = {i.id: i.name for i in self.lot.plan.scored_items}
        for bidder, items in self.scores["sheets"][example].items():
            for item, value in items.items():
                await edit_cell(table, rows[names[item]], columns[bidder], str(value))

    async def sign_sheet(self, key: str) -> None:
        p = self.people[key]
        review = await self.goto(key, "review")
        await enabled_click(review.prepare_button, f"{key}: 生成待签评分表")
        await until(lambda: review.sign_button.isEnabled(), f"{key}: the sheet to sign", 120)
        if key == "expert-sd-3" and self.shots is not None:
            await until(page_drawn(review.view), f"{key}: the sheet's page drawn", 30)
            self.shot(p, "expert-review-sign")
        await click(review.sign_button)
        await p.sign("the score sheet", page=review)
        await until(lambda: review.receipt is not None, f"{key}: the sheet's receipt", 120)

    async def scoring(self) -> None:
        for key, example in list(PLAYS.items())[:4]:
            await self.score(key, example)
            await self.sign_sheet(key)
        key, p = "expert-sd-3", self.people["expert-sd-3"]
        await self.score(key, "E5")
        review = await self.goto(key, "review")
        await enabled_click(review.prepare_button, "王芳: 生成待签评分表")
        scoring = p.window.scoring
        await until(lambda: scoring.explanation.isVisible(), "the deviation bounce", 120)
        self.shot(p, "expert-scoring-deviation")
        text = self.scores["explanations"]["E5"]["B2/t-organisation"]
        await type_text(scoring.explanation, text)
        await self.sign_sheet(key)
        await until(lambda: self.expert(LEADER).session.phase == "summary", "the summary", 120)
        tables = self.people["supervisor-jinan"].window.tables
        scored = str(len(self.lot.plan.scored_items) * 3)  # every item for the three valid bids

        def counts() -> dict[str, str]:  # 已评项数 as the supervisor reads it, per expert
            ids = {self.expert(k).session.me: k for k in PLAYS}
            return {k: t.cell(i, 5) if (t := tables.table_of(i)) else "" for i, k in ids.items()}

        await until(
            lambda: set(counts().values()) == {scored},
            lambda: f"the supervisor's count of scored items ({counts()}, not {scored})",
            15,
        )
        self.shot(self.people["supervisor-jinan"], "supervisor-console")

    async def summary(self) -> str:
        page = await self.goto(LEADER, "summary")
        await until(lambda: page.table.rowCount() >= 3, "the summary table", 120)
        self.shot(self.people[LEADER], "expert-summary")
        ids = {b.name: b.id for b in self.lot.bidders}  # the table names bidders by name

        def bidder(text: str) -> str:
            return next((i for name, i in ids.items() if text.startswith(name)), text)

        cells = [
            [page.table.item(r, c).text() for c in range(3)] for r in range(page.table.rowCount())
        ]
        ranking = " ".join(f"{rank}.{bidder(name)} {final}" for rank, name, final in cells)
        for row in page.table.cells():  # technical, commercial and price score all shown
            if any(not row[c][:1].isdigit() for c in (3, 4, 5)):
                raise GuiStepError(f"the summary lacks a part of the final score: {row}")
        rejected = page.rejected.text()
        if "超过最高限价" not in rejected or "票不通过" not in rejected:
            raise GuiStepError(f"the summary shows no reason for the rejected bids: {rejected!r}")
        centre = self.people["centre-1"]  # the centre collects and verifies the signed sheets
        await click_tab(centre.main.centre.tabs, "汇总")
        collect = centre.main.centre.collect
        await enabled_click(collect.collect_button, "汇总并核验")
        await until(lambda: collect.results.rowCount() >= 3, "the centre's results", 120)
        await until(  # the sheets verify and so does the record of who sits on the committee
            says(collect.status, "存档核验通过"),
            lambda: f"the centre's check of the session ({collect.status.text()!r})",
            120,
        )
        self.shot(centre, "centre-collect", main=True)
        return ranking

    async def report(self) -> None:
        leader = self.expert(LEADER)
        move = leader.moves.buttons["phase:summary->report_signing"]
        await enabled_click(move, "the leader's 进入报告签署", 120)
        for key in PLAYS:
            page = await self.goto(key, "report")
            await until(enabled(page.sign_button), f"{key}: report", 120)
            if key == LEADER:
                await until(page_drawn(page.viewer.view), "the report's first page drawn", 30)
                self.shot(self.people[key], "expert-report")
            await click(page.sign_button)
            await self.people[key].sign("the report", page=page)
            await until(
                functools.partial(_signed_report, page, self.expert(key).session.me),
                f"{key}: report signed",
                120,
            )
        await until(lambda: leader.session.phase == "closed", "the session closed", 120)


def _cell_starts(table: Any, row: int, column: int, text: str) -> bool:
    item = table.item(row, column)
    return item is not None and bool(item.text().startswith(text))


def _signed_report(page: Any, me: str) -> bool:
    return page.report is not None and me in page.report["signed"]


async def play(world: DemoWorld, say: Callable[[str], None], shots: Path | None = None) -> str:
    game = Play(world, say, shots)
    try:
        return await game.run()
    finally:
        for p in game.people.values():
            try:
                p.main.close()
                if p.main.shutdown_task is not None:
                    await p.main.shutdown_task  # type: ignore[misc]
            except Exception:  # closing is best effort: the process ends next
                logger.debug("closing %s", p.key, exc_info=True)


__all__ = ["GuiStepError", "play"]
