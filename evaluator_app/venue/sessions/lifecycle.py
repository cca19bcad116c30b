"""Sessions: creation from a project package, phases, pause, broadcast, absence."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from typing import Any

from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.core.errors import PhaseError, PlanError
from evaluator_app.core.phases import (
    REASON_REQUIRED,
    WAIT_FOR_PROGRESS,
    Phase,
    PhaseState,
    advance,
    pause,
    resume,
)
from evaluator_app.core.plan import Project
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.protocol.messages import CreateSession, Role, SessionView
from evaluator_app.protocol.schema import encode
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.access.visibility import (
    phase_role,
    visible_members,
)
from evaluator_app.venue.checkpoints import checkpoint
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import BadRequest, Conflict, NotFound, Unprocessable
from evaluator_app.venue.events.hub import publish as publish_events
from evaluator_app.venue.http import Caller
from evaluator_app.venue.sessions.access import load, view
from evaluator_app.venue.sessions.progress import require_ready
from evaluator_app.venue.store.records import (
    DocumentRecord,
    EventRecord,
    MemberRecord,
    SessionRecord,
)
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)


async def publish(venue: Venue, events: list[EventRecord]) -> None:
    await publish_events(venue, events)
    await checkpoint(venue, force=False)


def _check_members(tx: SqliteTx, body: CreateSession, project: Project) -> list[MemberRecord]:
    lot = project.lot(body.lot_id)
    organisations = {b.organisation: b for b in lot.bidders if b.organisation}
    records, seen = [], set()
    for index, member in enumerate(body.members):
        field = f"members[{index}]"
        if member.person_id in seen:
            raise BadRequest(
                f"{field}: {member.person_id} is listed twice",
                f"{field}：{member.person_id} 重复",
                code="invalid_field",
            )
        seen.add(member.person_id)
        person = tx.person(member.person_id)
        if person is None:
            raise BadRequest(
                f"{field}: {member.person_id} is not on the roster",
                f"{field}：{member.person_id} 不在名册中",
                code="not_on_roster",
            )
        if person.role != member.role.value:
            raise BadRequest(
                f"{field}: {person.name} is a {person.role}, not a {member.role.value}",
                f"{field}：{person.name} 的身份不是 {member.role.value}",
                code="invalid_field",
            )
        if member.role is Role.EXPERT and person.organisation in organisations:
            bidder = organisations[person.organisation]
            raise Unprocessable(
                f"{field}: {person.name} works for {person.organisation}, which is bidder "
                f"{bidder.id}: conflict of interest",
                f"{field}：{person.name} 就职于投标人 {bidder.name}，须回避",
                code="conflict_of_interest",
            )
        records.append(
            MemberRecord(
                body.session_id,
                person.person_id,
                person.name,
                member.role.value,
                member.venue,
                member.seat,
                "assigned",
                person.organisation,
                person.city,
            )
        )
    if not any(r.role == "expert" for r in records):
        raise BadRequest(
            "members: a session needs at least one expert",
            "评标会话至少需要一名专家",
            code="invalid_field",
        )
    return records


async def create_session(venue: Venue, caller: Caller, body: CreateSession) -> SessionView:
    require(caller, Role.CENTRE)
    try:
        project = project_from_dict(body.project)
    except PlanError as exc:
        problems = [
            {"field": p.field, "value": repr(p.value), "message": p.message} for p in exc.problems
        ]
        raise BadRequest(
            f"the project file is invalid: {exc}",
            "项目文件有误",
            {"problems": problems},
            code="invalid_project",
        ) from None
    try:
        lot = project.lot(body.lot_id)
    except KeyError:
        raise BadRequest(
            f"lot_id: {body.lot_id} is not a lot of the project",
            f"标段 {body.lot_id} 不存在",
            code="invalid_field",
        ) from None
    unasked = [w for w in lot.plan.witnesses if w not in venue.config.witnesses]
    if unasked:  # its archive could never verify: refuse now, saying what to configure
        raise BadRequest(
            f"the plan requires witness {', '.join(unasked)}, which this venue does not ask"
            " (venue.toml [witnesses])",
            f"评标计划要求见证方 {'、'.join(unasked)}，本场地未配置（venue.toml 的 [witnesses]）",
            {"field": "project.plans.witnesses"},
            code="unknown_witness",
        )
    now = venue.now_iso()

    def work(tx: SqliteTx) -> tuple[SessionView, list[EventRecord]]:
        members = _check_members(tx, body, project)
        for document in body.documents:
            # mypy: blobs is typed object; it is the BlobStore
            if venue.blobs is None or not venue.blobs.has(document.sha256):  # type: ignore[attr-defined]
                raise BadRequest(
                    f"document {document.doc_id}: upload its content first",
                    f"文件 {document.doc_id} 尚未上传",
                    code="missing_document",
                )
        record = SessionRecord(
            body.session_id,
            body.title,
            canonical_bytes(body.project).decode(),
            body.lot_id,
            body.main_venue,
            Phase.PREPARING.value,
            None,
            None,
            body.scheduled_start,
            now,
            now,
            caller.person_id,
            json.dumps(encode(body.packages), ensure_ascii=False),
        )
        tx.insert_session(record)
        for member in members:
            tx.upsert_member(member)
        for d in body.documents:
            tx.put_document(
                DocumentRecord(body.session_id, d.doc_id, d.sha256, d.size, d.title, d.bidder_id)
            )
        tx.append_audit(
            now,
            caller.person_id,
            "session.create",
            body.session_id,
            {"lot": body.lot_id, "members": [m.person_id for m in members]},
        )
        event = tx.append_event(
            body.session_id, "session.created", "all", {"title": body.title}, now
        )
        return view(caller, record, members), [event]

    session_view, events = await venue.store.tx(work)
    await publish(venue, events)
    return session_view


def apply_state(
    tx: SqliteTx,
    venue: Venue,
    session: SessionRecord,
    state: PhaseState,
    actor: str,
    reason: str,
    reason_zh: str = "",
) -> tuple[SessionRecord, EventRecord]:
    """Write a new phase state with its audit entry and event; the caller checkpoints the chain.

    ``reason`` is what a person typed, or the venue's own words in English with ``reason_zh``
    beside them: clients show the one in their language."""
    now = venue.now_iso()
    paused_in = state.paused_in.value if state.paused_in else None
    tx.set_phase(session.id, state.phase.value, paused_in, now)
    tx.append_audit(
        now,
        actor,
        "phase",
        session.id,
        {
            "from": session.phase,
            "to": state.phase.value,
            "paused": paused_in is not None,
            "reason": reason,
        },
    )
    payload: dict[str, Any] = {
        "phase": state.phase.value,
        "paused": paused_in is not None,
        "reason": reason,
        "by": actor,
    }
    if reason_zh:
        payload["reason_zh"] = reason_zh
    event = tx.append_event(session.id, "phase", "all", payload, now)
    return replace(session, phase=state.phase.value, paused_in=paused_in, phase_since=now), event


def state_of(session: SessionRecord) -> PhaseState:
    return PhaseState(Phase(session.phase), Phase(session.paused_in) if session.paused_in else None)


async def change_phase(
    venue: Venue, caller: Caller, session_id: str, target: str, reason: str
) -> SessionView:
    try:
        goal = Phase(target)
    except ValueError:
        raise BadRequest(
            f"target: unknown phase {target!r}", f"未知阶段 {target}", code="invalid_field"
        ) from None

    def work(tx: SqliteTx) -> tuple[SessionView, list[EventRecord]]:
        session, members = load(tx, caller, session_id)
        role = phase_role(caller, session)
        try:
            state = advance(state_of(session), goal, role)
        except PhaseError as exc:
            raise Conflict(
                str(exc),
                f"当前阶段（{exc.phase}）不能由{exc.role}转到{exc.target}：{exc.why}",
                code="illegal_transition",
            ) from None
        move = (Phase(session.phase), goal)
        if (*move, role) in REASON_REQUIRED and not reason.strip():
            raise BadRequest(
                "reason: this move goes into the record with its reason",
                "请填写原因：此操作连同原因记入记录",
                code="invalid_field",
            )
        if move in WAIT_FOR_PROGRESS:
            require_ready(tx, session, members, goal)
        if goal is Phase.DETAILED_SCORING and session.phase == Phase.SUMMARY.value:
            raise Conflict(
                "return individual sheets instead", "请退回具体评分表", code="illegal_transition"
            )
        session, event = apply_state(tx, venue, session, state, caller.person_id, reason)
        return view(caller, session, members), [event]

    result, events = await venue.store.tx(work)
    await publish(venue, events)
    await checkpoint(venue)
    return result


async def pause_or_resume(
    venue: Venue, caller: Caller, session_id: str, reason: str, pausing: bool
) -> SessionView:
    require(caller, Role.SUPERVISOR, Role.CENTRE)
    if not reason.strip():
        raise BadRequest(
            "reason: give the reason, it goes into the record",
            "请填写原因，原因将记入记录",
            code="invalid_field",
        )

    def work(tx: SqliteTx) -> tuple[SessionView, list[EventRecord]]:
        session, members = load(tx, caller, session_id)
        try:
            role = phase_role(caller, session)
            state = pause(state_of(session), role) if pausing else resume(state_of(session), role)
        except PhaseError as exc:
            raise Conflict(
                str(exc),
                f"无法{'暂停' if pausing else '恢复'}：{exc.why}",
                code="illegal_transition",
            ) from None
        session, event = apply_state(tx, venue, session, state, caller.person_id, reason)
        return view(caller, session, members), [event]

    result, events = await venue.store.tx(work)
    await publish(venue, events)
    await checkpoint(venue)
    return result


async def broadcast(venue: Venue, caller: Caller, session_id: str, message: str) -> int:
    require(caller, Role.SUPERVISOR, Role.CENTRE)
    if not message.strip():
        raise BadRequest("message: empty", "消息不能为空", code="invalid_field")

    def work(tx: SqliteTx) -> EventRecord:
        load(tx, caller, session_id)
        now = venue.now_iso()
        tx.append_audit(now, caller.person_id, "broadcast", session_id, {"message": message})
        return tx.append_event(
            session_id,
            "broadcast",
            "all",
            {"message": message, "by": caller.person_id, "name": caller.name},
            now,
        )

    event = await venue.store.tx(work)
    await publish(venue, [event])
    return event.seq


async def acknowledge(venue: Venue, caller: Caller, session_id: str, seq: int) -> None:
    """An expert acknowledges a broadcast, or a supervisor an alert: who and when, on record."""

    def work(tx: SqliteTx) -> EventRecord:
        load(tx, caller, session_id)
        target = tx.events_since(seq - 1, limit=1) if seq > 0 else []
        if (
            not target
            or target[0].seq != seq
            or target[0].session_id != session_id
            or target[0].kind not in ("broadcast", "alert")
        ):
            raise NotFound(
                "no such message or alert in this session",
                "本会话没有这条通知或预警",
                code="no_event",
            )
        now = venue.now_iso()
        tx.append_audit(now, caller.person_id, "acknowledge", session_id, {"event": seq})
        return tx.append_event(
            session_id,
            "acknowledged",
            "staff",
            {"event": seq, "by": caller.person_id, "name": caller.name, "at": now},
            now,
        )

    await publish(venue, [await venue.store.tx(work)])


_STATUS_ZH = {"absent": "标记缺席", "recused": "回避", "replaced": "被替换"}


async def mark_absent(
    venue: Venue, caller: Caller, session_id: str, person_id: str, reason: str
) -> SessionView:
    require(caller, Role.SUPERVISOR, Role.CENTRE)

    def work(tx: SqliteTx) -> tuple[SessionView, list[EventRecord]]:
        session, members = load(tx, caller, session_id)
        member = next(
            (
                m
                for m in visible_members(caller, session, members)
                if m.person_id == person_id and m.role == "expert"
            ),
            None,
        )
        if member is None:
            raise NotFound(
                f"{person_id} is not an expert of this session at your venue",
                f"{person_id} 不是本场地的本会话专家",
                code="no_member",
            )
        if member.status != "assigned":
            raise Conflict(
                f"{member.name} is already {member.status}",
                f"{member.name}已{_STATUS_ZH.get(member.status, member.status)}"
                + ("" if member.status == "absent" else "，不能标记缺席"),
                code="member_state",
            )
        tx.upsert_member(replace(member, status="absent"))
        now = venue.now_iso()
        tx.append_audit(
            now,
            caller.person_id,
            "member.absent",
            session_id,
            {"person": person_id, "reason": reason},
        )
        event = tx.append_event(
            session_id,
            "member",
            "all",
            {"person": person_id, "status": "absent", "reason": reason},
            now,
        )
        members = tx.members(session_id)
        return view(caller, session, members), [event]

    result, events = await venue.store.tx(work)
    await publish(venue, events)
    return result
