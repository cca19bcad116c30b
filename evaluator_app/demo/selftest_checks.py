"""The self-test's checks that look behind the protocol: at the venue's store, its log, its line.

``run_selftest`` (selftest.py) plays the session step by step through the venue's API, as the
people would; some steps also need proof that nothing was lost or doubled where the people cannot
see it: a sheet whose answer was cut off on the line, every acknowledged upload held once, the
audit chain and its witnesses, the collusion analysis running in the background, the archive
downloaded as bytes. Those checks, and the failure they raise, live here so that selftest.py
reads as the story of the session and these as the evidence behind it.
"""

from __future__ import annotations

import asyncio
from typing import Any

from evaluator_app.client.errors import ClientError
from evaluator_app.demo import actors
from evaluator_app.demo.actors import SESSION, Actor
from evaluator_app.demo.proxy import CuttableRelay
from evaluator_app.demo.services import RunningServices
from evaluator_app.demo.world import DemoWorld


class SelfTestFailed(Exception):
    pass


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SelfTestFailed(what)


async def cut_mid_upload(
    services: RunningServices, relay: CuttableRelay, actor: Actor, lot: Any
) -> bool:
    """The venue accepts the sheet, then the line drops before the answer arrives. One venue:
    the client retries with the same idempotency key and gets the same receipt. Several
    workers: the client moves to the next by itself, with the same key, and gets it there.
    Either way nothing is lost and nothing doubled. True if the client moved."""
    store = services.store

    async def count() -> int:
        return await store.read(
            lambda tx: len(tx.artefacts(SESSION, "score_sheet", actor.person_id))
        )

    sheet = actors.score_sheet(actor, lot, "E4")
    actor.client.use(0)  # back on the line we can cut
    await actor.client.get("/me")  # a live connection through it
    relay.hold = True  # from now on the venue's answers are kept back...
    upload = asyncio.ensure_future(actors.send_sheet(actor, lot, sheet, key="nca-2-sheet-1"))
    for _ in range(1200):
        if relay.held or upload.done():
            break
        await asyncio.sleep(0.05)
    relay.cut()  # ...and dropped with the line
    relay.hold = False
    moved = len(actor.client.urls) > 1
    try:
        receipt = await upload
        check(moved, "the line was cut: a client with one address should have heard nothing")
    except ClientError:
        check(not moved, "a client with several addresses should have moved to the next")
        check(await count() == 1, "the venue should hold the sheet although the client never heard")
        receipt = await actors.send_sheet(actor, lot, sheet, key="nca-2-sheet-1")
    stored = await store.read(lambda tx: tx.artefacts(SESSION, "score_sheet", actor.person_id))
    check(
        len(stored) == 1 and bytes(receipt.receipt) == stored[0].receipt,
        "the retry should return the same receipt and no duplicate",
    )
    return moved


async def every_receipt_held_once(services: RunningServices, people: list[Actor]) -> str:
    """Every upload the venue acknowledged is held, once; the audit chain verifies."""
    import json

    from evaluator_app.auditlog.chain import verify_chain
    from evaluator_app.auditlog.files import signature_checker

    acknowledged = {}
    for actor in people:
        for receipt in actor.receipts:
            body = json.loads(bytes(receipt.receipt))
            acknowledged[body["artefact_id"]] = body["content_sha256"]

    def read(tx: Any) -> tuple[Any, Any, Any]:
        return tx.artefacts(SESSION), list(tx.audit_entries()), tx.checkpoints()

    held, entries, points = await services.store.read(read)
    by_id = {a.id: a for a in held}
    lost = [
        i for i, sha in acknowledged.items() if i not in by_id or by_id[i].content_sha256 != sha
    ]
    same: dict[tuple[str, str, str], list[int]] = {}
    for a in held:
        same.setdefault((a.person_id, a.kind, a.content_sha256), []).append(a.id)
    doubled = [ids for ids in same.values() if len(ids) > 1]
    check(not lost, f"acknowledged uploads missing at the venue: {lost}")
    check(not doubled, f"uploads held twice: {doubled}")
    chain = verify_chain(entries, points, signature_checker())
    check(chain.ok, f"the audit chain does not verify: {chain.first_broken}: {chain.reason}")
    return (
        f"校验 {len(acknowledged)} acknowledged uploads: 0 lost, 0 duplicated; audit chain of "
        f"{chain.entries} entries and {chain.checkpoints} signed checkpoints verifies"
    )


async def until_witnessed(world: DemoWorld, services: RunningServices) -> dict[str, int]:
    """Wait until every witness (淄博, the centre) countersigned the log's last head: the venue
    asks them after each head it signs, beside the requests."""
    import asyncio

    from evaluator_app.venue.witness.record import witnessed_sizes

    store = services.store
    for _ in range(1200):
        size = await store.read(lambda tx: tx.last_checkpoint_seq())
        seen = await store.read(witnessed_sizes)
        if all(seen.get(w, 0) >= size for w in world.witness_ports):
            return {w: seen[w] for w in world.witness_ports}
        await asyncio.sleep(0.1)
    raise SelfTestFailed(f"the witnesses did not countersign the log's last head: {seen}")


async def warnings_done(centre: Actor) -> dict:
    import asyncio

    for _ in range(1800):  # the analysis runs in the background at the venue (a worker that dies
        # mid-analysis loses it for a lease's time, then another takes it over)
        found = await centre.client.get(f"/sessions/{SESSION}/warnings")
        if found["status"] in ("done", "failed"):
            check(found["status"] == "done", f"the collusion analysis failed: {found.get('error')}")
            return found
        await asyncio.sleep(0.1)
    raise SelfTestFailed("the collusion analysis did not finish within three minutes")


async def download(actor: Actor, path: str) -> bytes:
    from evaluator_app.protocol import API_PREFIX

    client = actor.client
    async with client._session.get(
        f"{client.base_url}{API_PREFIX}{path}", headers=client._headers(), ssl=client.ssl_context
    ) as response:
        if response.status != 200:
            raise SelfTestFailed(f"archive export failed: {response.status}")
        return await response.read()
