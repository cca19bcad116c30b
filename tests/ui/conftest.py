"""UI tests: offscreen Qt, one qasync loop per test, a real venue in a thread."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.ui.venue_thread import VenueThread
from tests.venue.conftest import venue_pki  # noqa: F401  (session-scoped demo PKI with CRL/OCSP services)


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
    asyncio.set_event_loop(event_loop)
    yield event_loop
    event_loop.close()  # joins its worker threads: Qt aborts on a QThread still running at exit
    asyncio.set_event_loop(None)


@pytest.fixture
def loop(session_loop) -> Iterator[asyncio.AbstractEventLoop]:  # type: ignore[no-untyped-def]
    asyncio.set_event_loop(session_loop)
    yield session_loop

    # leave nothing running into the next test: windows closed at teardown finish their shutdown
    async def settle() -> None:
        await asyncio.sleep(0.05)
        others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in others:
            task.cancel()
        await asyncio.gather(*others, return_exceptions=True)

    session_loop.run_until_complete(settle())


@pytest.fixture
def wait_for(loop) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Run the Qt+asyncio loop until ``condition()`` holds (or fail after ``timeout`` s)."""

    def wait(condition: Callable[[], Any], timeout: float = 20.0, message: Any = "") -> Any:
        async def poll() -> Any:
            deadline = loop.time() + timeout
            while loop.time() < deadline:
                value = condition()
                if value:
                    return value
                await asyncio.sleep(0.05)
            detail = message() if callable(message) else message
            raise AssertionError(f"timed out waiting for {detail or condition}")

        return loop.run_until_complete(poll())

    return wait


async def until(condition: Callable[[], Any], timeout: float = 20.0, message: Any = "") -> Any:
    """Inside a running scenario: let the Qt+asyncio loop work until ``condition()`` holds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        value = condition()
        if value:
            return value
        await asyncio.sleep(0.05)
    detail = message() if callable(message) else message
    raise AssertionError(f"timed out waiting for {detail or condition}")


@pytest.fixture
def drive(loop) -> Callable[..., Any]:  # type: ignore[no-untyped-def]
    """Run a whole scenario inside the running loop, as the app runs (never between steps)."""

    def run(scenario: Callable[[], Any]) -> Any:
        return loop.run_until_complete(scenario())

    return run
