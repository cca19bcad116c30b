"""A draw request from what the centre types: the project file, needs and seats as short text.

Needs, one a line: ``A010101 3 1`` (specialty, experts, reserves). Seats, one venue a line:
``济南 A01-A04`` (the venue by its name — its city — then seats or ranges of seats; the venue's
id may stand in for its name). Every fault is named by
its line, in Chinese and English; nothing here touches the network.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from evaluator_app.core.draw.geography import DISTANCES
from evaluator_app.core.draw.model import DrawRequest, Need, Party, Rules, VenueSeats
from evaluator_app.core.draw.request_json import parse_request, request_body
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
    tenderer_city: str = ""  # empty: the project file's, if it names one


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


def parse_seats(text: str, venues: Mapping[str, str]) -> tuple[VenueSeats, ...]:
    """``venues``: venue id -> its name (the city), as the venue's health answer gives them."""
    by_name = {name: venue_id for venue_id, name in venues.items()}
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        venue_id = by_name.get(parts[0]) or (parts[0] if parts[0] in venues else None)
        if venue_id is None or len(parts) < 2:
            raise DrawError(
                f"seats line {number}",
                f"write: venue seats…, e.g. 济南 A01-A04 (venues: {'、'.join(by_name)})",
                f"格式：场地 席位…，如 济南 A01-A04（已知场地：{'、'.join(by_name)}）",
            )
        seats = [seat for token in parts[1:] for seat in _seats(token)]
        if len(set(seats)) != len(seats):
            raise DrawError(f"seats line {number}", "a seat is listed twice", "席位重复")
        out.append(VenueSeats(venue_id, venues[venue_id], tuple(seats)))
    return tuple(out)


def request_from_form(
    form: RequestForm, project: dict[str, Any], venues: Mapping[str, str]
) -> DrawRequest:
    """The request, checked as the verifier will read it."""
    lots = {lot["id"]: lot for lot in project.get("lots", [])}
    lot = lots.get(form.lot_id)
    if lot is None:
        raise DrawError(
            "lot", f"{form.lot_id} is not a lot of the project", f"项目中没有标段 {form.lot_id}"
        )
    info = project.get("project", {})
    city = form.tenderer_city.strip() or lot.get("city") or info.get("city") or ""
    if not city:
        raise DrawError(
            "tenderer_city",
            "name the tenderer's city (the other-city rule counts from it)",
            "请填写招标人所在城市",
        )
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
        parse_seats(form.seats_text, venues),
        DISTANCES,
        (form.centre, form.supervisor),
    )
    return parse_request(request_body(request))  # every field checked, named when wrong
