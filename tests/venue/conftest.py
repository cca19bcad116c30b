from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.revocation import DEFAULT_CACHE
from tests.pki_fixtures import ServicesThread, build_demo_pki, free_port
from tests.venue.harness import VenueHarness


@pytest.fixture(scope="session")
def venue_pki(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoPki]:
    port = free_port()
    demo = build_demo_pki(tmp_path_factory, f"http://127.0.0.1:{port}", name="venue-pki")
    services = ServicesThread(demo, port).start()
    yield demo
    services.stop()


@pytest.fixture
async def harness(venue_pki: DemoPki, tmp_path) -> AsyncIterator[VenueHarness]:  # type: ignore[no-untyped-def]
    h = await VenueHarness(venue_pki, tmp_path / "venue").start()
    yield h
    await h.stop()
    DEFAULT_CACHE.clear()


# the witness services (淄博, the centre) and a venue that asks them: tests/venue/witnessing.py
from tests.venue.witnessing import witnessed, witnesses  # noqa: E402, F401
