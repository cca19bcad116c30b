"""Background work that must outlive the worker that began it: leases in the store.

A collusion analysis runs for tens of seconds in one worker. If that worker dies, the analysis
would stay "running" for ever; so the worker holds a lease on it, renewed every few seconds,
and every worker looks now and then for analyses left running under an expired lease and takes
one over (collusion/orphans.py; the lease is claimed in a writer transaction: one worker
wins). A venue with one process does the same after a restart.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from typing import Any

logger = logging.getLogger(__name__)

WORKER = f"{socket.gethostname()}:{os.getpid()}"  # this process, among the venue's workers
LEASE_SECONDS = 15.0
RENEW_SECONDS = 3.0


async def claim(venue: Any, name: str) -> bool:
    now = time.time()
    return bool(await venue.store.tx(lambda tx: tx.claim_lease(name, WORKER, now, LEASE_SECONDS)))


async def release(venue: Any, name: str) -> None:
    await venue.store.tx(lambda tx: tx.release_lease(name, WORKER))


async def keep(venue: Any, name: str) -> None:
    """Renew ``name`` until cancelled (run beside the work the lease covers)."""
    while True:
        await asyncio.sleep(RENEW_SECONDS)
        try:
            await claim(venue, name)
        except Exception as exc:  # the store is down: the lease may lapse; the work goes on
            logger.warning("cannot renew lease %s: %s", name, exc)
