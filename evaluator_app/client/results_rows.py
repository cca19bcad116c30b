"""The committee's result as people read it: one row per bidder whose columns add up
(technical + commercial + price = final), rejected bidders with their reasons, per-expert totals
and deviations, everything by name. The centre, the leader's summary and the supervisor's
summary all show these rows, so that the three never disagree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.plan import Lot
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.protocol.messages import MemberView, SessionView
from evaluator_app.reports.styles import masked_id, money


@dataclass(frozen=True)
class BidderResult:
    bidder_id: str
    name: str
    position: int | None
    final: Decimal | None
    price_score: Decimal | None
    technical: Decimal | None
    rejected: bool
    reasons: tuple[str, ...]
    candidate: bool = False
    # the rest of the final score after technical and price: the row adds up (see below)
    commercial: Decimal | None = None
    bid_price: Decimal | None = None  # the bidder's quoted price (投标报价), yuan


@dataclass(frozen=True)
class ExpertTotal:
    expert_id: str
    name: str
    bidder_id: str
    total: Decimal


@dataclass(frozen=True)
class DeviationView:
    expert: str
    bidder_id: str
    item_id: str
    score: Decimal
    others_mean: Decimal
    explanation: str
    bidder: str = ""  # names, as people read them
    item: str = ""


@dataclass(frozen=True)
class Results:
    bidders: tuple[BidderResult, ...]
    per_expert: tuple[ExpertTotal, ...]
    deviations: tuple[DeviationView, ...]
    candidates: tuple[str, ...]


def results_from_summary(
    summary: dict[str, Any],
    bidder_names: dict[str, str],
    people: dict[str, str],
    item_names: Mapping[str, str] | None = None,
    language: str = "zh_CN",
) -> Results:
    """The summary (core's LotEvaluation as JSON) in the rows the workspace shows; Decimal
    throughout, items and people by name.

    Per bidder: technical (the committee's technical score), price (the formula's), final
    (the committee's mean of each expert's total) and commercial = final − technical − price,
    so that the columns add up exactly; it is the commercial items' mean, give or take the
    0.01 that rounding the final and the technical score separately may leave."""
    items = item_names or {}
    ranking = {e["bidder_id"]: e for e in summary["ranking"]["entries"]}
    prices: dict[str, Decimal] = {}
    for price in summary.get("price_results", []):
        for score in price["scores"]:
            prices[score["bidder_id"]] = prices.get(score["bidder_id"], Decimal(0)) + Decimal(
                score["score"]
            )
    candidates = tuple(summary["ranking"].get("candidates", ()))
    rows = []
    for outcome in summary["gates"]["outcomes"]:
        bid = outcome["bidder_id"]
        reasons = []
        for failure in outcome.get("failures", []):
            item = items.get(failure["item_id"], failure["item_id"])
            reasons.append(
                _failed(
                    item, failure["fail_votes"], failure["pass_votes"], failure, people, language
                )
            )
        if outcome.get("over_ceiling"):
            reasons.append(_over_ceiling(outcome["over_ceiling"], language))
        entry = ranking.get(bid)
        final = Decimal(entry["final"]) if entry else None
        technical = Decimal(entry["technical"]) if entry and entry.get("technical") else None
        rows.append(
            BidderResult(
                bid,
                bidder_names.get(bid, bid),
                entry["position"] if entry else None,
                final,
                prices.get(bid),
                technical,
                bool(outcome["rejected"]),
                tuple(reasons),
                bid in candidates,
                final - (technical or Decimal(0)) - prices.get(bid, Decimal(0))
                if final is not None
                else None,
                Decimal(entry["price"]) if entry and entry.get("price") is not None else None,
            )
        )
    rows.sort(key=lambda r: (r.position is None, r.position or 0, r.bidder_id))
    per_expert = tuple(
        ExpertTotal(
            t["expert_id"],
            people.get(t["expert_id"], masked_id(t["expert_id"])),
            b["bidder_id"],
            Decimal(t["total"]),
        )
        for b in summary["aggregate"]["bidders"]
        for t in b["totals"]
    )
    deviations = tuple(
        DeviationView(
            people.get(d["expert_id"], masked_id(d["expert_id"])),
            d["bidder_id"],
            d["item_id"],
            Decimal(d["score"]),
            Decimal(d["others_mean"]),
            d.get("explanation", ""),
            bidder_names.get(d["bidder_id"], d["bidder_id"]),
            items.get(d["item_id"], d["item_id"]),
        )
        for d in summary.get("deviations", [])
    )
    return Results(tuple(rows), per_expert, deviations, candidates)


Names = tuple[dict[str, str], dict[str, str], dict[str, str]]


def lot_names(lot: Lot, members: Iterable[MemberView]) -> Names:
    """The same names from what a member already holds (the lot and the committee)."""
    return (
        {b.id: b.name for b in lot.bidders},
        {m.person_id: m.name for m in members},
        {item.id: item.name for _group, item in lot.plan.items()},
    )


async def fetch_names(client: VenueClient, session_id: str) -> Names:
    """Bidders, people and the plan's items of a session, each id → name."""
    session = await client.get(f"/sessions/{session_id}", SessionView)
    data = await client.get(f"/sessions/{session_id}/project")
    return lot_names(project_from_dict(data["project"]).lot(data["lot_id"]), session.members)


def _failed(
    item: str,
    fail: int,
    passed: int,
    failure: Mapping[str, Any],
    people: Mapping[str, str],
    language: str,
) -> str:
    """A gate item failed by majority: its votes and every expert's written reason, by name
    (an expert outside the reader's view as a masked id). The experts' own words stay as
    they wrote them."""
    english = language == "en"
    why = ("; " if english else "；").join(
        f"{people.get(e, masked_id(e))}{': ' if english else '：'}{text}"
        for e, text in failure.get("reasons", [])
    )
    if english:
        return f"“{item}” failed ({fail} fail, {passed} pass)" + (f": {why}" if why else "")
    return f"「{item}」未通过（{fail} 票不通过、{passed} 票通过）" + (f"：{why}" if why else "")


def _over_ceiling(over: Mapping[str, Any], language: str) -> str:
    price, ceiling = money(over["price"]), money(over["ceiling"])
    if language == "en":
        return f"Above the ceiling price: bid CNY {price}, ceiling CNY {ceiling}"
    return f"超过最高限价：报价 {price} 元，最高限价 {ceiling} 元"


def gate_rejections(
    gates: Mapping[str, Any], names: Names, language: str = "zh_CN"
) -> list[tuple[str, str]]:
    """The preliminary review's rejections (the venue's ``/gates``) as (bidder, reason), by name:
    each failed item with its votes and every expert's written reason, or the ceiling price."""
    bidders, people, items = names
    out = []
    for rejected in gates.get("rejected") or ():
        reasons = []
        for failure in rejected.get("failures") or ():
            item = items.get(failure["item"], failure["item"])
            reasons.append(
                _failed(item, failure["fail"], failure["pass"], failure, people, language)
            )
        if rejected.get("ceiling"):
            reasons.append(_over_ceiling(rejected["ceiling"], language))
        elif rejected.get("over_ceiling"):  # a venue that sends the sentence only
            reasons.append(str(rejected["over_ceiling"]))
        bidder = str(rejected["bidder"])
        out.append(
            (bidders.get(bidder, bidder), ("; " if language == "en" else "；").join(reasons))
        )
    return out
