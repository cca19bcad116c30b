"""Witness services and a witnessed venue for tests (issue 12, item 2): 淄博 and the centre,
each with its own key from the demo PKI, over real TLS on loopback."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from evaluator_app.auditlog.tree_head import TreeHead
from evaluator_app.demo.witnesses import RunningWitness, start_demo_witness
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.protocol import API_PREFIX
from evaluator_app.venue.witness.record import witnessed_sizes
from tests.venue.harness import VenueHarness


@pytest.fixture
async def witnesses(venue_pki: DemoPki, tmp_path: Path) -> AsyncIterator[dict[str, RunningWitness]]:
    running = {
        w: await start_demo_witness(venue_pki, w, tmp_path / f"witness-{w}")
        for w in ("zibo", "centre")
    }
    yield running
    for w in running.values():
        await w.stop()


@pytest.fixture
async def witnessed(
    venue_pki: DemoPki, tmp_path: Path, witnesses: dict[str, RunningWitness]
) -> AsyncIterator[VenueHarness]:
    urls = {w.id: w.url for w in witnesses.values()}
    h = VenueHarness(venue_pki, tmp_path / "venue", witnesses=urls, checkpoint_every=4)
    await h.start()
    yield h
    await h.stop()


async def sizes(h: VenueHarness) -> dict[str, int]:
    return await h.venue.store.tx(witnessed_sizes)


async def last_head_size(h: VenueHarness) -> int:
    return await h.venue.store.tx(lambda tx: tx.last_checkpoint_seq())


async def until_witnessed(
    h: VenueHarness, size: int, who: tuple[str, ...] = ("zibo", "centre")
) -> dict[str, int]:
    """Wait (for a condition, not a time) until both witnesses countersigned ``size``."""
    for _ in range(400):
        seen = await sizes(h)
        if all(seen.get(w, 0) >= size for w in who):
            return seen
        await asyncio.sleep(0.05)
    raise AssertionError(f"not witnessed up to {size}: {await sizes(h)}")


async def witness_json(
    h: VenueHarness, witness: RunningWitness, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, f"{witness.url}{API_PREFIX}{path}", json=body, ssl=h.client_ssl
        ) as response,
    ):
        return response.status, await response.json()


def pair(content: bytes, signature: bytes) -> dict[str, str]:
    b64 = base64.b64encode
    return {"content": b64(content).decode(), "signature": b64(signature).decode()}


def jinan_signs(h: VenueHarness, head: TreeHead) -> dict[str, str]:
    key = open_pkcs12(h.demo.venue("jinan").p12, h.demo.venue("jinan").password)
    return pair(head.content(), sign_detached(head.content(), key))
