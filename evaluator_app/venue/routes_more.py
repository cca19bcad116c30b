"""Routes for people, workstations, documents, events and the WebSocket."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from functools import cache
from importlib import resources

from aiohttp import WSMsgType, web

from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.messages import (
    Event,
    EventPage,
    Heartbeat,
    MemberInput,
    Role,
    SignedUpload,
)
from evaluator_app.protocol.schema import SchemaError, decode
from evaluator_app.venue.auth import caller_of, new_enrolment_code, require
from evaluator_app.venue.context import Venue
from evaluator_app.venue.documents import check_sha256, parse_range, serve
from evaluator_app.venue.errors import BadRequest, Conflict, NotFound
from evaluator_app.venue.events import writer
from evaluator_app.venue.http import VENUE_KEY, Caller, json_response, read_body, read_json
from evaluator_app.venue.intake import (
    accept,
    existing_receipt,
    new_record,
    record_acceptance,
    verify_upload,
)
from evaluator_app.venue.presence import PRESENCE_KEY
from evaluator_app.venue.sessions import load, publish, view
from evaluator_app.venue.store.records import MemberRecord, WorkstationRecord

logger = logging.getLogger(__name__)


def _venue(request: web.Request) -> Venue:
    return request.app[VENUE_KEY]  # type: ignore[no-any-return]


async def people(request: web.Request) -> web.Response:
    require(await caller_of(request), Role.CENTRE)
    return json_response({"people": await _venue(request).store.tx(lambda tx: tx.people())})


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
    venue = _venue(request)

    def work(tx):  # type: ignore[no-untyped-def]
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
    venue, sid = _venue(request), request.match_info["sid"]

    def work(tx):  # type: ignore[no-untyped-def]
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
        if session.phase not in ("preparing", "check_in", "declarations"):
            raise Conflict(
                "members are added before the leader election",
                "组长推选开始后不能再增加成员",
                code="wrong_phase",
            )
        if body.role is Role.EXPERT:
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


async def upload_blob(request: web.Request) -> web.Response:
    require(await caller_of(request), Role.CENTRE)
    venue = _venue(request)
    sha = check_sha256(request.match_info["sha256"])
    size = await venue.blobs.receive(sha, request, venue.config.max_body_bytes)  # type: ignore[attr-defined]
    return json_response({"sha256": sha, "size": size}, status=201)


async def documents(request: web.Request) -> web.Response:
    caller, venue, sid = await caller_of(request), _venue(request), request.match_info["sid"]

    def work(tx):  # type: ignore[no-untyped-def]
        load(tx, caller, sid)
        manifest = next(
            (a for a in tx.artefacts(sid, "document_manifest") if a.status == "accepted"), None
        )
        return tx.documents(sid), manifest

    docs, manifest = await venue.store.tx(work)
    signed = {"content": manifest.content, "signature": manifest.signature} if manifest else None
    return json_response({"documents": docs, "manifest": signed})


async def document(request: web.Request) -> web.StreamResponse:
    caller, venue, sid, doc_id = (
        await caller_of(request),
        _venue(request),
        request.match_info["sid"],
        request.match_info["doc"],
    )

    def work(tx):  # type: ignore[no-untyped-def]
        load(tx, caller, sid)
        doc = next((d for d in tx.documents(sid) if d.doc_id == doc_id), None)
        if doc is None:
            raise NotFound("no such document", "没有这个文件", code="no_document")
        etag, wanted = f'"{doc.sha256}"', request.headers.get("Range")
        if wanted is not None and request.headers.get("If-Range", etag) == etag:
            parse_range(
                wanted, doc.size
            )  # an unsatisfiable range is a 416 before the read is recorded
        tx.append_audit(
            venue.now_iso(),
            caller.person_id,
            "document.read",
            sid,
            {"doc": doc_id, "range": request.headers.get("Range", "")},
        )
        return doc

    doc = await venue.store.tx(work)
    return await serve(request, venue.blobs.path(doc.sha256), doc.sha256)  # type: ignore[attr-defined]


async def manifest(request: web.Request) -> web.Response:
    """The centre's signed document manifest (canonical JSON of the session's documents)."""
    caller, venue, sid = await caller_of(request), _venue(request), request.match_info["sid"]
    require(caller, Role.CENTRE)
    upload = await read_body(request, SignedUpload)
    retry = await existing_receipt(venue, caller, upload)
    if retry is not None:
        return json_response(retry, status=201)
    await verify_upload_manifest(venue, caller, upload)

    def work(tx):  # type: ignore[no-untyped-def]
        load(tx, caller, sid)
        listed = json.loads(bytes(upload.content)).get("documents")
        held = [
            {
                "doc_id": d.doc_id,
                "sha256": d.sha256,
                "size": d.size,
                "title": d.title,
                "bidder_id": d.bidder_id,
            }
            for d in tx.documents(sid)
        ]
        if json.loads(bytes(upload.content)).get("session_id") != sid or listed != held:
            raise BadRequest(
                "the manifest does not list exactly this session's documents",
                "文件清单与本会话文件不一致",
                code="manifest_mismatch",
            )
        stored, event = record_acceptance(
            tx, venue, new_record(venue, caller, sid, "document_manifest", upload)
        )
        return stored, [event]

    receipt = await accept(venue, caller, upload, work)
    from evaluator_app.venue import collusion_service  # every document is in: look for collusion

    collusion_service.start(venue, sid)
    return json_response(receipt, status=201)


async def verify_upload_manifest(venue: Venue, caller: Caller, upload: SignedUpload) -> None:
    from evaluator_app.protocol.artefacts import DocumentManifest

    await verify_upload(venue, caller, upload, "document_manifest", DocumentManifest)


def _since(request: web.Request) -> int:
    try:
        since = int(request.query.get("since", "0"))
    except ValueError:
        since = -1
    if not 0 <= since < 2**63:  # the store's INTEGER range
        raise BadRequest(
            "since must be a whole number from 0", "since 参数必须是非负整数", code="invalid_field"
        )
    return since


async def events(request: web.Request) -> web.Response:
    caller, venue = await caller_of(request), _venue(request)
    since = _since(request)
    backlog = await venue.store.tx(lambda tx: tx.events_since(since))
    shown = [e for e in backlog if venue.hub.wants_record(caller, e)]  # type: ignore[attr-defined]
    last = backlog[-1].seq if backlog else since
    return json_response(
        EventPage(
            tuple(Event(e.seq, e.session_id, e.kind, json.loads(e.payload), e.at) for e in shown),
            last,
        )
    )


async def websocket(request: web.Request) -> web.WebSocketResponse:
    caller, venue = await caller_of(request), _venue(request)
    since = _since(request)
    ws = web.WebSocketResponse(heartbeat=20, max_msg_size=64 * 1024)
    await ws.prepare(request)
    hub, board = venue.hub, request.app[PRESENCE_KEY]
    client = hub.register(caller, ws)  # type: ignore[attr-defined]
    backlog = await venue.store.tx(lambda tx: _all_events_since(tx, since))
    hub.start_live(client, backlog)  # type: ignore[attr-defined]
    del backlog  # a thousand sockets must not each keep their replay alive
    sender = asyncio.create_task(writer(client))
    try:
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            await _on_message(venue, board, caller, client, hub, message.data)
    finally:
        hub.unregister(client)  # type: ignore[attr-defined]
        board.disconnected(caller.person_id)
        client.queue.put_nowait(None) if not client.queue.full() else None
        await sender
    return ws


def _all_events_since(tx, since: int) -> list:  # type: ignore[no-untyped-def]
    """Every event after ``since``, in pages: a client far behind gets no gap."""
    out: list = []  # type: ignore[type-arg]
    while True:
        page = tx.events_since(since)
        out += page
        if len(page) < 10_000:
            return out
        since = page[-1].seq


async def _on_message(venue: Venue, board, caller: Caller, client, hub, text: str) -> None:  # type: ignore[no-untyped-def]
    try:
        data = json.loads(text)
        kind = data.pop("type", None) if isinstance(data, dict) else None
        if kind != "heartbeat":
            raise SchemaError("$.type", "must be heartbeat")
        beat = decode(Heartbeat, data)
    except (ValueError, SchemaError) as exc:
        hub.send_direct(client, {"type": "error", "message": f"ignored malformed message: {exc}"})
        return
    if not board.accepts(
        caller, beat.session_id
    ):  # from memory: a heartbeat costs no store transaction
        hub.send_direct(
            client, {"type": "error", "message": "heartbeat for a session you are not an expert of"}
        )
        return
    await board.beat(beat.session_id, caller.person_id, beat.presence, beat.items_scored)


async def presence(request: web.Request) -> web.Response:
    caller, venue, sid = await caller_of(request), _venue(request), request.match_info["sid"]
    require(caller, Role.SUPERVISOR, Role.CENTRE)
    session, members = await venue.store.tx(lambda tx: load(tx, caller, sid))
    shown = {
        m.person_id
        for m in members
        if caller.role == "centre" or session.main_venue == caller.venue or m.venue == caller.venue
    }
    online = venue.hub.online()  # type: ignore[attr-defined]
    rows = [
        {**row, "connected": row["person"] in online}
        for row in request.app[PRESENCE_KEY].snapshot(sid)
        if row["person"] in shown
    ]
    return json_response({"presence": rows})


@cache
def _openapi_bytes() -> bytes:
    return resources.files("evaluator_app.venue").joinpath("openapi.json").read_bytes()


async def openapi(request: web.Request) -> web.Response:
    """The OpenAPI 3.1 description of this API (public, like /health)."""
    return web.Response(body=_openapi_bytes(), content_type="application/json", charset="utf-8")


S = f"{API_PREFIX}/sessions/{{sid}}"
MORE_ROUTES: list[tuple[str, str, object]] = [
    ("GET", f"{API_PREFIX}/people", people),
    ("POST", f"{API_PREFIX}/workstations", register_workstation),
    ("PUT", f"{API_PREFIX}/blobs/{{sha256}}", upload_blob),
    ("POST", f"{S}/members", add_member),
    ("GET", f"{S}/documents", documents),
    ("GET", f"{S}/documents/{{doc}}", document),
    ("POST", f"{S}/manifest", manifest),
    ("GET", f"{S}/presence", presence),
    ("GET", f"{API_PREFIX}/events", events),
    ("GET", f"{API_PREFIX}/ws", websocket),
    ("GET", f"{API_PREFIX}/openapi.json", openapi),
]
