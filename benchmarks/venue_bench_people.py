"""People for bench_venue_pg.py: certificates from the demo PKI's NCA (ECDSA), and everything
they sign prepared in advance (declarations, leader and gate votes, score sheets with their
PAdES PDF), so that the timed phases measure the venue, not the benchmark's own signing."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.pki import x509_build as xb
from evaluator_app.pki.credentials import open_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.pades import async_sign_pdf
from evaluator_app.protocol.artefacts import (
    Declaration,
    GateVoteEntry,
    GateVotes,
    LeaderVote,
    ScoreSheet,
    SheetScore,
    bind_sheet_pdf,
)
from evaluator_app.reports.score_sheet import render_score_sheet

OID_ID_NUMBER = "1.2.156.10260.4.1.1"  # where NCA's identity rule reads the person's number
SCORES = json.loads(resources.files("evaluator_app.examples").joinpath("scores.json").read_text())
PROJECT = json.loads(resources.files("evaluator_app.examples").joinpath("project.json").read_text())
LOT = project_from_dict(PROJECT).lot("lot-1")
BIDDERS = [b["id"] for b in PROJECT["lots"][0]["bidders"]]
GATE_ITEMS = ["q-licence", "q-safety", "q-bond", "q-signature"]  # the example's pass/fail items
PLEDGE = "0" * 64


@dataclass(frozen=True)
class BenchPerson:
    person_id: str
    name: str
    role: str  # expert | supervisor
    venue: str
    seat: str
    p12: Path
    password: str

    @property
    def workstation(self) -> str:
        return f"ws-{self.person_id}"

    def signer(self) -> Any:
        return open_key_file(self.p12, self.password)


def issue_people(demo: DemoPki, folder: Path, sessions: int) -> list[list[BenchPerson]]:
    """Per session: 9 experts, then 2 supervisors (Jinan's and Zibo's), each with a certificate."""
    ca = demo.ca("nca")
    ca_cert, ca_key, root = ca.load_cert(), ca.load_key(), ca.load_root()
    now = datetime.now(UTC)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for s in range(sessions):
        group = []
        for n in range(11):
            role = "expert" if n < 9 else "supervisor"
            venue = "jinan" if n % 2 == 0 else "zibo"
            person_id = f"9{s:03d}{n:02d}0000000000"[:18]
            name = f"专家{s}-{n}" if role == "expert" else f"监督{s}-{n}"
            key = xb.new_key()
            cert = xb.build_cert(
                subject=xb.make_name(name, org="国家数字证书 NCA 个人用户", unit="评标专家"),
                public_key=key.public_key(),
                issuer_cert=ca_cert,
                issuer_key=ca_key,  # type: ignore[arg-type]
                not_before=now - timedelta(days=1),
                not_after=now + timedelta(days=30),
                key_usage=("digital_signature", "content_commitment"),
                eku=[xb.EKU_CLIENT_AUTH, xb.EKU_EMAIL],
                other_names=[xb.utf8_other_name(OID_ID_NUMBER, person_id)],
                crl_url=ca.crl_url,
                ocsp_url=ca.ocsp_url,
            )
            password = secrets.token_urlsafe(8)
            p12 = folder / f"{person_id}.p12"
            xb.write_p12(p12, name, key, cert, [ca_cert, root], password)
            group.append(
                BenchPerson(person_id, name, role, venue, f"S{s:03d}{n:02d}", p12, password)
            )
        out.append(group)
    return out


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def session_id(s: int) -> str:
    return f"B{s:03d}"


@dataclass(frozen=True)
class Signed:
    session_id: str
    person: BenchPerson
    route: str
    content: bytes
    signature: bytes
    pdf: bytes | None = None


async def _sign(sid: str, person: BenchPerson, route: str, kind: str, body: Any) -> Signed:
    with person.signer() as signer:
        content, signature = await VenueClient.sign_artefact(kind, body, signer)
    return Signed(sid, person, route, content, signature)


async def prepare(groups: list[list[BenchPerson]]) -> dict[str, list[Signed]]:
    """Every upload of the run, signed now: declarations, leader votes, gate votes, sheets."""
    out: dict[str, list[Signed]] = {"declarations": [], "leader": [], "gates": [], "sheets": []}
    fails = {
        (f["bidder"], f["item"]): f["reason"]
        for f in SCORES["gate_votes"]["fails"]
        if f["expert"] == "E1"
    }
    items = GATE_ITEMS
    for s, group in enumerate(groups):
        sid, experts = session_id(s), [p for p in group if p.role == "expert"]
        for person in experts:
            body = Declaration(
                sid, "lot-1", person.person_id, tuple(BIDDERS), False, "", PLEDGE, _now()
            )
            out["declarations"].append(
                await _sign(sid, person, "declarations", "declaration", body)
            )
            vote = LeaderVote(sid, person.person_id, experts[0].person_id, _now())
            out["leader"].append(await _sign(sid, person, "leader-votes", "leader_vote", vote))
            entries = tuple(
                GateVoteEntry(b, i, (b, i) not in fails, fails.get((b, i), ""))
                for b in BIDDERS
                for i in items
            )
            gates = GateVotes(sid, "lot-1", person.person_id, entries, _now())
            out["gates"].append(await _sign(sid, person, "gate-votes", "gate_votes", gates))
            out["sheets"].append(await _sheet(sid, person))
    return out


async def _sheet(sid: str, person: BenchPerson) -> Signed:
    scores = [
        SheetScore(bidder, item, Decimal(value))
        for bidder, row in SCORES["sheets"]["E1"].items()
        for item, value in row.items()
    ]
    body = ScoreSheet(
        sid, "lot-1", person.person_id, "detailed_scoring", 1, tuple(scores), (), _now()
    )
    with person.signer() as signer:
        pdf = render_score_sheet(
            body, LOT, session_title="基准测试", expert_name=person.name, venue=person.venue,
            seat=person.seat,
        )  # fmt: skip
        # the signed JSON names the exact PDF it was rendered as (the venue refuses it otherwise)
        content, signature = await VenueClient.sign_artefact(
            "score_sheet", bind_sheet_pdf(body, pdf), signer
        )
        signed_pdf = await async_sign_pdf(pdf, signer)
    return Signed(sid, person, "sheets", content, signature, signed_pdf)
