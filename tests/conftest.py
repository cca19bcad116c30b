"""Shared test settings: Qt always offscreen, so tests never need a screen; and any error an event
loop reports fails the test that was running.

Every asyncio loop (pytest-asyncio's, the UI tests' qasync loop, the venue threads' loops) that
has no handler of its own reports "Task exception was never retrieved", "Cannot enter into task",
an exception in a callback... through ``default_exception_handler``; here that records the report
(and still logs it), and the test fails at teardown. Unawaited coroutines are RuntimeWarnings,
made errors in pyproject's ``filterwarnings``; those raised from a finaliser reach pytest as
unraisable exceptions, errors too.
"""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.environ.get("EVALUATOR_COROUTINE_ORIGINS"):  # where an unawaited coroutine was created
    sys.set_coroutine_origin_tracking_depth(int(os.environ["EVALUATOR_COROUTINE_ORIGINS"]))

_reports: list[str] = []
_lock = threading.Lock()
_original_handler = asyncio.BaseEventLoop.default_exception_handler


def _describe(context: dict[str, Any]) -> str:
    parts = [str(context.get("message", "loop error"))]
    exception = context.get("exception")
    if exception is not None:
        parts.append(f"{type(exception).__name__}: {exception}")
    for key in ("task", "future", "handle"):
        if context.get(key) is not None:
            parts.append(f"{key}={context[key]!r}"[:300])
    return " · ".join(parts)


def _recording_handler(self: asyncio.BaseEventLoop, context: dict[str, Any]) -> None:
    with _lock:
        _reports.append(_describe(context))
    _original_handler(self, context)


asyncio.BaseEventLoop.default_exception_handler = _recording_handler  # type: ignore[method-assign]


def take_loop_reports() -> list[str]:
    """What the loops reported since the last call (tests that provoke a report on purpose)."""
    with _lock:
        taken = list(_reports)
        _reports.clear()
    return taken


@pytest.fixture(autouse=True)
def _fail_on_loop_errors() -> Iterator[None]:
    between = take_loop_reports()
    if between:  # after the previous test's teardown (its leftovers), or during this setup
        pytest.fail(
            "the event loop reported errors before this test began:\n  " + "\n  ".join(between),
            pytrace=False,
        )
    yield
    reports = take_loop_reports()
    if reports:
        pytest.fail("the event loop reported errors:\n  " + "\n  ".join(reports), pytrace=False)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A task that failed unnoticed is reported when it is collected: collect, then look."""
    gc.collect()
    reports = take_loop_reports()
    if reports:
        print("\nthe event loop reported errors after the tests ended:\n  " + "\n  ".join(reports))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
