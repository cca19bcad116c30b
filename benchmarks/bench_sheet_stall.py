#!/usr/bin/env python3
"""The longest event-loop stall while a score sheet is signed and uploaded (issue 11, target
<= 50 ms), beside a baseline measured in the same process and the same loop.

    python benchmarks/bench_sheet_stall.py [--experts 5]

The demo (PKI, CA services, the Jinan venue) runs in a child process, as the venue runs on
another machine. In this process each committee expert logs in as the application does
(LoginService, their own data folder) and the session is brought to detailed scoring by signed
declarations, leader votes and gate votes. Then, for each expert, the scores of the bundled
example are typed into the journal and the application's sheet workflow (client/sheet_workflow:
check at the venue, the exact PDF, CMS + PAdES signature with a timestamp, outbox, upload,
receipt) runs while a ticker task wakes every 5 ms and records the longest time the loop could
not run. Baseline: the same ticker on the same loop while it waits (no work) for as long.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loop_ticker import Ticker  # beside this file

PERIOD = 0.005
PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-dual-sd": "E5",
}


def _serve(world: object) -> None:  # the child process: the demo's services until SIGTERM
    from evaluator_app.demo.runner import serve_until_interrupted

    asyncio.run(serve_until_interrupted(world, lambda _line: None))  # type: ignore[arg-type]


async def _wait_for_venue(world: object, deadline: float = 180.0) -> None:
    from evaluator_app.demo.actors import SESSION, Actor

    start = time.monotonic()
    while True:
        try:
            centre = Actor(world, "centre-1")  # type: ignore[arg-type]
            try:  # closed whether or not the venue is up yet ("Unclosed client session")
                await centre.login()
                sessions = (await centre.client.get("/sessions"))["sessions"]
            finally:
                await centre.close()
            if any(s["id"] == SESSION for s in sessions):
                return
        except Exception:  # not up yet
            if time.monotonic() - start > deadline:
                raise
        await asyncio.sleep(0.5)


async def _to_detailed_scoring(world: object, keys: list[str]) -> None:
    from evaluator_app.demo import actors
    from evaluator_app.demo.actors import SESSION, Actor

    people = {k: await Actor(world, k).login() for k in keys}  # type: ignore[arg-type]
    try:
        _, project = actors.example_project()
        lot = project.lot("lot-1")
        for actor in people.values():
            await actor.send("declarations", "declaration", actors.declaration(actor, lot))
        leader = people[keys[0]]
        for actor in people.values():
            await actor.send("leader-votes", "leader_vote", actors.leader_vote(actor, leader))
        for key, actor in people.items():
            await actor.send("gate-votes", "gate_votes", actors.gate_votes(actor, lot, PLAYS[key]))
        await leader.client.post(f"/sessions/{SESSION}/phase", {"target": "detailed_scoring"})
    finally:
        for actor in people.values():
            await actor.close()


async def _open_seat(world: object, key: str):
    """Log in as the application does (its settings, its data folder) and open the session."""
    from evaluator_app.client.credentials import CredentialRef
    from evaluator_app.client.expert_session import ExpertSession
    from evaluator_app.client.login import LoginService
    from evaluator_app.client.settings import load_settings
    from evaluator_app.demo.actors import SESSION

    person = world.person(key)  # type: ignore[attr-defined]
    service = LoginService(load_settings(person.data_dir))
    logged = await service.login(
        await service.open_file(person.p12, person.password),
        CredentialRef("pkcs12", str(person.p12)),  # a certificate file, as chosen
    )
    session = ExpertSession(logged, SESSION, person.data_dir)
    await session.load()
    await session.load_gates()  # the preliminary review's outcome: which bids are scored
    return session


async def _type_scores(session, example: str) -> None:
    from evaluator_app.demo.actors import example_scores

    data = example_scores()
    for bidder, items in data["sheets"][example].items():
        for item, value in items.items():
            await session.record(bidder, item, "score", str(value))
    for key, text in data["explanations"].get(example, {}).items():
        bidder, item = key.split("/")
        await session.record(bidder, item, "explanation", text)


async def bench(
    world: object,
    count: int,
    slow: float = 0.0,
    profile: Path | None = None,
    trace_after: float = 0.0,
) -> list[tuple[str, float, float, float, float, str]]:
    import cProfile

    profiler = cProfile.Profile() if profile else None
    from evaluator_app.client.sheet_workflow import SheetReady, SheetWorkflow

    if slow:  # asyncio's debug mode names each step that held the loop longer (a profile)
        import logging

        loop = asyncio.get_running_loop()
        loop.set_debug(True)
        loop.slow_callback_duration = slow
        logging.basicConfig()
        logging.getLogger("asyncio").setLevel(logging.WARNING)

    keys = list(PLAYS)[:count] if count < len(PLAYS) else list(PLAYS)
    await _wait_for_venue(world)
    await _to_detailed_scoring(world, list(PLAYS))
    rows = []
    for key in keys:
        session = await _open_seat(world, key)
        try:
            await _type_scores(session, PLAYS[key])
            workflow = SheetWorkflow(session)
            await workflow.warm_up()  # as the window does when it opens, long before signing
            ticker = Ticker(PERIOD, trace_after).start()
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            ready = await workflow.prepare()
            assert isinstance(ready, SheetReady), ready
            outcome = await workflow.sign(ready, world.person(key).password)  # type: ignore[attr-defined]
            if profiler:
                profiler.disable()
            took = time.perf_counter() - start
            await ticker.stop()
            baseline = Ticker(PERIOD, trace_after).start()
            await asyncio.sleep(took)  # the same loop, as long, with nothing to do
            await baseline.stop()
            rows.append(
                (
                    world.person(key).name,  # type: ignore[attr-defined]
                    took * 1000,
                    ticker.stall_ms(),
                    ticker.p99_ms(),
                    baseline.stall_ms(),
                    outcome.fate.value,
                )
            )
        finally:
            await session.aclose()
            await session.client.close()
    if profiler and profile:
        profiler.dump_stats(str(profile))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--experts", type=int, default=5, help="sheets to sign (1-5)")
    parser.add_argument(
        "--slow", type=float, default=0.0, help="log every loop step longer than this (s)"
    )
    parser.add_argument(
        "--trace-stalls",
        type=float,
        default=0.0,
        help="dump every thread's stack when the loop stalls longer than this (s)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="write a cProfile of the loop's thread while the sheets are signed (worker threads "
        "are not profiled: what it shows is what holds the loop)",
    )
    args = parser.parse_args()
    import logging

    from evaluator_app.demo.world import prepare

    logging.getLogger("evaluator_app").setLevel(logging.WARNING)
    world = prepare(Path(tempfile.mkdtemp(prefix="bench-sheet-")), "zh_CN")
    child = multiprocessing.get_context("fork").Process(target=_serve, args=(world,))
    child.start()
    try:
        rows = asyncio.run(bench(world, args.experts, args.slow, args.profile, args.trace_stalls))
    finally:
        child.terminate()
        child.join(30)
    print(f"{os.cpu_count()} cores; ticker every {PERIOD * 1000:.0f} ms (stall = gap beyond it)")
    print("expert      sign+upload  longest stall  p99 stall | baseline longest stall  outcome")
    for name, took, stall, p99, base, fate in rows:
        print(f"{name:<8} {took:10.0f} ms {stall:11.1f} ms {p99:8.1f} ms | {base:19.1f} ms  {fate}")
    worst = max(r[2] for r in rows)
    base = max(r[4] for r in rows)
    verdict = "OK" if worst <= 50 else "OVER"
    print(
        f"longest stall while a sheet is signed and uploaded: {worst:.1f} ms "
        f"(baseline, idle loop: {base:.1f} ms; target <= 50 ms: {verdict})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
