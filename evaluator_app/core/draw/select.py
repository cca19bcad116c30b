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
from collections.abc import Callable
from itertools import compress, filterfalse

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
)
from evaluator_app.core.draw.pool import Snapshot
from evaluator_app.core.errors import DrawError


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


def _sitting(request: DrawRequest, snapshot: Snapshot) -> list[PoolExpert]:
    if request.supplement is None:
        return []
    missing = [
        i for i in (*request.supplement.sitting, request.supplement.leaving) if i not in snapshot
    ]
    if missing:
        raise DrawError(
            "request.supplement",
            f"{missing[0]} is not in the pool snapshot",
            f"{missing[0]} 不在专家库快照中",
        )
    return [snapshot[i] for i in request.supplement.sitting]


def _candidates(request: DrawRequest, snapshot: Snapshot) -> dict[str, list[int]]:
    """Line indexes (pool-number order) of the experts with each requested specialty.

    A pool has a few thousand distinct specialty combinations: each is split once, and each
    requested code is then found by one C-level pass over the column."""
    wanted = {n.specialty for n in request.needs}
    column = snapshot.column("specialties")
    texts: dict[str, set[str]] = defaultdict(set)  # code -> the combinations that hold it
    for text in dict.fromkeys(column):
        for code in wanted.intersection(text.split(";")):
            texts[code].add(text)
    lines = range(len(column))
    return {
        code: list(compress(lines, map(hits.__contains__, column))) for code, hits in texts.items()
    }


def _where(column: list[str], test: Callable[[str], bool], among: set[int]) -> list[int]:
    """Lines among ``among`` whose value passes ``test`` (the scan runs in C)."""
    return [i for i in compress(range(len(column)), map(test, column)) if i in among]


def excluded_by_rule(request: DrawRequest, snapshot: Snapshot, lines: set[int]) -> dict[int, Rule]:
    """The first static rule excluding each of ``lines``, read by column."""
    c = snapshot.column
    status, until, employer = c("status"), c("suspended_until"), c("employer")
    related, last = c("related_orgs"), c("last_drawn")
    orgs = {request.tenderer, *request.bidders}
    cutoff = request.recent_cutoff()
    suspended = [
        i for i in _where(status, "suspended".__eq__, lines) if until[i] >= request.evaluation_date
    ]
    checks = [
        (Rule.RETIRED, _where(status, "retired".__eq__, lines)),
        (Rule.SUSPENDED, suspended),
        (Rule.TENDERER_EMPLOYEE, _where(employer, request.tenderer.__eq__, lines)),
        (Rule.BIDDER_EMPLOYEE, _where(employer, orgs.__contains__, lines)),
        (
            Rule.DECLARED_RELATION,
            [i for i in _where(related, bool, lines) if not orgs.isdisjoint(related[i].split(";"))],
        ),
        (Rule.RECENTLY_DRAWN, _where(last, cutoff.__le__, lines) if cutoff else []),
    ]
    found: dict[int, Rule] = {}
    for rule, hits in checks:
        for i in hits:
            found.setdefault(i, rule)
    return found


def run_draw(request: DrawRequest, snapshot: Snapshot, seed: bytes) -> DrawResult:
    ids = snapshot.ids
    committee = Committee(request, _sitting(request, snapshot))
    quota = request.rules.min_other_city
    skip: set[int] = set()
    if request.supplement is not None:  # a replacement never takes the committee below the quota
        leaver = snapshot[request.supplement.leaving]
        quota = min(quota, committee.outside + (leaver.city != request.tenderer_city))
        skip = {
            snapshot.index(i) for i in (*request.supplement.sitting, request.supplement.leaving)
        }
    by_code = _candidates(request, snapshot)
    candidates = set().union(*by_code.values()) - skip if by_code else set()
    excluded = excluded_by_rule(request, snapshot, candidates)
    out = skip | set(excluded)
    wanted_total = request.principals_wanted
    picked = 0
    taken: set[int] = set()
    passed: list[PassedOver] = []
    needs: list[NeedResult] = []
    shortfalls: list[Shortfall] = []
    for index, need in enumerate(request.needs):
        blocked = out | taken
        order = list(filterfalse(blocked.__contains__, by_code.get(need.specialty, ())))
        stream = Stream(seed, need.specialty)
        principals: list[str] = []
        reserves: list[str] = []
        n, k = len(order), 0
        while k < n and (len(principals) < need.count or len(reserves) < need.reserves):
            j = k + stream.below(n - k)
            order[k], order[j] = order[j], order[k]
            expert = snapshot.at(order[k])
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
                    taken.add(order[k - 1])
                    continue
            elif clash is None:
                reserves.append(expert.id)
                taken.add(order[k - 1])
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
    drawn = [snapshot[i] for result in needs for i in result.principals]  # met: no index built
    seats, unseated = seating.assign(request, drawn)
    shortfalls += [Shortfall(ShortfallKind.SEAT, i, 0, 1) for i in unseated]
    excluded_list = tuple((ids[i], rule) for i, rule in sorted(excluded.items()))
    return DrawResult(tuple(needs), excluded_list, tuple(passed), tuple(seats), tuple(shortfalls))
