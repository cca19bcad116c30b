"""The transparency log with two workers on one PostgreSQL database: audit appends and signed
tree heads made by both at once still form one log, every head extends the one before it, and
every receipt either worker signed is proven in it (what ``evaluator audit verify`` checks)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from cryptography import x509

from evaluator_app.auditlog.receipts import ReceiptProof
from evaluator_app.auditlog.tree_head import parse_tree_head
from evaluator_app.auditlog.verify_log import averify_log
from evaluator_app.cli.main import main
from evaluator_app.pki.revocation import DEFAULT_CACHE
from evaluator_app.pki.trust_list import load_trust_list
from evaluator_app.venue.store.postgres import PgStore
from tests.postgres.cluster import Cluster
from tests.postgres.test_workers import create_session, declare
from tests.venue.harness import COMMITTEE


@pytest.fixture
async def cluster(venue_pki, tmp_path, pg_dsn) -> AsyncIterator[Cluster]:  # type: ignore[no-untyped-def]
    # a head every 2 entries: both workers sign heads while the other appends
    c = Cluster(venue_pki, tmp_path, pg_dsn, checkpoint_every=2)
    yield c
    await c.stop()
    DEFAULT_CACHE.clear()


async def test_two_workers_append_and_sign_heads_at_once_into_one_log(cluster: Cluster, capsys):
    c = await cluster.start()
    centre = await c.login("centre-1", c.url(0))
    await create_session(c, centre)
    # each expert on one worker or the other, all uploading at the same moment
    experts = [await c.login(k, c.url(i % 2)) for i, k in enumerate(COMMITTEE)]
    receipts = await asyncio.gather(
        *(declare(c, client, k, f"log-{k}") for client, k in zip(experts, COMMITTEE, strict=True))
    )

    store = PgStore(c.dsn)
    try:
        with store.reading() as tx:
            entries, points = list(tx.audit_entries()), tx.checkpoints()
    finally:
        store.close()
    sizes = [parse_tree_head(p.content).tree_size for p in points]
    assert sizes == sorted(set(sizes)) and len(sizes) >= 2  # one head per size, several heads
    times = [parse_tree_head(p.content).timestamp for p in points]
    assert times == sorted(times)  # a larger head was never made before a smaller one

    pinned = x509.load_pem_x509_certificate(c.demo.trust_list_signer.cert.read_bytes())
    trust = load_trust_list(c.demo.trust_list, pinned)
    proofs = [ReceiptProof(bytes(r.receipt), bytes(r.signature)) for r in receipts]
    report = await averify_log(entries, points, trust, venue="jinan", receipts=proofs)
    assert report.ok, report.problems
    assert (report.entries, report.receipts) == (len(entries), len(COMMITTEE))
    assert report.heads == len(points)

    # and the command line says the same of the database itself
    assert main(["audit", "verify", c.dsn, "--demo", str(c.demo.root)]) == 0
    assert "审计日志完整" in capsys.readouterr().out
