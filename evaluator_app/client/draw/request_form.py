"""A draw request from what the centre types: the project file, needs and seats as short text.

Needs, one a line: ``A010101 3 1`` (specialty, experts, reserves). Seats, one venue a line:
``jinan 济南 A01-A04`` (venue id, its city, seats or ranges of seats). Every fault is named by
its line, in Chinese and English; nothing here touches the network.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from evaluator_app.core.draw.geography import DISTANCES
from evaluator_app.core.draw.model import (
    DrawRequest,
    Need,
    Party,
    Rules,
    VenueSeats,
    parse_request,
    request_body,
)
from evaluator_app.core.errors import DrawError

_RANGE = re.compile(r"^([A-Za-z]*)(\d+)-\1?(\d+)$")


@dataclass(frozen=True)
class RequestForm:
    draw_id: str
    lot_id: str
    needs_text: str
    seats_text: str
    recent_days: int
    min_other_city: int
    one_per_employer: bool
    related_experts: bool
    draw_date: str
    evaluation_date: str
    centre: Party
    supervisor: Party


def parse_needs(text: str) -> tuple[Need, ...]:
    needs = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) not in (2, 3) or not all(p.isdigit() for p in parts[1:]):
            raise DrawError(
                f"needs line {number}",
                "write: specialty experts [reserves], e.g. A010101 3 1",
                "格式：评标专业 人数 [备选人数]，如 A010101 3 1",
            )
        needs.append(Need(parts[0], int(parts[1]), int(parts[2]) if len(parts) == 3 else 0))
    return tuple(needs)


def _seats(token: str) -> list[str]:
    match = _RANGE.match(token)
    if not match:
        return [token]
    prefix, first, last = match.groups()
    width = len(first)
    return [f"{prefix}{n:0{width}d}" for n in range(int(first), int(last) + 1)]


def parse_seats(text: str) -> tuple[VenueSeats, ...]:
    venues = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) < 3:
            raise DrawError(
                f"seats line {number}",
                "write: venue city seats…, e.g. jinan 济南 A01-A04",
                "格式：场地编号 城市 席位…，如 jinan 济南 A01-A04",
            )
        seats = [seat for token in parts[2:] for seat in _seats(token)]
        if len(set(seats)) != len(seats):
            raise DrawError(f"seats line {number}", "a seat is listed twice", "席位重复")
        venues.append(VenueSeats(parts[0], parts[1], tuple(seats)))
    return tuple(venues)


def request_from_form(form: RequestForm, project: dict[str, Any]) -> DrawRequest:
    """The request, checked as the verifier will read it."""
    lots = {lot["id"]: lot for lot in project.get("lots", [])}
    lot = lots.get(form.lot_id)
    if lot is None:
        raise DrawError(
            "lot", f"{form.lot_id} is not a lot of the project", f"项目中没有标段 {form.lot_id}"
        )
    info = project.get("project", {})
    city = lot.get("city") or info.get("city") or "济南"
    request = DrawRequest(
        form.draw_id.strip(),
        str(info.get("id", "")),
        str(info.get("name", "")),
        str(info.get("tenderer", "")),
        str(city),
        tuple(b.get("organisation") or b["name"] for b in lot.get("bidders", [])),
        form.draw_date,
        form.evaluation_date,
        parse_needs(form.needs_text),
        Rules(form.recent_days, form.min_other_city, form.one_per_employer, form.related_experts),
        parse_seats(form.seats_text),
        DISTANCES,
        (form.centre, form.supervisor),
    )
    return parse_request(request_body(request))  # every field checked, named when wrong
