"""Running the demo's services in one asyncio loop: the CAs' CRL/OCSP/TSA and the Jinan venue."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiohttp import web

from evaluator_app.demo.world import DemoWorld
from evaluator_app.pki.services import make_pki_services_app
from evaluator_app.venue.app import build_venue, make_app, start_server, stop_server
from evaluator_app.venue.config import load_config
from evaluator_app.venue.context import Venue
from evaluator_app.venue.store.records import WorkstationRecord

logger = logging.getLogger(__name__)


@dataclass
class RunningServices:
    venue: Venue
    pki_runner: web.AppRunner
    venue_runner: web.AppRunner
    venue_server: asyncio.AbstractServer

    async def stop(self) -> None:
        await stop_server(self.venue_runner, self.venue_server)
        await self.pki_runner.cleanup()


async def start_services(world: DemoWorld) -> RunningServices:
    pki_runner = web.AppRunner(make_pki_services_app(world.pki))
    await pki_runner.setup()
    await web.TCPSite(pki_runner, "127.0.0.1", world.services_port).start()
    config = load_config(world.venue_config)
    venue = build_venue(config)
    now = venue.now_iso()

    def seats(tx):
        for person in world.people:
            tx.upsert_workstation(
                WorkstationRecord(person.workstation, person.venue, person.seat, None, None, now)
            )

    await venue.store.tx(seats)
    runner, server = await start_server(make_app(venue), config)
    logger.info("demo services up: venue %s, CA services %d", world.venue_url, world.services_port)
    return RunningServices(venue, pki_runner, runner, server)
