"""The outbox against the real venue: a cut mid-upload, a restart, refusals, bad receipts."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

import pytest

from evaluator_app.client.errors import LoginRequired
from evaluator_app.client.outbox import Outbox, OutboxItem, backoff_delay
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.protocol.artefacts import Declaration, LeaderVote
from evaluator_app.protocol.messages import SignedReceipt
from tests.client.conftest import eventually, login
from tests.pki_fixtures import free_port
from tests.venue.flow import BIDDERS, PLEDGE, now


async def declarations_open(h, made):  # type: ignore[no-untyped-def]
    centre = await login(h, made, "centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})


async def signed_declaration(
    h, client: VenueClient, key: str = "expert-sd-1"
) -> tuple[bytes, bytes]:  # type: ignore[no-untyped-def]
    body = Declaration("S1", "lot-1", h.person_id(key), tuple(BIDDERS), False, "", PLEDGE, now())
    return await client.sign_artefact("declaration", body, h.signer(key))


async def stored(h, kind: str = "declaration"):  # type: ignore[no-untyped-def]
    return await h.venue.store.tx(lambda tx: tx.artefacts("S1", kind))


async def test_network_cut_after_the_venue_accepted(
    harness, proxy, clients, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The venue accepts, the answer is lost; a new process retries: one artefact, its receipt."""
    h = harness
    await declarations_open(h, clients)
    expert = await login(
        h, clients, "expert-sd-1", base_url=proxy.url
    )  # leaves a live connection through the proxy
    outbox = Outbox(tmp_path / "outbox.sqlite")
    content, signature = await signed_declaration(h, expert)
    queued = outbox.enqueue("S1", "declarations", content, signature, label="承诺书")
    assert queued.state == "pending" and len(queued.idempotency_key) == 32

    proxy.hold = True
    changes: list[OutboxItem] = []
    import asyncio

    sending = asyncio.create_task(outbox.flush(expert, changes.append))
    await eventually(lambda: stored(h), what="the venue accepting the declaration")
    await eventually(lambda: proxy.held > 0, what="the venue's answer")
    proxy.cut()  # the answer never reaches the client
    await asyncio.wait_for(sending, 30)
    item = outbox.item(queued.id)
    assert item.state == "pending" and item.attempts == 1 and item.last_error and item.last_error_zh
    assert item.next_attempt_at > time.time()  # backed off
    assert [c.state for c in changes] == ["pending"]
    outbox.close()
    await expert.close()

    # the application starts again: a new outbox on the same file, a new login
    proxy.hold = False
    outbox = Outbox(tmp_path / "outbox.sqlite")
    assert [i.id for i in outbox.pending()] == [queued.id]
    expert = await login(h, clients, "expert-sd-1", base_url=proxy.url)
    await outbox.flush(expert)
    assert outbox.item(queued.id).state == "pending"  # not due yet: the back-off is kept
    await outbox.flush(expert, force=True)
    item = outbox.item(queued.id)
    assert item.state == "delivered" and item.attempts == 2 and item.last_error == ""
    records = await stored(h)
    assert len(records) == 1  # nothing doubled
    assert (
        item.receipt == records[0].receipt
        and item.receipt_signature == records[0].receipt_signature
    )  # the same receipt
    receipt = json.loads(item.receipt or b"")
    assert (
        receipt["content_sha256"] == records[0].content_sha256
        and receipt["artefact_id"] == records[0].id
    )
    assert [r.id for r in outbox.receipts("S1")] == [queued.id] and outbox.pending() == []
    outbox.close()


async def test_refused_item_does_not_block_later_ones(harness, clients, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    h = harness
    await declarations_open(h, clients)
    expert = await login(h, clients, "expert-sd-1")
    outbox = Outbox(tmp_path / "outbox.sqlite")
    vote = LeaderVote("S1", h.person_id("expert-sd-1"), h.person_id("expert-sd-2"), now())
    early = outbox.enqueue(
        "S1",
        "leader-votes",
        *(await expert.sign_artefact("leader_vote", vote, h.signer("expert-sd-1"))),
        label="组长推选",
    )
    declaration = outbox.enqueue("S1", "declarations", *(await signed_declaration(h, expert)))
    seen: list[tuple[int, str]] = []
    await outbox.flush(expert, lambda i: seen.append((i.id, i.state)))
    assert seen == [(early.id, "refused"), (declaration.id, "delivered")]
    refused = outbox.item(early.id)
    assert (
        refused.refusal_code == "wrong_phase"
        and refused.refusal_message
        and refused.refusal_message_zh
    )
    assert [i.id for i in outbox.receipts("S1")] == [declaration.id]
    await outbox.flush(expert)  # a refused item is never sent again
    assert outbox.item(early.id).attempts == 1 and len(await stored(h, "leader_vote")) == 0
    outbox.close()


async def test_receipt_that_does_not_prove_acceptance_is_not_delivered(
    harness, clients, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    h = harness
    await declarations_open(h, clients)
    expert = await login(h, clients, "expert-sd-1")
    outbox = Outbox(tmp_path / "outbox.sqlite")
    item = outbox.enqueue("S1", "declarations", *(await signed_declaration(h, expert)))
    real_upload = expert.upload

    async def forged(*args, **kwargs):  # type: ignore[no-untyped-def]
        signed = await real_upload(*args, **kwargs)
        return SignedReceipt(
            bytes(signed.receipt).replace(b'"declaration"', b'"score_sheet"'), signed.signature
        )

    monkeypatch.setattr(expert, "upload", forged)
    await outbox.flush(expert)
    assert (
        outbox.item(item.id).state == "refused"
        and outbox.item(item.id).refusal_code == "receipt_invalid"
    )
    assert "does not verify" in (outbox.item(item.id).refusal_message or "")
    assert (outbox.item(item.id).refusal_message_zh or "").startswith("场地回执无法验证")
    outbox.close()


async def test_unreachable_venue_backs_off_and_keeps_order(
    harness, clients, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    h = harness
    await declarations_open(h, clients)
    signer_client = await login(h, clients, "expert-sd-1")
    clock = [1000.0]
    outbox = Outbox(tmp_path / "outbox.sqlite", clock=lambda: clock[0])
    first = outbox.enqueue("S1", "declarations", *(await signed_declaration(h, signer_client)))
    second = outbox.enqueue("S1", "declarations", b"{}", b"x")
    nowhere = VenueClient(
        f"https://127.0.0.1:{free_port()}", h.client_ssl, "ws-expert-sd-1", timeout=5
    )
    clients.append(nowhere)
    delays = []
    for _ in range(7):
        await outbox.flush(nowhere, force=True)
        item = outbox.item(first.id)
        delays.append(item.next_attempt_at - clock[0])
    assert item.attempts == 7 and "unreachable" in item.last_error
    assert (
        delays == [backoff_delay(n) for n in range(1, 8)]
        and delays[-1] == 30.0
        and delays[0] < delays[1] < delays[2]
    )
    assert outbox.item(second.id).attempts == 0  # never overtook the first
    await outbox.flush(signer_client)  # not due: nothing is sent
    assert outbox.item(first.id).state == "pending" and await stored(h) == []
    outbox.retry_now()
    signer_client.token = "expired-or-forged"
    with pytest.raises(LoginRequired):
        await outbox.flush(signer_client)
    assert (
        outbox.item(first.id).state == "pending" and outbox.item(first.id).next_attempt_at == 0.0
    )  # goes as soon as logged in
    await signer_client.login(h.signer("expert-sd-1"))
    await outbox.flush(signer_client)
    assert outbox.item(first.id).state == "delivered" and outbox.item(second.id).state == "refused"
    assert dataclasses.replace(outbox.item(first.id)).signed_receipt is not None
    outbox.close()


async def test_run_delivers_in_the_background_and_after_the_network_returns(
    harness, proxy, clients, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import asyncio

    h = harness
    await declarations_open(h, clients)
    expert = await login(h, clients, "expert-sd-1", base_url=proxy.url)
    outbox = Outbox(tmp_path / "outbox.sqlite")
    changes: list[OutboxItem] = []
    runner = asyncio.create_task(outbox.run(expert, changes.append))
    try:
        proxy.down = True
        proxy.cut()  # the network goes out before anything is queued
        item = outbox.enqueue(
            "S1", "declarations", *(await signed_declaration(h, expert))
        )  # wakes run()
        await eventually(lambda: outbox.item(item.id).attempts >= 1, what="a first failed attempt")
        assert outbox.item(item.id).state == "pending" and await stored(h) == []
        proxy.down = False
        outbox.retry_now()  # what the connection's "online" does
        await eventually(
            lambda: outbox.item(item.id).state == "delivered",
            what="delivery after the network returned",
        )
        assert len(await stored(h)) == 1 and [c.state for c in changes][-1] == "delivered"
    finally:
        runner.cancel()
        await asyncio.gather(runner, return_exceptions=True)
        outbox.close()
