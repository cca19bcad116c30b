"""``ops``: the one way a widget runs async work — held, shown while slow, failures in words and
logged once, a second click ignored, dialogs awaited without a nested event loop."""

from __future__ import annotations

import asyncio
import gc
import logging

from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QVBoxLayout, QWidget

from evaluator_app.client.errors import VenueRefused
from evaluator_app.ui import ops
from evaluator_app.ui.ops import op
from evaluator_app.ui.sign_dialog import SignDialog, ask_secret
from tests.ui.conftest import until


class _Page(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.language = "zh_CN"
        self.seen: list[object] = []
        self.failures: list[str] = []
        self.gate = asyncio.Event()

    def show_failure(self, text: str) -> None:
        self.failures.append(text)

    @op
    async def on_click(self) -> None:
        await asyncio.sleep(0.01)
        gc.collect()  # the task must survive a collection while Qt holds no reference to it
        self.seen.append("clicked")

    @op
    async def on_index(self, index: int) -> None:
        self.seen.append(index)

    @op
    async def refused(self) -> None:
        raise VenueRefused(409, "illegal_transition", "only the leader", "只有组长可以进行此操作")

    @op
    async def broken(self) -> None:
        raise ValueError("internal detail nobody should read")

    @op
    async def slow(self) -> None:
        self.seen.append("slow started")
        await self.gate.wait()


def test_extra_qt_arguments_are_dropped_and_the_task_is_held_to_the_end(loop):  # type: ignore[no-untyped-def]
    page = _Page()
    page.on_click(False)  # clicked(bool) passes ``checked``
    page.on_index(3, "extra")
    assert len(ops.running(page)) == 2
    gc.collect()
    loop.run_until_complete(asyncio.sleep(0.1))
    assert sorted(map(str, page.seen)) == ["3", "clicked"]
    assert not ops.running(page)


def test_a_refusal_is_shown_in_words_and_logged_once_without_traceback(loop, caplog):  # type: ignore[no-untyped-def]
    page = _Page()
    with caplog.at_level(logging.INFO, logger="evaluator_app.ui.ops"):
        task = page.refused()
        loop.run_until_complete(asyncio.sleep(0.05))
    assert task.done()
    assert page.failures == ["只有组长可以进行此操作"]
    logged = [r for r in caplog.records if r.name == "evaluator_app.ui.ops"]
    assert len(logged) == 1 and logged[0].exc_info is None


def test_an_unexpected_error_says_nothing_was_completed_never_its_text(loop, caplog):  # type: ignore[no-untyped-def]
    page = _Page()
    with caplog.at_level(logging.ERROR, logger="evaluator_app.ui.ops"):
        page.broken()
        loop.run_until_complete(asyncio.sleep(0.05))
    assert len(page.failures) == 1
    assert "internal detail" not in page.failures[0] and "未完成" in page.failures[0]
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is not None  # the traceback is in the log only


def test_a_second_click_while_running_is_ignored_and_progress_shows_when_slow(loop):  # type: ignore[no-untyped-def]
    window = QMainWindow()
    page = _Page()
    window.setCentralWidget(page)
    window.show()

    async def scenario() -> None:
        first = page.slow()
        assert page.slow() is None  # the same action again: ignored
        progress = await until(lambda: getattr(window, "_ops_progress", None), timeout=5)
        await until(lambda: progress.bar.isVisible(), timeout=5, message="progress shown")
        page.gate.set()
        await first
        await until(lambda: not progress.bar.isVisible(), timeout=5, message="progress hidden")

    loop.run_until_complete(scenario())
    assert page.seen == ["slow started"]
    window.close()


def test_cancel_all_stops_a_windows_operations(loop):  # type: ignore[no-untyped-def]
    window = QMainWindow()
    page = _Page()
    window.setCentralWidget(page)
    task = page.slow()
    loop.run_until_complete(ops.cancel_all(window))
    assert task.cancelled() and not ops.running(page) and page.failures == []


def test_the_sign_dialog_is_awaited_while_other_tasks_keep_running(loop):  # type: ignore[no-untyped-def]
    """The PIN dialog must not run a nested loop: a heartbeat-like task ticks while it is open,
    and typing into the real dialog answers it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    window = QWidget()
    QVBoxLayout(window).addWidget(QLabel("page"))
    window.show()
    ticks: list[int] = []

    async def beat() -> None:
        while True:
            ticks.append(1)
            await asyncio.sleep(0.02)

    async def scenario() -> str | None:
        beating = asyncio.ensure_future(beat())
        asking = asyncio.ensure_future(ask_secret(window, "评分表", _logged_in_with_a_file()))
        dialog = await until(
            lambda: next(
                (w for w in QApplication.topLevelWidgets() if isinstance(w, SignDialog)), None
            ),
            timeout=5,
        )
        before = len(ticks)
        await until(lambda: len(ticks) > before + 3, timeout=5, message="ticks while asking")
        QTest.keyClicks(dialog.secret, "246810")
        QTest.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)
        answer = await asking
        beating.cancel()
        await asyncio.gather(beating, return_exceptions=True)
        return answer

    assert loop.run_until_complete(scenario()) == "246810"
    window.close()


def test_a_dialog_whose_operation_is_cancelled_is_closed(loop):  # type: ignore[no-untyped-def]
    async def scenario() -> None:
        dialog = QDialog()
        closed: list[int] = []
        dialog.finished.connect(closed.append)
        asking = asyncio.ensure_future(ops.ask(dialog))
        await until(dialog.isVisible, timeout=5)
        asking.cancel()
        await asyncio.gather(asking, return_exceptions=True)
        assert closed == [QDialog.DialogCode.Rejected.value]

    loop.run_until_complete(scenario())


def test_no_coroutine_awaits_an_op_slot():  # type: ignore[no-untyped-def]
    """An ``@op`` slot returns None while the same action still runs (a second click), so
    ``await self.load()`` inside a coroutine failed with a TypeError when a refresh had started
    the same load (seen in the GUI self-test: 'ReportPage.sign failed'). Await the coroutine."""
    import ast
    from pathlib import Path

    import evaluator_app.ui

    found = []
    for path in Path(evaluator_app.ui.__file__).parent.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
            slots = {
                f.name
                for f in cls.body
                if isinstance(f, ast.AsyncFunctionDef)
                and any(isinstance(d, ast.Name) and d.id == "op" for d in f.decorator_list)
            }
            for node in ast.walk(cls):
                call = node.value if isinstance(node, ast.Await) else None
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "self"
                    and call.func.attr in slots
                ):
                    found.append(f"{path.name}:{node.lineno} {cls.name}.{call.func.attr}")
    assert not found, found


def _logged_in_with_a_file():  # type: ignore[no-untyped-def]
    """Who signs, as the sign dialog reads it: 李娜, logged in with her certificate file."""
    from evaluator_app.client.credentials import CredentialRef
    from evaluator_app.client.login import LoggedIn
    from evaluator_app.protocol.messages import LoginResult, Role

    result = LoginResult("t", "p-lina", "李娜", Role.EXPERT, "jinan", "ws-1", "A02", "")
    return LoggedIn(CredentialRef("pkcs12", "/demo/lina.p12"), None, None, result)  # type: ignore[arg-type]
