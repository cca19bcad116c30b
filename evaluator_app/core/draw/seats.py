"""Seats: experts to the venue of their city, or the nearest venue with a free seat.

Experts are seated in pool-number order, not in the order they were drawn, so the seat plan
says nothing about the draw's order. Those whose city has a venue with a free seat go first;
the others then take the nearest venue with a free seat (by the request's distances; a venue
with no known distance comes after every known one; ties by venue id). Within a venue the seats
are taken in the order the request lists them.
"""

from __future__ import annotations

from collections.abc import Iterable

from evaluator_app.core.draw.model import DrawRequest, PoolExpert, Seat


class SeatPlan:
    def __init__(self, request: DrawRequest, occupied: Iterable[tuple[str, str]] = ()):
        self.request = request
        taken = set(occupied)
        self.free = {v.id: [s for s in v.seats if (v.id, s) not in taken] for v in request.venues}

    def _take(self, venue: str, expert: PoolExpert) -> Seat:
        return Seat(expert.id, venue, self.free[venue].pop(0))

    def own_city(self, expert: PoolExpert) -> Seat | None:
        for v in self.request.venues:
            if v.city == expert.city and self.free[v.id]:
                return self._take(v.id, expert)
        return None

    def nearest(self, expert: PoolExpert) -> Seat | None:
        def key(venue_id: str, city: str) -> tuple[int, int, str]:
            km = self.request.distance(expert.city, city)
            return (0 if km is not None else 1, km or 0, venue_id)

        open_venues = sorted(
            (key(v.id, v.city), v.id) for v in self.request.venues if self.free[v.id]
        )
        return self._take(open_venues[0][1], expert) if open_venues else None

    def place(self, expert: PoolExpert) -> Seat | None:
        return self.own_city(expert) or self.nearest(expert)


def assign(
    request: DrawRequest, experts: list[PoolExpert], occupied: Iterable[tuple[str, str]] = ()
) -> tuple[list[Seat], list[str]]:
    """Seats for ``experts``; returns (seats by pool number, pool numbers left without a seat)."""
    plan = SeatPlan(request, occupied)
    ordered = sorted(experts, key=lambda e: e.id)
    seats: dict[str, Seat] = {}
    for expert in ordered:
        seat = plan.own_city(expert)
        if seat is not None:
            seats[expert.id] = seat
    unseated = []
    for expert in ordered:
        if expert.id in seats:
            continue
        seat = plan.nearest(expert)
        if seat is None:
            unseated.append(expert.id)
        else:
            seats[expert.id] = seat
    return [seats[e.id] for e in ordered if e.id in seats], unseated
