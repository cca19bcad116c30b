"""Small pools and requests for the draw's tests."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any

from evaluator_app.core.draw.model import (
    DrawRequest,
    Need,
    Party,
    PoolExpert,
    Rules,
    Status,
    VenueSeats,
)
from evaluator_app.core.draw.pool import Snapshot, parse_snapshot, snapshot_bytes
from evaluator_app.core.draw.request_json import parse_request, request_body

DEFAULT_RULES = Rules(recent_days=30, min_other_city=0)
PARTIES = (Party("centre", "C-1", "陈静"), Party("supervisor", "S-1", "赵敏"))


def expert(pool_id: str, specialties: tuple[str, ...] = ("A",), **kw: Any) -> PoolExpert:
    base = PoolExpert(
        pool_id,
        specialties,
        kw.pop("city", "淄博"),
        kw.pop("employer", f"单位{pool_id}"),
        Status.ACTIVE,
        None,
        None,
        (),
        (),
        hashlib.sha256(pool_id.encode()).hexdigest(),
    )
    return replace(base, **kw)


def request(
    needs: tuple[Need, ...] = (Need("A", 3, 1),),
    rules: Rules = DEFAULT_RULES,
    seats: int = 10,
    **kw: Any,
) -> DrawRequest:
    body = request_body(
        DrawRequest(
            "D-1",
            "P-1",
            "教学楼工程",
            "招标人单位",
            "济南",
            ("投标人甲", "投标人乙"),
            "2026-04-10",
            "2026-04-18",
            needs,
            rules,
            (
                VenueSeats("jinan", "济南", tuple(f"A{i:02d}" for i in range(1, seats + 1))),
                VenueSeats("zibo", "淄博", tuple(f"B{i:02d}" for i in range(1, seats + 1))),
            ),
            (("济南", "淄博", 110), ("济南", "泰安", 70), ("淄博", "泰安", 150)),
            PARTIES,
        )
    )
    body.update(kw)
    return parse_request(body)


def snapshot(experts: list[PoolExpert]) -> Snapshot:
    return parse_snapshot(snapshot_bytes("2026-04-10", experts))


def seed_of(i: int) -> bytes:
    """Seeds chosen deterministically, so statistical tests never flake."""
    return hashlib.sha256(f"test-seed-{i}".encode()).digest()
