"""The scoring grid in the real window, by keys: every keystroke journaled before Tab, a
refused score explained beside its cell for as long as it is wrong, the count of scored cells,
and the draft back after the app is abandoned mid-edit ("草稿已恢复")."""

from __future__ import annotations

import asyncio
import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from tests.ui.conftest import until
from tests.ui.test_expert_flow_ui import UI_EXPERT
from tests.ui.test_expert_resilience_ui import _close, _open, _to_scoring


def _journal_score(path, bidder: str, item: str) -> str | None:  # type: ignore[no-untyped-def]
    """Read the journal file as a freshly started process would (its own connection)."""
    with sqlite3.connect(path) as conn:
        row = conn.execute(
            "SELECT score FROM cells WHERE bidder_id = ? AND item_id = ?", (bidder, item)
        ).fetchone()
    return row[0] if row else None


def _edit(scoring, bidder: str, item_id: str) -> None:  # type: ignore[no-untyped-def]
    row = next(i for i, item in enumerate(scoring.items) if item.id == item_id)
    scoring.table.setFocus()
    scoring.table.setCurrentCell(row, scoring.bidders.index(bidder))


def test_keystrokes_are_journaled_before_tab_and_come_back(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _to_scoring(venue, h))
        window, session_window = await _open(qtbot, venue, tmp_path / "seat")
        scoring = session_window.scoring
        session_window.steps.setCurrentRow(4)
        await until(lambda: scoring.bidders == ["B1", "B2", "B3"], message="grid")
        total = len(scoring.items) * 3
        assert scoring.progress.text() == f"已评 0/{total}"
        _edit(scoring, "B1", "t-schedule")
        QTest.keyClicks(scoring.table.viewport().focusWidget() or scoring.table, "8.5")
        editor = scoring.table.indexWidget(scoring.table.currentIndex()) or (
            scoring.table.viewport().focusWidget()
        )
        assert editor is not None and editor.text() == "8.5", "the editor is still open"
        await scoring.written()
        journal = tmp_path / "seat" / "sessions" / "S1" / "journal.db"
        assert _journal_score(journal, "B1", "t-schedule") == "8.5", "on disk before any Tab"
        assert scoring.progress.text() == f"已评 1/{total}"
        # the supervisors' count follows the typing, not the next focus change
        me = h.person_id(UI_EXPERT)

        async def scored_at_venue() -> int:
            centre = await h.login("centre-1")
            rows = (await centre.get("/sessions/S1/presence"))["presence"]
            return next((r["items_scored"] for r in rows if r["person"] == me), -1)

        counts: list[int] = []

        async def venue_says_one() -> bool:
            counts.append(await asyncio.to_thread(venue.call, scored_at_venue()))
            return counts[-1] == 1

        for _ in range(100):
            if await venue_says_one():
                break
            await asyncio.sleep(0.1)
        assert counts[-1] == 1, f"the venue counts {counts[-1]} scored items, the grid 1"
        # the app is abandoned with the editor open (no Tab, no close): started again on this disk
        again, again_window = await _open(qtbot, venue, tmp_path / "seat")
        grid = again_window.scoring
        await until(lambda: grid.bidders == ["B1", "B2", "B3"], message="grid again")
        assert grid.typed_values()[("B1", "t-schedule")] == "8.5"
        assert grid.message.text().startswith("草稿已恢复"), grid.message.text()
        assert grid.progress.text() == f"已评 1/{total}"
        for w in (again, window):
            await _close(w)

    drive(scenario)


def test_a_refused_score_says_why_beside_the_cell_while_it_is_wrong(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _to_scoring(venue, h))
        window, session_window = await _open(qtbot, venue, tmp_path / "seat")
        scoring = session_window.scoring
        session_window.steps.setCurrentRow(4)
        await until(lambda: scoring.bidders == ["B1", "B2", "B3"], message="grid")
        _edit(scoring, "B2", "t-organisation")
        QTest.keyClicks(scoring.table.viewport().focusWidget() or scoring.table, "7.3")
        cell = scoring.table.visualRect(scoring.table.currentIndex())
        label = scoring.live_problem
        assert label.isVisible() and "7.3" in label.text() and "步长" in label.text()
        assert abs(label.y() - (cell.bottom() + 1)) <= 1 or label.geometry().bottom() < cell.top()
        assert label.font().pointSizeF() >= scoring.table.font().pointSizeF()  # not small print
        assert scoring.hint.objectName() == "error" and "7.3" in scoring.hint.text()
        row_before = scoring.table.rowHeight(scoring.table.currentRow())
        QTest.keyClick(scoring.table.viewport().focusWidget(), Qt.Key.Key_Tab)
        await until(lambda: not label.isVisible(), message="editor closed")
        # committed and still wrong: the cell itself now carries the reason, on another cell too
        wrong = scoring.table.item(scoring.items.index(_item(scoring, "t-organisation")), 1)
        from evaluator_app.ui.pages.score_delegate import PROBLEM_ROLE

        assert "步长" in (wrong.data(PROBLEM_ROLE) or "")
        await until(lambda: scoring.table.rowHeight(wrong.row()) > row_before, message="row grows")
        assert scoring.progress.text().endswith("1 项待更正")
        image = scoring.table.viewport().grab(scoring.table.visualItemRect(wrong)).toImage()
        reds = sum(
            1
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
            if (c := image.pixelColor(x, y)).red() > 150 and c.green() < 60 and c.blue() < 60
        )
        assert reds > 20, "the reason is painted in the cell"
        # corrected: the reason goes
        scoring.set_score("B2", "t-organisation", "7.5")
        assert wrong.data(PROBLEM_ROLE) is None
        assert not scoring.progress.text().endswith("待更正")
        # Escape abandons an edit: the journal goes back to the cell's value
        _edit(scoring, "B3", "t-schedule")
        QTest.keyClicks(scoring.table.viewport().focusWidget(), "9")
        await scoring.written()
        QTest.keyClick(scoring.table.viewport().focusWidget(), Qt.Key.Key_Escape)
        await scoring.written()
        assert session_window.session.snapshot().cells[("B3", "t-schedule")].score is None
        await _close(window)

    drive(scenario)


def _item(scoring, item_id: str):  # type: ignore[no-untyped-def]
    return next(i for i in scoring.items if i.id == item_id)
