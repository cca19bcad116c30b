"""Fingerprints that should differ between independent bidders: PDF metadata, machine codes, upload
address."""

from __future__ import annotations

import itertools
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from evaluator_app.core.collusion_rule import CollusionRule, threshold_name
from evaluator_app.venue.collusion.model import (
    BidPackageInfo,
    DocumentMetadata,
    Strength,
    Threshold,
    Value,
    Warning,
    WarningKind,
)

logger = logging.getLogger(__name__)

# Values firmware and virtual machines report when they have nothing real to say: never evidence.
_PLACEHOLDERS = {
    "",
    "0",
    "NONE",
    "NULL",
    "N/A",
    "NA",
    "UNKNOWN",
    "DEFAULTSTRING",
    "TOBEFILLEDBYOEM",
    "000000000000",
    "FFFFFFFFFFFF",
    "SYSTEMSERIALNUMBER",
    "0123456789",
}
# A CPU id is the model's CPUID signature on Windows (e.g. BFEBFBFF000906EA): shared by every PC of
# one model, so alone it is weak evidence; a MAC or disk serial is meant to be unique.
_MACHINE_FIELDS = (
    ("mac", Strength.STRONG),
    ("disk_serial", Strength.STRONG),
    ("cpu_id", Strength.WEAK),
)


def _norm_code(value: str) -> str:
    return re.sub(r"[\s:\-._]", "", value).upper()


def _norm_text(value: str) -> str:
    return " ".join(value.split()).casefold()


def _group_identical(entries: Iterable[tuple[str, str, str]]) -> dict[str, list[tuple[str, str]]]:
    """normalised value → [(bidder, raw value)] for values held by two or more bidders."""
    holders: dict[str, dict[str, str]] = defaultdict(dict)
    for bidder, raw, key in entries:
        holders[key].setdefault(bidder, raw)
    return {k: sorted(v.items()) for k, v in holders.items() if len(v) >= 2}


def machine_code_warnings(packages: Sequence[BidPackageInfo], rule: CollusionRule) -> list[Warning]:
    ignored = {_norm_code(v) for v in rule.machine_ignore} | _PLACEHOLDERS
    warnings: list[Warning] = []
    for name, strength in _MACHINE_FIELDS:
        entries = []
        for package in packages:
            raw = getattr(package.machine, name)
            key = _norm_code(raw)
            if key not in ignored and len(set(key)) > 1:  # "00000000" and the like
                entries.append((package.bidder_id, raw, key))
        for key, holders in sorted(_group_identical(entries).items()):
            bidders = tuple(b for b, _ in holders)
            warnings.append(
                Warning(
                    kind=WarningKind.MACHINE_CODE,
                    bidders=bidders,
                    strength=strength,
                    threshold=Threshold(
                        threshold_name("machine_ignore"), "identical value, not ignored", key
                    ),
                    summary=f"identical {name} {key} in the bid packages of {', '.join(bidders)}",
                    values=tuple(Value(b, name, raw) for b, raw in holders),
                )
            )
    return warnings


def upload_address_warnings(
    packages: Sequence[BidPackageInfo], rule: CollusionRule
) -> list[Warning]:
    ignored = {a.strip().lower() for a in rule.upload_ignore_addresses}
    entries = [
        (p.bidder_id, p.upload_ip, p.upload_ip.strip().lower())
        for p in packages
        if p.upload_ip.strip() and p.upload_ip.strip().lower() not in ignored
    ]
    warnings = []
    for key, holders in sorted(_group_identical(entries).items()):
        bidders = tuple(b for b, _ in holders)
        warnings.append(
            Warning(
                kind=WarningKind.UPLOAD_ADDRESS,
                bidders=bidders,
                strength=Strength.STRONG,
                threshold=Threshold(
                    threshold_name("upload_ignore_addresses"), "identical address, not ignored", key
                ),
                summary=f"bids of {', '.join(bidders)} uploaded from the same address {key}",
                values=tuple(Value(b, "upload_ip", raw) for b, raw in holders),
            )
        )
    return warnings


def _signals(a: DocumentMetadata, b: DocumentMetadata, window_minutes: int) -> list[str]:
    found = []
    if a.author.strip() and _norm_text(a.author) == _norm_text(b.author):
        found.append("author")
    tool_a = (_norm_text(a.creator), _norm_text(a.producer))
    if any(tool_a) and tool_a == (_norm_text(b.creator), _norm_text(b.producer)):
        found.append("tool")
    for name in ("created", "modified"):
        ta, tb = getattr(a, name), getattr(b, name)
        if (
            ta is not None
            and tb is not None
            and abs((ta - tb).total_seconds()) <= window_minutes * 60
        ):
            found.append(name)
    return found


def metadata_warnings(documents: Sequence[DocumentMetadata], rule: CollusionRule) -> list[Warning]:
    """One warning per pair of bidders whose documents agree on enough metadata signals."""
    best: dict[tuple[str, str], tuple[list[str], DocumentMetadata, DocumentMetadata]] = {}
    for a, b in itertools.combinations(documents, 2):
        if a.bidder_id == b.bidder_id:
            continue
        if a.bidder_id > b.bidder_id:
            a, b = b, a
        found = _signals(a, b, rule.metadata_time_window_minutes)
        pair = (a.bidder_id, b.bidder_id)
        if len(found) >= rule.metadata_min_matches and len(found) > len(best.get(pair, ([],))[0]):
            best[pair] = (found, a, b)
    warnings = []
    for pair, (found, a, b) in sorted(best.items()):
        strength = (
            Strength.STRONG
            if len(found) >= 3
            else Strength.MODERATE
            if len(found) == 2
            else Strength.WEAK
        )
        values = []
        for meta in (a, b):
            for name in found:
                if name == "tool":
                    values.append(Value(meta.bidder_id, "creator", meta.creator, meta.doc_id))
                    values.append(Value(meta.bidder_id, "producer", meta.producer, meta.doc_id))
                else:
                    raw = getattr(meta, name)
                    values.append(
                        Value(
                            meta.bidder_id,
                            name,
                            raw.isoformat() if hasattr(raw, "isoformat") else str(raw),
                            meta.doc_id,
                        )
                    )
        warnings.append(
            Warning(
                kind=WarningKind.DOCUMENT_METADATA,
                bidders=pair,
                strength=strength,
                threshold=Threshold(
                    threshold_name("metadata_min_matches"),
                    str(rule.metadata_min_matches),
                    f"{len(found)}: {', '.join(found)}",
                ),
                summary=f"documents {a.doc_id} and {b.doc_id} share {', '.join(found)}"
                f" (times within {rule.metadata_time_window_minutes} min)",
                values=tuple(values),
            )
        )
    return warnings
