"""A real venue in a thread with its own event loop, so the UI's qasync loop stays free."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from evaluator_app.client.settings import AppSettings
from evaluator_app.pki.demo_pki import DemoPki
from tests.venue.harness import VenueHarness

T = TypeVar("T")


class VenueThread:
    def __init__(self, demo: DemoPki, directory: Path, **overrides: Any):
        self.demo = demo
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="venue", daemon=True)
        self.thread.start()
        self.harness: VenueHarness = self.call(self._start(directory, overrides))

    async def _start(self, directory: Path, overrides: dict[str, Any]) -> VenueHarness:
        return await VenueHarness(self.demo, directory, **overrides).start()

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def stop(self) -> None:
        self.call(self.harness.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)

    def settings_for(self, workstation_id: str, language: str = "zh_CN") -> AppSettings:
        roots = tuple(str(ca.root_cert) for ca in self.demo.cas if ca.status == "granted")
        return AppSettings(
            language=language,
            main_venue_url=self.harness.base_url,
            workstation_id=workstation_id,
            trust_list=str(self.demo.trust_list),
            trust_list_signer=str(self.demo.trust_list_signer.cert),
            ca_roots=roots,
            tsa_url=f"{self.demo.services_url}/tsa",
        )
