"""Collusion analyses whose worker died (their lease in venue/jobs.py expired), taken over by
whichever worker looks first."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any

from evaluator_app.venue.collusion import service
from evaluator_app.venue.jobs import RENEW_SECONDS

logger = logging.getLogger(__name__)


class OrphanWatch:
    """Takes over analyses whose worker died (their lease expired)."""

    def __init__(self, venue: Any, interval: float = RENEW_SECONDS):
        self.venue, self.interval = venue, interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="orphan-watch")

    async def _run(self) -> None:
        while True:
            try:
                orphans = await self.venue.store.read(self._orphans)
                for session_id in orphans:
                    logger.warning("taking over the collusion analysis of %s", session_id)
                    service.start(self.venue, session_id)
            except Exception as exc:
                logger.warning("cannot look for orphaned work: %s", exc)
            await asyncio.sleep(self.interval)

    @staticmethod
    def _orphans(tx: Any) -> list[str]:
        now = time.time()
        return [s for s in tx.running_analyses() if tx.lease_free(service.lease_name(s), now)]

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
