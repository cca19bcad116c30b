"""The people of the demo acting through the same client library the application uses."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from typing import Any

from evaluator_app.client.expert_session import PLEDGE_SHA256
from evaluator_app.client.names import venue_label
from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.core.plan import Lot, Project
from evaluator_app.core.project_file import loads_project
from evaluator_app.demo import draw as demo_draw
from evaluator_app.demo.documents import demo_documents
from evaluator_app.demo.world import SEATS, DemoWorld
from evaluator_app.pki.credentials import Signer, open_key_file
from evaluator_app.pki.pades import PadesOptions, async_sign_pdf
from evaluator_app.protocol.artefacts import (
    Declaration,
    DocumentManifest,
    GateVoteEntry,
    GateVotes,
    LeaderVote,
    ManifestEntry,
    ScoreSheet,
    SheetExplanation,
    SheetScore,
    bind_sheet_pdf,
)
from evaluator_app.protocol.bid_index import bid_index_bytes
from evaluator_app.protocol.draw import DrawAttach
from evaluator_app.protocol.messages import (
    CreateSession,
    DocumentInput,
    MemberInput,
    Role,
    SignedReceipt,
)
from evaluator_app.protocol.schema import B64
from evaluator_app.reports.score_sheet import render_score_sheet
from evaluator_app.reports.signature_stamp import stamped

SESSION = "JN-2026-0418-1"
TITLE = "历城二中教学楼改扩建工程 第一标段 远程异地评标"


def example_project() -> tuple[dict[str, Any], Project]:
    raw = resources.files("evaluator_app.examples").joinpath("project.json").read_bytes()
    return json.loads(raw), loads_project(raw)


def example_scores() -> dict[str, Any]:
    return json.loads(
        resources.files("evaluator_app.examples").joinpath("scores.json").read_text("utf-8")
    )


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Actor:
    """One demo person: a logged-in client and their certificate file."""

    def __init__(self, world: DemoWorld, key: str, url: str | None = None):
        self.world = world
        self.key = key
        self.person = world.person(key)
        roots = [str(ca.root_cert) for ca in world.pki.cas if ca.status == "granted"]
        self.client = VenueClient(
            url or world.venue_url, client_ssl_context(roots), self.person.workstation
        )
        self.person_id = world.pki.person(key).person_id
        self.receipts: list[SignedReceipt] = []  # every upload the venue acknowledged

    def signer(self) -> Signer:
        if self.person.skf_library:  # the demo's SM2 expert on the software SKF key
            from evaluator_app.pki.credentials.skf import open_skf

            return open_skf(self.person.skf_library, self.person.password)
        return open_key_file(self.person.p12, self.person.password)

    async def login(self) -> Actor:
        with self.signer() as signer:
            await self.client.login(signer)
        return self

    @property
    def tsa_url(self) -> str:
        return f"http://127.0.0.1:{self.world.services_port}/tsa"

    async def send(
        self, route: str, kind: str, body: Any, pdf: bytes | None = None, key: str | None = None
    ) -> SignedReceipt:
        with self.signer() as signer:
            content, signature = await self.client.sign_artefact(kind, body, signer, self.tsa_url)
        receipt = await self.client.upload(SESSION, route, content, signature, pdf=pdf, key=key)
        self.receipts.append(receipt)
        return receipt

    async def close(self) -> None:
        await self.client.close()


async def create_session(world: DemoWorld, centre: Actor, lot_pages: int = 8) -> Lot:
    """Upload the documents, create the session, publish the signed manifest, open declarations."""
    raw, project = example_project()
    for plan in raw["plans"]:  # the plan names who must witness 济南's log (淄博, the centre)
        plan["witnesses"] = list(world.witness_ports)
    lot = project.lot("lot-1")
    if any(s["id"] == SESSION for s in (await centre.client.get("/sessions"))["sessions"]):
        return lot
    inputs = []
    for doc in demo_documents(lot, lot_pages):
        sha = await centre.client.put_blob(doc.pdf)
        inputs.append(DocumentInput(doc.doc_id, doc.title, sha, len(doc.pdf), doc.bidder_id))
        if doc.index:  # the bid package's scoring index: which pages answer which criterion
            index = bid_index_bytes(doc.bidder_id or "", doc.doc_id, doc.index)
            inputs.append(
                DocumentInput(
                    f"index-{doc.bidder_id}",
                    f"{doc.bidder_id} 评分索引",
                    await centre.client.put_blob(index),
                    len(index),
                    doc.bidder_id,
                )
            )
    # the experts and their seats come from the draw (专家抽取), not from a typed list
    drawn = await demo_draw.draw_committee(world, raw, venue=centre.client)
    members = [
        MemberInput(m.person_id, Role.EXPERT, m.venue, m.seat)
        for m in drawn.committee
        if not m.left
    ]
    members += [
        MemberInput(world.pki.person(k).person_id, Role.SUPERVISOR, *SEATS[k])
        for k in ("supervisor-jinan", "supervisor-zibo")
    ]
    await centre.client.post(
        "/sessions",
        CreateSession(SESSION, TITLE, raw, lot.id, "jinan", tuple(members), tuple(inputs), now()),
    )
    await centre.client.request(
        "PUT", f"/sessions/{SESSION}/draw", DrawAttach(B64(demo_draw.session_bundle(drawn)))
    )
    entries = tuple(
        sorted(
            (ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id) for d in inputs),
            key=lambda e: e.doc_id,
        )
    )
    await centre.send("manifest", "document_manifest", DocumentManifest(SESSION, entries, now()))
    await centre.client.post(
        f"/sessions/{SESSION}/phase", {"target": "check_in", "reason": "演示开始"}
    )
    await centre.client.post(
        f"/sessions/{SESSION}/phase", {"target": "declarations", "reason": "专家已签到"}
    )
    return lot


def declaration(actor: Actor, lot: Lot, conflict: bool = False, reason: str = "") -> Declaration:
    return Declaration(
        SESSION,
        lot.id,
        actor.person_id,
        tuple(b.id for b in lot.bidders),
        conflict,
        reason,
        PLEDGE_SHA256,
        now(),
    )


def leader_vote(actor: Actor, leader: Actor) -> LeaderVote:
    return LeaderVote(SESSION, actor.person_id, leader.person_id, now())


def gate_votes(actor: Actor, lot: Lot, example_expert: str) -> GateVotes:
    fails = {
        (f["bidder"], f["item"]): f["reason"]
        for f in example_scores()["gate_votes"]["fails"]
        if f["expert"] == example_expert
    }
    votes = tuple(
        GateVoteEntry(b.id, i.id, (b.id, i.id) not in fails, fails.get((b.id, i.id), ""))
        for b in lot.bidders
        for i in lot.plan.gate_items
    )
    return GateVotes(SESSION, lot.id, actor.person_id, votes, now())


def score_sheet(
    actor: Actor, lot: Lot, example_expert: str, version: int = 1, explain: bool = True
) -> ScoreSheet:
    data = example_scores()
    scores = [
        SheetScore(b, i, Decimal(v))
        for b, items in data["sheets"][example_expert].items()
        for i, v in items.items()
    ]
    texts = data["explanations"].get(example_expert, {}) if explain else {}
    explanations = tuple(
        SheetExplanation(k.split("/")[0], k.split("/")[1], t) for k, t in texts.items()
    )
    return ScoreSheet(
        SESSION,
        lot.id,
        actor.person_id,
        "detailed_scoring",
        version,
        tuple(scores),
        explanations,
        now(),
    )


async def send_sheet(
    actor: Actor, lot: Lot, sheet: ScoreSheet, key: str | None = None
) -> SignedReceipt:
    with actor.signer() as signer:
        pdf = render_score_sheet(
            sheet,
            lot,
            session_title=TITLE,
            expert_name=actor.person.name,
            venue=venue_label(actor.person.venue, actor.client.venue_names),
            seat=actor.person.seat,
            project_name="济南市历城区第二中学教学楼改扩建工程施工",
        )
        content, signature = await actor.client.sign_artefact(
            "score_sheet", bind_sheet_pdf(sheet, pdf), signer, actor.tsa_url
        )  # the signed JSON names the exact PDF
        options = stamped(
            pdf, actor.person_id, signer.certificate, PadesOptions(tsa_url=actor.tsa_url)
        )
        signed_pdf = await async_sign_pdf(pdf, signer, options)
    receipt = await actor.client.upload(
        SESSION, "sheets", content, signature, pdf=signed_pdf, key=key
    )
    actor.receipts.append(receipt)
    return receipt


def receipt_digest(receipt: SignedReceipt) -> str:
    return hashlib.sha256(bytes(receipt.receipt)).hexdigest()
