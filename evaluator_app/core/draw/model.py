"""What a draw works on: the pool snapshot's experts, the request, the rules and the result."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from evaluator_app.core.errors import DrawError

ALGORITHM = "evaluator-draw/v1"  # the derivation described in evaluator_app.core.draw


class Status(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"  # until ``suspended_until`` (inclusive)
    RETIRED = "retired"


class Rule(enum.StrEnum):
    """Why an expert was not drawn; each excluded or passed-over expert keeps one."""

    # about the expert alone (the expert is not a candidate at all)
    SUSPENDED = "suspended"
    RETIRED = "retired"
    TENDERER_EMPLOYEE = "tenderer_employee"
    BIDDER_EMPLOYEE = "bidder_employee"
    DECLARED_RELATION = "declared_relation"
    RECENTLY_DRAWN = "recently_drawn"
    # about the expert beside those already drawn (passed over where they came in the order)
    SAME_EMPLOYER = "same_employer"
    RELATED_EXPERT = "related_expert"
    OTHER_CITY_QUOTA = "other_city_quota"


RULE_LABELS: dict[Rule, tuple[str, str]] = {
    Rule.SUSPENDED: ("暂停抽取期内", "suspended on the evaluation date"),
    Rule.RETIRED: ("已退出专家库", "retired from the pool"),
    Rule.TENDERER_EMPLOYEE: ("招标人单位人员", "employed by the tenderer"),
    Rule.BIDDER_EMPLOYEE: ("投标人单位人员", "employed by a bidder"),
    Rule.DECLARED_RELATION: (
        "申报与招标人或投标人有利害关系",
        "declared a relation with the tenderer or a bidder",
    ),
    Rule.RECENTLY_DRAWN: ("近期已被抽取", "drawn within the last days the request sets"),
    Rule.SAME_EMPLOYER: ("与已抽中专家同一单位", "same employer as an expert already drawn"),
    Rule.RELATED_EXPERT: (
        "与已抽中专家申报有关系",
        "declared a relation with an expert already drawn",
    ),
    Rule.OTHER_CITY_QUOTA: (
        "须保证外地专家人数",
        "the seats left must go to experts from other cities",
    ),
}


class Cause(enum.StrEnum):
    """Why a drawn expert leaves and is replaced."""

    DECLINED = "declined"
    NO_SHOW = "no_show"
    RECUSED = "recused"


CAUSE_LABELS: dict[Cause, tuple[str, str]] = {
    Cause.DECLINED: ("不能参加", "declined"),
    Cause.NO_SHOW: ("未到场", "did not come"),
    Cause.RECUSED: ("回避", "recused"),
}


@dataclass(frozen=True)
class PoolExpert:
    """One line of the pool snapshot: what the rules need, and a hash binding who the expert is."""

    id: str  # the pool number
    specialties: tuple[str, ...]
    city: str
    employer: str
    status: Status
    suspended_until: str | None  # ISO date, last day of the suspension
    last_drawn: str | None  # ISO date of the latest draw that picked the expert
    related_orgs: tuple[str, ...]  # declared relations with organisations
    related_experts: tuple[str, ...]  # declared relations with other experts (pool numbers)
    identity: str  # SHA-256 hex of the expert's name, person id and salt (see pool.identity_hash)


@dataclass(frozen=True)
class Need:
    specialty: str
    count: int
    reserves: int


@dataclass(frozen=True)
class VenueSeats:
    id: str
    city: str
    seats: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    recent_days: int = 0  # drawn within the last N days (0: off)
    min_other_city: int = 0  # at least K experts from cities other than the tenderer's
    one_per_employer: bool = True
    related_experts: bool = True  # two experts who declared a relation never sit together


@dataclass(frozen=True)
class Party:
    role: str  # "centre" (centre staff) or "supervisor" (the supervising official)
    person_id: str
    name: str


@dataclass(frozen=True)
class Supplement:
    """A supplementary draw (补充抽取) for one seat left when a draw's reserves ran out."""

    draw_id: str
    record_sha256: str
    leaving: str  # pool number of the expert replaced
    sitting: tuple[str, ...]  # pool numbers of the committee as it stands


@dataclass(frozen=True)
class DrawRequest:
    draw_id: str
    project_id: str
    project_title: str
    tenderer: str
    tenderer_city: str
    bidders: tuple[str, ...]  # the bidders' organisations
    draw_date: str  # ISO date the draw is made on ("drawn within N days" counts from it)
    evaluation_date: str  # ISO date of the evaluation (suspensions are judged on it)
    needs: tuple[Need, ...]
    rules: Rules
    venues: tuple[VenueSeats, ...]
    distances: tuple[tuple[str, str, int], ...]  # (city, city, km)
    parties: tuple[Party, ...]
    supplement: Supplement | None = None

    @property
    def principals_wanted(self) -> int:
        return sum(n.count for n in self.needs)

    def recent_cutoff(self) -> str | None:
        """Experts drawn on or after this ISO date are excluded (None: the rule is off)."""
        if self.rules.recent_days <= 0:
            return None
        return (
            date.fromisoformat(self.draw_date) - timedelta(days=self.rules.recent_days)
        ).isoformat()

    def distance(self, a: str, b: str) -> int | None:
        if a == b:
            return 0
        for x, y, km in self.distances:
            if {x, y} == {a, b}:
                return km
        return None


@dataclass(frozen=True)
class Pick:
    id: str
    need: int  # index of the need the expert was drawn for


@dataclass(frozen=True)
class PassedOver:
    id: str
    need: int
    rule: Rule
    because: (
        str  # pool number of the expert already drawn that the rule compared with ("" for quota)
    )


@dataclass(frozen=True)
class Seat:
    id: str
    venue: str
    seat: str


@dataclass(frozen=True)
class NeedResult:
    specialty: str
    candidates: int  # eligible experts with the specialty when its turn came
    principals: tuple[str, ...]
    reserves: tuple[str, ...]


class ShortfallKind(enum.StrEnum):
    PRINCIPALS = "principals"
    RESERVES = "reserves"
    OTHER_CITY = "other_city"
    SEAT = "seat"


@dataclass(frozen=True)
class Shortfall:
    """What the draw could not meet: ``got`` of ``wanted`` for a specialty, the quota or a seat."""

    kind: ShortfallKind
    subject: str  # the specialty, or the pool number left without a seat
    got: int
    wanted: int

    def text(self, language: str = "zh_CN") -> str:
        zh = {
            ShortfallKind.PRINCIPALS: f"{self.subject} 专业抽得 {self.got} 人，需 {self.wanted} 人",
            ShortfallKind.RESERVES: f"{self.subject} 专业备选仅 {self.got} 人，需 {self.wanted} 人",
            ShortfallKind.OTHER_CITY: f"外地专家仅 {self.got} 人，需至少 {self.wanted} 人",
            ShortfallKind.SEAT: f"专家 {self.subject} 无空余席位",
        }
        en = {
            ShortfallKind.PRINCIPALS: f"{self.subject}: {self.got} of {self.wanted} experts",
            ShortfallKind.RESERVES: f"{self.subject}: {self.got} of {self.wanted} reserves",
            ShortfallKind.OTHER_CITY: f"experts from other cities: {self.got} of {self.wanted}",
            ShortfallKind.SEAT: f"expert {self.subject}: no free seat",
        }
        return (en if language == "en" else zh)[self.kind]


@dataclass(frozen=True)
class DrawResult:
    needs: tuple[NeedResult, ...]
    excluded: tuple[tuple[str, Rule], ...]  # (pool number, rule), by pool number
    passed_over: tuple[PassedOver, ...]  # in the order the walk met them
    seats: tuple[Seat, ...]
    shortfalls: tuple[Shortfall, ...] = field(default=())

    def principals(self) -> list[Pick]:
        return [Pick(e, i) for i, n in enumerate(self.needs) for e in n.principals]


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
