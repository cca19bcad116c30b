"""Each role is refused every endpoint of the others, decided route by route over ``ROUTES``.

``ALLOWED`` must name every route: a new route without a role decision fails
``test_every_route_has_a_role_decision``. The answers, and why:

- a role outside a route's set gets **403 wrong_role** (the role is checked before the session
  is looked up, so this says nothing about whether the session exists);
- an expert calling a session route of a session they are not assigned to gets **404
  no_session**, the same answer as for a session that does not exist (existence is not leaked);
  signed uploads verify the signature first, so junk there is a 400 for both;
- ``phase`` is open to every role: the ``core`` phase machine decides (409 illegal_transition);
- ``summary`` is open to every role that sees the session, from the summary phase on (403
  before_summary before it, supervisors included); ``return`` is for the leader only
  (403 not_leader).
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.artefacts import Declaration
from evaluator_app.protocol.schema import encode
from evaluator_app.venue.api.routes import ROUTES
from tests.venue.flow import BIDDERS, PLEDGE, now, sheet
from tests.venue.harness import VenueHarness, example_project

E, SV, C = "expert", "supervisor", "centre"
ALL = frozenset({E, SV, C})
PUBLIC = frozenset({"public"})
P, S = API_PREFIX, f"{API_PREFIX}/sessions/{{sid}}"

ALLOWED: dict[tuple[str, str], frozenset[str]] = {
    ("GET", f"{P}/health"): PUBLIC,
    ("POST", f"{P}/tsa"): PUBLIC,
    ("GET", f"{P}/log/head"): PUBLIC,
    ("GET", f"{P}/log/consistency"): PUBLIC,
    ("POST", f"{P}/log/cosignatures"): PUBLIC,
    ("GET", f"{P}/openapi.json"): PUBLIC,
    ("POST", f"{P}/login/challenge"): PUBLIC,
    ("POST", f"{P}/login"): PUBLIC,
    ("POST", f"{P}/workstations/enrol"): PUBLIC,
    ("GET", f"{P}/me"): ALL,
    ("GET", f"{P}/sessions"): ALL,
    ("POST", f"{P}/sessions"): frozenset({C}),
    ("GET", S): ALL,
    ("POST", f"{S}/phase"): ALL,  # the phase machine decides who moves which phase
    ("POST", f"{S}/pause"): frozenset({SV, C}),
    ("POST", f"{S}/resume"): frozenset({SV, C}),
    ("POST", f"{S}/broadcast"): frozenset({SV, C}),
    ("POST", f"{S}/acknowledge"): ALL,
    ("POST", f"{S}/absent"): frozenset({SV, C}),
    ("POST", f"{S}/declarations"): frozenset({E}),
    ("POST", f"{S}/leader-votes"): frozenset({E}),
    ("POST", f"{S}/gate-votes"): frozenset({E}),
    ("POST", f"{S}/sheets"): frozenset({E}),
    ("POST", f"{S}/witness-notes"): frozenset({SV}),
    ("POST", f"{S}/sheets/{{expert}}/return"): frozenset({E}),  # and only the leader
    ("GET", f"{S}/summary"): ALL,  # from the summary phase on
    ("GET", f"{S}/archive"): frozenset({C}),
    ("GET", f"{S}/project"): ALL,
    ("GET", f"{S}/gates"): ALL,
    ("POST", f"{S}/sheets/check"): frozenset({E}),
    ("GET", f"{S}/sheets/mine"): frozenset({E}),
    ("GET", f"{S}/report"): ALL,  # from the report-signing phase on
    ("POST", f"{S}/report/signatures"): frozenset({E}),
    ("POST", f"{S}/report/dissent"): frozenset({E}),
    ("GET", f"{S}/warnings"): ALL,
    ("POST", f"{S}/warning-decisions"): frozenset({E}),
    ("PUT", f"{S}/draft"): frozenset({E}),
    ("GET", f"{S}/draft"): frozenset({E}),
    ("GET", f"{P}/people"): frozenset({C}),
    ("POST", f"{P}/workstations"): frozenset({C}),
    ("PUT", f"{P}/blobs/{{sha256}}"): frozenset({C}),
    ("POST", f"{S}/members"): frozenset({C}),
    ("POST", f"{P}/draws/steps"): frozenset({C}),
    ("PUT", f"{S}/draw"): frozenset({C}),
    ("GET", f"{S}/documents"): ALL,
    ("GET", f"{S}/documents/{{doc}}"): ALL,
    ("POST", f"{S}/manifest"): frozenset({C}),
    ("GET", f"{S}/presence"): frozenset({SV, C}),
    ("GET", f"{P}/events"): ALL,
    ("GET", f"{P}/ws"): ALL,
}

JUNK_UPLOAD = {
    "idempotency_key": "k-1",
    "content": base64.b64encode(b"{}").decode(),
    "signature": base64.b64encode(b"x").decode(),
}
BLOB = "0" * 64


def sample_body(h: VenueHarness, method: str, path: str) -> Any:
    """A body of the right shape for each route, so a refusal is about the caller, not the body."""
    tail = path.removeprefix(S) if path.startswith(S) else path.removeprefix(P)
    bodies: dict[str, Any] = {
        "/sessions": {
            "session_id": "S2",
            "title": "第二标段",
            "project": example_project(),
            "lot_id": "lot-1",
            "main_venue": "jinan",
            "members": [
                {
                    "person_id": h.person_id("expert-sd-2"),
                    "role": "expert",
                    "venue": "jinan",
                    "seat": "A02",
                }
            ],
        },
        "/phase": {"target": "check_in", "reason": ""},
        "/pause": {"reason": "网络故障"},
        "/resume": {"reason": "已恢复"},
        "/broadcast": {"message": "请注意时间"},
        "/acknowledge": {"seq": 1},
        "/absent": {"person_id": h.person_id("expert-nca-1"), "reason": "未到场"},
        "/sheets/{expert}/return": {"reason": "录入有误"},
        "/draft": {"revision": 1, "content": {"B1": "1"}},
        "/workstations": {"id": "ws-new", "venue": "jinan", "seat": "A09"},
        "/login": {"statement": "", "signature": ""},
        "/workstations/enrol": {
            "workstation_id": "ws-new",
            "enrolment_code": "0000-0000-0000-0000",
        },
        "/report/signatures": {"base_revision": 1, "pdf": "JVBERi0="},
        "/draws/steps": {
            "draw_id": "D1",
            "name": "commit-0.json",
            "kind": "draw_commitment",
            "sha256": BLOB,
        },
        "/draw": {"bundle": base64.b64encode(b"PK").decode()},
        "/members": {
            "person_id": h.person_id("expert-sd-3"),
            "role": "expert",
            "venue": "jinan",
            "seat": "A04",
        },
    }
    if method == "GET":
        return None
    if tail == "/sheets/check":
        return encode(sheet(h, "expert-sd-1", "E1"))
    if tail in (
        "/declarations",
        "/leader-votes",
        "/gate-votes",
        "/sheets",
        "/witness-notes",
        "/manifest",
        "/report/dissent",
        "/warning-decisions",
    ):
        return JUNK_UPLOAD
    return bodies.get(tail, {})


def concrete(h: VenueHarness, path: str, sid: str) -> str:
    return (
        path.removeprefix(P)
        .replace("{sid}", sid)
        .replace("{expert}", h.person_id("expert-sd-2"))
        .replace("{doc}", "bid-B1")
        .replace("{sha256}", BLOB)
    )


async def call(
    h: VenueHarness, client: VenueClient, method: str, path: str, sid: str = "S1"
) -> tuple[int, str]:
    body = sample_body(h, method, path)
    try:
        if "{sha256}" in path:
            await client.request(
                method, concrete(h, path, sid), raw=b"not the content of that hash"
            )
        else:
            await client.request(method, concrete(h, path, sid), body)
    except VenueRefused as refused:
        return refused.status, refused.code
    except ValueError:  # a success that is not JSON (a document, an archive)
        return 200, "ok"
    return 200, "ok"


async def store_counts(h: VenueHarness) -> tuple[int, int, int]:
    def work(tx: Any) -> tuple[int, int, int]:
        return tx.last_audit()[0], len(tx.artefacts("S1")), len(tx.sessions())

    return await h.venue.store.tx(work)  # type: ignore[no-any-return]


def test_every_route_has_a_role_decision() -> None:
    routes = {(m, p) for m, p, _ in ROUTES}
    assert set(ALLOWED) - routes == set(), "ALLOWED names routes that do not exist"
    assert routes - set(ALLOWED) == set(), "a route has no role decision in test_roles.ALLOWED"


async def test_each_role_is_refused_the_others_endpoints(harness: VenueHarness) -> None:
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    clients = {E: await h.login("expert-sd-1"), SV: await h.login("supervisor-jinan"), C: centre}
    before = await store_counts(h)
    refused = []
    for method, path, _ in ROUTES:
        allowed = ALLOWED[(method, path)]
        for role, client in clients.items():
            if role in allowed or allowed is PUBLIC:
                continue
            answer = await call(h, client, method, path)
            refused.append((method, path, role))
            assert answer == (403, "wrong_role"), f"{role} {method} {path}: {answer}"
    assert len(refused) > 30
    assert await store_counts(h) == before, "a refused call wrote something"

    # the roles a route allows are not refused for their role (the table is not over-strict)
    for method, path, _ in ROUTES:
        for role, client in clients.items():
            if role in ALLOWED[(method, path)] or ALLOWED[(method, path)] is PUBLIC:
                status, code = await call(h, client, method, path)
                assert status < 500 and status != 401 and code != "wrong_role", (
                    f"{role} {method} {path}: {status} {code}"
                )


async def test_rules_inside_shared_routes(harness: VenueHarness) -> None:
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    expert, supervisor = await h.login("expert-sd-1"), await h.login("supervisor-jinan")
    before = await store_counts(h)
    # nobody sees scores before the summary: supervisors, experts, the centre
    for client in (supervisor, expert, centre):
        assert await call(h, client, "GET", f"{S}/summary") == (403, "before_summary")
        assert await call(h, client, "GET", f"{S}/report") == (403, "before_report")
    # only the leader returns sheets (there is no leader yet)
    assert await call(h, expert, "POST", f"{S}/sheets/{{expert}}/return") == (403, "not_leader")
    # an expert cannot move the session's phase where the centre does
    assert await call(h, expert, "POST", f"{S}/phase") == (409, "illegal_transition")
    assert await store_counts(h) == before


async def test_an_unassigned_expert_learns_nothing(harness: VenueHarness) -> None:
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)  # expert-nca-3 is on the roster, seated at zibo, not in S1
    outsider = await h.login("expert-nca-3")
    before = await store_counts(h)
    assert (await outsider.get("/sessions"))["sessions"] == []
    for method, path, _ in ROUTES:
        if "{sid}" not in path:
            continue
        here, nowhere = (
            await call(h, outsider, method, path, "S1"),
            await call(h, outsider, method, path, "NO-SUCH"),
        )
        assert here == nowhere, (
            f"{method} {path} tells S1 from a missing session: {here} vs {nowhere}"
        )
        if E in ALLOWED[(method, path)] and sample_body(h, method, path) is not JUNK_UPLOAD:
            assert here == (404, "no_session"), f"{method} {path}: {here}"
    # a properly signed declaration naming S1 is still a 404, not a 403
    body = Declaration(
        "S1", "lot-1", h.person_id("expert-nca-3"), tuple(BIDDERS), False, "", PLEDGE, now()
    )
    content, signature = await outsider.sign_artefact("declaration", body, h.signer("expert-nca-3"))
    with pytest.raises(VenueRefused) as info:
        await outsider.upload("S1", "declarations", content, signature)
    assert (info.value.status, info.value.code) == (404, "no_session")
    assert await store_counts(h) == before


async def test_secondary_venue_supervisor_sees_only_zibo(harness: VenueHarness) -> None:
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    jinan_only = ["expert-sd-1", "expert-sd-2"]
    members = [
        {"person_id": h.person_id(k), "role": "expert", "venue": "jinan", "seat": f"A0{i}"}
        for i, k in enumerate(jinan_only, 1)
    ]
    members.append(
        {
            "person_id": h.person_id("supervisor-jinan"),
            "role": "supervisor",
            "venue": "jinan",
            "seat": "S1",
        }
    )
    await centre.post(
        "/sessions",
        {
            "session_id": "S2",
            "title": "第二标段",
            "project": example_project(),
            "lot_id": "lot-1",
            "main_venue": "jinan",
            "members": members,
        },
    )
    zibo, jinan = await h.login("supervisor-zibo"), await h.login("supervisor-jinan")

    assert [s["id"] for s in (await zibo.get("/sessions"))["sessions"]] == ["S1"]
    assert {s["id"] for s in (await jinan.get("/sessions"))["sessions"]} == {"S1", "S2"}
    seen = (await zibo.get("/sessions/S1"))["members"]
    assert seen and {m["venue"] for m in seen} == {"zibo"}
    assert {m["venue"] for m in (await jinan.get("/sessions/S1"))["members"]} == {"jinan", "zibo"}
    for method, path, _ in ROUTES:  # S2 has nobody at zibo: it does not exist for zibo's supervisor
        if (
            "{sid}" in path
            and SV in ALLOWED[(method, path)]
            and sample_body(h, method, path) is not JUNK_UPLOAD
        ):
            assert await call(h, zibo, method, path, "S2") == (404, "no_session"), (
                f"{method} {path}"
            )
    # zibo's supervisor cannot mark a jinan expert absent, but can mark a zibo expert
    with pytest.raises(VenueRefused) as info:
        await zibo.post(
            "/sessions/S1/absent", {"person_id": h.person_id("expert-sd-1"), "reason": "x"}
        )
    assert info.value.status == 404
    await zibo.post(
        "/sessions/S1/absent", {"person_id": h.person_id("expert-nca-1"), "reason": "未到场"}
    )
    # events: nothing of S2, and no per-person event about someone seated at jinan
    page = await zibo.get("/events?since=0")
    assert page["events"] and all(e["session_id"] != "S2" for e in page["events"])
    jinan_people = {h.person_id(k) for k in ("expert-sd-1", "expert-sd-2", "expert-dual-sd")}
    assert not [e for e in page["events"] if e["payload"].get("person") in jinan_people]
