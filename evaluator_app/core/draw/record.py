"""The body of a draw record (专家抽取记录), and where two bodies first differ."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from evaluator_app.core.draw.model import ALGORITHM, DrawResult, Rule
from evaluator_app.core.draw.pool import fast_canonical

_RULE = {rule: rule.value for rule in Rule}  # Enum.value is a slow descriptor, read 10,000 times


@dataclass(frozen=True)
class Person:
    """Who a drawn expert is: checked against the snapshot's identity hash."""

    id: str
    name: str
    person_id: str
    salt: str


def record_body(
    *,
    draw_id: str,
    request_sha256: str,
    pool_sha256: str,
    pool_count: int,
    freeze_sha256: str,
    reveals: list[str],
    seed: bytes,
    result: DrawResult,
    people: dict[str, Person],
) -> dict[str, Any]:
    drawn = sorted({i for n in result.needs for i in (*n.principals, *n.reserves)})
    excluded: dict[str, list[str]] = {}  # rule -> pool numbers, in pool-number order
    for pool_id, rule in result.excluded:
        excluded.setdefault(_RULE[rule], []).append(pool_id)
    return {
        "draw_id": draw_id,
        "algorithm": ALGORITHM,
        "request_sha256": request_sha256,
        "pool_sha256": pool_sha256,
        "pool_count": pool_count,
        "freeze_sha256": freeze_sha256,
        "reveals": list(reveals),
        "seed": seed.hex(),
        "needs": [
            {
                "specialty": n.specialty,
                "candidates": n.candidates,
                "principals": list(n.principals),
                "reserves": list(n.reserves),
            }
            for n in result.needs
        ],
        "excluded": excluded,
        "passed_over": [
            {"id": p.id, "need": p.need, "rule": _RULE[p.rule], "because": p.because}
            for p in result.passed_over
        ],
        "seats": [{"id": s.id, "venue": s.venue, "seat": s.seat} for s in result.seats],
        "shortfalls": [
            {"kind": s.kind.value, "subject": s.subject, "got": s.got, "wanted": s.wanted}
            for s in result.shortfalls
        ],
        "people": [
            {
                "id": i,
                "name": people[i].name,
                "person_id": people[i].person_id,
                "salt": people[i].salt,
            }
            for i in drawn
        ],
    }


def record_bytes(kind: str, version: int, body: dict[str, Any]) -> bytes:
    """The record's canonical bytes. A record lists thousands of excluded experts; the pure
    Python RFC 8785 encoder takes seconds on them, and for its values (ASCII keys, texts,
    integers, lists) :func:`pool.fast_canonical` writes the same bytes."""
    return fast_canonical({"schema": {"kind": kind, "version": version}, **body}).encode("utf-8")


def first_difference(expected: Any, found: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """(path, expected, found) of the first place two JSON values differ, or None."""
    if isinstance(expected, dict) and isinstance(found, dict):
        for key in sorted(expected.keys() | found.keys()):
            if key not in found or key not in expected:
                return (f"{path}.{key}".lstrip("."), expected.get(key), found.get(key))
            diff = first_difference(expected[key], found[key], f"{path}.{key}")
            if diff:
                return (diff[0].lstrip("."), diff[1], diff[2])
        return None
    if isinstance(expected, list) and isinstance(found, list):
        for i, (a, b) in enumerate(zip(expected, found, strict=False)):
            diff = first_difference(a, b, f"{path}[{i}]")
            if diff:
                return diff
        if len(expected) != len(found):
            i = min(len(expected), len(found))
            return (
                f"{path}[{i}]",
                expected[i] if i < len(expected) else None,
                found[i] if i < len(found) else None,
            )
        return None
    if type(expected) is not type(found) or expected != found:
        return (path.lstrip(".") or "$", expected, found)
    return None
