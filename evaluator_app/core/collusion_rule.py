"""Thresholds of the collusion warnings (围标串标预警), as the plan's optional ``collusion`` object.

Each threshold has a dotted name (``collusion.prices.cluster_spread``) that a warning quotes
when it crosses it. The JSON is nested by section; the dataclass is flat (``prices_cluster_spread``)
so that one table drives reading, dumping, defaults and the names warnings cite.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # plan_reader imports plan, which imports this module
    from evaluator_app.core.plan_reader import PlanReader


@dataclass(frozen=True)
class CollusionRule:
    # document metadata: author, creator tool + producer, creation and modification times
    metadata_time_window_minutes: int = 10
    metadata_min_matches: int = 2  # of: author, tool, created within window, modified within window
    # machine codes and upload address: identical values; listed values are ignored (shared
    # terminals)
    machine_ignore: tuple[str, ...] = ()
    upload_ignore_addresses: tuple[str, ...] = ()
    # text: near-duplicate passages and identical unusual errors
    text_min_passage_chars: int = 50
    text_min_similarity: Decimal = Decimal("0.8")
    text_boilerplate_share: Decimal = Decimal(
        "0.5"
    )  # text in more than this share of bidders is boilerplate
    text_error_max_bidders: int = 3
    text_error_common_bidders: int = 3  # the correct spelling is used by at least this many others
    # prices
    prices_progression_min_bids: int = 3
    prices_progression_tolerance: Decimal = Decimal("0.002")  # of the common step
    prices_cluster_min_bids: int = 3
    prices_cluster_spread: Decimal = Decimal("0.001")  # (highest − lowest) / lowest
    prices_ceiling_share: Decimal = Decimal("0.005")  # below the ceiling price
    prices_ceiling_min_bids: int = 2
    prices_unit_price_min_identical: int = 5
    prices_unit_price_share: Decimal = Decimal("0.2")  # of the items both bidders priced freely


# (section, key, kind, minimum, maximum); kind: int, share (Decimal), texts
_SPEC: tuple[tuple[str, str, str, Any, Any], ...] = (
    ("metadata", "time_window_minutes", "int", 0, None),
    ("metadata", "min_matches", "int", 1, 4),
    ("machine", "ignore", "texts", None, None),
    ("upload", "ignore_addresses", "texts", None, None),
    ("text", "min_passage_chars", "int", 20, None),
    ("text", "min_similarity", "share", Decimal("0.5"), Decimal(1)),
    ("text", "boilerplate_share", "share", Decimal("0.1"), Decimal(1)),
    ("text", "error_max_bidders", "int", 2, None),
    ("text", "error_common_bidders", "int", 1, None),
    ("prices", "progression_min_bids", "int", 3, None),
    ("prices", "progression_tolerance", "share", Decimal(0), Decimal("0.5")),
    ("prices", "cluster_min_bids", "int", 2, None),
    ("prices", "cluster_spread", "share", Decimal(0), Decimal("0.5")),
    ("prices", "ceiling_share", "share", Decimal(0), Decimal("0.5")),
    ("prices", "ceiling_min_bids", "int", 1, None),
    ("prices", "unit_price_min_identical", "int", 1, None),
    ("prices", "unit_price_share", "share", Decimal(0), Decimal(1)),
)
_DEFAULT = CollusionRule()
assert {f"{s}_{k}" for s, k, *_ in _SPEC} == {f.name for f in fields(CollusionRule)}


def threshold_name(attribute: str) -> str:
    """``prices_cluster_spread`` → ``collusion.prices.cluster_spread`` (as written in the plan)."""
    for section, key, *_ in _SPEC:
        if f"{section}_{key}" == attribute:
            return f"collusion.{section}.{key}"
    raise KeyError(attribute)


def read_collusion(reader: PlanReader, path: str, raw: Any) -> CollusionRule:
    """Read the optional ``collusion`` object; every absent threshold keeps its default."""
    data = reader.obj(path, raw)
    sections = sorted({s for s, *_ in _SPEC})
    reader.known_keys(path, data, set(sections))
    values: dict[str, Any] = {}
    for section in sections:
        if section not in data:
            continue
        spath = f"{path}.{section}"
        sdata = reader.obj(spath, data[section])
        reader.known_keys(spath, sdata, {k for s, k, *_ in _SPEC if s == section})
        for s, key, kind, low, high in _SPEC:
            if s != section or key not in sdata:
                continue
            kpath, value = f"{spath}.{key}", sdata[key]
            if kind == "int":
                number = reader.integer(kpath, value, low)
                if high is not None and number > high:
                    reader.problem(kpath, value, f"must be at most {high}")
                values[f"{s}_{key}"] = number
            elif kind == "share":
                share = reader.number(kpath, value, minimum=low)
                if share > high:
                    reader.problem(kpath, value, f"must be at most {high}")
                values[f"{s}_{key}"] = share
            else:
                texts = [reader.text(p, r) for p, r in reader.each(kpath, value)]
                values[f"{s}_{key}"] = tuple(texts)
    return CollusionRule(**values)


def dump_collusion(rule: CollusionRule) -> dict[str, Any] | None:
    """Only the thresholds that differ from the defaults; ``None`` when all are defaults.

    A plan without thresholds dumps exactly as before, so existing files and hashes stay the same.
    """
    if rule == _DEFAULT:
        return None
    out: dict[str, dict[str, Any]] = {}
    for section, key, kind, _low, _high in _SPEC:
        value = getattr(rule, f"{section}_{key}")
        if value == getattr(_DEFAULT, f"{section}_{key}"):
            continue
        if kind == "share":
            value = format(value, "f")
        elif kind == "texts":
            value = list(value)
        out.setdefault(section, {})[key] = value
    return out
