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

PERIOD = 0.005
PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-dual-sd": "E5",
}


class Ticker:
    """Wakes every ``period`` s; the longest lateness is the longest the loop could not run."""

    trace_after = 0.0  # > 0: every thread's stack is dumped when the loop stalls this long (s)

    def __init__(self, period: float = PERIOD):
        self.period = period
        self.gaps: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        import faulthandler

        last = time.perf_counter()
        while True:
            if self.trace_after:  # faulthandler's C thread needs no GIL: it sees who holds it
                faulthandler.dump_traceback_later(self.trace_after + self.period, exit=False)
            await asyncio.sleep(self.period)
            now = time.perf_counter()
            self.gaps.append(now - last)
            last = now

    def start(self) -> Ticker:
        self._task = asyncio.create_task(self._run())
        return self

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        if self.trace_after:
            import faulthandler

            faulthandler.cancel_dump_traceback_later()

    def stall_ms(self) -> float:
        """Longest gap beyond the period itself, in ms."""
        return max(0.0, (max(self.gaps, default=0.0) - self.period) * 1000)

    def p99_ms(self) -> float:
        gaps = sorted(self.gaps)
        return max(0.0, (gaps[int(len(gaps) * 0.99)] - self.period) * 1000) if gaps else 0.0


def _serve(world: object) -> None:  # the child process: the demo's services until SIGTERM
    from evaluator_app.demo.runner import serve_until_interrupted

    asyncio.run(serve_until_interrupted(world, lambda _line: None))  # type: ignore[arg-type]


async def _wait_for_venue(world: object, deadline: float = 180.0) -> None:
    from evaluator_app.demo.actors import SESSION, Actor

    start = time.monotonic()
    while True:
        try:
            centre = await Actor(world, "centre-1").login()  # type: ignore[arg-type]
            try:
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


async def _open_seat(world: object, key: str):  # type: ignore[no-untyped-def]
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


async def _type_scores(session, example: str) -> None:  # type: ignore[no-untyped-def]
    from evaluator_app.demo.actors import example_scores

    data = example_scores()
    for bidder, items in data["sheets"][example].items():
        for item, value in items.items():
            await session.record(bidder, item, "score", str(value))
    for key, text in data["explanations"].get(example, {}).items():
        bidder, item = key.split("/")
        await session.record(bidder, item, "explanation", text)


async def bench(
    world: object, count: int, slow: float = 0.0, profile: Path | None = None
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
            ticker = Ticker().start()
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
            baseline = Ticker().start()
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
    Ticker.trace_after = args.trace_stalls
    world = prepare(Path(tempfile.mkdtemp(prefix="bench-sheet-")), "zh_CN")
    child = multiprocessing.get_context("fork").Process(target=_serve, args=(world,))
    child.start()
    try:
        rows = asyncio.run(bench(world, args.experts, args.slow, args.profile))
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
