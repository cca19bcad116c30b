"""The venue store: records, the SQLite backend, and the async wrapper the server uses.

A PostgreSQL backend implements the same ``transaction()`` / Tx methods; nothing above the
store knows which database it talks to.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from evaluator_app.venue.store.sqlite import SqliteStore, SqliteTx

T = TypeVar("T")

__all__ = ["AsyncStore", "SqliteStore", "SqliteTx"]


class AsyncStore:
    """Runs every store call on one dedicated thread, so the event loop never blocks on disk."""

    def __init__(self, store: SqliteStore):
        self.store = store
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="venue-store")

    async def tx(self, work: Callable[[SqliteTx], T]) -> T:
        """Run ``work(tx)`` in one transaction on the store thread."""

        def run() -> T:
            with self.store.transaction() as tx:
                return work(tx)

        return await asyncio.get_running_loop().run_in_executor(self._executor, run)

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self.store.close)
        self._executor.shutdown(wait=True)
