"""The draw itself: who may be drawn, and who is, from the snapshot, the request and the seed.

1. Candidates are the experts with at least one requested specialty. A candidate is excluded,
   keeping the first rule that applies in this order: retired; suspended on the evaluation date;
   employed by the tenderer; employed by a bidder; declared a relation with the tenderer or a
   bidder; drawn within the request's last N days (counted back from the draw date).
2. The needs are taken in the request's order. For one need, the eligible experts with its
   specialty not drawn for an earlier need are listed in pool-number order and shuffled by a
   Fisher–Yates walk driven by the specialty's stream (:mod:`drbg`): step k swaps position k with
   k + below(n − k) and meets the expert now at k, so every order is equally likely and every
   eligible expert is equally likely to be met first, second, …
3. An expert met while principals are wanted becomes one unless the rules beside the experts
   already drawn pass them over: same employer, a declared relation between the two, or — for an
   expert of the tenderer's city — the seats left are needed for experts from other cities to
   reach the request's minimum. Once a need's principals are full, the experts met next become
   its reserves, in order, unless they share an employer or a relation with a principal. The
   walk stops when principals and reserves are full or the list is exhausted.
"""

from __future__ import annotations

from collections import defaultdict

from evaluator_app.core.draw import seats as seating
from evaluator_app.core.draw.drbg import Stream
from evaluator_app.core.draw.model import (
    DrawRequest,
    DrawResult,
    NeedResult,
    PassedOver,
    PoolExpert,
    Rule,
    Shortfall,
    ShortfallKind,
    Status,
)
from evaluator_app.core.draw.pool import Snapshot
from evaluator_app.core.errors import DrawError


def static_rule(expert: PoolExpert, request: DrawRequest, cutoff: str | None) -> Rule | None:
    if expert.status is Status.RETIRED:
        return Rule.RETIRED
    if (
        expert.status is Status.SUSPENDED
        and (expert.suspended_until or "") >= request.evaluation_date
    ):
        return Rule.SUSPENDED
    if expert.employer == request.tenderer:
        return Rule.TENDERER_EMPLOYEE
    if expert.employer in request.bidders:
        return Rule.BIDDER_EMPLOYEE
    if request.tenderer in expert.related_orgs or any(
        b in expert.related_orgs for b in request.bidders
    ):
        return Rule.DECLARED_RELATION
    if cutoff is not None and expert.last_drawn is not None and expert.last_drawn >= cutoff:
        return Rule.RECENTLY_DRAWN
    return None


class Committee:
    """The experts drawn so far, for the rules that compare a newcomer with them."""

    def __init__(self, request: DrawRequest, members: list[PoolExpert]):
        self.rules = request.rules
        self.city = request.tenderer_city
        self.members: list[PoolExpert] = []
        self.employers: dict[str, str] = {}
        self.outside = 0
        for member in members:
            self.add(member)

    def add(self, expert: PoolExpert) -> None:
        self.members.append(expert)
        self.employers.setdefault(expert.employer, expert.id)
        self.outside += expert.city != self.city

    def clash(self, expert: PoolExpert) -> tuple[Rule, str] | None:
        if self.rules.one_per_employer and expert.employer in self.employers:
            return Rule.SAME_EMPLOYER, self.employers[expert.employer]
        if self.rules.related_experts:
            for member in self.members:
                if member.id in expert.related_experts or expert.id in member.related_experts:
                    return Rule.RELATED_EXPERT, member.id
        return None


def _sitting(request: DrawRequest, experts: dict[str, PoolExpert]) -> list[PoolExpert]:
    if request.supplement is None:
        return []
    missing = [
        i for i in (*request.supplement.sitting, request.supplement.leaving) if i not in experts
    ]
    if missing:
        raise DrawError(
            "request.supplement",
            f"{missing[0]} is not in the pool snapshot",
            f"{missing[0]} 不在专家库快照中",
        )
    return [experts[i] for i in request.supplement.sitting]


def run_draw(request: DrawRequest, snapshot: Snapshot, seed: bytes) -> DrawResult:
    experts = snapshot.by_id()
    committee = Committee(request, _sitting(request, experts))
    quota = request.rules.min_other_city
    if request.supplement is not None:  # a replacement never takes the committee below the quota
        leaver = experts[request.supplement.leaving]
        quota = min(quota, committee.outside + (leaver.city != request.tenderer_city))
    skip = (
        set(request.supplement.sitting) | {request.supplement.leaving}
        if request.supplement
        else set()
    )
    wanted = {n.specialty for n in request.needs}
    cutoff = request.recent_cutoff()
    excluded = []
    by_specialty: dict[str, list[str]] = defaultdict(list)
    for expert in snapshot.experts:  # in pool-number order
        if expert.id in skip or wanted.isdisjoint(expert.specialties):
            continue
        rule = static_rule(expert, request, cutoff)
        if rule is not None:
            excluded.append((expert.id, rule))
            continue
        for specialty in wanted.intersection(expert.specialties):
            by_specialty[specialty].append(expert.id)
    wanted_total = request.principals_wanted
    picked = 0
    taken: set[str] = set()
    passed: list[PassedOver] = []
    needs: list[NeedResult] = []
    shortfalls: list[Shortfall] = []
    for index, need in enumerate(request.needs):
        order = [i for i in by_specialty[need.specialty] if i not in taken]
        stream = Stream(seed, need.specialty)
        principals: list[str] = []
        reserves: list[str] = []
        n, k = len(order), 0
        while k < n and (len(principals) < need.count or len(reserves) < need.reserves):
            j = k + stream.below(n - k)
            order[k], order[j] = order[j], order[k]
            expert = experts[order[k]]
            k += 1
            clash = committee.clash(expert)
            if len(principals) < need.count:
                local = expert.city == request.tenderer_city
                if (
                    clash is None
                    and local
                    and wanted_total - picked - 1 < quota - committee.outside
                ):
                    clash = (Rule.OTHER_CITY_QUOTA, "")
                if clash is None:
                    principals.append(expert.id)
                    committee.add(expert)
                    picked += 1
                    taken.add(expert.id)
                    continue
            elif clash is None:
                reserves.append(expert.id)
                taken.add(expert.id)
                continue
            passed.append(PassedOver(expert.id, index, clash[0], clash[1]))
        needs.append(NeedResult(need.specialty, n, tuple(principals), tuple(reserves)))
        if len(principals) < need.count:
            shortfalls.append(
                Shortfall(ShortfallKind.PRINCIPALS, need.specialty, len(principals), need.count)
            )
        if len(reserves) < need.reserves:
            shortfalls.append(
                Shortfall(ShortfallKind.RESERVES, need.specialty, len(reserves), need.reserves)
            )
    if committee.outside < quota:
        shortfalls.append(Shortfall(ShortfallKind.OTHER_CITY, "", committee.outside, quota))
    drawn = [experts[i] for result in needs for i in result.principals]
    seats, unseated = seating.assign(request, drawn)
    shortfalls += [Shortfall(ShortfallKind.SEAT, i, 0, 1) for i in unseated]
    return DrawResult(tuple(needs), tuple(excluded), tuple(passed), tuple(seats), tuple(shortfalls))
