"""The venue process killed with SIGKILL mid-work and restarted loses nothing it acknowledged;
its audit chain still verifies with `evaluator audit verify`."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from evaluator_app.client.errors import ClientError
from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.pki.credentials import open_key_file
from evaluator_app.protocol.messages import DraftPut, DraftView
from evaluator_app.venue.config import load_config
from evaluator_app.venue.store import SqliteStore
from evaluator_app.venue.store.records import WorkstationRecord
from evaluator_app.venue.venue_dir import init_venue_dir
from tests.pki_fixtures import free_port
from tests.venue.harness import SEATS


def start(config: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "evaluator_app", "venue", "serve", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


async def wait_up(client: VenueClient, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(100):
        if proc.poll() is not None:
            raise AssertionError(
                f"venue exited: {proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            await client.get("/health")
            return
        except ClientError:
            await asyncio.sleep(0.1)
    raise AssertionError("venue did not start")


async def test_sigkill_mid_writes_loses_nothing_acknowledged(venue_pki, tmp_path):
    config_path = init_venue_dir(
        tmp_path / "venue", venue_id="jinan", city="济南", port=free_port(), demo=venue_pki
    )
    config = load_config(config_path)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqliteStore(config.database)
    with store.transaction() as tx:
        for key, (venue, seat) in SEATS.items():
            tx.upsert_workstation(
                WorkstationRecord(f"ws-{key}", venue, seat, None, None, "2026-01-01T00:00:00Z")
            )
        tx.upsert_workstation(
            WorkstationRecord("ws-centre", "jinan", "C1", None, None, "2026-01-01T00:00:00Z")
        )
    store.close()
    roots = [str(ca.root_cert) for ca in venue_pki.cas if ca.status == "granted"]
    ssl_context = client_ssl_context(roots)
    base = f"https://127.0.0.1:{config.port}"
    signer = lambda key: open_key_file(venue_pki.person(key).p12, venue_pki.person(key).password)  # noqa: E731

    proc = start(config_path)
    centre = VenueClient(base, ssl_context, "ws-centre")
    expert = VenueClient(base, ssl_context, "ws-expert-sd-1")
    try:
        await wait_up(centre, proc)
        await centre.login(signer("centre-1"))
        from evaluator_app.protocol.messages import CreateSession, MemberInput, Role
        from tests.venue.harness import example_project

        person = venue_pki.person("expert-sd-1").person_id
        await centre.post(
            "/sessions",
            CreateSession(
                "S1",
                "t",
                example_project(),
                "lot-1",
                "jinan",
                (MemberInput(person, Role.EXPERT, "jinan", "A01"),),
            ),
        )
        await centre.post(
            "/sessions/S1/phase", {"target": "check_in"}
        )  # a phase change: a signed checkpoint
        await expert.login(signer("expert-sd-1"))

        acknowledged = 0

        async def write_drafts() -> None:
            nonlocal acknowledged
            revision = 0
            while True:
                revision += 1
                view = await expert.request(
                    "PUT",
                    "/sessions/S1/draft",
                    DraftPut(revision, {"B1/t-schedule": str(revision)}),
                )
                acknowledged = int(view["revision"])

        writer = asyncio.create_task(write_drafts())
        while acknowledged < 60:
            await asyncio.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        with contextlib.suppress(ClientError):  # the writer saw the venue die: expected
            await asyncio.wait_for(writer, 10)
        proc = start(config_path)
        await wait_up(centre, proc)
        await expert.login(signer("expert-sd-1"))
        kept = await expert.get("/sessions/S1/draft", DraftView)
        assert kept.revision >= acknowledged, (kept.revision, acknowledged)
        assert kept.content == {"B1/t-schedule": str(kept.revision)}
    finally:
        await centre.close()
        await expert.close()
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=20)

    trust = ["--demo", str(venue_pki.root)]  # heads count only by the venue's listed key
    audit = subprocess.run(
        [sys.executable, "-m", "evaluator_app", "audit", "verify", str(config.database), *trust],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert audit.returncode == 0, audit.stdout + audit.stderr
    import re

    assert int(re.search(r"(\d+) signed tree heads", audit.stdout).group(1)) >= 1, audit.stdout
    # tamper with one entry: the verifier names it
    import sqlite3

    conn = sqlite3.connect(config.database)
    conn.execute("UPDATE audit SET actor = 'forger' WHERE seq = 2")
    conn.commit()
    conn.close()
    broken = subprocess.run(
        [sys.executable, "-m", "evaluator_app", "audit", "verify", str(config.database), *trust],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert broken.returncode == 1 and "entry 2 was altered" in broken.stdout
