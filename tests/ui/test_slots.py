"""``async_slot``: Qt's extra signal arguments are dropped, a running action is held, a failure is logged."""

from __future__ import annotations

import asyncio
import gc
import logging

from evaluator_app.ui import slots
from evaluator_app.ui.slots import async_slot


class _Page:
    def __init__(self) -> None:
        self.seen: list[object] = []

    @async_slot
    async def on_click(self) -> None:
        await asyncio.sleep(0.01)
        gc.collect()  # the task must survive a collection while Qt holds no reference to it
        self.seen.append("clicked")

    @async_slot
    async def on_index(self, index: int) -> None:
        self.seen.append(index)

    @async_slot
    async def broken(self) -> None:
        raise ValueError("the venue said no")


def test_extra_qt_arguments_are_dropped_and_the_task_runs_to_the_end(loop):  # type: ignore[no-untyped-def]
    page = _Page()
    page.on_click(False)  # clicked(bool) passes ``checked``
    page.on_index(3, "extra")
    assert len(slots._running) == 2
    gc.collect()
    loop.run_until_complete(asyncio.sleep(0.1))
    assert sorted(map(str, page.seen)) == ["3", "clicked"]
    assert not slots._running


def test_a_failed_action_is_logged_not_lost(loop, caplog):  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.ERROR, logger="evaluator_app.ui.slots"):
        task = _Page().broken()
        loop.run_until_complete(asyncio.sleep(0.05))
    assert task.done() and isinstance(task.exception(), ValueError)
    assert any("the venue said no" in (r.exc_text or str(r.exc_info)) for r in caplog.records)
