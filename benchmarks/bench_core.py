"""Aggregate 9 experts × 20 bidders × 30 scored items and time it beside a plain sum.

Run: python benchmarks/bench_core.py. The baseline adds the same Decimal scores with the
built-in sum and divides once per bidder, with no checks; the difference is the price of
validation (every score checked against its item), exact contexts and audit records.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evaluator_app.core.aggregate import aggregate
from evaluator_app.core.price import compute_price_scores
from evaluator_app.core.ranking import rank
from tests.core.builders import make_lot, make_plan, price_item, scored, sheet

EXPERTS, BIDDERS, ITEMS, REPEAT = 9, 20, 30, 20


def build():
    rnd = random.Random(20261126)
    items = [scored(f"t{i:02}", 2, step="0.1") for i in range(ITEMS)]
    plan = make_plan(technical=items, price=price_item(30))
    lot = make_lot(
        plan, {f"b{i:02}": Decimal(rnd.randint(800_000, 1_000_000)) for i in range(BIDDERS)}
    )
    sheets = [
        sheet(
            f"e{e}",
            {(b.id, it.id): Decimal(rnd.randint(0, 20)) / 10 for b in lot.bidders for it in items},
        )
        for e in range(EXPERTS)
    ]
    return lot, sheets


def timed(fn) -> float:
    start = time.perf_counter()
    for _ in range(REPEAT):
        fn()
    return (time.perf_counter() - start) / REPEAT


def main() -> None:
    lot, sheets = build()
    bids = {b.id: b.price for b in lot.bidders}
    ids = list(bids)

    def core() -> None:
        prices = (compute_price_scores(lot.plan.price_items[0], bids, lot.plan.aggregation),)
        rank(lot, aggregate(lot, sheets, prices, ids))

    def baseline() -> None:
        totals: dict[str, Decimal] = {b: Decimal(0) for b in ids}
        for s in sheets:
            for x in s.scores:
                totals[x.bidder_id] += x.score
        {b: t / EXPERTS for b, t in totals.items()}

    base, full = timed(baseline), timed(core)
    n = EXPERTS * BIDDERS * ITEMS
    print(f"{EXPERTS} experts × {BIDDERS} bidders × {ITEMS} items = {n} scores")
    print(f"baseline plain sum   : {base * 1000:8.2f} ms")
    print(f"core price+aggregate+rank: {full * 1000:8.2f} ms  ({full / base:.1f}× baseline)")


if __name__ == "__main__":
    main()
