"""What an expert's heartbeats say, and keeping a venue WebSocket heard.

Every ``interval`` the task writes the expert's heartbeat (presence and items scored, while she
sits on the committee) and a ping. The ping matters to everyone on a socket: the venue pings only
a socket that sends nothing, so a socket that sent heartbeats heard no frame at all while no
event came (an expert scoring for minutes), and its reader took the silence for a dead line.
The pong is a frame: the reader hears the line is alive.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Callable
from typing import Literal, NoReturn

import aiohttp

from evaluator_app.client.errors import VenueUnreachable

PresenceValue = Literal["focused", "idle", "away"]
MIN_GAP = 1.0  # seconds between two heartbeats, however fast the changes come


class Heartbeats:
    def __init__(self, session_id: str | None, interval: float):
        self.session_id = session_id  # heartbeats are for this session (experts only)
        self.interval = interval
        self.presence: PresenceValue = "focused"
        self.items_scored = 0
        self.beating = True  # False once the expert left the committee (recused, replaced)
        self.sent = 0  # heartbeats written to a socket (tests, diagnostics)
        self._now = asyncio.Event()

    def set_presence(self, presence: PresenceValue, items_scored: int) -> None:
        """A change of presence or of the count of scored items is sent at once, but never more
        than one heartbeat per ``MIN_GAP`` seconds: the supervisor's 已评项数 follows the typing
        within a second, and a fast typist costs the venue one write a second, not one a key."""
        if (presence, items_scored) != (self.presence, self.items_scored):
            self._now.set()
        self.presence, self.items_scored = presence, items_scored

    def stop(self) -> None:
        """No more heartbeats (the expert recused or was replaced); the pings go on."""
        if self.beating:
            self.beating = False
            self._now.set()  # the task sees it at once

    async def run(
        self, ws: aiohttp.ClientWebSocketResponse, expert: Callable[[], bool]
    ) -> NoReturn:
        """Until the socket closes (then raises); ``expert``: whether the venue takes this
        login's heartbeats (an expert's, for ``session_id``)."""
        while not ws.closed:
            self._now.clear()
            if self.session_id is not None and self.beating and expert():
                beat = {
                    "type": "heartbeat",
                    "session_id": self.session_id,
                    "presence": self.presence,
                    "items_scored": self.items_scored,
                }
                await ws.send_str(json.dumps(beat))
                self.sent += 1
            await ws.ping()
            gap = min(MIN_GAP, self.interval)
            await asyncio.sleep(gap)  # the regular beat still comes every interval, not +gap
            # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that
            # comes as the wait ends; this loop then ran on, and closing a window waited for
            # it forever (CI, twice)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.interval - gap):
                    await self._now.wait()
        raise VenueUnreachable("the socket closed under the heartbeats", "实时连接已断开")
