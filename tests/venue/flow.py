"""Driving a whole session through the venue with the client library (shared by tests)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.pki.pades import async_sign_pdf
from evaluator_app.protocol.artefacts import (
    Declaration,
    GateVoteEntry,
    GateVotes,
    LeaderVote,
    ScoreSheet,
    SheetExplanation,
    SheetScore,
    bind_sheet_pdf,
)
from evaluator_app.protocol.messages import SignedReceipt
from evaluator_app.reports.score_sheet import render_score_sheet
from tests.venue.harness import VenueHarness, example_project

PLEDGE = hashlib.sha256("本人承诺：与投标人无利害关系，客观公正评标。".encode()).hexdigest()
EXAMPLE_SCORES = json.loads(
    resources.files("evaluator_app.examples").joinpath("scores.json").read_text("utf-8")
)
BIDDERS = [b["id"] for b in example_project()["lots"][0]["bidders"]]
GATE_ITEMS = ["q-licence", "q-safety", "q-bond", "q-signature"]


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def send(
    h: VenueHarness,
    client: VenueClient,
    person_key: str,
    route: str,
    kind: str,
    body: Any,
    key: str | None = None,
) -> SignedReceipt:
    content, signature = await client.sign_artefact(kind, body, h.signer(person_key))
    return await client.upload("S1", route, content, signature, key=key)


async def declare(
    h: VenueHarness, client: VenueClient, person_key: str, conflict: bool = False, reason: str = ""
) -> SignedReceipt:
    body = Declaration(
        "S1", "lot-1", h.person_id(person_key), tuple(BIDDERS), conflict, reason, PLEDGE, now()
    )
    return await send(h, client, person_key, "declarations", "declaration", body)


async def vote_leader(
    h: VenueHarness, client: VenueClient, person_key: str, candidate_key: str
) -> SignedReceipt:
    return await send(
        h,
        client,
        person_key,
        "leader-votes",
        "leader_vote",
        LeaderVote("S1", h.person_id(person_key), h.person_id(candidate_key), now()),
    )


async def gate_votes(
    h: VenueHarness, client: VenueClient, person_key: str, example_expert: str
) -> SignedReceipt:
    fails = {
        (f["bidder"], f["item"]): f["reason"]
        for f in EXAMPLE_SCORES["gate_votes"]["fails"]
        if f["expert"] == example_expert
    }
    votes = tuple(
        GateVoteEntry(b, i, (b, i) not in fails, fails.get((b, i), ""))
        for b in BIDDERS
        for i in GATE_ITEMS
    )
    return await send(
        h,
        client,
        person_key,
        "gate-votes",
        "gate_votes",
        GateVotes("S1", "lot-1", h.person_id(person_key), votes, now()),
    )


def sheet(
    h: VenueHarness,
    person_key: str,
    example_expert: str,
    version: int = 1,
    explain: bool = True,
    change: dict[tuple[str, str], str] | None = None,
) -> ScoreSheet:
    rows = EXAMPLE_SCORES["sheets"][example_expert]
    scores = []
    for bidder, items in rows.items():
        for item, value in items.items():
            value = (change or {}).get((bidder, item), value)
            scores.append(SheetScore(bidder, item, Decimal(value)))
    texts = EXAMPLE_SCORES["explanations"].get(example_expert, {}) if explain else {}
    explanations = tuple(SheetExplanation(*key.split("/"), text) for key, text in texts.items())
    return ScoreSheet(
        "S1",
        "lot-1",
        h.person_id(person_key),
        "detailed_scoring",
        version,
        tuple(scores),
        explanations,
        now(),
    )


async def signed_sheet(
    h: VenueHarness, client: VenueClient, person_key: str, body: ScoreSheet
) -> tuple[bytes, bytes, bytes]:
    """Canonical JSON + CMS, and the same sheet as a PAdES-signed PDF, as the app sends them."""
    signer = h.signer(person_key)
    lot = project_from_dict(example_project()).lot("lot-1")
    person = h.demo.person(person_key)
    pdf = render_score_sheet(
        body,
        lot,
        session_title="教学楼改扩建工程 第一标段",
        expert_name=person.name,
        venue="jinan",
        seat="A01",
    )
    bound = bind_sheet_pdf(body, pdf)  # the signed JSON names the exact PDF
    content, signature = await client.sign_artefact("score_sheet", bound, signer)
    return content, signature, await async_sign_pdf(pdf, signer)


async def submit_sheet(
    h: VenueHarness, client: VenueClient, person_key: str, body: ScoreSheet, key: str | None = None
) -> SignedReceipt:
    content, signature, pdf = await signed_sheet(h, client, person_key, body)
    return await client.upload("S1", "sheets", content, signature, key=key, pdf=pdf)
