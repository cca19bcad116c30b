"""What a draw works on: the pool snapshot's experts, the request, the rules and the result."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

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
