"""The venue store: records, the SQLite and PostgreSQL backends, the async wrapper the server uses.

Both backends give the same ``transaction()`` (one writer at a time) and ``reading()`` (a
consistent read-only snapshot) around one :class:`StoreTx`; nothing above the store knows which
database it talks to. SQLite is the default: one file, one process. PostgreSQL serves several
workers of one venue (docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Protocol, TypeVar

from evaluator_app.venue.store.sqlite import SqliteStore, SqliteTx
from evaluator_app.venue.store.tx import StoreTx

T = TypeVar("T")
# (scope, key) of the POST being handled, when it carries an Idempotency-Key (venue/replay.py):
# the transaction that makes its change marks it, so a retry is never applied twice.
REQUEST_KEY: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar(
    "request_key", default=None
)

__all__ = ["AsyncStore", "SqliteStore", "SqliteTx", "StoreTx", "is_postgresql", "open_store"]


class Store(Protocol):
    kind: str

    def transaction(self) -> Any: ...
    def reading(self) -> Any: ...
    def close(self) -> None: ...


def is_postgresql(spec: str) -> bool:
    return spec.startswith(("postgresql://", "postgres://"))


def open_store(spec: str, sqlite_path: Path) -> Store:
    """``sqlite`` (the file at ``sqlite_path``) or a PostgreSQL URL ``postgresql://…``."""
    if is_postgresql(spec):
        from evaluator_app.venue.store.postgres import PgStore

        return PgStore(spec)
    sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteStore(sqlite_path)


class AsyncStore:
    """Runs store calls on threads of their own, so the event loop never blocks on the database.

    Writes run on one thread, in the order they were asked for: the venue relies on it (a
    progress update asked for before "done" is written before it), with SQLite as with
    PostgreSQL, where the writer lock then orders this worker's writes among the others'.
    SQLite reads share that thread (its connection belongs to it); PostgreSQL reads run on
    threads of their own, in parallel.
    """

    def __init__(self, store: Store | SqliteStore, writers: int = 0, readers: int = 0):
        self.store = store
        shared = getattr(store, "kind", "sqlite") == "postgresql"
        self.shared = shared  # several workers may use this database at once
        self._writer = ThreadPoolExecutor(
            max_workers=writers or 1, thread_name_prefix="venue-store"
        )
        self._reader = (
            ThreadPoolExecutor(max_workers=readers or 6, thread_name_prefix="venue-read")
            if shared
            else self._writer
        )
        # the event pump's reads do not queue behind a burst of uploads' reads (fan-out latency)
        self._urgent = (
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="venue-events")
            if shared
            else self._writer
        )

    @property
    def kind(self) -> str:
        return str(getattr(self.store, "kind", "sqlite"))

    async def tx(self, work: Callable[[SqliteTx], T], scope: str | None = None) -> T:
        """Run ``work(tx)`` in one writing transaction (alone among writers, on every worker).

        ``scope``: the session whose rows alone ``work`` reads and writes; on PostgreSQL it then
        runs beside other sessions' work until it appends to the chain (PgStore.transaction).
        """

        def run() -> T:
            with self._transaction(scope) as tx:
                result = work(tx)
                request = REQUEST_KEY.get()
                if request is not None and tx.audited:
                    tx.mark_request(*request, time.time())
                return result

        return await self._run(self._writer, run)

    def _transaction(self, scope: str | None) -> Any:
        if scope is not None and self.shared:
            return self.store.transaction(scope=scope)  # type: ignore[call-arg]
        return self.store.transaction()

    async def read(self, work: Callable[[SqliteTx], T], urgent: bool = False) -> T:
        """Run ``work(tx)`` in a read-only snapshot; with PostgreSQL, beside the writers.

        ``urgent``: on a thread of its own (PostgreSQL), for the events' fan-out, which must not
        wait behind every upload in flight."""

        def run() -> T:
            with self.store.reading() as tx:
                return work(tx)

        return await self._run(self._urgent if urgent else self._reader, run)

    async def call(self, fn: Callable[[], T], write: bool = False) -> T:
        """Any blocking call on the store's threads (documents' content)."""
        return await self._run(self._writer if write else self._reader, fn)

    @staticmethod
    async def _run(executor: ThreadPoolExecutor, fn: Callable[[], T]) -> T:
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(
            executor, functools.partial(context.run, fn)
        )

    async def close(self) -> None:
        if self._writer._shutdown:  # closed already (a test's venue stopped twice)
            return
        await asyncio.get_running_loop().run_in_executor(self._writer, self.store.close)
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)
        self._urgent.shutdown(wait=True)
