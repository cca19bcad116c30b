"""Time the PDFs: a score sheet for 5 bidders × 8 items, and the full evaluation report.

Run: python benchmarks/bench_reports.py. The baseline is reportlab drawing a one-page
"hello" PDF with a built-in font in the same run; the CJK font is registered before timing
(once per process in the app), so the numbers are the steady cost of one render.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reportlab.pdfgen import canvas

from evaluator_app.core.plan import Bidder, CriteriaGroup, GroupCategory, Lot, Plan, ScoredItem
from evaluator_app.protocol.artefacts import ScoreSheet, SheetScore
from evaluator_app.reports.evaluation_report import CommitteeMember, render_evaluation_report
from evaluator_app.reports.fonts import register_fonts
from evaluator_app.reports.score_sheet import render_score_sheet
from tests.reports.example_data import GENERATED_AT, NAMES, VENUES, example

REPEAT = 20


def five_by_eight() -> tuple[Lot, ScoreSheet]:
    items = tuple(
        ScoredItem(
            f"t{i}", f"技术评审项 {i + 1}：施工方案与技术措施", Decimal(10), step=Decimal("0.5")
        )
        for i in range(8)
    )
    plan = Plan(
        "p",
        "综合评估法",
        Decimal(80),
        (CriteriaGroup("t", "技术标", GroupCategory.TECHNICAL, items, Decimal(80)),),
    )
    bidders = tuple(
        Bidder(f"B{i}", f"山东第{i}建设工程有限公司", Decimal(1_000_000 + i)) for i in range(1, 6)
    )
    lot = Lot("lot-1", "第一标段", bidders, plan)
    scores = tuple(
        SheetScore(
            b.id, it.id, Decimal(5 + (n % 10)) / 2, "方案合理，措施可行" if n % 3 == 0 else ""
        )
        for n, (b, it) in enumerate((b, it) for b in bidders for it in items)
    )
    return lot, ScoreSheet(
        "S-1", lot.id, "E1", "detailed_scoring", 1, scores, (), "2026-11-26T06:30:00Z"
    )


def hello() -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, invariant=1)
    c.setFont("Helvetica", 12)
    c.drawString(72, 750, "hello")
    c.showPage()
    c.save()
    return out.getvalue()


def timed(fn: Callable[[], bytes]) -> tuple[float, int]:
    """Median seconds of REPEAT runs after one warm-up, and the size of the output."""
    size = len(fn())
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), size


def main() -> None:
    register_fonts()
    lot, sheet = five_by_eight()
    ex = example()
    committee = [
        CommitteeMember(e, NAMES[e], VENUES[e], leader=e == "E2") for e in ex.committee.experts
    ]

    def sheet_pdf() -> bytes:
        return render_score_sheet(
            sheet,
            lot,
            session_title="基准测试",
            expert_name="王建国",
            venue="济南主场",
            seat="A-01",
        )

    def report_pdf() -> bytes:
        return render_evaluation_report(
            ex.project,
            ex.lot,
            ex.summary,
            session_title="基准测试",
            committee=committee,
            generated_at=GENERATED_AT,
            sheets=ex.sheets,
        )

    base, base_size = timed(hello)
    print(f"{'render':<44}{'median ms':>10}{'× hello':>10}{'bytes':>10}")
    print(
        f"{'baseline: reportlab one-page hello':<44}{base * 1000:>10.2f}{1:>10.1f}{base_size:>10}"
    )
    for label, fn in (
        ("score sheet, 5 bidders × 8 items", sheet_pdf),
        ("full report (example: 5 experts, 5 bids)", report_pdf),
    ):
        seconds, size = timed(fn)
        print(f"{label:<44}{seconds * 1000:>10.2f}{seconds / base:>10.1f}{size:>10}")


if __name__ == "__main__":
    main()
