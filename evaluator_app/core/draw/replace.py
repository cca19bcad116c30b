"""Replacing a drawn expert who declines, does not come or recuses, by the same rule each time.

The replacement is the first reserve of the leaver's need, in drawn order, not used yet, that
the rules accept beside the committee as it stands without the leaver: no shared employer, no
declared relation, and the committee keeps at least min(K, what it had) experts from other
cities. The seat: the leaver's seat is freed when they declined or did not come (a recused
expert has sat down and stays on the session's record at their seat); the replacement is then
seated like anyone (own city, else the nearest venue with a free seat). When no reserve is
accepted the seat needs a supplementary draw (补充抽取) whose request names this committee.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping
from dataclasses import dataclass

from evaluator_app.core.draw.model import (
    Cause,
    DrawRequest,
    DrawResult,
    PoolExpert,
    Rule,
    Seat,
    Supplement,
    VenueSeats,
)
from evaluator_app.core.draw.seats import SeatPlan
from evaluator_app.core.draw.select import Committee
from evaluator_app.core.errors import DrawError


@dataclass(frozen=True)
class Replacement:
    leaving: str
    cause: Cause
    replacement: str | None  # None: no reserve left, a supplementary draw is needed
    seat: Seat | None
    passed_over: tuple[tuple[str, Rule, str], ...]  # reserves the rules refused, with why


class Roster:
    """Who sits where after the draw and every replacement so far."""

    def __init__(self, request: DrawRequest, result: DrawResult, experts: Mapping[str, PoolExpert]):
        self.request = request
        self.result = result
        # the snapshot, and over it the experts who joined from a supplementary draw
        # mypy: writes go to the front dict, never to the snapshot
        self.experts: ChainMap[str, PoolExpert] = ChainMap({}, experts)  # type: ignore[arg-type]
        self.seated: dict[str, Seat] = {s.id: s for s in result.seats}
        self.need_of: dict[str, int] = {p.id: p.need for p in result.principals()}
        self.occupied: set[tuple[str, str]] = {(s.venue, s.seat) for s in result.seats}
        self.used: set[str] = set(self.seated)
        self.left: list[tuple[str, Cause]] = []

    def _check_leaving(self, leaving: str) -> None:
        if leaving not in self.seated:
            raise DrawError(
                "replacement.leaving",
                f"{leaving} is not on the committee",
                f"{leaving} 不在评标委员会中",
            )

    def _leave(self, leaving: str, cause: Cause) -> Seat:
        seat = self.seated.pop(leaving)
        if cause is not Cause.RECUSED:
            self.occupied.discard((seat.venue, seat.seat))
        self.left.append((leaving, cause))
        return seat

    def committee_without(self, leaving: str) -> list[PoolExpert]:
        return [self.experts[i] for i in sorted(self.seated) if i != leaving]

    def quota_floor(self, leaving: str) -> int:
        outside = sum(self.experts[i].city != self.request.tenderer_city for i in self.seated)
        return min(self.request.rules.min_other_city, outside)

    def replace(self, leaving: str, cause: Cause) -> Replacement:
        """Apply one departure; the reserve that takes the seat, or None."""
        self._check_leaving(leaving)
        need = self.need_of[leaving]
        floor = self.quota_floor(leaving)
        committee = Committee(self.request, self.committee_without(leaving))
        passed = []
        chosen: PoolExpert | None = None
        for candidate in self.result.needs[need].reserves:
            if candidate in self.used:
                continue
            expert = self.experts[candidate]
            clash = committee.clash(expert)
            if (
                clash is None
                and committee.outside + (expert.city != self.request.tenderer_city) < floor
            ):
                clash = (Rule.OTHER_CITY_QUOTA, "")
            if clash is None:
                chosen = expert
                break
            passed.append((candidate, clash[0], clash[1]))
        self._leave(leaving, cause)
        if chosen is None:
            return Replacement(leaving, cause, None, None, tuple(passed))
        return Replacement(leaving, cause, chosen.id, self.join(chosen, need), tuple(passed))

    def join(self, expert: PoolExpert, need: int) -> Seat:
        seat = SeatPlan(self.request, self.occupied).place(expert)
        if seat is None:
            raise DrawError("replacement.seat", "no free seat left", "没有空余席位")
        self.seated[expert.id] = seat
        self.need_of[expert.id] = need
        self.occupied.add((seat.venue, seat.seat))
        self.used.add(expert.id)
        return seat

    def supplement_for(
        self, leaving: str, record_sha256: str
    ) -> tuple[Supplement, tuple[VenueSeats, ...]]:
        """What a supplementary draw's request must say for the seat ``leaving`` left (after
        :meth:`replace` found no reserve): the committee sitting and the free seats."""
        sitting = tuple(sorted(self.seated))
        venues = tuple(
            VenueSeats(v.id, v.city, tuple(s for s in v.seats if (v.id, s) not in self.occupied))
            for v in self.request.venues
        )
        return Supplement(self.request.draw_id, record_sha256, leaving, sitting), venues

    def join_from_supplement(self, leaving: str, seat: Seat, expert: PoolExpert) -> None:
        """The supplementary draw's expert takes the seat it gave them."""
        need = self.need_of[leaving]
        if (seat.venue, seat.seat) in self.occupied:
            raise DrawError(
                "replacement.seat", f"seat {seat.seat} is taken", f"席位 {seat.seat} 已被占用"
            )
        self.experts[expert.id] = expert
        self.seated[expert.id] = seat
        self.need_of[expert.id] = need
        self.occupied.add((seat.venue, seat.seat))
        self.used.add(expert.id)
