"""Two venue worker processes on one PostgreSQL database, alone and behind a real nginx: what one
worker did, the other knows (logins, nonces, uploads, events, presence, documents)."""

from __future__ import annotations

import asyncio
import hashlib
import os
from collections.abc import AsyncIterator
from typing import Any

import pytest

from evaluator_app.client.connection import ConnectionState, VenueConnection
from evaluator_app.pki.revocation import DEFAULT_CACHE
from evaluator_app.protocol.artefacts import Declaration
from evaluator_app.protocol.messages import CreateSession, LoginChallenge, MemberInput, Role
from evaluator_app.venue.store.postgres import PgStore
from tests.nginx_server import nginx_missing
from tests.postgres.cluster import Cluster
from tests.venue.flow import BIDDERS, PLEDGE, now
from tests.venue.harness import COMMITTEE, SEATS, example_project
from tests.venue.streams import until


@pytest.fixture
async def cluster(venue_pki, tmp_path, pg_dsn) -> AsyncIterator[Cluster]:  # type: ignore[no-untyped-def]
    c = Cluster(venue_pki, tmp_path, pg_dsn, heartbeat_timeout_seconds=2)
    yield c
    await c.stop()
    DEFAULT_CACHE.clear()


async def signed_declaration(c: Cluster, client, person_key: str):  # type: ignore[no-untyped-def]
    body = Declaration(
        "S1", "lot-1", c.person_id(person_key), tuple(BIDDERS), False, "", PLEDGE, now()
    )
    return await client.sign_artefact("declaration", body, c.signer(person_key))


async def declare(c: Cluster, client, person_key: str, key: str):  # type: ignore[no-untyped-def]
    content, signature = await signed_declaration(c, client, person_key)
    return await client.upload("S1", "declarations", content, signature, key=key)


def held(c: Cluster, kind: str) -> list:  # type: ignore[type-arg]
    store = PgStore(c.dsn)
    try:
        with store.reading() as tx:
            return tx.artefacts("S1", kind)
    finally:
        store.close()


async def create_session(c: Cluster, centre) -> bytes:  # type: ignore[no-untyped-def]  # type: ignore[no-untyped-def]
    pdf = b"%PDF-1.4 tender " + os.urandom(3000)
    sha = await centre.put_blob(pdf)
    members = [MemberInput(c.person_id(k), Role.EXPERT, *SEATS[k]) for k in COMMITTEE]
    members += [MemberInput(c.person_id("supervisor-zibo"), Role.SUPERVISOR, "zibo", "S1")]
    from evaluator_app.protocol.messages import DocumentInput

    body = CreateSession(
        "S1", "教学楼改扩建工程", example_project(), "lot-1", "jinan", tuple(members),
        (DocumentInput("tender", "招标文件", sha, len(pdf), None),),
    )  # fmt: skip
    await centre.post("/sessions", body)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    return pdf


async def login_across(c: Cluster, person_key: str, first: str, second: str):  # type: ignore[no-untyped-def]
    """A login whose challenge comes from one worker and whose statement goes to the other."""
    from datetime import UTC, datetime

    from evaluator_app.core.canonical import artefact_bytes
    from evaluator_app.pki.cms import sign_detached
    from evaluator_app.protocol.messages import LoginResult, LoginStatement
    from evaluator_app.protocol.schema import decode, encode

    client = await c.login("centre-1", [first, second])  # any client: its session and trust
    client.token = None
    seen = await client.probe_peer_certificate()
    challenge = await client.post("/login/challenge", None, LoginChallenge)
    client.fail_over("the statement goes to the other worker")
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    statement = LoginStatement(challenge.nonce, "jinan", seen, f"ws-{person_key}", stamp)
    content = artefact_bytes("login", 1, encode(statement))
    signature = sign_detached(content, c.signer(person_key))
    body = {"statement": content, "signature": signature}
    result = decode(LoginResult, await client.request("POST", "/login", body, repeatable=False))
    client.token = result.token
    return client


async def test_what_one_worker_did_the_other_knows(cluster: Cluster):
    c = await cluster.start()
    a, b = c.url(0), c.url(1)
    centre = await c.login("centre-1", a)
    pdf = await create_session(c, centre)

    # a login challenge from worker A is answered at worker B (the nonce is in the database)
    expert = await c.login("expert-sd-1", a)
    expert.urls = [b]  # the same client (and token), now talking to B only
    assert (await expert.get("/me"))["person_id"] == c.person_id("expert-sd-1")
    split = await login_across(c, "expert-sd-2", a, b)
    assert split.base_url == b and (await split.get("/me"))["role"] == "expert"

    # the document uploaded through A is read whole and in ranges through B
    docs = await expert.get("/sessions/S1/documents")
    assert [d["doc_id"] for d in docs["documents"]] == ["tender"]

    # a supervisor on B sees an expert heartbeating on A, as events and on the board
    supervisor = await c.login("supervisor-zibo", b)
    seen: list[dict] = []
    watch = VenueConnection(supervisor, seen.append)
    watch.start()
    beating = await c.login("expert-nca-1", a)
    beats = VenueConnection(beating, lambda e: None, session_id="S1", heartbeat_interval=0.3)
    beats.start()
    me = c.person_id("expert-nca-1")
    await until(
        lambda: any(e["kind"] == "presence" and e["payload"]["person"] == me for e in seen),
        timeout=20,
        what="presence from A at B",
    )
    board: list[dict] = []

    async def connected() -> bool:  # a worker says who holds its sockets once per monitor pass
        board[:] = (await supervisor.get("/sessions/S1/presence"))["presence"]
        return [(r["person"], r["connected"]) for r in board] == [(me, True)]

    for _ in range(100):
        if await connected():
            break
        await asyncio.sleep(0.1)
    assert await connected(), board

    # an upload accepted by A, retried at B with the same key: one artefact, the same receipt
    # (the same signed bytes: a retry, not a new declaration signed a second later)
    content, signature = await signed_declaration(c, expert, "expert-sd-1")
    expert.urls = [a]
    first = await expert.upload("S1", "declarations", content, signature, key="dup-key-1")
    expert.urls = [b]
    second = await expert.upload("S1", "declarations", content, signature, key="dup-key-1")
    assert bytes(first.receipt) == bytes(second.receipt)
    assert len(held(c, "declaration")) == 1
    await until(
        lambda: any(e["kind"] == "declaration.accepted" for e in seen), timeout=20, what="event"
    )
    assert len([e for e in seen if e["kind"] == "declaration.accepted"]) == 1
    await beats.stop()
    await watch.stop()
    assert hashlib.sha256(pdf).hexdigest() == docs["documents"][0]["sha256"]


async def test_a_client_moves_to_the_next_worker_and_replays_what_it_missed(cluster: Cluster):
    c = await cluster.start()
    centre = await c.login("centre-1", c.urls)
    await create_session(c, centre)
    supervisor = await c.login("supervisor-zibo", c.urls)
    states: list[ConnectionState] = []
    got: list[dict] = []
    watch = VenueConnection(supervisor, got.append, on_state=states.append, backoff_initial=0.1)
    watch.start()
    await until(lambda: watch.state.status == "online", timeout=20, what="online")
    assert watch.state.venue_url == c.url(0)
    c.kill(0)  # the supervisor's worker dies
    await centre.post("/sessions/S1/broadcast", {"message": "第一条"})  # the centre fails over too
    await until(
        lambda: watch.state.status == "online" and watch.state.venue_url == c.url(1),
        timeout=30,
        what="moved to worker B",
    )
    await until(lambda: any(e["kind"] == "broadcast" for e in got), timeout=20, what="replayed")
    assert watch.state.failovers >= 1 and centre.failovers >= 1
    # the move is told: waiting to retry, or (a socket that had worked) reconnecting at once
    told = [s for s in states if s.status in ("offline", "connecting") and s.error]
    assert told and "正在改连" in told[0].error_zh and c.url(1) in told[0].error
    assert len({e["seq"] for e in got}) == len(got)  # nothing twice
    await watch.stop()


async def _watched_through_nginx(c: Cluster) -> tuple[Any, VenueConnection, list[dict]]:
    """Through nginx: the centre makes the session, the Zibo supervisor's stream is online."""
    centre = await c.login("centre-1", c.nginx_url, retry_seconds=20)
    await create_session(c, centre)
    got: list[dict] = []
    supervisor = await c.login("supervisor-zibo", c.nginx_url, retry_seconds=20)
    watch = VenueConnection(supervisor, got.append, backoff_initial=0.1)
    watch.start()
    await until(lambda: watch.state.status == "online", timeout=20, what="WebSocket via nginx")
    return centre, watch, got


@pytest.mark.skipif(nginx_missing() is not None, reason=str(nginx_missing()))
async def test_behind_nginx_a_killed_worker_costs_nothing(cluster: Cluster):
    """The docs' nginx sample in front of both workers: logins, uploads and the event stream
    go through it; one worker killed mid-run, the other carries on."""
    c = await cluster.start(nginx=True)
    site = (c.directory / "nginx" / "venue.conf").read_text()
    assert "proxy_pass http://" in site and f"127.0.0.1:{c.proxy_ports[0]}" in site  # TLS once
    centre, watch, got = await _watched_through_nginx(c)
    receipts = []
    for n, key in enumerate(COMMITTEE):
        expert = await c.login(key, c.nginx_url, retry_seconds=20)
        if n == 2:
            c.kill(0)
        if n == 4:
            c.kill(1)
            await c.restart(0)
        receipts.append(await declare(c, expert, key, key=f"decl-{key}"))
    await until(
        lambda: len([e for e in got if e["kind"] == "declaration.accepted"]) == len(COMMITTEE),
        timeout=30,
        what="every declaration's event",
    )
    view = await centre.get("/sessions/S1")
    assert view["phase"] == "leader_election"
    stored = held(c, "declaration")
    assert len(stored) == len(COMMITTEE) == len(receipts)
    assert sorted(r.receipt for r in stored) == sorted(bytes(r.receipt) for r in receipts)
    await watch.stop()
    await asyncio.sleep(0)


@pytest.mark.skipif(nginx_missing() is not None, reason=str(nginx_missing()))
async def test_nginx_speaking_tls_to_workers_on_other_machines(cluster: Cluster):
    """The sample's `#tls` lines: nginx checks the workers' venue certificate and logins,
    uploads and the event stream go through it as through the loopback ports."""
    c = await cluster.start(nginx=True, tls_to_workers=True)
    assert f"127.0.0.1:{c.ports[0]}" in (c.directory / "nginx" / "venue.conf").read_text()
    _centre, watch, got = await _watched_through_nginx(c)
    key = COMMITTEE[0]
    await declare(c, await c.login(key, c.nginx_url, retry_seconds=20), key, key=f"decl-{key}")
    await until(
        lambda: any(e["kind"] == "declaration.accepted" for e in got), timeout=30, what="event"
    )
    await watch.stop()
    await asyncio.sleep(0)
