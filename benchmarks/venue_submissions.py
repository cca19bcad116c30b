"""Signed declarations sent to the venue by the demo experts: bench_venue_events.py's intake
figure (real CMS signatures, verified by the venue, each with a signed receipt)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from venue_bench_setup import DEMO_EXPERTS

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.credentials import open_key_file
from evaluator_app.protocol.artefacts import Declaration
from evaluator_app.protocol.messages import CreateSession, MemberInput, Role

PLEDGE = hashlib.sha256("本人承诺：与投标人无利害关系，客观公正评标。".encode()).hexdigest()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def submissions(
    base: str, ssl_ctx: Any, demo: Any, centre: VenueClient, supervisor: VenueClient, sessions: int
) -> tuple[int, int, float]:
    """Signed declarations from the demo experts into ``sessions`` sessions; returns accepted,
    refused, per second."""
    project = json.loads(
        resources.files("evaluator_app.examples").joinpath("project.json").read_text("utf-8")
    )
    bidders = tuple(b["id"] for b in project["lots"][0]["bidders"])
    people = {k: demo.person(k) for k in DEMO_EXPERTS}
    staff = [MemberInput(demo.person("supervisor-jinan").person_id, Role.SUPERVISOR, "jinan", "S1")]
    for s in range(sessions):
        members = tuple(
            MemberInput(p.person_id, Role.EXPERT, "jinan", f"A{i:02d}")
            for i, p in enumerate(people.values())
        ) + tuple(staff)
        await centre.post(
            "/sessions",
            CreateSession(f"SUB{s:04d}", f"基准测试 {s}", project, "lot-1", "jinan", members),
        )
        await centre.post(f"/sessions/SUB{s:04d}/phase", {"target": "check_in"})
        await supervisor.post(f"/sessions/SUB{s:04d}/phase", {"target": "declarations"})
    experts = {}
    for key, person in people.items():
        client = VenueClient(base, ssl_ctx, f"ws-{key}")
        await client.login(open_key_file(person.p12, person.password))
        experts[key] = client
    signed = []  # signing happens before the clock starts: the venue's side is measured
    for key, person in people.items():
        signer = open_key_file(person.p12, person.password)
        for s in range(sessions):
            body = Declaration(
                f"SUB{s:04d}", "lot-1", person.person_id, bidders, False, "", PLEDGE, now()
            )
            signed.append(
                (
                    key,
                    f"SUB{s:04d}",
                    *(await experts[key].sign_artefact("declaration", body, signer)),
                )
            )
    random.shuffle(signed)
    gate, refused = asyncio.Semaphore(32), []

    async def send(key: str, sid: str, content: bytes, signature: bytes) -> None:
        async with gate:
            try:
                await experts[key].upload(sid, "declarations", content, signature)
            except Exception as exc:
                refused.append(repr(exc))

    started = time.perf_counter()
    await asyncio.gather(*(send(*item) for item in signed))
    took = time.perf_counter() - started
    for client in experts.values():
        await client.close()
    if refused:
        print("  refused:", refused[:3])
    return len(signed) - len(refused), len(refused), (len(signed) - len(refused)) / took
