"""The event-loop ticker the stall benchmarks share (bench_documents, bench_sheet_stall).

A task wakes every ``period`` s; each gap between its wake-ups beyond the period is time the
loop could not run. ``trace_after`` > 0 dumps every thread's stack when the loop stalls that
long (faulthandler's C thread needs no GIL: it sees who holds it).
"""

from __future__ import annotations

import asyncio
import faulthandler
import time


class Ticker:
    """Wakes every ``period`` s; the longest lateness is the longest the loop could not run."""

    def __init__(self, period: float = 0.010, trace_after: float = 0.0):
        self.period = period
        self.trace_after = trace_after
        self.gaps: list[float] = []
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            if self.trace_after:
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
            faulthandler.cancel_dump_traceback_later()

    def stall_ms(self) -> float:
        """Longest gap beyond the period itself, in ms."""
        return max(0.0, (max(self.gaps, default=0.0) - self.period) * 1000)

    def p99_ms(self) -> float:
        """The 99th percentile gap beyond the period, in ms."""
        gaps = sorted(self.gaps)
        return max(0.0, (gaps[int(len(gaps) * 0.99)] - self.period) * 1000) if gaps else 0.0

    def report(self) -> str:
        worst = max(self.gaps, default=0.0) * 1000
        p99 = self.p99_ms() + self.period * 1000 if self.gaps else 0.0
        return (
            f"longest gap {worst:6.1f} ms (stall {self.stall_ms():5.1f} ms), p99 {p99:5.1f} ms, "
            f"{len(self.gaps)} ticks"
        )
