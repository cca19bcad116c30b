"""The centre's rules without Qt or a venue: plan check, documents, conflicts, results, stats."""

from __future__ import annotations

import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

from evaluator_app.archive.verify import damaged_members
from evaluator_app.client.centre_follow import follow_lines
from evaluator_app.client.centre_plan import (
    Assignment,
    BidderInfo,
    Person,
    SessionDraft,
    assignment_problem,
    check_document,
    check_project_file,
    conflict_reason,
    draft_problems,
)
from evaluator_app.client.centre_stats import (
    SessionFacts,
    chart_series,
    facts_of,
    period_of,
    statistics,
    to_csv,
)
from evaluator_app.client.results_rows import results_from_summary
from evaluator_app.core.evaluation import evaluate_lot
from evaluator_app.core.project_file import loads_project
from evaluator_app.core.scores_file import loads_scores
from evaluator_app.protocol.evaluation import summary_json
from evaluator_app.protocol.messages import SessionView
from evaluator_app.protocol.schema import decode

EXAMPLES = resources.files("evaluator_app.examples")


def _example() -> dict:
    return json.loads(EXAMPLES.joinpath("project.json").read_text("utf-8"))


def test_plan_problems_name_every_field(tmp_path: Path) -> None:
    data = _example()
    data["lots"][0]["ceiling_price"] = "-5"
    data["lots"][0]["bidders"][1]["price"] = "abc"
    (tmp_path / "p.json").write_text(json.dumps(data), "utf-8")
    check = check_project_file(tmp_path / "p.json")
    assert not check.ok
    fields = {p.field for p in check.problems}
    assert {"lots[0].ceiling_price", "lots[0].bidders[1].price"} <= fields
    (tmp_path / "bad.json").write_text("{not json", "utf-8")
    assert check_project_file(tmp_path / "bad.json").problems[0].field == "line 1"
    (tmp_path / "ok.json").write_text(json.dumps(_example()), "utf-8")
    good = check_project_file(tmp_path / "ok.json")
    assert good.ok and [b.id for b in good.lots[0].bidders] == ["B1", "B2", "B3", "B4", "B5"]


def test_documents_are_hashed_and_must_be_whole_pdfs(tmp_path: Path) -> None:
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 100 + b"\n%%EOF\n")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    (tmp_path / "c.pdf").write_bytes(b"hello")
    ok = check_document(tmp_path / "a.pdf", "a", "A", None)
    assert ok.ok and ok.size == 116 and len(ok.sha256) == 64
    assert "不完整" in check_document(tmp_path / "b.pdf", "b", "B", None).problem.zh  # type: ignore[union-attr]
    assert "PDF" in check_document(tmp_path / "c.pdf", "c", "C", None).problem.zh  # type: ignore[union-attr]
    assert not check_document(tmp_path / "a.pdf", "a", "A", None, max_bytes=10).ok
    assert not check_document(tmp_path / "missing.pdf", "m", "M", None).ok


def test_conflicted_expert_and_taken_seat_are_refused_with_the_reason() -> None:
    bidders = (BidderInfo("B1", "鲁泰建设", "鲁泰建设", "济南", "1"),)
    insider = Person("p1", "王芳", "expert", "jinan", "鲁泰建设", "济南")
    outsider = Person("p2", "张伟", "expert", "jinan", "山东建筑大学", "济南")
    why = conflict_reason(insider, bidders)
    assert why is not None and "B1" in why.zh and "回避" in why.zh and "conflict" in why.en
    assert conflict_reason(outsider, bidders) is None
    seated = (Assignment(outsider, "jinan", "A01"),)
    assert (
        "A01"
        in assignment_problem(
            seated,
            Assignment(Person("p3", "李娜", "expert", "jinan", "x"), "jinan", "A01"),
            bidders,
        ).zh
    )  # type: ignore[union-attr]
    assert (
        assignment_problem(seated, Assignment(outsider, "jinan", "A02"), bidders) is not None
    )  # twice
    draft = SessionDraft(
        "S1", "t", _example(), "lot-1", "jinan", (Assignment(insider, "jinan", "A02"),), ()
    )
    assert any("回避" in p.zh for p in draft_problems(draft, bidders))


def test_results_from_the_summary_equal_core() -> None:
    project = loads_project(EXAMPLES.joinpath("project.json").read_bytes())
    committee = loads_scores(EXAMPLES.joinpath("scores.json").read_text("utf-8"), project)
    result = evaluate_lot(
        project.lot("lot-1"), committee.experts, committee.gate_votes, committee.sheets
    )
    summary = json.loads(
        json.dumps(summary_json(result, {("E5", "B2", "t-organisation"): "施工组织设计缺冬季方案"}))
    )
    names = {b.id: b.name for b in project.lot("lot-1").bidders}
    items = {i.id: i.name for _g, i in project.lot("lot-1").plan.items()}
    shown = results_from_summary(summary, names, {"E1": "张伟"}, items)
    assert [(r.bidder_id, r.final) for r in shown.bidders if r.position] == [
        ("B2", Decimal("90.63")),
        ("B1", Decimal("88.17")),
        ("B3", Decimal("80.19")),
    ]
    assert all(isinstance(r.final, Decimal) for r in shown.bidders if r.final is not None)
    rejected = {r.bidder_id: r.reasons for r in shown.bidders if r.rejected}
    assert (
        set(rejected) == {"B4", "B5"}
        and "张伟" in rejected["B4"][0]
        and "「投标保证金按时足额提交」未通过" in rejected["B4"][0]
        and rejected["B5"][0].startswith("超过最高限价")
        and "38,500,000.00" in rejected["B5"][0]
    )
    # the columns add up: technical + commercial + price = final, for every ranked bidder
    for r in shown.bidders:
        if r.position:
            assert r.technical is not None and r.commercial is not None
            assert r.technical + r.commercial + r.price_score == r.final
            assert Decimal(0) < r.commercial <= Decimal(20)  # the commercial items' 20 points
            bidder = next(
                b for b in summary["aggregate"]["bidders"] if b["bidder_id"] == r.bidder_id
            )
            each = [Decimal(t["scored"]) - Decimal(t["technical"]) for t in bidder["totals"]]
            assert abs(r.commercial - sum(each) / len(each)) <= Decimal("0.01")
    assert shown.deviations[0].item == "施工组织设计" and shown.deviations[0].bidder
    assert shown.candidates == ("B2", "B1", "B3")
    assert len(shown.per_expert) == 15 and shown.deviations[0].explanation.startswith(
        "施工组织设计"
    )
    assert next(r for r in shown.bidders if r.bidder_id == "B2").price_score == Decimal("39.43")


def _session(
    sid: str, venue: str, phase: str, statuses: list[str], since: str = "2026-03-02T10:00:00Z"
) -> SessionView:
    members = [
        {
            "person_id": f"{sid}-{i}",
            "name": f"专家{i}",
            "role": "expert",
            "venue": venue,
            "seat": f"A{i}",
            "status": s,
        }
        for i, s in enumerate(statuses)
    ]
    return decode(  # as GET /sessions answers: decoded at the client's boundary
        SessionView,
        {
            "id": sid,
            "title": sid,
            "lot_id": "lot-1",
            "main_venue": venue,
            "phase": phase,
            "paused": False,
            "paused_in": None,
            "leader_id": None,
            "scheduled_start": None,
            "phase_since": since,
            "venues": [venue],
            "members": members,
        },
    )


def test_statistics_per_venue_and_period_with_csv_and_chart() -> None:
    events = [
        {"session_id": "S1", "kind": "session.created", "at": "2026-01-10T08:00:00Z"},
        {"session_id": "S1", "kind": "phase", "at": "2026-01-10T10:30:00Z"},
        {"session_id": "S2", "kind": "session.created", "at": "2026-03-02T08:00:00Z"},
        {"session_id": "S3", "kind": "session.created", "at": "2026-04-01T08:00:00Z"},
    ]
    summary = {
        "gates": {"outcomes": [{"rejected": True}, {"rejected": False}]},
        "deviations": [{}, {}],
    }
    facts = [
        facts_of(
            _session("S1", "jinan", "closed", ["assigned", "recused"], "2026-01-10T10:30:00Z"),
            events,
            summary,
            5,
        ),
        facts_of(_session("S2", "zibo", "summary", ["assigned"]), events, summary, 3),
        facts_of(
            _session("S3", "jinan", "check_in", ["assigned"], "2026-04-01T08:00:00Z"),
            events,
            None,
            4,
        ),
    ]
    assert facts[0].minutes == Decimal("150.0") and facts[0].recusals == 1
    quarters = statistics(facts, "quarter")
    q1 = next(r for r in quarters if r.period == "2026-Q1" and r.venue == "*")
    assert (q1.sessions, q1.bidders, q1.rejected, q1.deviations, q1.recusals, q1.experts) == (
        2,
        8,
        2,
        4,
        1,
        3,
    )
    assert q1.longest_minutes == Decimal("150.0") and isinstance(q1.average_minutes, Decimal)
    assert [r.venue for r in quarters if r.period == "2026-Q1"] == ["jinan", "zibo", "*"]
    assert chart_series(quarters) == [("2026-Q1", Decimal(2)), ("2026-Q2", Decimal(1))]
    assert [r.period for r in statistics(facts, "month") if r.venue == "*"] == [
        "2026-01",
        "2026-03",
        "2026-04",
    ]
    assert [r.sessions for r in statistics(facts, "year")] == [2, 1, 3]
    text = to_csv(quarters).splitlines()
    assert text[0].startswith("period,venue,sessions,lots,bidders") and text[1].startswith(
        "2026-Q1,jinan,1,1,5"
    )
    assert period_of(datetime(2026, 12, 1, tzinfo=UTC), "quarter") == "2026-Q4"
    assert isinstance(facts[0], SessionFacts)


def test_follow_lines_count_presence_per_venue_and_raise_alerts() -> None:
    session = _session("S1", "jinan", "detailed_scoring", ["assigned", "assigned", "absent"])
    presence = {
        "S1": [
            {"person": "S1-0", "presence": "focused", "connected": True},
            {"person": "S1-1", "presence": "away", "connected": True},
        ]
    }
    soon = datetime(2026, 3, 2, 10, 10, tzinfo=UTC)
    [line] = follow_lines([session], presence, now=soon)
    assert line.present_text() == "jinan 1/3（缺 专家1、专家2）"
    assert line.present_text("en") == "jinan 1/3 (missing: 专家1, 专家2)"
    assert any("专家1" in a.zh for a in line.alerts) and any("缺席" in a.zh for a in line.alerts)
    assert not any("停留" in a.zh for a in line.alerts)
    [late] = follow_lines([session], presence, now=datetime(2026, 3, 2, 11, 0, tzinfo=UTC))
    assert any("停留 60 分钟" in a.zh for a in late.alerts)
    calm = _session("S2", "zibo", "closed", ["assigned"])
    assert follow_lines([calm], {}, now=soon)[0].alerts == ()


def test_a_damaged_zip_member_is_named(tmp_path: Path) -> None:
    path = tmp_path / "a.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("results.json", json.dumps({"x": "y" * 500}))
        archive.writestr("other.txt", "hello" * 50)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("results.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0x01
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        assert damaged_members(archive) == ["results.json"]
