"""A whole bundle: each draw, then its notices and replacements in order, then the committee.

The entry point shared by ``evaluator draw verify`` and the session-archive verifier.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from evaluator_app.core.draw.model import Cause, Need, Seat
from evaluator_app.core.draw.record import Person
from evaluator_app.core.draw.replace import Roster
from evaluator_app.drawcheck.check import Bundle, Draw, Finding, verify_one
from evaluator_app.drawcheck.errors import MismatchError
from evaluator_app.drawcheck.signers import SignatureJudge
from evaluator_app.protocol import draw as layout
from evaluator_app.protocol.kinds import DRAW_REPLACEMENT, DRAW_RESPONSE


@dataclass(frozen=True)
class Member:
    """One seat of the committee the draw gives (after every replacement)."""

    pool_id: str
    name: str
    person_id: str
    specialty: str
    venue: str
    seat: str
    left: str = ""  # the cause when the expert left the committee ("" while sitting)


@dataclass(frozen=True)
class DrawReport:
    findings: tuple[Finding, ...] = ()
    committee: tuple[Member, ...] = ()
    draws: tuple[str, ...] = ()
    mismatch: Finding | None = None
    # each main draw as verified, with its roster after every replacement (for the centre's
    # next replacement; not part of the verdict)
    states: dict[str, State] = field(default_factory=dict, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return self.mismatch is None and bool(self.draws)

    def all_findings(self) -> tuple[Finding, ...]:
        return self.findings + ((self.mismatch,) if self.mismatch else ())


@dataclass
class State:
    main: Draw
    roster: Roster
    people: dict[str, Person]
    left: dict[str, tuple[Seat, str, str]] = field(
        default_factory=dict
    )  # id -> (seat, cause, specialty)


async def verify_bundle(files: dict[str, bytes], judge: SignatureJudge) -> DrawReport:
    bundle = Bundle(files, judge)
    ids = layout.draw_ids(set(files))
    if not ids:
        return DrawReport(
            mismatch=Finding("draw", False, "no draw in this file", "文件中没有专家抽取记录")
        )
    supplementary: set[str] = set()
    committee: list[Member] = []
    states: dict[str, State] = {}
    try:
        for draw_id in ids:
            if draw_id in supplementary:
                continue
            if _is_supplementary(files, draw_id):
                continue  # checked from the draw it supplements
            state = await _verify_main(bundle, draw_id, supplementary)
            states[draw_id] = state
            committee += _members(state)
        orphans = [d for d in ids if d not in supplementary and _is_supplementary(files, d)]
        if orphans:
            raise MismatchError(
                layout.path(orphans[0], layout.REQUEST),
                "a supplementary draw no replacement uses",
                "补充抽取未被任何替补记录引用",
            )
    except MismatchError as exc:
        return DrawReport(
            tuple(bundle.findings), (), tuple(ids), Finding(exc.where, False, exc.en, exc.zh)
        )
    return DrawReport(tuple(bundle.findings), tuple(committee), tuple(ids), None, states)


def _is_supplementary(files: dict[str, bytes], draw_id: str) -> bool:
    try:
        request = json.loads(files.get(layout.path(draw_id, layout.REQUEST), b"{}"))
    except ValueError:
        return False  # the main check names the unreadable request
    return isinstance(request, dict) and request.get("supplement") is not None


async def _verify_main(bundle: Bundle, draw_id: str, supplementary: set[str]) -> State:
    main = await verify_one(bundle, draw_id)
    state = State(main, Roster(main.request, main.result, main.experts), dict(main.people))
    centre = {x.person_id for x in main.request.parties if x.role == "centre"}
    declined = await _responses(bundle, main, centre)
    names = layout.numbered(set(bundle.files), draw_id, "replacement")
    for number, name in enumerate(names, start=1):
        _same_name(draw_id, name, layout.replacement_name(number))
        content, body = bundle.typed(draw_id, name, DRAW_REPLACEMENT)
        where = layout.path(draw_id, name) + " field "
        _equal(where + "'record_sha256'", main.record_sha256, body.record_sha256)
        _equal(where + "'sequence'", number, body.sequence)
        try:
            cause = Cause(body.cause)
        except ValueError:
            raise MismatchError(
                where + "'cause'", "must be declined, no_show or recused", "原因无效"
            ) from None
        if cause is Cause.DECLINED and body.leaving not in declined:
            raise MismatchError(
                where + "'leaving'",
                f"{body.leaving} has no signed decline",
                f"{body.leaving} 没有已签名的不能参加回复",
            )
        await bundle.signed_by(draw_id, name, content, centre)
        if body.leaving not in state.roster.seated:
            raise MismatchError(
                where + "'leaving'",
                f"{body.leaving} is not on the committee",
                f"{body.leaving} 不在评标委员会中",
            )
        need = state.roster.need_of[body.leaving]
        specialty = main.request.needs[need].specialty
        seat = state.roster.seated[body.leaving]
        state.left[body.leaving] = (seat, cause.value, specialty)
        done = state.roster.replace(body.leaving, cause)
        if done.replacement is not None:
            _equal(where + "'supplementary_draw'", "", body.supplementary_draw)
            _equal(where + "'replacement'", done.replacement, body.replacement)
            assert done.seat is not None
            _equal(where + "'seat'", (done.seat.venue, done.seat.seat), (body.venue, body.seat))
        elif body.supplementary_draw:
            await _supplement(bundle, state, body, need, where, supplementary)
        else:
            _equal(where + "'replacement'", "", body.replacement)
    if names:
        bundle.ok(
            layout.path(draw_id, "replacement-*"),
            f"{len(names)} replacement(s) recomputed by the same rule",
            f"{len(names)} 次替补按同一规则复算一致",
        )
    return state


async def _responses(bundle: Bundle, main: Draw, centre: set[str]) -> set[str]:
    declined = set()
    names = layout.numbered(set(bundle.files), main.draw_id, "response")
    for number, name in enumerate(names, start=1):
        _same_name(main.draw_id, name, layout.response_name(number))
        content, body = bundle.typed(main.draw_id, name, DRAW_RESPONSE)
        where = layout.path(main.draw_id, name) + " field "
        _equal(where + "'record_sha256'", main.record_sha256, body.record_sha256)
        person = main.people.get(body.expert)
        if person is None:
            raise MismatchError(
                where + "'expert'", f"{body.expert} was not drawn", f"{body.expert} 未被抽中"
            )
        _equal(where + "'person_id'", person.person_id, body.person_id)
        if body.answer not in ("accept", "decline"):
            raise MismatchError(
                where + "'answer'", "must be accept or decline", "应为参加或不能参加"
            )
        if body.answer == "decline" and not body.reason.strip():
            raise MismatchError(
                where + "'reason'", "a decline needs its reason", "不能参加须说明理由"
            )
        await bundle.signed_by(main.draw_id, name, content, centre | {person.person_id})
        if body.answer == "decline":
            declined.add(body.expert)
    if names:
        bundle.ok(
            layout.path(main.draw_id, "response-*"),
            f"{len(names)} signed answer(s) to the notices",
            f"{len(names)} 份通知回复已签名",
        )
    return declined


async def _supplement(
    bundle: Bundle,
    state: State,
    body: layout.DrawReplacement,
    need: int,
    where: str,
    seen: set[str],
) -> None:
    main = state.main
    draw_id = body.supplementary_draw
    if (
        not layout.valid_draw_id(draw_id)
        or draw_id in seen
        or draw_id not in layout.draw_ids(set(bundle.files))
    ):
        raise MismatchError(
            where + "'supplementary_draw'",
            f"{draw_id} is not in this file",
            f"补充抽取 {draw_id} 不在文件中",
        )
    seen.add(draw_id)
    extra = await verify_one(bundle, draw_id)
    expected, venues = state.roster.supplement_for(body.leaving, main.record_sha256)
    req, base = extra.request, main.request
    at = layout.path(draw_id, layout.REQUEST) + " field "
    _equal(at + "'supplement'", expected, req.supplement)
    _equal(at + "'venues'", venues, req.venues)
    _equal(at + "'needs'", (Need(base.needs[need].specialty, 1, 0),), req.needs)
    for name in (
        "project_id",
        "tenderer",
        "tenderer_city",
        "bidders",
        "evaluation_date",
        "rules",
        "distances",
        "parties",
    ):
        _equal(at + f"'{name}'", getattr(base, name), getattr(req, name))
    drawn = extra.result.needs[0].principals
    _equal(where + "'replacement'", drawn[0] if drawn else "", body.replacement)
    if drawn:
        seat = extra.result.seats[0]
        _equal(where + "'seat'", (seat.venue, seat.seat), (body.venue, body.seat))
        state.roster.join_from_supplement(body.leaving, seat, extra.experts[drawn[0]])
        state.people[drawn[0]] = extra.people[drawn[0]]


def _members(state: State) -> list[Member]:
    out = []
    needs = state.main.request.needs
    for pool_id, seat in sorted(state.roster.seated.items()):
        person = state.people[pool_id]
        specialty = needs[state.roster.need_of[pool_id]].specialty
        out.append(Member(pool_id, person.name, person.person_id, specialty, seat.venue, seat.seat))
    for pool_id, (seat, cause, specialty) in sorted(state.left.items()):
        person = state.people[pool_id]
        out.append(
            Member(pool_id, person.name, person.person_id, specialty, seat.venue, seat.seat, cause)
        )
    return out


def _equal(where: str, expected: object, found: object) -> None:
    if expected != found:
        raise MismatchError(
            where,
            f"recomputed {expected!r}, recorded {found!r}",
            f"复算为 {expected}，记录为 {found}",
        )


def _same_name(draw_id: str, found: str, expected: str) -> None:
    if found != expected:
        raise MismatchError(
            layout.path(draw_id, found),
            f"numbering skips: expected {expected}",
            f"编号不连续，应为 {expected}",
        )
