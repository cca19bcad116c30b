"""Price patterns: identical bids, arithmetic progressions, tight clusters, bids at the ceiling,
identical unit prices across bills of quantities. All arithmetic in Decimal."""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal

from evaluator_app.core.collusion_rule import CollusionRule, threshold_name
from evaluator_app.venue.collusion.model import (
    BidPackageInfo,
    Strength,
    Threshold,
    Value,
    Warning,
    WarningKind,
)

logger = logging.getLogger(__name__)
_SHARE = Decimal("0.0001")  # observed shares are shown to four places


def _q(value: Decimal) -> str:
    return format(value.quantize(_SHARE), "f")


def _values(bids: Sequence[tuple[str, Decimal]]) -> tuple[Value, ...]:
    return tuple(Value(b, "price", format(p, "f")) for b, p in bids)


def identical_price_warnings(prices: Mapping[str, Decimal]) -> list[Warning]:
    groups: dict[Decimal, list[str]] = defaultdict(list)
    for bidder, price in prices.items():
        groups[price].append(bidder)
    return [
        Warning(
            kind=WarningKind.IDENTICAL_PRICES,
            bidders=tuple(sorted(bidders)),
            strength=Strength.STRONG,
            threshold=Threshold(threshold_name("prices_cluster_spread"), "identical", "0"),
            summary=f"{', '.join(sorted(bidders))} bid exactly {price}",
            values=_values([(b, price) for b in sorted(bidders)]),
        )
        for price, bidders in sorted(groups.items())
        if len(bidders) >= 2
    ]


def _deviation(run: Sequence[Decimal]) -> Decimal:
    """Largest distance of a step from the mean step, as a share of the mean step."""
    steps = [b - a for a, b in itertools.pairwise(run)]
    mean = sum(steps, Decimal(0)) / len(steps)
    return max(abs(s - mean) for s in steps) / mean


def progression_warnings(prices: Mapping[str, Decimal], rule: CollusionRule) -> list[Warning]:
    """Maximal runs of neighbouring bids (in price order) whose steps are equal within tolerance."""
    ordered = sorted(prices.items(), key=lambda bp: (bp[1], bp[0]))
    tol, need = rule.prices_progression_tolerance, rule.prices_progression_min_bids
    warnings: list[Warning] = []
    covered_to = -1
    for start in range(len(ordered) - 1):
        end = start + 1
        while end + 1 < len(ordered):
            run = [p for _, p in ordered[start : end + 2]]
            if run[1] == run[0] or _deviation(run) > tol:
                break
            end += 1
        if (
            end - start + 1 < need
            or end <= covered_to
            or ordered[start][1] == ordered[start + 1][1]
        ):
            continue
        covered_to = end
        bids = ordered[start : end + 1]
        run = [p for _, p in bids]
        step = (run[-1] - run[0]) / (len(run) - 1)
        warnings.append(
            Warning(
                kind=WarningKind.PRICE_PROGRESSION,
                bidders=tuple(sorted(b for b, _ in bids)),
                strength=Strength.STRONG if len(bids) >= need + 1 else Strength.MODERATE,
                threshold=Threshold(
                    threshold_name("prices_progression_tolerance"),
                    format(tol, "f"),
                    _q(_deviation(run)),
                ),
                summary=f"{len(bids)} bids in arithmetic progression, step "
                f"about {step.quantize(Decimal('0.01'))}",
                values=_values(bids),
            )
        )
    return warnings


def cluster_warnings(prices: Mapping[str, Decimal], rule: CollusionRule) -> list[Warning]:
    """Maximal sets of neighbouring bids whose spread (highest − lowest) / lowest is within the
    limit."""
    ordered = sorted(prices.items(), key=lambda bp: (bp[1], bp[0]))
    spread_limit, need = rule.prices_cluster_spread, rule.prices_cluster_min_bids
    warnings: list[Warning] = []
    end, last_end = 0, -1
    for start in range(len(ordered)):
        low = ordered[start][1]
        end = max(end, start)
        while (
            end + 1 < len(ordered) and low > 0 and (ordered[end + 1][1] - low) / low <= spread_limit
        ):
            end += 1
        if end - start + 1 >= need and end > last_end:
            last_end = end
            bids = ordered[start : end + 1]
            spread = (bids[-1][1] - low) / low
            warnings.append(
                Warning(
                    kind=WarningKind.PRICE_CLUSTER,
                    bidders=tuple(sorted(b for b, _ in bids)),
                    strength=Strength.MODERATE if len(bids) >= need + 2 else Strength.WEAK,
                    threshold=Threshold(
                        threshold_name("prices_cluster_spread"),
                        format(spread_limit, "f"),
                        _q(spread),
                    ),
                    summary=f"{len(bids)} bids within {_q(spread * 100)} % of each other",
                    values=_values(bids),
                )
            )
    return warnings


def ceiling_warnings(
    prices: Mapping[str, Decimal], ceiling: Decimal | None, rule: CollusionRule
) -> list[Warning]:
    if ceiling is None or ceiling <= 0:
        return []
    near = sorted(
        (
            (b, p)
            for b, p in prices.items()
            if p <= ceiling and (ceiling - p) / ceiling <= rule.prices_ceiling_share
        ),
        key=lambda bp: (bp[1], bp[0]),
    )
    if len(near) < rule.prices_ceiling_min_bids:
        return []
    widest = max((ceiling - p) / ceiling for _, p in near)
    return [
        Warning(
            kind=WarningKind.PRICE_NEAR_CEILING,
            bidders=tuple(sorted(b for b, _ in near)),
            strength=Strength.MODERATE if len(near) >= 3 else Strength.WEAK,
            threshold=Threshold(
                threshold_name("prices_ceiling_share"),
                format(rule.prices_ceiling_share, "f"),
                _q(widest),
            ),
            summary=f"{len(near)} bids within {_q(widest * 100)} % below the ceiling {ceiling}",
            values=(*_values(near), Value("", "ceiling_price", format(ceiling, "f"))),
        )
    ]


def _item_key(code: str, description: str, unit: str) -> str:
    return code.strip() or f"{' '.join(description.split())}|{unit.strip()}"


def unit_price_warnings(packages: Sequence[BidPackageInfo], rule: CollusionRule) -> list[Warning]:
    """Pairs of bidders quoting the same unit price on many items that others priced differently."""
    bills = {
        p.bidder_id: {
            _item_key(i.code, i.description, i.unit): i.unit_price
            for i in p.bill_of_quantities
            if i.unit_price > 0
        }
        for p in packages
        if p.bill_of_quantities
    }
    # An item every bidder prices the same (provisional sums, 暂估价 fixed by the tender) is no
    # evidence.
    quoted: dict[str, set[Decimal]] = defaultdict(set)
    holders: dict[str, int] = defaultdict(int)
    for bill in bills.values():
        for key, price in bill.items():
            quoted[key].add(price)
            holders[key] += 1
    fixed = {k for k, seen in quoted.items() if len(seen) == 1 and holders[k] >= 3}
    warnings = []
    for a, b in itertools.combinations(sorted(bills), 2):
        common = sorted((set(bills[a]) & set(bills[b])) - fixed)
        same = [k for k in common if bills[a][k] == bills[b][k]]
        if not common or len(same) < rule.prices_unit_price_min_identical:
            continue
        share = Decimal(len(same)) / Decimal(len(common))
        if share < rule.prices_unit_price_share:
            continue
        shown = same[:50]  # enough for a person to check; the count says the rest
        warnings.append(
            Warning(
                kind=WarningKind.IDENTICAL_UNIT_PRICES,
                bidders=(a, b),
                strength=Strength.STRONG if share >= Decimal("0.5") else Strength.MODERATE,
                threshold=Threshold(
                    threshold_name("prices_unit_price_share"),
                    format(rule.prices_unit_price_share, "f"),
                    _q(share),
                ),
                summary=f"{len(same)} of {len(common)} unit prices identical between {a} and {b}",
                values=tuple(
                    Value(bidder, k, format(bills[bidder][k], "f"))
                    for k in shown
                    for bidder in (a, b)
                ),
            )
        )
    return warnings


def price_warnings(
    prices: Mapping[str, Decimal],
    ceiling: Decimal | None,
    packages: Sequence[BidPackageInfo],
    rule: CollusionRule,
) -> list[Warning]:
    return [
        *identical_price_warnings(prices),
        *progression_warnings(prices, rule),
        *cluster_warnings(prices, rule),
        *ceiling_warnings(prices, ceiling, rule),
        *unit_price_warnings(packages, rule),
    ]
