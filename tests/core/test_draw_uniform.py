"""Property: every eligible expert is equally likely to be drawn (chi-square over many seeds).

Seeds are SHA-256 of a counter (deterministic, so the test never flakes); the significance is
fixed at 0.001 and the sample large enough (300 expected per cell) for the chi-square
approximation. A control shows the same test rejects a slightly biased choice, so it can fail.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

from evaluator_app.core.draw.drbg import Stream, commitment, seed
from evaluator_app.core.draw.model import Need, Rules
from evaluator_app.core.draw.select import run_draw
from tests.core.draw_builders import expert, request, seed_of, snapshot

ALPHA_Z = 3.0902  # the standard normal's 0.999 quantile


def chi_square_limit(dof: int) -> float:
    """The chi-square 0.999 quantile (Wilson–Hilferty; within 0.5% for dof >= 10)."""
    k = float(dof)
    return k * (1 - 2 / (9 * k) + ALPHA_Z * math.sqrt(2 / (9 * k))) ** 3


def chi_square(counts: Counter[str], cells: list[str], expected: float) -> float:
    return sum((counts[c] - expected) ** 2 / expected for c in cells)


def test_the_chi_square_limit_matches_the_table():
    assert abs(chi_square_limit(39) - 72.05) < 0.4
    assert abs(chi_square_limit(19) - 43.82) < 0.4


def test_every_eligible_expert_equally_likely_principal_and_reserve():
    eligible = [expert(f"E{i:02d}") for i in range(1, 41)]
    excluded = [expert("E90", employer="投标人甲"), expert("E91", last_drawn="2026-04-01")]
    snap = snapshot(eligible + excluded)
    req = request(needs=(Need("A", 3, 2),), rules=Rules(recent_days=30))
    draws = 4000
    principal: Counter[str] = Counter()
    reserve: Counter[str] = Counter()
    first: Counter[str] = Counter()
    for i in range(draws):
        result = run_draw(req, snap, seed_of(i)).needs[0]
        principal.update(result.principals)
        reserve.update(result.reserves)
        first[result.principals[0]] += 1
    cells = [e.id for e in eligible]
    assert not (set(principal) | set(reserve)) - set(cells)  # the excluded never come up
    limit = chi_square_limit(len(cells) - 1)
    assert chi_square(principal, cells, draws * 3 / 40) < limit
    assert chi_square(reserve, cells, draws * 2 / 40) < limit
    assert chi_square(first, cells, draws / 40) < limit  # the first met: 100 per cell


def test_the_same_test_rejects_a_biased_choice():
    cells = [f"E{i:02d}" for i in range(1, 41)]
    draws = 12000  # 300 expected per cell, as for the principals above

    def biased(i: int) -> str:  # a modulo of one byte: the first 16 experts a little likelier
        return cells[seed_of(i)[0] % 40]

    def fair(i: int) -> str:
        return cells[Stream(seed_of(i), "A").below(40)]

    def statistic(choose: Callable[[int], str]) -> float:
        counts = Counter(choose(i) for i in range(draws))
        return chi_square(counts, cells, draws / 40)

    # 256 = 6×40 + 16: cells 1–16 get 7/256, the rest 6/256 — a 17% bias the test must see
    assert statistic(biased) > chi_square_limit(39)
    assert statistic(fair) < chi_square_limit(39)


def test_below_is_uniform_for_a_small_range():
    stream = Stream(seed_of(99), "A")
    counts = Counter(str(stream.below(7)) for _ in range(7000))
    assert chi_square(counts, [str(i) for i in range(7)], 1000) < 22.46  # chi2(6) at 0.001


def test_seed_needs_every_secret_and_commitments_bind_them():
    a, b = bytes(32), bytes([1]) * 32
    assert seed({"C-1": a, "S-1": b}) == seed({"S-1": b, "C-1": a})
    assert seed({"C-1": a, "S-1": b}) != seed({"C-1": a, "S-1": a})
    assert commitment("D-1", "C-1", a) != commitment("D-1", "C-1", b)
    assert commitment("D-1", "C-1", a) != commitment("D-2", "C-1", a)
