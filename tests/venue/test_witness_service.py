"""The main venue asks its witnesses to countersign (issue 12, item 2), over real TLS.

济南 (jinan) names 淄博 (zibo) and the centre in venue.toml; each runs the witness service
with its own key from the demo PKI. At every phase change and every N entries the venue sends
them its new head with a consistency proof from the last one they countersigned; they check it
before signing, refuse a head that contradicts what they signed (keeping both as evidence),
and the venue records their cosignatures in its own log.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from evaluator_app.auditlog.tree_head import SignedTreeHead, TreeHead
from evaluator_app.auditlog.witness import COSIGNED_ACTION
from evaluator_app.cli.main import main
from evaluator_app.demo.witnesses import RunningWitness, start_demo_witness
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.protocol import API_PREFIX
from evaluator_app.venue.app import ASKER_KEY as ASKER
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


async def _sizes(h: VenueHarness) -> dict[str, int]:
    return await h.venue.store.tx(witnessed_sizes)


async def _last_head_size(h: VenueHarness) -> int:
    return await h.venue.store.tx(lambda tx: tx.last_checkpoint_seq())


async def _until_witnessed(h: VenueHarness, size: int) -> dict[str, int]:
    """Wait (for a condition, not a time) until both witnesses countersigned ``size``."""
    for _ in range(400):
        sizes = await _sizes(h)
        if all(sizes.get(w, 0) >= size for w in ("zibo", "centre")):
            return sizes
        await asyncio.sleep(0.05)
    raise AssertionError(f"not witnessed up to {size}: {await _sizes(h)}")


async def _witness_json(
    h: VenueHarness, witness: RunningWitness, method: str, path: str, body: Any = None
) -> tuple[int, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method, f"{witness.url}{API_PREFIX}{path}", json=body, ssl=h.client_ssl
        ) as response,
    ):
        return response.status, await response.json()


def _pair(content: bytes, signature: bytes) -> dict[str, str]:
    b64 = base64.b64encode
    return {"content": b64(content).decode(), "signature": b64(signature).decode()}


def _jinan_signs(h: VenueHarness, head: TreeHead) -> dict[str, str]:
    key = open_pkcs12(h.demo.venue("jinan").p12, h.demo.venue("jinan").password)
    return _pair(head.content(), sign_detached(head.content(), key))


async def test_witnesses_countersign_at_phase_changes_and_every_n_entries(
    witnessed: VenueHarness, witnesses: dict[str, RunningWitness], tmp_path: Path
) -> None:
    h = witnessed
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})  # a phase change
    first = await _last_head_size(h)
    await _until_witnessed(h, first)
    for n in range(6):  # no phase change: a head every 4 entries, then the witnesses again
        await centre.post("/sessions/S1/broadcast", {"message": f"通知 {n}"})
    await _until_witnessed(h, first + 4)
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    last = await _last_head_size(h)
    sizes = await _until_witnessed(h, last)
    assert sizes == {"zibo": last, "centre": last}
    # each witness keeps every head it countersigned, each extending the one before
    status, book = await _witness_json(
        h, witnesses["zibo"], "GET", "/witness/cosignatures?venue=jinan"
    )
    assert status == 200 and book["witness"] == "zibo" and not book["refused"]
    seen = [json.loads(base64.b64decode(c["content"])) for c in book["cosignatures"]]
    heads = [json.loads(base64.b64decode(s["tree_head"]))["tree_size"] for s in seen]
    assert heads == sorted(heads) and len(heads) >= 3 and heads[-1] == last
    recorded = await h.venue.store.tx(lambda tx: tx.audit_entries_by_action(COSIGNED_ACTION))
    assert {e.actor for e in recorded} == {"zibo", "centre"}
    verify = ["audit", "verify", str(h.config.database), "--demo", str(h.demo.root)]
    code = await asyncio.to_thread(main, [*verify, "--witness", "zibo", "--witness", "centre"])
    assert code == 0


async def test_a_witness_refuses_a_head_that_contradicts_what_it_countersigned(
    witnessed: VenueHarness, witnesses: dict[str, RunningWitness]
) -> None:
    """Shown another head of a size it countersigned (or one no proof links to it), the witness
    refuses with 409 and keeps both heads, each with the venue's signature, as evidence."""
    h = witnessed
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    size = await _last_head_size(h)
    await _until_witnessed(h, size)
    zibo = witnesses["zibo"]
    other = _jinan_signs(h, TreeHead("jinan", size, "ab" * 32, h.venue.now_iso()))
    body = {"tree_head": other, "from_size": 0, "consistency": []}
    status, answer = await _witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert status == 409 and answer["error"]["code"] == "inconsistent_head", answer
    assert "不一致" in answer["error"]["message_zh"]
    bigger = _jinan_signs(h, TreeHead("jinan", size + 3, "cd" * 32, h.venue.now_iso()))
    body = {"tree_head": bigger, "from_size": size, "consistency": ["00" * 32]}
    status, answer = await _witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert status == 409 and "no proof" in answer["error"]["message"], answer
    _, book = await _witness_json(h, zibo, "GET", "/witness/cosignatures?venue=jinan")
    assert [r["shown"] for r in book["refused"]] == [other, bigger]
    before = book["refused"][0]["countersigned_before"]
    assert SignedTreeHead(base64.b64decode(before["content"]), b"").head.tree_size == size
    # a head signed by any key but jinan's listed one is refused outright (422), not evidence
    forged = dict(other, signature=_pair(b"", b"x")["signature"])
    body = {"tree_head": forged, "from_size": 0, "consistency": []}
    status, answer = await _witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert status == 422 and answer["error"]["code"] == "bad_signature"
    # asked again for the head it countersigned, it answers the same cosignature
    genuine = book["cosignatures"][-1]
    signed = json.loads(base64.b64decode(genuine["content"]))
    pair = {"content": signed["tree_head"], "signature": signed["venue_signature"]}
    body = {"tree_head": pair, "from_size": 0, "consistency": []}
    status, answer = await _witness_json(h, zibo, "POST", "/witness/cosign", body)
    assert (status, answer["cosignature"]) == (200, genuine)
    assert await h.app[ASKER].ask_all() == {}  # the venue holds both already: asks nothing
    assert (await _sizes(h)) == {"zibo": size, "centre": size}


async def test_a_witness_that_is_down_is_asked_again_at_the_next_head(
    venue_pki: DemoPki, tmp_path: Path
) -> None:
    witness = await start_demo_witness(venue_pki, "zibo", tmp_path / "zibo")
    url = witness.url
    await witness.stop()  # down at the first phase change
    h = VenueHarness(venue_pki, tmp_path / "venue", witnesses={"zibo": url})
    await h.start()
    try:
        centre = await h.login("centre-1")
        await h.create_session(centre)
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        asked = await h.app[ASKER].ask_all()
        assert isinstance(asked["zibo"], str)  # why, logged; nothing recorded
        assert await _sizes(h) == {}
        port = int(url.rsplit(":", 1)[1])
        witness = await start_demo_witness(venue_pki, "zibo", tmp_path / "zibo", port)
        await centre.post("/sessions/S1/phase", {"target": "declarations"})
        size = await _last_head_size(h)
        for _ in range(400):
            if (await _sizes(h)).get("zibo") == size:
                break
            await asyncio.sleep(0.05)
        assert await _sizes(h) == {"zibo": size}
    finally:
        await h.stop()
        await witness.stop()
