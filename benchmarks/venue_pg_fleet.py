"""The WebSockets of bench_venue_pg.py in their own process, so that the load generator's uploads
and the 550 sockets' reads (TLS, JSON) do not queue behind each other on one event loop.

    python benchmarks/venue_pg_fleet.py < spec.json      (started by bench_venue_pg.py)

The spec (one JSON line on stdin): ``{"url", "roots": [pem paths], "sockets": [{"token",
"person_id", "role", "session_id"}]}``. Then commands, one a line, each answered with one JSON
line on stdout: ``open`` → ``{"open", "errors"}``; ``count KIND`` → ``{"count"}`` (arrivals of
that event kind so far); ``stop`` → ``{"fanout": {kind: [seconds]}, "errors": [...], "cpu": s}``
(every socket closed; ``cpu`` is this process's user + system time). The arrival delay is the
venue's acceptance time (the event's ``at``) to arrival here, on the same machine's clock.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from evaluator_app.client.venue_client import client_ssl_context

LINE_LIMIT = 1 << 26  # one JSON line each way: asyncio's default (64 KiB) is too short


def when(at: str) -> float:
    return datetime.fromisoformat(at.replace("Z", "+00:00")).timestamp()


class Fleet:
    """Every person's WebSocket; the arrival of each acceptance event at each of them."""

    def __init__(self, url: str, ssl: Any):
        self.url, self.ssl = url, ssl
        self.fanout: dict[str, list[float]] = {}  # event kind → arrival - acceptance (s)
        self.tasks: list[asyncio.Task[None]] = []
        self.open = 0
        self.errors: list[str] = []

    async def _run(self, session: aiohttp.ClientSession, spec: dict[str, str]) -> None:
        headers = {"Authorization": f"Bearer {spec['token']}"}
        try:
            async with session.ws_connect(
                f"{self.url}/api/v1/ws?since=0", headers=headers, ssl=self.ssl, heartbeat=None
            ) as ws:
                self.open += 1
                beat = None
                if spec["role"] == "expert":
                    beat = asyncio.create_task(self._beat(ws, spec["session_id"]))
                try:
                    async for message in ws:
                        data = message.json()
                        if data.get("type") == "event" and data["kind"].endswith(".accepted"):
                            delay = time.time() - when(data["at"])
                            self.fanout.setdefault(data["kind"], []).append(delay)
                finally:
                    if beat:
                        beat.cancel()
                        await asyncio.gather(beat, return_exceptions=True)
        except Exception as exc:  # counted and shown: a benchmark that hides errors lies
            self.errors.append(f"{spec['person_id']}: {exc!r}")

    @staticmethod
    async def _beat(ws: Any, sid: str) -> None:
        while not ws.closed:
            await ws.send_json(
                {"type": "heartbeat", "session_id": sid, "presence": "focused", "items_scored": 0}
            )
            await asyncio.sleep(5)


async def main() -> int:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=LINE_LIMIT)  # the spec: 550 tokens, over 64 KiB
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    spec = json.loads(await reader.readline())
    fleet = Fleet(spec["url"], client_ssl_context(spec["roots"]))
    connector = aiohttp.TCPConnector(limit=0)  # one connection per socket, as many people have
    async with aiohttp.ClientSession(connector=connector) as session:
        fleet.tasks = [asyncio.create_task(fleet._run(session, s)) for s in spec["sockets"]]
        while line := (await reader.readline()).decode().strip():
            if line == "open":
                answer: dict[str, Any] = {"open": fleet.open, "errors": len(fleet.errors)}
            elif line.startswith("count "):
                answer = {"count": len(fleet.fanout.get(line.split(" ", 1)[1], []))}
            elif line == "stop":
                for task in fleet.tasks:
                    task.cancel()
                await asyncio.gather(*fleet.tasks, return_exceptions=True)
                times = os.times()
                answer = {
                    "fanout": fleet.fanout,
                    "errors": fleet.errors,
                    "cpu": times.user + times.system,
                }
            else:
                answer = {"error": f"unknown command {line!r}"}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
            if line == "stop":
                break
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
