"""A whole session through the real venue: declarations to summary, with refusals on the way."""

from __future__ import annotations

import json

import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.pki.cms import verify_detached
from evaluator_app.protocol.messages import MemberInput, Role
from tests.venue.flow import declare, gate_votes, sheet, submit_sheet, vote_leader

# example expert (scores.json) played by each demo person
PLAYS = {"expert-sd-1": "E1", "expert-sd-2": "E2", "expert-nca-1": "E3", "expert-nca-2": "E4", "expert-sd-3": "E5"}


async def phase(client, target, reason=""):  # type: ignore[no-untyped-def]
    return await client.post("/sessions/S1/phase", {"target": target, "reason": reason})


async def test_whole_session(harness):
    h = harness
    centre = await h.login("centre-1")
    supervisor = await h.login("supervisor-jinan")
    experts = {k: await h.login(k) for k in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2", "expert-dual-sd"]}
    created = await h.create_session(centre)
    assert created["phase"] == "preparing" and created["venues"] == ["jinan", "zibo"]

    # an expert sees the session; a supervisor may not open check-in (centre only)
    assert [s["id"] for s in (await experts["expert-sd-1"].get("/sessions"))["sessions"]] == ["S1"]
    with pytest.raises(VenueRefused) as info:
        await phase(supervisor, "check_in")
    assert info.value.status == 409 and info.value.code == "illegal_transition"
    await phase(centre, "check_in")
    await phase(supervisor, "declarations")

    # declarations: one expert recuses and the centre replaces them
    for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2"]:
        await declare(h, experts[key], key)
    receipt = await declare(h, experts["expert-dual-sd"], "expert-dual-sd", conflict=True, reason="三年内曾在投标人B3任职")
    assert verify_detached(receipt.receipt, receipt.signature).integrity_ok
    with pytest.raises(VenueRefused) as info:  # a signed declaration cannot be changed
        await declare(h, experts["expert-dual-sd"], "expert-dual-sd")
    assert info.value.code in ("already_submitted", "not_member")
    await centre.post("/sessions/S1/members", MemberInput(h.person_id("expert-sd-3"), Role.EXPERT, "jinan", "A04"))
    experts["expert-sd-3"] = await h.login("expert-sd-3")
    await declare(h, experts["expert-sd-3"], "expert-sd-3")
    assert (await centre.get("/sessions/S1"))["phase"] == "leader_election"

    # leader election: four for sd-1, one for nca-1 → sd-1 leads; the phase moves on by itself
    for key in PLAYS:
        await vote_leader(h, experts[key], key, "expert-nca-1" if key == "expert-nca-2" else "expert-sd-1")
    session = await centre.get("/sessions/S1")
    assert session["leader_id"] == h.person_id("expert-sd-1") and session["phase"] == "preliminary_review"

    # gate votes, then the leader opens detailed scoring
    for key, example in PLAYS.items():
        await gate_votes(h, experts[key], key, example)
    with pytest.raises(VenueRefused):
        await phase(experts["expert-sd-2"], "detailed_scoring")  # not the leader
    await phase(experts["expert-sd-1"], "detailed_scoring")

    # no scores for anybody before the summary
    with pytest.raises(VenueRefused) as info:
        await supervisor.get("/sessions/S1/summary")
    assert info.value.code == "before_summary"

    # sheets: E5's 6 on t-organisation for B2 must be explained
    for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2"]:
        await submit_sheet(h, experts[key], key, sheet(h, key, PLAYS[key]))
    with pytest.raises(VenueRefused) as info:
        await submit_sheet(h, experts["expert-sd-3"], "expert-sd-3", sheet(h, "expert-sd-3", "E5", explain=False))
    assert info.value.code == "deviation_unexplained"
    assert [(f["bidder_id"], f["item_id"]) for f in info.value.details["flags"]] == [("B2", "t-organisation")]
    await submit_sheet(h, experts["expert-sd-3"], "expert-sd-3", sheet(h, "expert-sd-3", "E5"))
    assert (await centre.get("/sessions/S1"))["phase"] == "summary"

    summary = await supervisor.get("/sessions/S1/summary")
    assert [(e["bidder_id"], e["final"]) for e in summary["ranking"]["entries"]] == [("B2", "90.63"), ("B1", "88.17"), ("B3", "80.19")]
    assert summary["deviations"][0]["explanation"].startswith("施工组织设计")
    assert [o["bidder_id"] for o in summary["gates"]["outcomes"] if o["rejected"]] == ["B4", "B5"]

    # the leader returns sheet of sd-2; version 2 replaces it; both stay on record
    await experts["expert-sd-1"].post(f"/sessions/S1/sheets/{h.person_id('expert-sd-2')}/return", {"reason": "第B3项分数录入有误"})
    assert (await centre.get("/sessions/S1"))["phase"] == "detailed_scoring"
    second = sheet(h, "expert-sd-2", "E2", version=2, change={("B3", "c-credit"): "3"})
    await submit_sheet(h, experts["expert-sd-2"], "expert-sd-2", second)
    assert (await centre.get("/sessions/S1"))["phase"] == "summary"
    sheets = await h.venue.store.tx(lambda tx: tx.artefacts("S1", "score_sheet", h.person_id("expert-sd-2")))
    assert [(a.version, a.status) for a in sheets] == [(1, "returned"), (2, "accepted")]


async def test_retried_upload_is_never_a_duplicate(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    expert = await h.login("expert-sd-1")
    from tests.venue.flow import BIDDERS, PLEDGE, now
    from evaluator_app.protocol.artefacts import Declaration

    body = Declaration("S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), False, "", PLEDGE, now())
    content, signature = await expert.sign_artefact("declaration", body, h.signer("expert-sd-1"))
    first = await expert.upload("S1", "declarations", content, signature, key="decl-1")
    again = await expert.upload("S1", "declarations", content, signature, key="decl-1")
    assert again == first
    stored = await h.venue.store.tx(lambda tx: tx.artefacts("S1", "declaration"))
    assert len(stored) == 1
    other = Declaration("S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), True, "x", PLEDGE, now())
    content2, signature2 = await expert.sign_artefact("declaration", other, h.signer("expert-sd-1"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content2, signature2, key="decl-1")
    assert info.value.code == "idempotency_conflict"


async def test_signature_of_another_person_or_moved_to_another_sheet_is_refused(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    expert = await h.login("expert-sd-1")
    from tests.venue.flow import BIDDERS, PLEDGE, now
    from evaluator_app.protocol.artefacts import Declaration

    mine = Declaration("S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), False, "", PLEDGE, now())
    content, _ = await expert.sign_artefact("declaration", mine, h.signer("expert-sd-1"))
    _, foreign = await expert.sign_artefact("declaration", mine, h.signer("expert-sd-2"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content, foreign)
    assert info.value.code == "signer_mismatch"
    # a real signature of sd-1 over another content, attached to this one
    other = Declaration("S1", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), True, "x", PLEDGE, now())
    _, moved = await expert.sign_artefact("declaration", other, h.signer("expert-sd-1"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content, moved)
    assert info.value.code == "bad_signature"
    # a declaration for another session
    wrong = Declaration("S9", "lot-1", h.person_id("expert-sd-1"), tuple(BIDDERS), False, "", PLEDGE, now())
    content3, signature3 = await expert.sign_artefact("declaration", wrong, h.signer("expert-sd-1"))
    with pytest.raises(VenueRefused) as info:
        await expert.upload("S1", "declarations", content3, signature3)
    assert info.value.code == "wrong_session"
    # nothing was accepted
    assert await h.venue.store.tx(lambda tx: tx.artefacts("S1")) == []
    _ = json
