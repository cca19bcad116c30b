"""The HTTP routes of ``/api/v1``: thin handlers that decode, authorise and call a service.

``ROUTES`` is the single list the app is built from and the OpenAPI test compares with; the
handlers live beside it, one module per resource.
"""

from __future__ import annotations

from collections.abc import Iterable

from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.kinds import ARTEFACT_KINDS, ArtefactKind
from evaluator_app.venue.api import (
    artefacts,
    documents,
    drafts,
    draws,
    events,
    log,
    login,
    people,
    report,
    results,
    service,
    sessions,
    sheets,
    warnings,
)

S = f"{API_PREFIX}/sessions/{{sid}}"
Route = tuple[str, str, object]


def routes(kinds: Iterable[ArtefactKind] = ARTEFACT_KINDS) -> list[Route]:
    """The table, with one upload route per kind of signed artefact (``protocol.kinds``)."""
    return [*RESOURCE_ROUTES, *(("POST", f"{S}/{k.route}", artefacts.upload(k)) for k in kinds)]


RESOURCE_ROUTES: list[Route] = [
    ("GET", f"{API_PREFIX}/health", service.health),
    ("POST", f"{API_PREFIX}/tsa", service.tsa),
    ("GET", f"{API_PREFIX}/log/head", log.head),
    ("GET", f"{API_PREFIX}/log/consistency", log.consistency),
    ("POST", f"{API_PREFIX}/log/cosignatures", log.cosign),
    ("POST", f"{API_PREFIX}/login/challenge", login.login_challenge),
    ("POST", f"{API_PREFIX}/login", login.login),
    ("POST", f"{API_PREFIX}/workstations/enrol", login.enrol),
    ("GET", f"{API_PREFIX}/me", login.me),
    ("GET", f"{API_PREFIX}/sessions", sessions.list_sessions),
    ("POST", f"{API_PREFIX}/sessions", sessions.create_session),
    ("GET", S, sessions.get_session),
    ("POST", f"{S}/phase", sessions.phase),
    ("POST", f"{S}/pause", sessions.pause),
    ("POST", f"{S}/resume", sessions.resume),
    ("POST", f"{S}/broadcast", sessions.broadcast),
    ("POST", f"{S}/acknowledge", sessions.acknowledge),
    ("POST", f"{S}/absent", sessions.absent),
    ("POST", f"{S}/sheets/{{expert}}/return", sheets.return_sheet),
    ("GET", f"{S}/summary", results.summary),
    ("GET", f"{S}/archive", results.archive),
    ("GET", f"{S}/project", results.project),
    ("GET", f"{S}/gates", results.gates),
    ("POST", f"{S}/sheets/check", sheets.check_sheet),
    ("GET", f"{S}/sheets/mine", sheets.my_sheets),
    ("GET", f"{S}/report", report.get_report),
    ("POST", f"{S}/report/signatures", report.sign_report),
    ("GET", f"{S}/warnings", warnings.warnings),
    ("PUT", f"{S}/draft", drafts.put_draft),
    ("GET", f"{S}/draft", drafts.get_draft),
    ("GET", f"{API_PREFIX}/people", people.people),
    ("POST", f"{API_PREFIX}/workstations", people.register_workstation),
    ("PUT", f"{API_PREFIX}/blobs/{{sha256}}", documents.upload_blob),
    ("POST", f"{S}/members", people.add_member),
    ("GET", f"{S}/documents", documents.documents),
    ("GET", f"{S}/documents/{{doc}}", documents.document),
    ("GET", f"{S}/presence", events.presence),
    ("GET", f"{API_PREFIX}/events", events.events),
    ("GET", f"{API_PREFIX}/ws", events.websocket),
    ("GET", f"{API_PREFIX}/openapi.json", service.openapi),
    ("POST", f"{API_PREFIX}/draws/steps", draws.post_step),
    ("PUT", f"{S}/draw", draws.put_draw),
]
ROUTES = routes()
