"""Event streams for tests: one WebSocket per client, collected in the background."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from evaluator_app.client.errors import VenueUnreachable
from evaluator_app.client.venue_client import VenueClient
from tests.venue.harness import VenueHarness

Message = dict[str, Any]


async def until(check: Callable[[], bool], timeout: float = 5.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.01)


class Stream:
    """``client.events(since)`` running in a task; messages land in ``self.messages``."""

    def __init__(self, h: VenueHarness, client: VenueClient, since: int = 0):
        self.h, self.client, self.since = h, client, since
        self.messages: list[Message] = []
        self.arrived: list[float] = []  # monotonic time of each message
        self.task: asyncio.Task[None] | None = None

    @property
    def events(self) -> list[Message]:
        return [m for m in self.messages if m.get("type") == "event"]

    @property
    def seqs(self) -> list[int]:
        return [e["seq"] for e in self.events]

    def last_seq(self) -> int:
        return max(self.seqs, default=self.since)

    def _live_here(self) -> int:
        hub = self.h.venue.hub
        person = self.client.login_result.person_id if self.client.login_result else ""
        return sum(1 for c in hub.clients if c.caller.person_id == person and c.ready)  # type: ignore[attr-defined]

    async def open(self) -> Stream:
        before = self._live_here()
        self.task = asyncio.create_task(self._run())
        await until(
            lambda: self._live_here() > before and self.client.ws is not None,
            what="the WebSocket to go live",
        )
        return self

    async def _run(self) -> None:
        try:
            async for message in self.client.events(self.since):
                self.messages.append(message)
                self.arrived.append(time.monotonic())
        except VenueUnreachable:
            pass

    async def close(self) -> None:
        if self.client.ws is not None:
            await self.client.ws.close()
        if self.task is not None:
            await asyncio.wait_for(self.task, 5)

    def matching(self, kind: str, **payload: Any) -> list[Message]:
        return [
            e
            for e in self.events
            if e["kind"] == kind and all(e["payload"].get(k) == v for k, v in payload.items())
        ]

    async def wait_for(self, kind: str, timeout: float = 5.0, **payload: Any) -> Message:
        await until(lambda: bool(self.matching(kind, **payload)), timeout, f"{kind} {payload}")
        return self.matching(kind, **payload)[0]


async def stream(h: VenueHarness, client: VenueClient, since: int = 0) -> Stream:
    return await Stream(h, client, since).open()


def assert_in_order(seqs: list[int]) -> None:
    assert seqs == sorted(set(seqs)), f"events out of order or repeated: {seqs}"
