"""The 专家抽取记录 section of a session archive: the draw recomputed, and the session's experts
compared with the committee it gives (shared by ``evaluator verify``, ``evaluator draw verify``
and the venue when a record is attached)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from evaluator_app.drawcheck.check import Finding
from evaluator_app.drawcheck.signers import SignatureJudge
from evaluator_app.drawcheck.verify import DrawReport, Member, verify_bundle
from evaluator_app.protocol import draw as layout

SECTION = "专家抽取记录 expert draw"
LEFT_STATUSES = {
    "recused": {"recused", "replaced"},
    "no_show": {"absent", "replaced"},
    "declined": {"replaced"},  # the session was made before the expert declined by telephone
}


@dataclass(frozen=True)
class SessionExpert:
    person_id: str
    name: str
    venue: str
    seat: str
    status: str


def session_experts(session_json: bytes) -> list[SessionExpert]:
    data = json.loads(session_json)
    return [
        SessionExpert(m["person_id"], m.get("name", ""), m["venue"], m["seat"], m.get("status", ""))
        for m in data.get("members", [])
        if m.get("role") == "expert"
    ]


def committee_problems(
    committee: Iterable[Member], experts: Iterable[SessionExpert], complete: bool
) -> list[str]:
    """Where the draw's committee and the session's experts differ (empty: they agree).

    ``complete`` (an archive, or the first attach) also wants every drawn expert on the session;
    otherwise a drawn replacement may still be on the way."""
    drawn = {m.person_id: m for m in committee}
    problems = []
    on_session = {e.person_id: e for e in experts}
    for person_id, expert in on_session.items():
        seat = drawn.get(person_id)
        if seat is None:
            problems.append(f"{expert.name} ({person_id}) is on the session but was not drawn")
        elif (seat.venue, seat.seat) != (expert.venue, expert.seat):
            problems.append(
                f"{expert.name}: seat {expert.venue}/{expert.seat}, "
                f"the draw gives {seat.venue}/{seat.seat}"
            )
        elif seat.left == "declined" and expert.status != "replaced":
            problems.append(f"{expert.name} declined in the draw record but is on the session")
        elif complete and seat.left and expert.status not in LEFT_STATUSES.get(seat.left, set()):
            problems.append(
                f"{expert.name} left the committee ({seat.left}), session says {expert.status}"
            )
    if complete:
        for person_id, seat in drawn.items():
            if not seat.left and person_id not in on_session:
                problems.append(f"{seat.name} ({person_id}) was drawn but is not on the session")
    return problems


def draw_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {n: d for n, d in files.items() if n.startswith(layout.PREFIX)}


async def check_section(
    files: Mapping[str, bytes], session_json: bytes | None, judge: SignatureJudge
) -> tuple[list[Finding], DrawReport | None]:
    """Findings for the section (one passing line when the roster was typed, not drawn)."""
    draws = draw_files(files)
    if not draws:
        return [
            Finding(
                SECTION,
                True,
                "no draw: the roster was entered by hand",
                "未使用专家抽取，名单为人工录入",
            )
        ], None
    report = await verify_bundle(draws, judge)
    findings = list(report.all_findings())
    if report.ok and session_json is not None:
        problems = committee_problems(
            report.committee, session_experts(session_json), complete=True
        )
        sitting = sum(1 for m in report.committee if not m.left)
        findings.append(
            Finding(
                SECTION,
                not problems,
                f"the session's experts are the draw's committee ({sitting} seated)"
                if not problems
                else "; ".join(problems[:5]),
                f"评标委员会与抽取结果一致（{sitting} 人）"
                if not problems
                else "评标委员会与抽取结果不一致：" + "；".join(problems[:5]),
            )
        )
    return findings, report


def findings_ok(findings: Iterable[Finding]) -> bool:
    return all(f.ok for f in findings)


def as_plain(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    return [f.__dict__ for f in findings]


def draw_summary(files: Mapping[str, bytes]) -> dict[str, Any] | None:
    """What the evaluation report prints of the draw (from a record the venue has verified)."""
    draws = draw_files(files)
    ids = layout.draw_ids(set(draws))
    if not ids:
        return None
    out: dict[str, Any] = {"draws": [], "replacements": []}
    names: dict[str, str] = {}
    for draw_id in ids:
        request = json.loads(draws[layout.path(draw_id, layout.REQUEST)])
        record = json.loads(draws[layout.path(draw_id, layout.RECORD)])
        names.update({p["id"]: p["name"] for p in record["people"]})
        commits = [
            json.loads(draws[layout.path(draw_id, layout.commit_name(i))])["commitment"]
            for i in range(len(request["parties"]))
        ]
        out["draws"].append(
            {
                "draw_id": draw_id,
                "supplement": (request.get("supplement") or {}).get("leaving", ""),
                "draw_date": request["draw_date"],
                "tenderer": request["tenderer"],
                "rules": request["rules"],
                "parties": [f"{p['name']}（{p['role']}）" for p in request["parties"]],
                "commitments": commits,
                "pool_count": record["pool_count"],
                "pool_sha256": record["pool_sha256"],
                "seed": record["seed"],
                "needs": [
                    {
                        **n,
                        "wanted": w["count"],
                        "wanted_reserves": w["reserves"],
                    }
                    for n, w in zip(record["needs"], request["needs"], strict=True)
                ],
                "excluded": {rule: len(ids_) for rule, ids_ in record["excluded"].items()},
                "passed_over": len(record["passed_over"]),
                "seats": record["seats"],
            }
        )
    main = ids[0] if ids else ""
    for name in layout.numbered(set(draws), main, "replacement"):
        body = json.loads(draws[layout.path(main, name)])
        out["replacements"].append(body)
    out["names"] = names
    return out
