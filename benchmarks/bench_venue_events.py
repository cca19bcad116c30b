"""Venue events under load: N experts on WebSockets, fan-out latency, signed submissions per second.

    python benchmarks/bench_venue_events.py --experts 1000

One venue process (pinned to one core) with N simulated experts, each holding a WebSocket and
sending a presence heartbeat every 5 s. Measured: connections held, the time from a change
(a broadcast, and a pause/resume phase change) to its arrival at the LAST of the N clients
(p50, p99 over the rounds), and accepted signed declarations per second (real CMS signatures
of the demo PKI's experts, verified by the venue, each with a signed receipt). Then the same
clients against a bare aiohttp WebSocket broadcast server on the same core: the floor.

The simulated experts log in with bearer tokens written directly into the venue's SQLite
store (they have no certificates); the demo people log in by signature as usual.
This is a benchmark script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import hashlib
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from venue_bench_setup import (
    DEMO_EXPERTS,
    bench_person,
    floor_main,
    free_port,
    make_pki,
    make_venue,
    pin,
    raise_fd_limit,
    venue_main,
)

from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.protocol.artefacts import Declaration
from evaluator_app.protocol.messages import CreateSession, MemberInput, Role

PLEDGE = hashlib.sha256("本人承诺：与投标人无利害关系，客观公正评标。".encode()).hexdigest()


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class Fleet:
    """N WebSocket clients in this process; arrival times of each event seq across all of them."""

    url: str
    ssl: Any
    tokens: list[str]
    session_id: str
    heartbeat: float
    arrivals: dict[str, list[float]] = field(default_factory=dict)
    ready: int = 0
    errors: list[str] = field(default_factory=list)
    closed: int = 0
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def run_one(
        self, http: aiohttp.ClientSession, token: str, gate: asyncio.Semaphore
    ) -> None:
        async with gate:
            try:
                ws = await http.ws_connect(
                    self.url,
                    headers={"Authorization": f"Bearer {token}"},
                    ssl=self.ssl,
                    heartbeat=20,
                )
            except Exception as exc:  # counted, reported
                self.errors.append(f"connect: {exc!r}")
                return
        beats = asyncio.create_task(self._beat(ws))
        first = True
        try:
            async for message in ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    continue
                at = time.perf_counter()
                data = json.loads(message.data)
                if first:
                    first, self.ready = False, self.ready + 1
                if data.get("type") == "event" and data["kind"] in ("broadcast", "phase"):
                    tag = data["payload"].get("message") or data["payload"].get("reason")
                    self.arrivals.setdefault(tag, []).append(at)
                elif data.get("type") == "error":
                    self.errors.append(data.get("message", "error"))
        except Exception as exc:
            self.errors.append(f"socket: {exc!r}")
        finally:
            beats.cancel()
            self.closed += 1

    async def _beat(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        await asyncio.sleep(random.uniform(0, self.heartbeat))
        text = json.dumps(
            {
                "type": "heartbeat",
                "session_id": self.session_id,
                "presence": "focused",
                "items_scored": 0,
            }
        )
        while not ws.closed:
            await ws.send_str(text)
            await asyncio.sleep(self.heartbeat)

    async def start(self, http: aiohttp.ClientSession, timeout: float = 120) -> float:
        gate, started = asyncio.Semaphore(64), time.perf_counter()
        self.tasks = [asyncio.create_task(self.run_one(http, t, gate)) for t in self.tokens]
        while (
            self.ready + len(self.errors) < len(self.tokens)
            and time.perf_counter() - started < timeout
        ):
            await asyncio.sleep(0.05)
        gc.collect()
        # the driver's long-lived clients stay out of its collections (less noise in its timings)
        gc.freeze()
        return time.perf_counter() - started

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def fan_out(fleet: Fleet, rounds: int, trigger: Any) -> list[float]:
    """Latency (ms) from just before the trigger is sent to its arrival at the last client."""
    out = []
    for n in range(rounds):
        await asyncio.sleep(0.3 + random.uniform(0, 0.2))
        t0 = time.perf_counter()
        try:
            tag = await trigger(n)  # the text that marks this round's event
        except (
            Exception
        ) as exc:  # a refused or timed-out change is an error of the run, not a crash
            fleet.errors.append(f"round {n}: trigger failed: {exc!r}")
            out.append(float("inf"))
            continue
        deadline = t0 + 10
        while len(fleet.arrivals.get(tag, ())) < fleet.ready and time.perf_counter() < deadline:
            await asyncio.sleep(0.001)
        got = fleet.arrivals.get(tag, [])
        if len(got) < fleet.ready:
            fleet.errors.append(f"round {n}: {len(got)}/{fleet.ready} clients got {tag}")
        out.append((max(got) - t0) * 1000 if got else float("inf"))
    return out


def summary(name: str, values: list[float]) -> str:
    return (
        f"{name:<34} p50 {pct(values, 50):7.1f} ms   p99 {pct(values, 99):7.1f} ms   "
        f"max {max(values):7.1f} ms   (n={len(values)})"
    )


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
        await client.login(open_pkcs12(person.p12, person.password))
        experts[key] = client
    signed = []  # signing happens before the clock starts: the venue's side is measured
    for key, person in people.items():
        signer = open_pkcs12(person.p12, person.password)
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


async def wait_up(url: str, ssl_ctx: Any) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(300):
            try:
                async with http.get(url, ssl=ssl_ctx) as response:
                    if response.status < 500:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


async def bench(args: argparse.Namespace, root: Path) -> int:
    demo, services = make_pki(root)
    config_path, config, tokens = make_venue(root, demo, args.experts)
    ssl_ctx = client_ssl_context([str(ca.root_cert) for ca in demo.cas if ca.status == "granted"])
    base = f"https://127.0.0.1:{config.port}"
    ctx = multiprocessing.get_context("spawn")
    venue = ctx.Process(
        target=venue_main,
        args=(str(config_path), args.server_core, args.directory_heartbeats, args.gc_threshold),
        daemon=True,
    )
    venue.start()
    print(
        f"venue pid {venue.pid} pinned to core {args.server_core}; driver pinned to "
        f"core {args.client_core}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
        "(other work on the machine skews every number)"
    )
    if args.directory_heartbeats:
        print(
            "heartbeats authorised from the hub's in-memory directory (proposed "
            "api.events._on_message, patched in)"
        )
    if args.gc_threshold:
        print(
            "venue garbage collector tuned: gc.freeze() at start, "
            f"gc.set_threshold({args.gc_threshold}, 20, 100)"
        )
    print(
        f"{args.experts} simulated experts: tokens written directly into the venue's SQLite store "
        "(no certificates)"
    )
    results: dict[str, Any] = {"experts": args.experts}
    try:
        await wait_up(f"{base}/api/v1/health", ssl_ctx)
        centre = VenueClient(base, ssl_ctx, "ws-centre")
        await centre.login(
            open_pkcs12(demo.person("centre-1").p12, demo.person("centre-1").password)
        )
        supervisor = VenueClient(base, ssl_ctx, "ws-supervisor")
        await supervisor.login(
            open_pkcs12(
                demo.person("supervisor-jinan").p12, demo.person("supervisor-jinan").password
            )
        )
        members = tuple(
            MemberInput(
                bench_person(i), Role.EXPERT, "jinan" if i % 2 == 0 else "zibo", f"S{i:04d}"
            )
            for i in range(args.experts)
        )
        members += (
            MemberInput(demo.person("supervisor-jinan").person_id, Role.SUPERVISOR, "jinan", "S1"),
        )
        project = json.loads(
            resources.files("evaluator_app.examples").joinpath("project.json").read_text("utf-8")
        )
        await centre.post(
            "/sessions", CreateSession("BENCH", "千人基准测试", project, "lot-1", "jinan", members)
        )
        await centre.post("/sessions/BENCH/phase", {"target": "check_in"})

        connector = aiohttp.TCPConnector(limit=0, ssl=ssl_ctx)
        async with aiohttp.ClientSession(connector=connector) as http:
            fleet = Fleet(
                f"{base}/api/v1/ws?since=0", ssl_ctx, list(tokens.values()), "BENCH", args.heartbeat
            )
            took = await fleet.start(http)
            print(
                f"venue: {fleet.ready}/{args.experts} WebSockets live in {took:.1f} s; heartbeats "
                f"every {args.heartbeat:g} s"
            )
            await asyncio.sleep(
                args.heartbeat + 1
            )  # every expert has beaten once: presence is on the board

            async def broadcast(n: int) -> str:
                await supervisor.post("/sessions/BENCH/broadcast", {"message": f"第{n}轮广播"})
                return f"第{n}轮广播"

            async def pause_resume(n: int) -> str:
                await supervisor.post(
                    f"/sessions/BENCH/{'pause' if n % 2 == 0 else 'resume'}",
                    {"reason": f"第{n}轮暂停恢复"},
                )
                return f"第{n}轮暂停恢复"

            broadcasts = await fan_out(fleet, args.rounds, broadcast)
            phases = await fan_out(fleet, args.rounds, pause_resume)
            print(summary("venue fan-out, broadcast", broadcasts))
            print(summary("venue fan-out, phase change", phases))
            accepted, refused, rate = await submissions(
                base, ssl_ctx, demo, centre, supervisor, args.sessions
            )
            print(
                f"venue: signed declarations accepted {accepted}, refused {refused}: {rate:.1f} "
                f"per second (with {fleet.ready} sockets beating)"
            )
            try:
                board = (await supervisor.get("/sessions/BENCH/presence"))["presence"]
            except Exception as exc:
                fleet.errors.append(f"presence board: {exc!r}")
                board = []
            held = sum(1 for r in board if r["connected"])
            print(
                f"venue: connections held at the end {fleet.ready - fleet.closed}/{args.experts} "
                f"(presence board: {held} connected)"
            )
            venue_errors = list(fleet.errors)
            await fleet.stop()
            results.update(
                venue_broadcast=broadcasts,
                venue_phase=phases,
                accepted_per_s=rate,
                refused=refused,
                held=held,
                venue_errors=venue_errors,
            )
        await centre.close()
        await supervisor.close()
    finally:
        venue.terminate()
        venue.join(10)

    port = free_port()
    floor = ctx.Process(
        target=floor_main, args=(str(config_path), port, args.server_core), daemon=True
    )
    floor.start()
    try:
        floor_base = f"https://127.0.0.1:{port}"
        await wait_up(f"{floor_base}/ws", ssl_ctx)
        connector = aiohttp.TCPConnector(limit=0, ssl=ssl_ctx)
        async with aiohttp.ClientSession(connector=connector) as http:
            fleet = Fleet(
                f"{floor_base}/ws", ssl_ctx, list(tokens.values()), "BENCH", args.heartbeat
            )
            took = await fleet.start(http)
            print(f"floor: {fleet.ready}/{args.experts} WebSockets live in {took:.1f} s")

            async def bare(n: int) -> str:
                async with http.post(
                    f"{floor_base}/broadcast", json={"message": f"第{n}轮广播"}
                ) as response:
                    await response.read()
                return f"第{n}轮广播"

            floor_values = await fan_out(fleet, args.rounds, bare)
            print(summary("floor fan-out (bare aiohttp), broadcast", floor_values))
            results.update(floor_broadcast=floor_values, floor_errors=list(fleet.errors))
            await fleet.stop()
    finally:
        floor.terminate()
        floor.join(10)
        services.stop()

    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    errors = results["venue_errors"] + results["floor_errors"]
    ok = (
        results["held"] >= args.experts
        and pct(results["venue_broadcast"] + results["venue_phase"], 99) < 200
        and not errors
        and not results["refused"]
    )
    print(f"errors: {len(errors)}{' ' + str(errors[:5]) if errors else ''}")
    print(
        "target (1,000 experts on one core, fan-out p99 < 200 ms, no "
        f"errors): {'met' if ok else 'NOT met'}"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if ok else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--experts", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=30, help="fan-out rounds per kind")
    parser.add_argument(
        "--sessions", type=int, default=60, help="sessions × 7 demo experts = signed declarations"
    )
    parser.add_argument("--heartbeat", type=float, default=5.0)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--client-core", type=int, default=1)
    parser.add_argument("--json", help="write the raw numbers here")
    parser.add_argument(
        "--directory-heartbeats",
        action="store_true",
        help="run the venue with the proposed heartbeat handler (no store read per heartbeat)",
    )
    parser.add_argument(
        "--gc-threshold",
        type=int,
        default=0,
        help=(
            "tune the venue's collector (gc.freeze, generation-0 threshold N): the proposed "
            "run_venue setting"
        ),
    )
    args = parser.parse_args()
    raise_fd_limit(args.experts * 3 + 1024)
    pin(args.client_core)
    with tempfile.TemporaryDirectory(prefix="bench-venue-") as tmp:
        return asyncio.run(bench(args, Path(tmp)))


if __name__ == "__main__":
    sys.exit(main())
