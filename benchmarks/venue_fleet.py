"""The simulated experts of bench_venue_events.py: N WebSocket clients beating in one process,
and the fan-out latency of an event to the last of them."""

from __future__ import annotations

import asyncio
import gc
import json
import random
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp


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
