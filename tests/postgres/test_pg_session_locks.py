"""A session's writing transaction on PostgreSQL (``transaction(scope=…)``): sessions' work runs
in parallel across workers until it appends to the chain; one session's work, the chain, and
every transaction without a scope stay one at a time. Real server, two stores (two workers)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

from evaluator_app.venue.store.postgres import PgStore

HELD = 0.6  # how long the first transaction holds what it took


@pytest.fixture
def stores(pg_dsn):  # type: ignore[no-untyped-def]
    a, b = PgStore(pg_dsn), PgStore(pg_dsn)
    yield a, b
    a.close()
    b.close()


def _waited(first: Callable[[], object], second: Callable[[], object]) -> float:
    """Seconds ``second`` took while ``first`` (started before it) held its locks for HELD s."""
    started = threading.Event()
    took: list[float] = []

    def run_second() -> None:
        started.wait(5)
        time.sleep(0.1)  # the first has its locks now
        t0 = time.monotonic()
        second()
        took.append(time.monotonic() - t0)

    threads = [threading.Thread(target=first), threading.Thread(target=run_second)]
    for t in threads:
        t.start()
    started.set()
    for t in threads:
        t.join(10)
    return took[0]


def _hold(store: PgStore, scope: str | None, append: bool) -> Callable[[], None]:
    def work() -> None:
        with store.transaction(scope=scope) as tx:
            tx.members(scope or "S1")
            if append:
                tx.append_audit("t", "a", "act", scope, {})
            time.sleep(HELD)

    return work


def _quick(store: PgStore, scope: str | None, append: bool) -> Callable[[], None]:
    def work() -> None:
        with store.transaction(scope=scope) as tx:
            tx.members(scope or "S1")
            if append:
                tx.append_event(scope, "k", "all", {}, "t")

    return work


def test_another_sessions_work_runs_beside_one_that_has_not_appended(stores):
    a, b = stores
    assert _waited(_hold(a, "S1", append=False), _quick(b, "S2", append=True)) < HELD / 2


def test_the_same_sessions_work_waits(stores):
    a, b = stores
    assert _waited(_hold(a, "S1", append=False), _quick(b, "S1", append=False)) > HELD / 2


def test_the_chain_is_one_writer_at_a_time_from_the_first_append(stores):
    a, b = stores
    assert _waited(_hold(a, "S1", append=True), _quick(b, "S2", append=True)) > HELD / 2


def test_work_without_a_scope_waits_for_a_session_s_and_is_waited_for(stores):
    a, b = stores
    assert _waited(_hold(a, "S1", append=False), _quick(b, None, append=False)) > HELD / 2
    assert _waited(_hold(a, None, append=False), _quick(b, "S2", append=False)) > HELD / 2
