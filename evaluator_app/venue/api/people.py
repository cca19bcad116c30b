"""The roster, workstations, and the members of a session."""

from __future__ import annotations

from dataclasses import replace

from aiohttp import web

from evaluator_app.core.phases import MEMBER_CHANGE_PHASES, values
from evaluator_app.protocol.messages import (
    MemberInput,
    Role,
    SessionView,
)
from evaluator_app.venue.access.auth import caller_of, new_enrolment_code, require
from evaluator_app.venue.errors import BadRequest, Conflict
from evaluator_app.venue.http import (
    json_response,
    read_body,
    read_json,
    venue_of,
)
from evaluator_app.venue.sessions.access import load, view
from evaluator_app.venue.sessions.draw import require_drawn
from evaluator_app.venue.sessions.lifecycle import publish
from evaluator_app.venue.store.records import EventRecord, MemberRecord, WorkstationRecord
from evaluator_app.venue.store.sqlite import SqliteTx


async def people(request: web.Request) -> web.Response:
    require(await caller_of(request), Role.CENTRE)
    return json_response({"people": await venue_of(request).store.tx(lambda tx: tx.people())})


async def register_workstation(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    require(caller, Role.CENTRE)
    data = await read_json(request)
    if (
        not isinstance(data, dict)
        or set(data) != {"id", "venue", "seat"}
        or not all(isinstance(v, str) and v for v in data.values())
    ):
        raise BadRequest(
            'body must be {"id", "venue", "seat"}', "请求格式错误", code="invalid_field"
        )
    code, code_hash = new_enrolment_code()
    venue = venue_of(request)

    def work(tx: SqliteTx) -> None:
        tx.upsert_workstation(
            WorkstationRecord(data["id"], data["venue"], data["seat"], code_hash, None, None)
        )
        tx.append_audit(
            venue.now_iso(),
            caller.person_id,
            "workstation.register",
            None,
            {"id": data["id"], "venue": data["venue"], "seat": data["seat"]},
        )

    await venue.store.tx(work)
    return json_response({"id": data["id"], "enrolment_code": code}, status=201)


async def add_member(request: web.Request) -> web.Response:
    """The centre adds an expert (for example to replace one who recused)."""
    caller = await caller_of(request)
    require(caller, Role.CENTRE)
    body = await read_body(request, MemberInput)
    venue, sid = venue_of(request), request.match_info["sid"]
    left = None
    if body.role is Role.EXPERT:
        left = await require_drawn(venue, sid, body.person_id, body.venue, body.seat)

    def work(tx: SqliteTx) -> tuple[SessionView, list[EventRecord]]:
        session, members = load(tx, caller, sid)
        person = tx.person(body.person_id)
        if person is None or person.role != body.role.value:
            raise BadRequest(
                f"{body.person_id} is not a {body.role.value} on the roster",
                "名册中没有此人或身份不符",
                code="not_on_roster",
            )
        if any(m.person_id == body.person_id for m in members):
            raise Conflict(
                f"{body.person_id} is already a member", "此人已在本会话中", code="already_member"
            )
        if session.phase not in values(MEMBER_CHANGE_PHASES):
            raise Conflict(
                "members are added before the leader election",
                "组长推选开始后不能再增加成员",
                code="wrong_phase",
            )
        if left is not None:  # drawn: the record says whose seats its replacements take
            for m in members:
                if m.role == "expert" and m.person_id in left and m.status != "replaced":
                    tx.upsert_member(replace(m, status="replaced"))
        elif body.role is Role.EXPERT:
            recused = next(
                (m for m in members if m.role == "expert" and m.status == "recused"), None
            )
            if recused is not None:  # the newcomer fills the seat the recusal left open
                tx.upsert_member(replace(recused, status="replaced"))
        tx.upsert_member(
            MemberRecord(
                sid,
                person.person_id,
                person.name,
                body.role.value,
                body.venue,
                body.seat,
                "assigned",
                person.organisation,
                person.city,
            )
        )
        now = venue.now_iso()
        tx.append_audit(
            now,
            caller.person_id,
            "member.add",
            sid,
            {"person": person.person_id, "venue": body.venue, "seat": body.seat},
        )
        event = tx.append_event(
            sid,
            "member",
            "all",
            {"person": person.person_id, "status": "assigned", "venue": body.venue},
            now,
        )
        return view(caller, session, tx.members(sid)), [event]

    result, events = await venue.store.tx(work)
    await publish(venue, events)
    return json_response(result, status=201)
