"""A draw request's canonical JSON body: read with every field checked, and written back.

The request is signed and archived as JSON, and the venue, the archive verifier, the command
line and the centre's request form all read it from there; reading names the first field at
fault in both languages (``request.needs[1].count``: 数值过小). The checks and the inverse writer
live apart from model.py, which holds what a draw works on, so that the data stays readable
and the one place that knows the JSON's shape is this module.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from evaluator_app.core.draw.model import (
    DrawRequest,
    Need,
    Party,
    Rules,
    Supplement,
    VenueSeats,
)
from evaluator_app.core.errors import DrawError

# --- reading a request from its canonical JSON body ---------------------------------------


def _need(value: Any, where: str, kind: type, **extra: Any) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise DrawError(where, f"expected {kind.__name__}", f"应为{_KIND_ZH[kind]}")
    if kind is int and value < extra.get("minimum", 0):
        raise DrawError(where, f"must be at least {extra.get('minimum', 0)}", "数值过小")
    if kind is str and extra.get("nonempty", True) and not str(value).strip():
        raise DrawError(where, "must not be empty", "不能为空")
    return value


_KIND_ZH = {str: "文本", int: "整数", list: "列表", dict: "对象", bool: "是/否"}


def _iso(value: Any, where: str) -> str:
    _need(value, where, str)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise DrawError(
            where, f"{value!r} is not a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD"
        ) from None
    return str(value)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    _need(value, where, list)
    return tuple(_need(v, f"{where}[{i}]", str) for i, v in enumerate(value))


def parse_request(body: dict[str, Any]) -> DrawRequest:
    """The request from its JSON body; the first field at fault is named."""
    _need(body, "request", dict)
    g = lambda key: body.get(key)  # noqa: E731
    needs = []
    for i, raw in enumerate(_need(g("needs"), "request.needs", list)):
        w = f"request.needs[{i}]"
        _need(raw, w, dict)
        needs.append(
            Need(
                _need(raw.get("specialty"), w + ".specialty", str),
                _need(raw.get("count"), w + ".count", int),
                _need(raw.get("reserves"), w + ".reserves", int),
            )
        )
    if not needs or sum(n.count for n in needs) < 1:
        raise DrawError(
            "request.needs", "at least one expert must be asked for", "至少抽取一名专家"
        )
    if len({n.specialty for n in needs}) != len(needs):
        raise DrawError("request.needs", "a specialty is listed twice", "评标专业重复")
    rules_raw = _need(g("rules"), "request.rules", dict)
    rules = Rules(
        _need(rules_raw.get("recent_days"), "request.rules.recent_days", int),
        _need(rules_raw.get("min_other_city"), "request.rules.min_other_city", int),
        _need(rules_raw.get("one_per_employer"), "request.rules.one_per_employer", bool),
        _need(rules_raw.get("related_experts"), "request.rules.related_experts", bool),
    )
    venues = []
    for i, raw in enumerate(_need(g("venues"), "request.venues", list)):
        w = f"request.venues[{i}]"
        _need(raw, w, dict)
        venues.append(
            VenueSeats(
                _need(raw.get("id"), w + ".id", str),
                _need(raw.get("city"), w + ".city", str),
                _strings(raw.get("seats"), w + ".seats"),
            )
        )
    distances = []
    for i, raw in enumerate(_need(g("distances"), "request.distances", list)):
        w = f"request.distances[{i}]"
        _need(raw, w, dict)
        distances.append(
            (
                _need(raw.get("a"), w + ".a", str),
                _need(raw.get("b"), w + ".b", str),
                _need(raw.get("km"), w + ".km", int),
            )
        )
    parties = []
    for i, raw in enumerate(_need(g("parties"), "request.parties", list)):
        w = f"request.parties[{i}]"
        _need(raw, w, dict)
        role = _need(raw.get("role"), w + ".role", str)
        if role not in ("centre", "supervisor"):
            raise DrawError(w + ".role", "must be centre or supervisor", "应为交易中心或监督人员")
        parties.append(
            Party(
                role,
                _need(raw.get("person_id"), w + ".person_id", str),
                _need(raw.get("name"), w + ".name", str),
            )
        )
    if {p.role for p in parties} != {"centre", "supervisor"}:
        raise DrawError(
            "request.parties",
            "centre staff and the supervising official must both take part",
            "须由交易中心人员和监督人员共同参与",
        )
    if len({p.person_id for p in parties}) != len(parties):
        raise DrawError("request.parties", "a person takes part twice", "同一人不能重复参与")
    supplement = None
    if g("supplement") is not None:
        raw = _need(g("supplement"), "request.supplement", dict)
        w = "request.supplement"
        supplement = Supplement(
            _need(raw.get("draw_id"), w + ".draw_id", str),
            _need(raw.get("record_sha256"), w + ".record_sha256", str),
            _need(raw.get("leaving"), w + ".leaving", str),
            _strings(raw.get("sitting"), w + ".sitting"),
        )
    request = DrawRequest(
        _need(g("draw_id"), "request.draw_id", str),
        _need(g("project_id"), "request.project_id", str),
        _need(g("project_title"), "request.project_title", str),
        _need(g("tenderer"), "request.tenderer", str),
        _need(g("tenderer_city"), "request.tenderer_city", str),
        _strings(g("bidders"), "request.bidders"),
        _iso(g("draw_date"), "request.draw_date"),
        _iso(g("evaluation_date"), "request.evaluation_date"),
        tuple(needs),
        rules,
        tuple(venues),
        tuple(distances),
        tuple(parties),
        supplement,
    )
    seats = sum(len(v.seats) for v in request.venues)
    if seats < request.principals_wanted:
        raise DrawError(
            "request.venues",
            f"{seats} seats for {request.principals_wanted} experts",
            f"席位 {seats} 个，少于抽取人数 {request.principals_wanted}",
        )
    return request


def request_body(request: DrawRequest) -> dict[str, Any]:
    """The JSON body of a request (inverse of :func:`parse_request`)."""
    body: dict[str, Any] = {
        "draw_id": request.draw_id,
        "project_id": request.project_id,
        "project_title": request.project_title,
        "tenderer": request.tenderer,
        "tenderer_city": request.tenderer_city,
        "bidders": list(request.bidders),
        "draw_date": request.draw_date,
        "evaluation_date": request.evaluation_date,
        "needs": [
            {"specialty": n.specialty, "count": n.count, "reserves": n.reserves}
            for n in request.needs
        ],
        "rules": {
            "recent_days": request.rules.recent_days,
            "min_other_city": request.rules.min_other_city,
            "one_per_employer": request.rules.one_per_employer,
            "related_experts": request.rules.related_experts,
        },
        "venues": [{"id": v.id, "city": v.city, "seats": list(v.seats)} for v in request.venues],
        "distances": [{"a": a, "b": b, "km": km} for a, b, km in request.distances],
        "parties": [
            {"role": p.role, "person_id": p.person_id, "name": p.name} for p in request.parties
        ],
        "supplement": None,
    }
    if request.supplement is not None:
        s = request.supplement
        body["supplement"] = {
            "draw_id": s.draw_id,
            "record_sha256": s.record_sha256,
            "leaving": s.leaving,
            "sitting": list(s.sitting),
        }
    return body
