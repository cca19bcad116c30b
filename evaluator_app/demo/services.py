"""Running the demo's services in one asyncio loop: the CAs' CRL/OCSP/TSA, the Jinan venue and
the witnesses of its log (淄博, the centre)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from evaluator_app.client.venue_client import client_ssl_context
from evaluator_app.demo.witnesses import RunningWitness, start_demo_witness
from evaluator_app.demo.workers import WorkerPool, wait_answering
from evaluator_app.demo.world import DemoWorld
from evaluator_app.pki.services import make_pki_services_app
from evaluator_app.venue.app import build_venue, make_app, start_server, stop_server
from evaluator_app.venue.config import load_config
from evaluator_app.venue.context import Venue, iso, utc_now
from evaluator_app.venue.store import AsyncStore, open_store
from evaluator_app.venue.store.records import WorkstationRecord

logger = logging.getLogger(__name__)


@dataclass
class RunningServices:
    venue: Venue | None  # the venue in this process; None when it runs as worker processes
    pki_runner: web.AppRunner
    venue_runner: web.AppRunner | None
    venue_server: asyncio.AbstractServer | None
    store: AsyncStore  # the venue's store, for the self-test's checks
    workers: WorkerPool | None = None
    witnesses: list[RunningWitness] = field(default_factory=list)  # 淄博 and the centre

    async def stop(self) -> None:
        if self.venue_runner is not None and self.venue_server is not None:
            await stop_server(self.venue_runner, self.venue_server)
        if self.workers is not None:
            await self.workers.stop()
            await self.store.close()
        for witness in self.witnesses:
            await witness.stop()
        await self.pki_runner.cleanup()


async def start_services(world: DemoWorld) -> RunningServices:
    pki_runner = web.AppRunner(make_pki_services_app(world.pki))
    await pki_runner.setup()
    await web.TCPSite(pki_runner, "127.0.0.1", world.services_port).start()
    witnesses = [  # before the venue: it asks them at its first phase change
        await start_demo_witness(world.pki, w, world.root / f"witness-{w}", port)
        for w, port in world.witness_ports.items()
    ]
    config = load_config(world.venue_config)

    def seats(tx: Any, now: str) -> None:
        for person in world.people:
            tx.upsert_workstation(
                WorkstationRecord(person.workstation, person.venue, person.seat, None, None, now)
            )

    if world.worker_ports:  # the venue as worker processes on one PostgreSQL database
        store = AsyncStore(open_store(config.store, config.database))
        now = iso(utc_now())
        await store.tx(lambda tx: seats(tx, now))
        roots = [str(ca.root_cert) for ca in world.pki.cas if ca.status == "granted"]
        context = client_ssl_context(roots)
        pool = WorkerPool(world.venue_config, list(world.worker_ports), world.root)
        await pool.start(lambda port: wait_answering(f"https://127.0.0.1:{port}", context))
        logger.info("demo services up: venue workers %s", world.venue_url)
        return RunningServices(None, pki_runner, None, None, store, pool, witnesses)
    venue = build_venue(config)
    now = venue.now_iso()
    await venue.store.tx(lambda tx: seats(tx, now))
    runner, server = await start_server(make_app(venue), config)
    logger.info("demo services up: venue %s, CA services %d", world.venue_url, world.services_port)
    return RunningServices(venue, pki_runner, runner, server, venue.store, None, witnesses)
