"""Client tests run against the real venue of tests/venue (real TLS, demo-PKI signatures)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.demo.proxy import CuttableRelay
from evaluator_app.venue.app import build_venue
from tests.venue.conftest import harness, venue_pki  # noqa: F401
from tests.venue.harness import VenueHarness

CutProxy = CuttableRelay  # the same relay the demo's self-test cuts


@pytest.fixture
async def proxy(harness: VenueHarness) -> AsyncIterator[CutProxy]:  # noqa: F811
    p = await CutProxy(harness.port).start()
    yield p
    await p.close()


@pytest.fixture
async def clients() -> AsyncIterator[list[VenueClient]]:
    """Clients the test makes itself (not the harness's): they outlive a venue restart."""
    made: list[VenueClient] = []
    yield made
    for client in made:
        await client.close()


async def login(
    h: VenueHarness,
    made: list[VenueClient],
    person_key: str,
    base_url: str | None = None,
    workstation_id: str | None = None,
) -> VenueClient:
    role = h.demo.person(person_key).role
    default = "ws-centre" if role == "centre" else f"ws-{person_key}"
    client = VenueClient(base_url or h.base_url, h.client_ssl, workstation_id or default)
    made.append(client)
    await client.login(h.signer(person_key))
    return client


async def start_again(h: VenueHarness) -> None:
    """After ``h.stop()``: a new venue serves the same port and database (a restarted process)."""
    h.venue = build_venue(h.config)
    await h.start()


async def eventually(
    check: Callable[[], Awaitable[Any]] | Callable[[], Any], timeout: float = 10.0, what: str = ""
) -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)
