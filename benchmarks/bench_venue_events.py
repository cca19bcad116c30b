"""Venue events under load: N experts on WebSockets, fan-out latency, signed submissions per second.

    python benchmarks/bench_venue_events.py --experts 1000

One venue process (pinned to one core) with N simulated experts, each holding a WebSocket and
sending a presence heartbeat every 5 s. Measured: connections held, the time from a change
(a broadcast, and a pause/resume phase change) to its arrival at the LAST of the N clients
(p50, p99 over the rounds), and accepted signed declarations per second (real CMS signatures
of the demo PKI's experts, verified by the venue, each with a signed receipt). Then the same
clients against a bare aiohttp WebSocket broadcast server on the same core: the floor.

The intake figure's baseline, in the same run: a venue with the same N sockets beating that
verifies and signs its receipts as before issue 17 (pyHanko's integrity check, a fresh path
validation per upload, pyHanko's signed attributes built afresh per receipt;
venue_bench_setup.venue_main(baseline=True)), measured first; the ratio is printed.

The simulated experts log in with bearer tokens written directly into the venue's SQLite
store (they have no certificates); the demo people log in by signature as usual.
This is a benchmark script, not a test. Helpers: venue_bench_setup.py (PKI, venue folder,
server processes), venue_fleet.py (the clients), venue_submissions.py (the signed uploads).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from venue_bench_setup import (
    bench_person,
    floor_main,
    free_port,
    make_pki,
    make_venue,
    pin,
    raise_fd_limit,
    unpin_children,
    venue_main,
)
from venue_fleet import Fleet, fan_out, pct, summary, wait_up
from venue_submissions import submissions

from evaluator_app.client.venue_client import VenueClient, client_ssl_context
from evaluator_app.pki.credentials import open_key_file
from evaluator_app.protocol.messages import CreateSession, MemberInput, Role


async def _staff(base: str, ssl_ctx: Any, demo: Any) -> tuple[VenueClient, VenueClient]:
    def p12(key: str) -> Any:
        return open_key_file(demo.person(key).p12, demo.person(key).password)

    centre = VenueClient(base, ssl_ctx, "ws-centre")
    await centre.login(p12("centre-1"))
    supervisor = VenueClient(base, ssl_ctx, "ws-supervisor")
    await supervisor.login(p12("supervisor-jinan"))
    return centre, supervisor


async def venue_run(
    args: argparse.Namespace, root: Path, demo: Any, ssl_ctx: Any, baseline: bool
) -> dict[str, Any]:
    """One venue process with N sockets beating: fan-out (not for the baseline) and intake."""
    name = "baseline" if baseline else "venue"
    config_path, config, tokens = make_venue(root / name, demo, args.experts)
    base = f"https://127.0.0.1:{config.port}"
    venue = multiprocessing.get_context("spawn").Process(
        target=venue_main,
        args=(
            str(config_path),
            args.server_core,
            args.directory_heartbeats,
            args.gc_threshold,
            baseline,
            args.crypto_workers,
        ),
        daemon=False,  # a daemonic process may not start its crypto pool's workers
    )
    venue.start()
    print(
        f"\n{name}: pid {venue.pid} pinned to core {args.server_core}, driver on core "
        f"{args.client_core}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
        + (" (verifying as before issue 17)" if baseline else "")
    )
    results: dict[str, Any] = {"config_path": str(config_path), "tokens": list(tokens.values())}
    try:
        await wait_up(f"{base}/api/v1/health", ssl_ctx)
        crypto = (os.cpu_count() or 1) if args.crypto_workers is None else args.crypto_workers
        if not baseline and crypto:
            workers = await asyncio.to_thread(unpin_children, venue.pid or 0, crypto)
            print(f"{name}: {len(workers)} child processes (crypto pool) free on every core")
        centre, supervisor = await _staff(base, ssl_ctx, demo)
        supervisor_member = MemberInput(
            demo.person("supervisor-jinan").person_id, Role.SUPERVISOR, "jinan", "S1"
        )
        members = (
            *(
                MemberInput(
                    bench_person(i), Role.EXPERT, "jinan" if i % 2 == 0 else "zibo", f"S{i:04d}"
                )
                for i in range(args.experts)
            ),
            supervisor_member,
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
                f"{name}: {fleet.ready}/{args.experts} WebSockets live in {took:.1f} s; "
                f"heartbeats every {args.heartbeat:g} s"
            )
            await asyncio.sleep(args.heartbeat + 1)  # every expert has beaten once
            if not baseline:

                async def broadcast(n: int) -> str:
                    await supervisor.post("/sessions/BENCH/broadcast", {"message": f"第{n}轮广播"})
                    return f"第{n}轮广播"

                async def pause_resume(n: int) -> str:
                    await supervisor.post(
                        f"/sessions/BENCH/{'pause' if n % 2 == 0 else 'resume'}",
                        {"reason": f"第{n}轮暂停恢复"},
                    )
                    return f"第{n}轮暂停恢复"

                results["venue_broadcast"] = await fan_out(fleet, args.rounds, broadcast)
                results["venue_phase"] = await fan_out(fleet, args.rounds, pause_resume)
                print(summary("venue fan-out, broadcast", results["venue_broadcast"]))
                print(summary("venue fan-out, phase change", results["venue_phase"]))
            accepted, refused, rate = await submissions(
                base, ssl_ctx, demo, centre, supervisor, args.sessions
            )
            print(
                f"{name}: signed declarations accepted {accepted}, refused {refused}: {rate:.1f} "
                f"per second (with {fleet.ready} sockets beating)"
            )
            try:
                board = (await supervisor.get("/sessions/BENCH/presence"))["presence"]
            except Exception as exc:
                fleet.errors.append(f"presence board: {exc!r}")
                board = []
            held = sum(1 for r in board if r["connected"])
            print(
                f"{name}: connections held at the end {fleet.ready - fleet.closed}/{args.experts} "
                f"(presence board: {held} connected)"
            )
            results.update(
                accepted_per_s=rate, refused=refused, held=held, errors=list(fleet.errors)
            )
            await fleet.stop()
        await centre.close()
        await supervisor.close()
    finally:
        venue.terminate()
        venue.join(30)
        if venue.is_alive():
            venue.kill()
            venue.join(5)
    return results


async def floor_run(
    args: argparse.Namespace, config_path: str, tokens: list[str], ssl_ctx: Any
) -> dict[str, Any]:
    """The same clients against a bare aiohttp broadcast server on the same core."""
    port = free_port()
    floor = multiprocessing.get_context("spawn").Process(
        target=floor_main, args=(config_path, port, args.server_core), daemon=True
    )
    floor.start()
    try:
        floor_base = f"https://127.0.0.1:{port}"
        await wait_up(f"{floor_base}/ws", ssl_ctx)
        connector = aiohttp.TCPConnector(limit=0, ssl=ssl_ctx)
        async with aiohttp.ClientSession(connector=connector) as http:
            fleet = Fleet(f"{floor_base}/ws", ssl_ctx, tokens, "BENCH", args.heartbeat)
            took = await fleet.start(http)
            print(f"\nfloor: {fleet.ready}/{args.experts} WebSockets live in {took:.1f} s")

            async def bare(n: int) -> str:
                async with http.post(
                    f"{floor_base}/broadcast", json={"message": f"第{n}轮广播"}
                ) as response:
                    await response.read()
                return f"第{n}轮广播"

            values = await fan_out(fleet, args.rounds, bare)
            print(summary("floor fan-out (bare aiohttp), broadcast", values))
            await fleet.stop()
            return {"floor_broadcast": values, "floor_errors": list(fleet.errors)}
    finally:
        floor.terminate()
        floor.join(10)


async def bench(args: argparse.Namespace, root: Path) -> int:
    demo, services = make_pki(root)
    ssl_ctx = client_ssl_context([str(ca.root_cert) for ca in demo.cas if ca.status == "granted"])
    if args.directory_heartbeats:
        print("heartbeats authorised from the hub's in-memory directory (patched in)")
    if args.gc_threshold:
        print(f"venue collector tuned: gc.freeze(), gc.set_threshold({args.gc_threshold}, 20, 100)")
    print(f"{args.experts} simulated experts: tokens written into the venue's store (no certs)")
    try:
        before = await venue_run(args, root, demo, ssl_ctx, baseline=True) if args.baseline else {}
        now = await venue_run(args, root, demo, ssl_ctx, baseline=False)
        floor = await floor_run(args, now["config_path"], now["tokens"], ssl_ctx)
    finally:
        services.stop()
    if before:
        print(
            f"\nintake with {args.experts} sockets beating: {now['accepted_per_s']:.1f}/s, "
            f"baseline (verifying as before, same run) {before['accepted_per_s']:.1f}/s: "
            f"{now['accepted_per_s'] / before['accepted_per_s']:.1f}x (target >= 3x the issue's "
            "14.6/s)"
        )
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    errors = now["errors"] + floor["floor_errors"] + before.get("errors", [])
    ok = (
        now["held"] >= args.experts
        and pct(now["venue_broadcast"] + now["venue_phase"], 99) < 200
        and not errors
        and not now["refused"]
    )
    print(f"errors: {len(errors)}{' ' + str(errors[:5]) if errors else ''}")
    print(
        "target (1,000 experts on one core, fan-out p99 < 200 ms, no "
        f"errors): {'met' if ok else 'NOT met'}"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"experts": args.experts, "baseline": before, **now, **floor}, indent=2)
        )
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
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the intake baseline (a venue verifying as before issue 17)",
    )
    parser.add_argument(
        "--directory-heartbeats",
        action="store_true",
        help="run the venue with the proposed heartbeat handler (no store read per heartbeat)",
    )
    parser.add_argument(
        "--crypto-workers",
        type=int,
        default=None,
        help="the venue's signature worker processes (default one per core; 0: all on its loop)",
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
