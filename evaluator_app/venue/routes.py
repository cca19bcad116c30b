"""The HTTP routes of ``/api/v1``: thin handlers that decode, authorise and call a service.

``ROUTES`` is the single list the app is built from and the OpenAPI test compares with.
"""

from __future__ import annotations

from aiohttp import web

from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.protocol.messages import (
    Broadcast,
    CreateSession,
    DraftPut,
    EnrolRequest,
    LoginRequest,
    MarkAbsent,
    PauseRequest,
    PhaseChange,
    SignedUpload,
)
from evaluator_app.venue import auth, committee, results, sessions
from evaluator_app.venue.auth import caller_of
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import BadRequest, NotFound
from evaluator_app.venue.http import VENUE_KEY, json_response, read_body, read_json
from evaluator_app.venue.routes_more import MORE_ROUTES


def _venue(request: web.Request) -> Venue:
    return request.app[VENUE_KEY]  # type: ignore[no-any-return]


async def health(request: web.Request) -> web.Response:
    venue = _venue(request)
    return json_response(
        {"venue_id": venue.venue_id, "city": venue.config.city, "time": venue.now_iso()}
    )


async def tsa(request: web.Request) -> web.StreamResponse:
    """RFC 3161 over HTTPS (application/timestamp-query in, application/timestamp-reply out)."""
    handler = _venue(request).tsa_handler
    if handler is None:
        raise NotFound(
            "this venue serves no timestamp authority", "本场地未提供时间戳服务", code="no_tsa"
        )
    return await handler(request)  # type: ignore[operator, no-any-return]


async def login_challenge(request: web.Request) -> web.Response:
    return json_response(await auth.challenge(_venue(request)))


async def login(request: web.Request) -> web.Response:
    return json_response(await auth.login(_venue(request), await read_body(request, LoginRequest)))


async def enrol(request: web.Request) -> web.Response:
    where = await auth.enrol(_venue(request), await read_body(request, EnrolRequest))
    return json_response({"enrolled": where})


async def me(request: web.Request) -> web.Response:
    return json_response(await caller_of(request))


async def list_sessions(request: web.Request) -> web.Response:
    return json_response(
        {"sessions": await sessions.list_sessions(_venue(request), await caller_of(request))}
    )


async def create_session(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, CreateSession)
    return json_response(await sessions.create_session(_venue(request), caller, body), status=201)


async def get_session(request: web.Request) -> web.Response:
    return json_response(
        await sessions.get_session(
            _venue(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def phase(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PhaseChange)
    return json_response(
        await sessions.change_phase(
            _venue(request), caller, request.match_info["sid"], body.target, body.reason
        )
    )


async def pause(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PauseRequest)
    return json_response(
        await sessions.pause_or_resume(
            _venue(request), caller, request.match_info["sid"], body.reason, True
        )
    )


async def resume(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PauseRequest)
    return json_response(
        await sessions.pause_or_resume(
            _venue(request), caller, request.match_info["sid"], body.reason, False
        )
    )


async def broadcast(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, Broadcast)
    return json_response(
        {
            "seq": await sessions.broadcast(
                _venue(request), caller, request.match_info["sid"], body.message
            )
        }
    )


async def acknowledge(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    data = await read_json(request)
    seq = data.get("seq") if isinstance(data, dict) else None
    if not isinstance(seq, int) or isinstance(seq, bool) or set(data) != {"seq"}:
        raise BadRequest('body must be {"seq": N}', "请求格式错误", code="invalid_field")
    await sessions.acknowledge(_venue(request), caller, request.match_info["sid"], seq)
    return json_response({"acknowledged": seq})


async def absent(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, MarkAbsent)
    return json_response(
        await sessions.mark_absent(
            _venue(request), caller, request.match_info["sid"], body.person_id, body.reason
        )
    )


def _upload(kind: str):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        caller = await caller_of(request)
        body = await read_body(request, SignedUpload)
        receipt, _moved = await committee.submit(
            _venue(request), caller, request.match_info["sid"], kind, body
        )
        return json_response(receipt, status=201)

    handler.__name__ = f"upload_{kind}"
    return handler


async def return_sheet(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, PauseRequest)  # {"reason": ...}
    await results.return_sheet(
        _venue(request),
        caller,
        request.match_info["sid"],
        request.match_info["expert"],
        body.reason,
    )
    return json_response({"returned": request.match_info["expert"]})


async def summary(request: web.Request) -> web.Response:
    return json_response(
        await results.summary(_venue(request), await caller_of(request), request.match_info["sid"])
    )


async def archive(request: web.Request) -> web.Response:
    from evaluator_app.venue.archive import export_archive

    sid = request.match_info["sid"]
    data = await export_archive(_venue(request), await caller_of(request), sid)
    disposition = f'attachment; filename="session-{sid}.zip"'
    return web.Response(
        body=data, content_type="application/zip", headers={"Content-Disposition": disposition}
    )


async def project(request: web.Request) -> web.Response:
    return json_response(
        await results.project(_venue(request), await caller_of(request), request.match_info["sid"])
    )


async def gates(request: web.Request) -> web.Response:
    return json_response(
        await results.gates(_venue(request), await caller_of(request), request.match_info["sid"])
    )


async def my_sheets(request: web.Request) -> web.Response:
    return json_response(
        await results.my_sheets(
            _venue(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def check_sheet(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, ScoreSheet)
    return json_response(
        await results.check_sheet(_venue(request), caller, request.match_info["sid"], body)
    )


async def get_report(request: web.Request) -> web.Response:
    from evaluator_app.venue import report_signing

    return json_response(
        await report_signing.get_report(
            _venue(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def sign_report(request: web.Request) -> web.Response:
    from evaluator_app.venue import report_signing

    caller = await caller_of(request)
    body = report_signing.parse_signature_body(await read_json(request))
    return json_response(
        await report_signing.sign_report(_venue(request), caller, request.match_info["sid"], body),
        status=201,
    )


async def warnings(request: web.Request) -> web.Response:
    from evaluator_app.venue import collusion_service

    return json_response(
        await collusion_service.warnings(
            _venue(request), await caller_of(request), request.match_info["sid"]
        )
    )


async def put_draft(request: web.Request) -> web.Response:
    caller = await caller_of(request)
    body = await read_body(request, DraftPut)
    return json_response(
        await results.put_draft(_venue(request), caller, request.match_info["sid"], body)
    )


async def get_draft(request: web.Request) -> web.Response:
    return json_response(
        await results.get_draft(
            _venue(request), await caller_of(request), request.match_info["sid"]
        )
    )


S = f"{API_PREFIX}/sessions/{{sid}}"
ROUTES: list[tuple[str, str, object]] = [
    ("GET", f"{API_PREFIX}/health", health),
    ("POST", f"{API_PREFIX}/tsa", tsa),
    ("POST", f"{API_PREFIX}/login/challenge", login_challenge),
    ("POST", f"{API_PREFIX}/login", login),
    ("POST", f"{API_PREFIX}/workstations/enrol", enrol),
    ("GET", f"{API_PREFIX}/me", me),
    ("GET", f"{API_PREFIX}/sessions", list_sessions),
    ("POST", f"{API_PREFIX}/sessions", create_session),
    ("GET", S, get_session),
    ("POST", f"{S}/phase", phase),
    ("POST", f"{S}/pause", pause),
    ("POST", f"{S}/resume", resume),
    ("POST", f"{S}/broadcast", broadcast),
    ("POST", f"{S}/acknowledge", acknowledge),
    ("POST", f"{S}/absent", absent),
    ("POST", f"{S}/declarations", _upload("declaration")),
    ("POST", f"{S}/leader-votes", _upload("leader_vote")),
    ("POST", f"{S}/gate-votes", _upload("gate_votes")),
    ("POST", f"{S}/sheets", _upload("score_sheet")),
    ("POST", f"{S}/witness-notes", _upload("witness_note")),
    ("POST", f"{S}/sheets/{{expert}}/return", return_sheet),
    ("GET", f"{S}/summary", summary),
    ("GET", f"{S}/archive", archive),
    ("GET", f"{S}/project", project),
    ("GET", f"{S}/gates", gates),
    ("POST", f"{S}/sheets/check", check_sheet),
    ("GET", f"{S}/sheets/mine", my_sheets),
    ("GET", f"{S}/report", get_report),
    ("POST", f"{S}/report/signatures", sign_report),
    ("POST", f"{S}/report/dissent", _upload("dissent")),
    ("GET", f"{S}/warnings", warnings),
    ("POST", f"{S}/warning-decisions", _upload("warning_decision")),
    ("PUT", f"{S}/draft", put_draft),
    ("GET", f"{S}/draft", get_draft),
    *MORE_ROUTES,
]
