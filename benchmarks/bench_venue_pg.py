"""The venue under a city's load: (a) 1 worker on SQLite, (b) 1 on PostgreSQL, (c) 2 on PostgreSQL
behind nginx, in one run, on this machine.

    python benchmarks/bench_venue_pg.py [--sessions 50] [--configs abc] (also: t)

(c) has nginx end TLS and reach the workers on their plain loopback --proxy-port; (t) is the
same with nginx speaking HTTPS to the workers, as for workers on other machines.

50 concurrent sessions, each with 9 experts and 2 supervisors on WebSockets (experts send a
heartbeat every 5 s). Every person has a real certificate (issued by the demo PKI's NCA) and
logs in by signature: the **login storm** is all 550 at once (logins/s, p50/p99 of one login).
Then every expert uploads a signed declaration, and later a signed score sheet (CMS + PAdES
PDF), all sessions at once: **accepted uploads per second**, and the **fan-out** of each
acceptance event to the session's WebSockets (from the venue's acceptance time to arrival; p50,
p99 over every arrival). Leader and gate votes between the two are set-up, not timed. Everything
is signed before the timed phases. Figures are printed side by side; (a) is the baseline.
The workers, PostgreSQL, nginx and this process share the machine's cores, and so does anyone
else's work: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import proc_cpu
from venue_bench_people import PROJECT, BenchPerson, Signed, issue_people, prepare, session_id
from venue_bench_setup import free_port, raise_fd_limit

from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.pki.credentials import open_key_file
from evaluator_app.pki.demo_pki import create_demo_pki
from evaluator_app.protocol.messages import CreateSession, MemberInput, Role
from evaluator_app.venue.config import load_config
from evaluator_app.venue.store import open_store
from evaluator_app.venue.store.records import WorkstationRecord
from evaluator_app.venue.venue_dir import demo_roster, init_venue_dir
from tests.pg_server import TempPostgres
from tests.venue_processes import start_balancer, start_worker, wait_up

CONFIGS = {
    "a": ("1 worker, SQLite", False, 1),
    "b": ("1 worker, PostgreSQL", True, 1),
    "c": ("2 workers, PostgreSQL, nginx", True, 2),
    # the same with nginx speaking HTTPS to the workers, as for workers on other machines
    "t": ("2 workers, PostgreSQL, nginx, TLS to the workers", True, 2),
}


CPU_ROLES = (
    "workers",
    "crypto pools",
    "postgres",
    "nginx",
    "sockets",
    "generator",
    "pki services",
    "other",
)


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class FleetProcess:
    """The run's WebSockets in their own process (benchmarks/venue_pg_fleet.py)."""

    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc

    @classmethod
    async def start(cls, url: str, roots: list[str], sockets: list[dict[str, str]]) -> FleetProcess:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, str(Path(__file__).resolve().parent / "venue_pg_fleet.py"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            limit=1 << 26,  # the answer to "stop" is every arrival (~10,000 at 50 sessions)
        )  # fmt: skip
        fleet = cls(proc)
        await fleet._send(json.dumps({"url": url, "roots": roots, "sockets": sockets}))
        return fleet

    async def _send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        await self.proc.stdin.drain()

    async def ask(self, command: str) -> dict[str, Any]:
        await self._send(command)
        assert self.proc.stdout is not None
        line = await self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the fleet process exited ({await self.proc.wait()})")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def stop(self) -> dict[str, Any]:
        answer = await self.ask("stop")
        await self.proc.wait()
        return answer


async def uploads(clients: dict[str, VenueClient], items: list[Signed], limit: int = 128) -> float:
    """Send every item (at most ``limit`` in flight); seconds until the last is acknowledged."""
    gate = asyncio.Semaphore(limit)

    async def one(item: Signed) -> None:
        async with gate:
            await clients[item.person.person_id].upload(
                item.session_id, item.route, item.content, item.signature, pdf=item.pdf
            )

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in items))
    return time.monotonic() - started


async def settle(fleet: FleetProcess, kind: str, expected: int, seconds: float = 60) -> None:
    """Until ``expected`` arrivals of ``kind`` (or no new one for 3 s)."""
    last, quiet = -1, time.monotonic()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        count = (await fleet.ask(f"count {kind}"))["count"]
        if count >= expected:
            return
        if count != last:
            last, quiet = count, time.monotonic()
        elif time.monotonic() - quiet > 3:
            return
        await asyncio.sleep(0.2)


async def run_config(key: str, ctx: dict[str, Any]) -> dict[str, Any]:
    label, on_pg, workers = CONFIGS[key]
    demo, groups, ssl = ctx["demo"], ctx["groups"], ctx["ssl"]
    folder = ctx["root"] / key
    store = ctx["pg"].create_database(f"bench_{key}") if on_pg else "sqlite"
    ports = [free_port() for _ in range(workers)]
    roster = demo_roster(demo)
    for group in groups:
        roster["people"] += [
            {"person_id": p.person_id, "name": p.name, "role": p.role, "venue": p.venue}
            for p in group
        ]
    config_path = init_venue_dir(
        folder / "venue", venue_id="jinan", city="济南", port=ports[0], demo=demo,
        roster=roster, store=store,
    )  # fmt: skip
    config = load_config(config_path)
    db = open_store(config.store, config.database)
    with db.transaction() as tx:
        tx.upsert_workstation(WorkstationRecord("ws-centre", "jinan", "C1", None, None, "t"))
        for group in groups:
            for p in group:
                tx.upsert_workstation(
                    WorkstationRecord(p.workstation, p.venue, p.seat, None, None, "t")
                )
    db.close()
    plain = [free_port() for _ in ports] if key == "c" else [None] * len(ports)
    procs = [
        start_worker(config_path, port, folder / f"worker{i}.log", plain[i])
        for i, port in enumerate(ports)
    ]
    nginx = None
    try:
        for port, proc in zip(ports, procs, strict=True):
            await wait_up(f"https://127.0.0.1:{port}", ssl, proc)
        url = f"https://127.0.0.1:{ports[0]}"
        if workers > 1:
            behind = [p for p in plain if p is not None] or ports
            nginx, url = await start_balancer(
                folder, behind, config.tls_cert, config.tls_key, ctx["roots"], ssl,
                worker_connections=8192, tls=key == "t",
            )  # fmt: skip
        return await measure(url, ctx, label, procs)
    finally:
        if nginx is not None:
            nginx.terminate()
            nginx.wait(10)
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(30)


def cpu_seconds(pid: int) -> float:
    """User + system time so far of a running process and its children (its crypto pool)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    total = 0.0
    for one in [pid, *map(int, children)]:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


async def measure(
    url: str, ctx: dict[str, Any], label: str, procs: list[subprocess.Popen[bytes]]
) -> dict[str, Any]:
    demo, groups, signed, ssl = ctx["demo"], ctx["groups"], ctx["signed"], ctx["ssl"]
    wall, mine = time.monotonic(), os.times()
    workers_cpu = sum(cpu_seconds(p.pid) for p in procs)
    centre = VenueClient(url, ssl, "ws-centre", retry_seconds=30)
    person = demo.person("centre-1")
    await centre.login(open_key_file(person.p12, person.password))
    for s, group in enumerate(groups):
        members = tuple(
            MemberInput(p.person_id, Role.EXPERT if p.role == "expert" else Role.SUPERVISOR,
                        p.venue, p.seat)
            for p in group
        )  # fmt: skip
        sid = session_id(s)
        await centre.post(
            "/sessions", CreateSession(sid, f"基准 {sid}", PROJECT, "lot-1", "jinan", members)
        )
        for target in ("check_in", "declarations"):
            await centre.post(f"/sessions/{sid}/phase", {"target": target})

    everyone = [(p, session_id(s)) for s, group in enumerate(groups) for p in group]
    clients: dict[str, VenueClient] = {}
    latencies: list[float] = []

    async def login(p: BenchPerson) -> None:
        client = VenueClient(url, ssl, p.workstation, timeout=120, retry_seconds=60)
        started = time.monotonic()
        with p.signer() as signer:
            await client.login(signer)
        latencies.append(time.monotonic() - started)
        clients[p.person_id] = client

    started = time.monotonic()
    await asyncio.gather(*(login(p) for p, _ in everyone))
    storm = time.monotonic() - started

    sockets = [
        {"token": clients[p.person_id].token or "", "person_id": p.person_id, "role": p.role,
         "session_id": sid}
        for p, sid in everyone
    ]  # fmt: skip
    fleet = await FleetProcess.start(url, ctx["roots"], sockets)
    for _ in range(600):
        opened = await fleet.ask("open")
        if opened["open"] + opened["errors"] >= len(everyone):
            break
        await asyncio.sleep(0.1)
    per_event = 11  # arrivals expected per acceptance: every socket of the session, at most

    cpu_before, window = proc_cpu.snapshot(), time.monotonic()
    declared = await uploads(clients, signed["declarations"])
    await settle(fleet, "declaration.accepted", len(signed["declarations"]) * per_event)
    cpu = proc_cpu.spent(cpu_before, proc_cpu.snapshot())
    window = time.monotonic() - window
    await uploads(clients, signed["leader"])
    await uploads(clients, signed["gates"])
    for s, group in enumerate(groups):
        leader = clients[group[0].person_id]
        await leader.post(f"/sessions/{session_id(s)}/phase", {"target": "detailed_scoring"})
    cpu_before, started = proc_cpu.snapshot(), time.monotonic()
    sheets = await uploads(clients, signed["sheets"])
    await settle(fleet, "score_sheet.accepted", len(signed["sheets"]) * per_event)
    for role, seconds in proc_cpu.spent(cpu_before, proc_cpu.snapshot()).items():
        cpu[role] = cpu.get(role, 0.0) + seconds
    window += time.monotonic() - started
    workers_cpu = sum(cpu_seconds(p.pid) for p in procs) - workers_cpu
    result = await fleet.stop()
    for client in [centre, *clients.values()]:
        await client.close()
    after, wall = os.times(), time.monotonic() - wall
    n_decl, n_sheet = len(signed["declarations"]), len(signed["sheets"])
    fanout = result["fanout"]
    fan = fanout.get("declaration.accepted", []) + fanout.get("score_sheet.accepted", [])
    return {
        "label": label,
        "logins/s": len(everyone) / storm,
        "login p50": pct(latencies, 50),
        "login p99": pct(latencies, 99),
        "declarations/s": n_decl / declared,
        "sheets/s": n_sheet / sheets,
        "uploads/s": (n_decl + n_sheet) / (declared + sheets),
        "fan-out p50": pct(fan, 50),
        "fan-out p99": pct(fan, 99),
        "arrivals": len(fan),
        "socket errors": len(result["errors"]),
        # CPU over the measured part, as a share of one core: is the load generator the limit?
        "generator CPU %": 100 * (after.user + after.system - mine.user - mine.system) / wall,
        "sockets' CPU %": 100 * result["cpu"] / wall,
        "workers' CPU %": 100 * workers_cpu / wall,
        # cores busy over the two upload phases (and their fan-out), of os.cpu_count()
        "cores in use": sum(cpu.values()) / window,
        # CPU of each part of the machine per accepted upload, over the two upload phases
        **{
            f"CPU ms/upload {role}": 1000 * cpu.get(role, 0.0) / (n_decl + n_sheet)
            for role in CPU_ROLES
        },
    }


def pki_in_its_own_process(root: Path) -> tuple[Any, subprocess.Popen[bytes]]:
    """The demo PKI and its CRL/OCSP/TSA (`evaluator pki serve`): not a thread of this process."""
    port = free_port()
    demo = create_demo_pki(root / "pki", services_url=f"http://127.0.0.1:{port}")
    command = [sys.executable, "-m", "evaluator_app", "pki", "serve", "--dir", str(root / "pki")]
    with (root / "pki-services.log").open("wb") as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    for _ in range(300):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return demo, proc
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(
        f"the PKI services did not come up: {(root / 'pki-services.log').read_text()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--configs", default="abc")
    args = parser.parse_args()
    raise_fd_limit(65536)
    return asyncio.run(_main(args))


async def _main(args: argparse.Namespace) -> int:
    root = Path(tempfile.mkdtemp(prefix="bench-venue-pg-"))
    root.chmod(0o755)  # PostgreSQL runs as its own user and must reach its folder
    load_before = os.getloadavg()
    demo, services = pki_in_its_own_process(root)
    roots = [str(ca.root_cert) for ca in demo.cas if ca.status == "granted"]
    ssl = client_ssl_context(roots)
    t = time.monotonic()
    groups = issue_people(demo, root / "people", args.sessions)
    signed = await prepare(groups)
    print(f"{args.sessions} sessions, {sum(len(g) for g in groups)} people; everything signed in "
          f"{time.monotonic() - t:.0f} s", flush=True)  # fmt: skip
    pg = TempPostgres(root / "pg").start() if set(args.configs) & {"b", "c", "t"} else None
    ctx = {"demo": demo, "groups": groups, "signed": signed, "ssl": ssl, "root": root,
           "pg": pg, "roots": roots}  # fmt: skip
    results = {}
    try:
        for key in args.configs:
            results[key] = await run_config(key, ctx)
            print(f"({key}) {results[key]}", flush=True)
    finally:
        if pg is not None:
            pg.stop()
        services.terminate()
        services.wait(10)
    load_after = os.getloadavg()
    figures = [k for k in next(iter(results.values())) if k != "label"]
    print(
        f"\nload average before {load_before[0]:.2f} {load_before[1]:.2f}, after "
        f"{load_after[0]:.2f} {load_after[1]:.2f} (1 and 5 min; {os.cpu_count()} cores)"
    )
    print(f"{'':22}" + "".join(f"{'(' + k + ') ' + results[k]['label']:>32}" for k in results))
    for name in figures:
        unit = " s" if "p50" in name or "p99" in name else ""
        cells = "".join(f"{results[k][name]:>30.3f}{unit:2}" for k in results)
        print(f"{name:22}{cells}")
    if "b" in results and "c" in results:
        ratio = results["c"]["uploads/s"] / results["b"]["uploads/s"]
        p99 = results["c"]["fan-out p99"] * 1000
        print(f"\n(c)/(b) uploads per second: {ratio:.2f}x (target >= 1.6x); "
              f"(c) fan-out p99 {p99:.0f} ms (target < 200 ms)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
