"""A venue that stops while a collusion analysis runs: the analysis thread is told to stop and
has ended when the venue's shutdown returns (before its store closes), and no progress event
is left behind for a loop that is going away."""

from __future__ import annotations

import asyncio
import threading

from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry
from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role
from tests.collusion.bidgen import planted_set, tender_pdf
from tests.venue.flow import now
from tests.venue.harness import COMMITTEE, SEATS, example_project


def _analysis_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("collusion-S1") and t.is_alive()]


async def test_stopping_the_venue_mid_analysis_stops_the_analysis_thread(harness):  # type: ignore[no-untyped-def]
    h = harness
    centre = await h.login("centre-1")
    bids, _planted = planted_set(seed=11, pages=30)  # long enough to be caught running
    tender = tender_pdf(11)
    inputs = [DocumentInput("tender", "招标文件", await centre.put_blob(tender), len(tender), None)]
    for b in bids:
        if b.bidder_id != "B6":
            sha = await centre.put_blob(b.pdf)
            inputs.append(
                DocumentInput(
                    f"bid-{b.bidder_id}", f"{b.bidder_id} 投标文件", sha, len(b.pdf), b.bidder_id
                )
            )
    members = tuple(MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE)
    await centre.post(
        "/sessions",
        CreateSession(
            "S1", "停止测试", example_project(), "lot-1", "jinan", members, tuple(inputs)
        ),
    )
    entries = tuple(
        sorted(
            (ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id) for d in inputs),
            key=lambda e: e.doc_id,
        )
    )
    content, signature = await centre.sign_artefact(
        "document_manifest", DocumentManifest("S1", entries, now()), h.signer("centre-1")
    )
    await centre.upload("S1", "manifest", content, signature)  # the analysis starts
    for _ in range(600):
        if _analysis_threads():
            break
        await asyncio.sleep(0.01)
    assert _analysis_threads(), "the analysis runs in its own thread"
    state = await centre.get("/sessions/S1/warnings")
    assert state["status"] == "running", state

    await h.stop()
    assert not _analysis_threads(), "the analysis thread outlived the venue's shutdown"
    left = [t for t in asyncio.all_tasks() if "_progress" in repr(t.get_coro())]
    assert not left, left
    h.runner = None  # stopped here: the fixture has nothing left to stop
