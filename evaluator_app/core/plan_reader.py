"""Reading the plan part of a project file: primitives, groups, items, rules."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any

from evaluator_app.core.collusion_rule import read_collusion
from evaluator_app.core.errors import PlanProblem
from evaluator_app.core.plan import (
    AggregationRule,
    BenchmarkPrice,
    Bidder,
    CriteriaGroup,
    DeviationRule,
    GateItem,
    GradeBand,
    GroupCategory,
    Item,
    ItemKind,
    LowPriceFirst,
    Plan,
    PriceFormula,
    PriceItem,
    RankingRule,
    Rounding,
    ScoredItem,
    TieBreak,
)

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
_NUMBER_TEXT = re.compile(r"^-?\d+(\.\d+)?$")
_ZERO = Decimal(0)


class PlanReader:
    """Collects :class:`PlanProblem` objects while turning JSON data into plan objects."""

    def __init__(self) -> None:
        self.problems: list[PlanProblem] = []

    # -- primitives -------------------------------------------------------------------
    def problem(self, field: str, value: object, message: str) -> None:
        self.problems.append(PlanProblem(field, value, message))

    def obj(self, path: str, raw: Any) -> dict[str, Any]:
        if isinstance(raw, dict):
            return raw
        self.problem(path, raw, "must be an object")
        return {}

    def known_keys(self, path: str, data: dict[str, Any], allowed: set[str]) -> None:
        # Unknown keys are refused: a typo such as "maxx" must not silently fall back to a default.
        for key in sorted(set(data) - allowed):
            self.problem(f"{path}.{key}", data[key], "unknown field")

    def each(self, path: str, raw: Any, min_count: int = 0) -> Iterator[tuple[str, Any]]:
        if not isinstance(raw, list):
            self.problem(path, raw, "must be a list")
            return
        if len(raw) < min_count:
            self.problem(
                path, raw, f"needs at least {min_count} entr{'y' if min_count == 1 else 'ies'}"
            )
        for index, item in enumerate(raw):
            yield f"{path}[{index}]", item

    def text(self, path: str, raw: Any, required: bool = True) -> str:
        if isinstance(raw, str) and (raw.strip() or not required):
            return raw
        self.problem(path, raw, "must be a non-empty text" if required else "must be a text")
        return ""

    def ident(self, path: str, raw: Any) -> str:
        if isinstance(raw, str) and _ID.match(raw):
            return raw
        self.problem(path, raw, "must be an id: letters, digits, '_', '.', '-' (at most 64)")
        return str(raw)

    def number(self, path: str, raw: Any, minimum: Decimal | None = None) -> Decimal:
        value: Decimal | None = None
        if isinstance(raw, bool) or raw is None:
            value = None
        elif isinstance(raw, int):
            value = Decimal(raw)
        elif isinstance(raw, Decimal):
            value = raw
        elif isinstance(raw, str) and _NUMBER_TEXT.match(raw.strip()):
            try:
                value = Decimal(raw.strip())
            except InvalidOperation:
                value = None
        if value is None or not value.is_finite():
            self.problem(path, raw, 'must be a decimal number such as "12.5"')
            return _ZERO
        if minimum is not None and value < minimum:
            self.problem(path, raw, f"must not be below {minimum}")
        return value

    def amount(self, path: str, raw: Any, positive: bool = False) -> Decimal:
        value = self.number(path, raw, minimum=_ZERO)
        if positive and value == 0 and not any(p.field == path for p in self.problems):
            self.problem(path, raw, "must be greater than 0")
        return value

    def integer(self, path: str, raw: Any, minimum: int) -> int:
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= minimum:
            return raw
        self.problem(path, raw, f"must be a whole number of at least {minimum}")
        return minimum

    def choice(self, path: str, raw: Any, enum_type: Any) -> Any:
        try:
            return enum_type(raw)
        except ValueError:
            allowed = ", ".join(m.value for m in enum_type)
            self.problem(path, raw, f"must be one of: {allowed}")
            return next(iter(enum_type))

    # -- people and prices ------------------------------------------------------------
    def bidder(self, path: str, raw: Any) -> Bidder:
        data = self.obj(path, raw)
        self.known_keys(path, data, {"id", "name", "price", "organisation", "city"})
        return Bidder(
            id=self.ident(f"{path}.id", data.get("id")),
            name=self.text(f"{path}.name", data.get("name")),
            price=self.amount(f"{path}.price", data.get("price"), positive=True),
            organisation=self.text(f"{path}.organisation", data.get("organisation", ""), False),
            city=self.text(f"{path}.city", data.get("city", ""), False),
        )

    # -- the plan ---------------------------------------------------------------------
    def plan(self, path: str, raw: Any) -> Plan | None:
        data = self.obj(path, raw)
        self.known_keys(
            path,
            data,
            {
                "id",
                "name",
                "total_points",
                "groups",
                "aggregation",
                "ranking",
                "deviation",
                "collusion",
                "witnesses",
            },
        )
        before = len(self.problems)
        groups: list[CriteriaGroup] = []
        for gpath, graw in self.each(f"{path}.groups", data.get("groups"), min_count=1):
            group = self.group(gpath, graw)
            if group is not None:
                groups.append(group)
        self._unique_ids(path, data.get("groups"))
        total = self.number(f"{path}.total_points", data.get("total_points"), minimum=_ZERO)
        declared = sum((g.points for g in groups), _ZERO)
        if len(self.problems) == before and declared != total:
            self.problem(
                f"{path}.total_points",
                data.get("total_points"),
                f"the groups' points add up to {declared}, not {total}",
            )
        plan = Plan(
            id=self.ident(f"{path}.id", data.get("id")),
            name=self.text(f"{path}.name", data.get("name")),
            total_points=total,
            groups=tuple(groups),
            aggregation=self.aggregation(f"{path}.aggregation", data.get("aggregation", {})),
            ranking=self.ranking(f"{path}.ranking", data.get("ranking", {})),
            deviation=self.deviation(f"{path}.deviation", data.get("deviation", {})),
            collusion=read_collusion(self, f"{path}.collusion", data.get("collusion", {})),
            witnesses=self.witnesses(f"{path}.witnesses", data.get("witnesses", [])),
        )
        return plan if len(self.problems) == before else None

    def witnesses(self, path: str, raw: Any) -> tuple[str, ...]:
        """Party ids of the trust list, each once: who must countersign the log's heads."""
        ids = [self.ident(p, r) for p, r in self.each(path, raw)]
        if len(set(ids)) != len(ids):
            self.problem(path, raw, "a witness is named twice")
        return tuple(ids)

    def _unique_ids(self, path: str, groups: Any) -> None:
        seen: dict[str, str] = {}
        if not isinstance(groups, list):
            return
        for gi, group in enumerate(groups):
            if not isinstance(group, dict):
                continue
            entries = [(f"{path}.groups[{gi}].id", group.get("id"))]
            items = group.get("items")
            if not isinstance(items, list):
                items = []
            entries += [
                (f"{path}.groups[{gi}].items[{ii}].id", item.get("id"))
                for ii, item in enumerate(items)
                if isinstance(item, dict)
            ]
            for field, value in entries:
                if isinstance(value, str) and value in seen:
                    self.problem(field, value, f"duplicate id (also at {seen[value]})")
                elif isinstance(value, str):
                    seen[value] = field

    def group(self, path: str, raw: Any) -> CriteriaGroup | None:
        data = self.obj(path, raw)
        self.known_keys(path, data, {"id", "name", "category", "points", "items"})
        before = len(self.problems)
        items = [
            self.item(ipath, iraw)
            for ipath, iraw in self.each(f"{path}.items", data.get("items"), 1)
        ]
        category = self.choice(f"{path}.category", data.get("category"), GroupCategory)
        points = self.number(f"{path}.points", data.get("points", "0"), minimum=_ZERO)
        good_items = [i for i in items if i is not None]
        item_sum = sum((i.max for i in good_items), _ZERO)
        if len(self.problems) == before and item_sum != points:
            self.problem(
                f"{path}.points",
                data.get("points"),
                f"its items' maximum points add up to {item_sum}, not {points}",
            )
        group = CriteriaGroup(
            id=self.ident(f"{path}.id", data.get("id")),
            name=self.text(f"{path}.name", data.get("name")),
            category=category,
            items=tuple(good_items),
            points=points,
        )
        return group if len(self.problems) == before else None

    def item(self, path: str, raw: Any) -> Item | None:
        data = self.obj(path, raw)
        kind = self.choice(f"{path}.kind", data.get("kind"), ItemKind)
        item_id = self.ident(f"{path}.id", data.get("id"))
        name = self.text(f"{path}.name", data.get("name"))
        description = self.text(f"{path}.description", data.get("description", ""), False)
        if kind is ItemKind.GATE:
            for key in ("max", "min", "points", "step", "bands"):
                if key in data and data[key] not in (0, "0", None):
                    self.problem(
                        f"{path}.{key}", data[key], "a gate (pass/fail) item carries no points"
                    )
            self.known_keys(
                path, data, {"id", "kind", "name", "description", "max", "min", "points"}
            )
            return GateItem(id=item_id, name=name, description=description)
        if kind is ItemKind.PRICE:
            self.known_keys(path, data, {"id", "kind", "name", "description", "max", "formula"})
            full = self.amount(f"{path}.max", data.get("max"), positive=True)
            formula = self.formula(f"{path}.formula", data.get("formula"))
            return PriceItem(
                id=item_id, name=name, max=full, formula=formula, description=description
            )
        return self.scored(path, data, item_id, name, description)

    def scored(
        self, path: str, data: dict[str, Any], item_id: str, name: str, description: str
    ) -> ScoredItem:
        self.known_keys(
            path, data, {"id", "kind", "name", "description", "min", "max", "step", "bands"}
        )
        step = self.number(f"{path}.step", data.get("step", "0.01"))
        if step <= 0:
            self.problem(f"{path}.step", data.get("step"), "must be greater than 0")
            step = Decimal("0.01")
        bands: list[GradeBand] = []
        for bpath, braw in self.each(f"{path}.bands", data.get("bands", [])):
            bdata = self.obj(bpath, braw)
            self.known_keys(bpath, bdata, {"grade", "min", "max"})
            band = GradeBand(
                grade=self.text(f"{bpath}.grade", bdata.get("grade")),
                min=self.number(f"{bpath}.min", bdata.get("min"), minimum=_ZERO),
                max=self.number(f"{bpath}.max", bdata.get("max"), minimum=_ZERO),
            )
            if band.max < band.min:
                self.problem(
                    f"{bpath}.max", bdata.get("max"), f"is below the band's min {band.min}"
                )
            bands.append(band)
        if bands:
            low = min(b.min for b in bands)
            high = max(b.max for b in bands)
            self._bands_disjoint(path, bands)
        else:
            low = self.number(f"{path}.min", data.get("min", "0"), minimum=_ZERO)
            high = self.amount(f"{path}.max", data.get("max"), positive=True)
        if bands and "max" in data and self.number(f"{path}.max", data["max"]) != high:
            self.problem(f"{path}.max", data["max"], f"differs from the highest band's max {high}")
        if bands and "min" in data and self.number(f"{path}.min", data["min"]) != low:
            self.problem(f"{path}.min", data["min"], f"differs from the lowest band's min {low}")
        if high < low:
            self.problem(f"{path}.max", data.get("max"), f"is below min {low}")
        elif (high - low) % step != 0:
            self.problem(
                f"{path}.step",
                data.get("step"),
                f"max {high} cannot be reached from min {low} in steps of {step}",
            )
        return ScoredItem(
            id=item_id,
            name=name,
            max=high,
            min=low,
            step=step,
            bands=tuple(bands),
            description=description,
        )

    def _bands_disjoint(self, path: str, bands: list[GradeBand]) -> None:
        ordered = sorted(enumerate(bands), key=lambda pair: pair[1].min)
        for (_, lower), (index, upper) in pairwise(ordered):
            if upper.min <= lower.max:
                self.problem(
                    f"{path}.bands[{index}].min",
                    format(upper.min, "f"),
                    f"overlaps band {lower.grade!r} ({lower.min}–{lower.max})",
                )

    def formula(self, path: str, raw: Any) -> PriceFormula:
        data = self.obj(path, raw)
        kind = data.get("type")
        if kind == LowPriceFirst.type:
            self.known_keys(path, data, {"type"})
            return LowPriceFirst()
        if kind == BenchmarkPrice.type:
            self.known_keys(path, data, {"type", "k", "e_above", "e_below", "trim_min_bids"})
            k = self.number(f"{path}.k", data.get("k", "0"), minimum=_ZERO)
            if k >= 1:
                self.problem(
                    f"{path}.k",
                    data.get("k"),
                    "must be below 1 (the benchmark is the mean × (1 − K))",
                )
            trim = data.get("trim_min_bids")
            return BenchmarkPrice(
                k=k,
                e_above=self.number(f"{path}.e_above", data.get("e_above", "1"), minimum=_ZERO),
                e_below=self.number(f"{path}.e_below", data.get("e_below", "0.5"), minimum=_ZERO),
                trim_min_bids=None
                if trim is None
                else self.integer(f"{path}.trim_min_bids", trim, 3),
            )
        self.problem(
            f"{path}.type",
            kind,
            f"unknown formula; known: {LowPriceFirst.type}, {BenchmarkPrice.type}",
        )
        return LowPriceFirst()

    def aggregation(self, path: str, raw: Any) -> AggregationRule:
        data = self.obj(path, raw)
        self.known_keys(path, data, {"trimmed", "trim_min_experts", "decimals", "rounding"})
        trimmed = data.get("trimmed", False)
        if not isinstance(trimmed, bool):
            self.problem(f"{path}.trimmed", trimmed, "must be true or false")
            trimmed = False
        decimals = self.integer(f"{path}.decimals", data.get("decimals", 2), 0)
        if decimals > 6:
            self.problem(f"{path}.decimals", decimals, "must be at most 6")
        return AggregationRule(
            trimmed=trimmed,
            trim_min_experts=self.integer(
                f"{path}.trim_min_experts", data.get("trim_min_experts", 7), 3
            ),
            decimals=decimals,
            rounding=self.choice(f"{path}.rounding", data.get("rounding", "half_up"), Rounding),
        )

    def ranking(self, path: str, raw: Any) -> RankingRule:
        data = self.obj(path, raw)
        self.known_keys(path, data, {"tie_breaks", "candidates"})
        breaks = [
            self.choice(p, r, TieBreak)
            for p, r in self.each(
                f"{path}.tie_breaks", data.get("tie_breaks", ["lower_price", "higher_technical"])
            )
        ]
        if len(set(breaks)) != len(breaks):
            self.problem(f"{path}.tie_breaks", data.get("tie_breaks"), "names a tie-break twice")
        return RankingRule(
            tie_breaks=tuple(breaks),
            candidates=self.integer(f"{path}.candidates", data.get("candidates", 3), 1),
        )

    def deviation(self, path: str, raw: Any) -> DeviationRule:
        data = self.obj(path, raw)
        self.known_keys(path, data, {"share"})
        share = self.number(f"{path}.share", data.get("share", "0.2"), minimum=_ZERO)
        if share == 0 or share > 1:
            self.problem(
                f"{path}.share",
                data.get("share"),
                "must be above 0 and at most 1 (a share of the item's maximum)",
            )
        return DeviationRule(share=share)
