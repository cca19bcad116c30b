"""UI tests: offscreen Qt, one qasync loop per test, a real venue in a thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.ui.venue_thread import VenueThread
from tests.venue.conftest import venue_pki  # noqa: F401  (session-scoped demo PKI with CRL/OCSP services)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The UI tests time out from a thread: the signal method's exception is raised inside
    whatever loop callback runs, where asyncio's Handle catches and logs it, and a hung test
    then hung the run (CI ended at its 5400 s instead). The thread method dumps every stack
    and ends the run."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.timeout(method="thread"))


@pytest.fixture
def venue(venue_pki, tmp_path) -> Iterator[VenueThread]:  # type: ignore[no-untyped-def]  # noqa: F811
    thread = VenueThread(venue_pki, tmp_path / "venue")
    yield thread
    thread.stop()


@pytest.fixture(scope="session")
def session_loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:  # type: ignore[no-untyped-def]
    """One qasync loop for the whole run: closing a loop while Qt still holds its timers crashes."""
    import qasync

    from evaluator_app.ui.style import apply_style

    apply_style(qapp)
    qapp.setQuitOnLastWindowClosed(False)  # the scenario, not the last window, ends the loop
    event_loop = qasync.QEventLoop(qapp, already_running=False)
    event_loop.set_exception_handler(_stop_on_stranded_task)
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()  # joins its worker threads: Qt aborts on a QThread still running at exit
    asyncio.set_event_loop(None)


@pytest.fixture
def loop(session_loop) -> Iterator[asyncio.AbstractEventLoop]:  # type: ignore[no-untyped-def]
    asyncio.set_event_loop(session_loop)
    yield session_loop

    session_loop.run_until_complete(_settle())


async def _settle() -> None:
    """Leave nothing running into the next test: every window is closed here, inside the loop,
    and finishes its shutdown; then every other task is cancelled. Run at the end of ``drive``
    too, before pytest-qt's processEvents() after the test: that steps the app's tasks with no
    loop running ("no running event loop", "coroutine 'Event.wait' was never awaited", failing
    the next test); hidden windows too, which qtbot's teardown would close outside the loop."""
    from PySide6.QtWidgets import QApplication

    for widget in QApplication.topLevelWidgets():
        widget.close()
    shutdowns = [
        t
        for w in QApplication.topLevelWidgets()
        if (t := getattr(w, "shutdown_task", None)) is not None
    ]
    await _bounded_wait(shutdowns, "window shutdowns")
    await asyncio.sleep(0.05)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await _bounded_wait(others, "tasks left running")


def _stop_on_stranded_task(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Report as every loop does (tests/conftest.py records it and fails the test); and when a
    task could not be stepped because another was running ("Cannot enter into task": Qt's events
    processed inside a task), stop the loop: that task waits forever, and so would the test."""
    loop.default_exception_handler(context)
    exception = context.get("exception")
    if isinstance(exception, RuntimeError) and "Cannot enter into task" in str(exception):
        loop.stop()


async def _bounded_wait(tasks: list[asyncio.Task[Any]], what: str, timeout: float = 20) -> None:
    """Wait for ``tasks`` to end, failing (not hanging) on one that never will."""
    if not tasks:
        return
    _done, pending = await asyncio.wait(tasks, timeout=timeout)
    if pending:
        pytest.fail(f"{what} did not end within {timeout} s: {sorted(map(repr, pending))}")


@pytest.fixture
def wait_for(loop) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Run the Qt+asyncio loop until ``condition()`` holds (or fail after ``timeout`` s)."""

    def wait(condition: Callable[[], Any], timeout: float = 20.0, message: Any = "") -> Any:
        return loop.run_until_complete(until(condition, timeout, message))

    return wait


async def until(condition: Callable[[], Any], timeout: float = 20.0, message: Any = "") -> Any:
    """Inside a running scenario: let the Qt+asyncio loop work until ``condition()`` holds
    (the GUI self-test's wait, with the tests' argument order and default timeout)."""
    from evaluator_app.ui.selftest import hands

    return await hands.until(condition, message or repr(condition), timeout)


async def answer_sign_dialogs(secret: str | Callable[[Any], str]) -> None:
    """As a person would: type the PIN into every sign dialog that opens, then click 签名."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from evaluator_app.ui.alive import alive
    from evaluator_app.ui.sign_dialog import SignDialog

    while True:
        for widget in QApplication.topLevelWidgets():
            if (
                isinstance(widget, SignDialog)
                and widget.isVisible()
                and not widget.property("answered")
            ):
                widget.setProperty("answered", True)
                text = secret(widget) if callable(secret) else secret
                QTest.keyClicks(widget.secret, text)
                await asyncio.sleep(0)
                if alive(widget):
                    QTest.mouseClick(widget.sign_button, Qt.MouseButton.LeftButton)
        await asyncio.sleep(0.05)


def fits(table: Any, row: int, column: int) -> bool:
    """The cell's whole text fits its cell, wrapped at its width (less the item's text margins,
    (focus frame + 1) px each side, as Qt's item delegate lays it out), in the item's own font
    where it has one."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QStyle

    cell = table.visualRect(table.model().index(row, column))
    margin = 2 * (table.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
    own = table.item(row, column).data(Qt.ItemDataRole.FontRole)
    metrics = QFontMetrics(own) if own is not None else table.fontMetrics()
    needed = metrics.boundingRect(
        QRect(0, 0, cell.width() - margin, 10_000),
        int(Qt.TextFlag.TextWordWrap),
        table.item(row, column).text(),
    )
    return bool(needed.height() <= cell.height() and needed.width() <= cell.width() - margin)


def cut_cells(table: Any) -> list[str]:
    """What a person cannot read whole in ``table`` as laid out now: each cell whose text does
    not fit (see :func:`fits`), each column header narrower than its label ("…") and each
    column that runs past the table's visible width (half shown, behind a sideways scroll)."""
    from PySide6.QtWidgets import QStyle

    cut = [
        f"row {r} column {c}: {table.item(r, c).text()!r}"
        for r in range(table.rowCount())
        for c in range(table.columnCount())
        if table.item(r, c) is not None and table.item(r, c).text() and not fits(table, r, c)
    ]
    header = table.horizontalHeader()
    margin = 2 * table.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin)
    for c in range(table.columnCount()):
        label = table.horizontalHeaderItem(c)
        text = label.text() if label is not None else ""
        if text and header.fontMetrics().horizontalAdvance(text) + margin > header.sectionSize(c):
            cut.append(f"header {c}: {text!r} in {header.sectionSize(c)} px")
        right = header.sectionPosition(c) + header.sectionSize(c)
        if right > table.viewport().width():
            cut.append(f"column {c} ({text!r}) ends at {right} px of {table.viewport().width()}")
    return cut


async def read_whole(table: Any) -> None:
    """Every cell of ``table`` read whole (:func:`cut_cells`) at 100 % and at the largest text
    size (字号 150 %), at its window's present size; the text size is set back after."""
    from PySide6.QtWidgets import QApplication

    from evaluator_app.client.settings import TEXT_SCALES
    from evaluator_app.ui.style import apply_style, current_scale

    app = QApplication.instance()
    before = current_scale(app)
    try:
        for scale in (100, max(TEXT_SCALES)):
            apply_style(app, scale)
            await until(lambda: not cut_cells(table), message=lambda s=scale: (s, cut_cells(table)))
    finally:
        apply_style(app, before)


async def answer_dialogs(kind: type, answer: Callable[[Any], Awaitable[None]]) -> None:
    """As a person would: answer every dialog of ``kind`` that opens, once, by ``answer``."""
    from PySide6.QtWidgets import QApplication

    while True:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, kind) and widget.isVisible() and not widget.property("answered"):
                widget.setProperty("answered", True)
                await answer(widget)
        await asyncio.sleep(0.05)


async def login_centre(qtbot, venue) -> tuple[Any, Any]:  # type: ignore[no-untyped-def]
    """The centre's staff logs in on the real login page with their certificate file."""
    from evaluator_app.client.login import LoggedIn, LoginService
    from evaluator_app.ui.login_page import LoginPage

    settings = venue.settings_for("ws-centre")
    person = venue.demo.person("centre-1")
    service = LoginService(settings)
    page = LoginPage(service, settings.language)
    qtbot.addWidget(page)
    got: list[LoggedIn] = []
    page.logged_in.connect(got.append)
    page.use_file.setChecked(True)
    page.file_edit.setText(str(person.p12))
    page.secret_edit.setText(person.password)
    page.login_button.click()
    await until(lambda: got, message="centre logged in")
    return got[0], service


@pytest.fixture
def helpers() -> list[Any]:
    """Tasks a test runs beside its scenario (answering dialogs); ``drive`` stops them at the end,
    inside the loop: a task left waiting would be stepped by Qt's event processing after the
    test, with no running loop."""
    return []


@pytest.fixture
def pin(loop, helpers) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """``pin(secret)``: from now on, every sign dialog gets ``secret`` typed in and is signed."""

    def start(secret: str | Callable[[Any], str]) -> None:
        helpers.append(loop.create_task(answer_sign_dialogs(secret)))

    return start


@pytest.fixture
def answer(loop, helpers) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """``answer(kind, coroutine_function)``: from now on, every dialog of ``kind`` is answered."""

    def start(kind: type, how: Callable[[Any], Awaitable[None]]) -> None:
        helpers.append(loop.create_task(answer_dialogs(kind, how)))

    return start


@pytest.fixture
def drive(loop, helpers) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Run a whole scenario inside the running loop, as the app runs (never between steps)."""

    def run(scenario: Callable[[], Any]) -> Any:
        async def whole() -> Any:
            try:
                return await scenario()
            finally:
                for task in helpers:
                    task.cancel()
                stopping, helpers[:] = list(helpers), []
                await _bounded_wait(stopping, "dialog answerers")
                await _settle()

        return loop.run_until_complete(whole())

    return run
