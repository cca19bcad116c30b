"""Collusion warnings in a live session: analysed when the manifest is published, decided by the
leader with a signed decision, printed in the report, carried in the archive."""

from __future__ import annotations

import asyncio

import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry, WarningDecision
from evaluator_app.protocol.messages import (
    BidPackageInput,
    BillLineInput,
    CreateSession,
    DocumentInput,
    MemberInput,
    Role,
)
from tests.collusion.bidgen import planted_set, tender_pdf
from tests.venue.flow import declare, now, vote_leader
from tests.venue.harness import COMMITTEE, SEATS, example_project


async def test_warnings_found_decided_and_reported(harness):
    h = harness
    centre = await h.login("centre-1")
    bids, _planted = planted_set(seed=7)
    docs = [("tender", "招标文件", tender_pdf(7), None)] + [
        (f"bid-{b.bidder_id}", f"{b.bidder_id} 投标文件", b.pdf, b.bidder_id)
        for b in bids
        if b.bidder_id != "B6"
    ]
    inputs = []
    for doc_id, title, pdf, bidder in docs:
        inputs.append(DocumentInput(doc_id, title, await centre.put_blob(pdf), len(pdf), bidder))
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE]
    # the bid packages as the bid-authoring tool recorded them (B1 and B3 share a network card)
    packages = tuple(
        BidPackageInput(
            b.bidder_id,
            b.package.machine.mac,
            b.package.machine.disk_serial,
            b.package.machine.cpu_id,
            b.package.upload_ip,
            tuple(
                BillLineInput(i.code, i.description, i.unit, i.quantity, i.unit_price)
                for i in b.package.bill_of_quantities
            ),
        )
        for b in bids
        if b.bidder_id != "B6"
    )
    packages = tuple(
        BidPackageInput(
            p.bidder_id,
            packages[0].mac if p.bidder_id == "B3" else p.mac,
            p.disk_serial,
            p.cpu_id,
            p.upload_ip,
            p.bill_of_quantities,
        )
        for p in packages
    )
    await centre.post(
        "/sessions",
        CreateSession(
            "S1",
            "预警测试",
            example_project(),
            "lot-1",
            "jinan",
            tuple(members),
            tuple(inputs),
            None,
            packages,
        ),
    )
    expert = await h.login("expert-nca-1")
    assert (await expert.get("/sessions/S1/warnings"))["status"] == "not_started"
    entries = tuple(
        sorted(
            (ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id) for d in inputs),
            key=lambda e: e.doc_id,
        )
    )
    content, signature = await centre.sign_artefact(
        "document_manifest", DocumentManifest("S1", entries, now()), h.signer("centre-1")
    )
    await centre.upload("S1", "manifest", content, signature)

    for _ in range(200):  # in the background, with progress events
        found = await expert.get("/sessions/S1/warnings")
        if found["status"] == "done":
            break
        await asyncio.sleep(0.1)
    assert found["status"] == "done", found
    kinds = {(w["kind"], tuple(w["bidders"])) for w in found["warnings"]}
    assert ("shared_passage", ("B2", "B4")) in kinds and (
        "document_metadata",
        ("B3", "B5"),
    ) in kinds
    assert ("machine_code", ("B1", "B3")) in kinds  # from the bid packages recorded at creation
    assert ("upload_address", ("B4", "B5")) in kinds and (
        "identical_unit_prices",
        ("B2", "B5"),
    ) in kinds
    passage = next(w for w in found["warnings"] if w["kind"] == "shared_passage")
    assert {(p["a"]["page"], p["b"]["page"]) for p in passage["passages"]} == {(2, 3)}

    # the committee: only the leader records the committee's decision, signed, after the election
    experts = {k: await h.login(k) for k in COMMITTEE}
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    for key in COMMITTEE:
        await declare(h, experts[key], key)
    for key in COMMITTEE:
        await vote_leader(h, experts[key], key, "expert-sd-1")
    decision = WarningDecision(
        "S1",
        h.person_id("expert-sd-2"),
        passage["id"],
        "confirmed",
        "两份投标文件的施工方案段落雷同",
        now(),
    )
    content, signature = await experts["expert-sd-2"].sign_artefact(
        "warning_decision", decision, h.signer("expert-sd-2")
    )
    with pytest.raises(VenueRefused) as info:
        await experts["expert-sd-2"].upload("S1", "warning-decisions", content, signature)
    assert info.value.code == "not_leader"
    decision = WarningDecision(
        "S1",
        h.person_id("expert-sd-1"),
        passage["id"],
        "confirmed",
        "两份投标文件的施工方案段落雷同，依法认定并否决",
        now(),
    )
    content, signature = await experts["expert-sd-1"].sign_artefact(
        "warning_decision", decision, h.signer("expert-sd-1")
    )
    await experts["expert-sd-1"].upload("S1", "warning-decisions", content, signature)
    shown = next(
        w
        for w in (await centre.get("/sessions/S1/warnings"))["warnings"]
        if w["id"] == passage["id"]
    )
    assert shown["decision"]["decision"] == "confirmed" and shown["decision"]["by"] == h.person_id(
        "expert-sd-1"
    )

    # the report prints the warnings and the decision
    from evaluator_app.venue.results.report import _warnings

    listed = await h.venue.store.tx(lambda tx: _warnings(tx, "S1"))
    from evaluator_app.reports.warnings_section import warnings_section

    assert warnings_section(listed, 400) and any(w.get("decision") for w in listed)
