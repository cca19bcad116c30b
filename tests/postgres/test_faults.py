"""Faults, measured: the database stopped for 10 s under two workers, and the headless self-test
while a worker is SIGKILLed 20 times. What was acknowledged is never lost nor doubled."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import aiohttp
import pytest

from evaluator_app.client.connection import VenueConnection
from evaluator_app.client.errors import VenueRefused
from evaluator_app.client.venue_client import client_ssl_context
from evaluator_app.pki.demo_pki import load_demo_pki
from tests.postgres.cluster import Cluster
from tests.postgres.test_workers import create_session, declare, held
from tests.venue.harness import COMMITTEE
from tests.venue.streams import until

KILLS = int(os.environ.get("EVALUATOR_FAULT_KILLS", "20"))  # the figure; fewer to try


async def test_the_database_stopped_for_10_s(venue_pki, tmp_path, pg_dsn, pg_server):
    c = await Cluster(venue_pki, tmp_path, pg_dsn).start()
    try:
        centre = await c.login("centre-1", c.urls, retry_seconds=60)
        await create_session(c, centre)
        got: list[dict] = []
        supervisor = await c.login("supervisor-zibo", c.urls, retry_seconds=60)
        watch = VenueConnection(supervisor, got.append, backoff_initial=0.2, backoff_max=2)
        watch.start()
        experts = [await c.login(k, c.urls, retry_seconds=60) for k in COMMITTEE]
        before = [
            await declare(c, e, k, f"d-{k}")
            for e, k in zip(experts[:2], COMMITTEE[:2], strict=True)
        ]

        pg_server.stop()
        stopped = time.monotonic()
        restart = threading.Timer(10, pg_server.start)
        restart.start()
        try:
            probe = await c.login_client(c.url(0))  # one address, no retries: the raw answer
            probe.token = experts[0].token
            with pytest.raises(VenueRefused) as refused:
                await probe.get("/me")
            answered = time.monotonic() - stopped
            assert refused.value.status == 503 and refused.value.code == "store_unavailable"
            assert "database" in refused.value.message_en and refused.value.details["reason"]
            assert "数据库" in refused.value.message_zh
            # uploads during the outage: the clients keep trying, then are acknowledged once
            during = await asyncio.gather(
                *(
                    declare(c, e, k, f"d-{k}")
                    for e, k in zip(experts[2:], COMMITTEE[2:], strict=True)
                )
            )
            recovered = time.monotonic() - stopped
        finally:
            restart.join()
        stored = held(c, "declaration")
        assert len(stored) == len(COMMITTEE)
        assert sorted(r.receipt for r in stored) == sorted(
            bytes(r.receipt) for r in before + list(during)
        )
        await until(
            lambda: len({e["seq"] for e in got if e["kind"] == "declaration.accepted"}) == 5,
            timeout=30,
            what="every declaration's event at the supervisor, after the outage",
        )
        assert len(got) == len({e["seq"] for e in got})
        print(
            f"\ndatabase stopped 10 s: first 503 after {answered:.1f} s "
            f"({refused.value.message_en}); {len(during)} uploads sent during the outage "
            f"acknowledged {recovered:.1f} s after the stop; {len(stored)} held, none twice"
        )
        await watch.stop()
    finally:
        await c.stop()


def _pids(folder: Path) -> list[int | None]:
    try:
        return list(json.loads((folder / "workers.json").read_text())["pids"])
    except (OSError, ValueError, KeyError):
        return []


async def _answering(port: int, ssl_context) -> bool:  # type: ignore[no-untyped-def]
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"https://127.0.0.1:{port}/api/v1/health", ssl=ssl_context) as answer,
        ):
            return answer.status == 200
    except (aiohttp.ClientError, OSError):
        return False


@pytest.mark.faults
@pytest.mark.timeout(2400)  # 20 kills, each followed by a worker's restart: minutes, not seconds
async def test_the_selftest_while_a_worker_is_killed_20_times(tmp_path, pg_server):
    """``evaluator demo --headless --selftest --workers 2`` on PostgreSQL, again and again, while
    one worker at a time is SIGKILLed at a random moment (then restarted by the demo, as systemd
    would) until 20 kills: every run passes, with 0 acknowledged uploads lost or doubled and the
    audit chain verified (the self-test checks both)."""
    rng = random.Random(int.from_bytes(os.urandom(4)))
    kills, runs, lines = 0, 0, []
    while kills < KILLS:
        runs += 1
        dsn = pg_server.create_database(f"kill{os.getpid()}_{runs}")
        folder = tmp_path / f"run{runs}"
        log = (tmp_path / f"run{runs}.log").open("wb")
        demo = subprocess.Popen(
            [sys.executable, "-m", "evaluator_app", "demo", "--headless", "--selftest",
             "--store", dsn, "--workers", "2", "--dir", str(folder)],
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        ssl_context = None
        while demo.poll() is None and kills < KILLS:
            pids = _pids(folder)
            ports = json.loads((folder / "workers.json").read_text())["ports"] if pids else []
            if pids and ssl_context is None:  # the demo's own PKI issued the workers' TLS
                demo_pki = load_demo_pki(folder / "pki")
                ssl_context = client_ssl_context([str(ca.root_cert) for ca in demo_pki.cas])
            up = [await _answering(p, ssl_context) for p in ports]
            if len(up) < 2 or not all(up):
                await asyncio.sleep(0.2)
                continue
            await asyncio.sleep(rng.uniform(0.3, 4.0))  # a random moment of the session
            victim = rng.randrange(2)
            pid = _pids(folder)[victim]
            if demo.poll() is not None or pid is None:
                break
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                continue
            kills += 1
            print(f"kill {kills}: worker {victim} (pid {pid}) in run {runs}", flush=True)
            for _ in range(600):  # restarted by the demo, and answering again
                if _pids(folder)[victim] != pid and await _answering(ports[victim], ssl_context):
                    break
                await asyncio.sleep(0.1)
        code = await asyncio.to_thread(demo.wait, 900)
        log.close()
        output = (tmp_path / f"run{runs}.log").read_text(errors="replace")
        assert code == 0 and "SELFTEST OK" in output, output[-4000:]
        lines += [line for line in output.splitlines() if "0 lost, 0 duplicated" in line]
    print(f"\n{kills} SIGKILLs over {runs} self-test run(s), each passed:\n" + "\n".join(lines))
    assert len(lines) == runs and kills == KILLS
