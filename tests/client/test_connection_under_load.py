"""The connection indicator and the venue's presence board under load (issue 11 item 3).

The player's report: with 8 app processes on 2 cores, an expert's window said "✕ 无法连接场地，
28 秒后重试" while his votes were being accepted, and the supervisor saw three working experts as
离线. These run the real venue on loopback TLS; the load is the event loop stalled on purpose
(a blocking sleep in a callback every second), as a loaded machine stalls a Qt process.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from evaluator_app.client.connection import ConnectionState, VenueConnection
from evaluator_app.pki.revocation import DEFAULT_CACHE
from tests.client.conftest import eventually, login
from tests.venue.harness import VenueHarness

HEARTBEAT_TIMEOUT = 3  # the venue's: silence this long is "offline" (30 s in a real venue)


@pytest.fixture
async def quick(venue_pki, tmp_path) -> AsyncIterator[VenueHarness]:  # type: ignore[no-untyped-def]
    h = VenueHarness(
        venue_pki,
        tmp_path / "venue",
        heartbeat_timeout_seconds=HEARTBEAT_TIMEOUT,
        offline_alert_seconds=HEARTBEAT_TIMEOUT + 2,
    )
    await h.start(presence_interval=0.1)
    yield h
    await h.stop()
    DEFAULT_CACHE.clear()


class Stalls:
    """Blocks the event loop for 0.3–0.8 s once a second, from a callback (a loaded machine)."""

    def __init__(self, seed: int = 11) -> None:
        self.rng = random.Random(seed)
        self.count = 0
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> Stalls:
        self._handle = asyncio.get_running_loop().call_later(1.0, self._stall)
        return self

    def _stall(self) -> None:
        time.sleep(self.rng.uniform(0.3, 0.8))  # on purpose: the whole loop waits
        self.count += 1
        self._handle = asyncio.get_running_loop().call_later(1.0, self._stall)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()


async def _offline_events(supervisor, person: str) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    page = await supervisor.get("/events?since=0")
    return [
        e
        for e in page["events"]
        if e["kind"] == "presence"
        and e["payload"].get("person") == person
        and e["payload"].get("presence") == "offline"
    ]


async def test_a_quiet_expert_connection_stays_online(harness, clients) -> None:  # type: ignore[no-untyped-def]
    """An expert scoring hears no event for minutes. The venue pings only a socket that sends
    nothing, and hers sends heartbeats: the line must still be heard, not dropped for silence
    (and every drop counted as a failure, so that the back-off grew to 28 s)."""
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    expert = await login(h, clients, "expert-sd-1")
    states: list[ConnectionState] = []
    connection = VenueConnection(
        expert,
        lambda e: None,
        session_id="S1",
        on_state=states.append,
        heartbeat_interval=0.2,
        silence_limit=1.0,  # 45 s in the app; no frame for this long means the line is dead
    )
    connection.start()
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        await asyncio.sleep(4.0)  # four silence limits without a single event
        assert connection.state.status == "online"
        assert [s.status for s in states].count("connecting") == 1, [
            (s.status, s.failures, s.error) for s in states
        ]
        assert not [s for s in states if s.status == "offline"]
        assert connection.beats_sent >= 10
    finally:
        await connection.stop()


async def test_loop_stalls_neither_drop_the_line_nor_take_presence_offline(quick, clients) -> None:  # type: ignore[no-untyped-def]
    """Stalls of 0.3–0.8 s every second, REST calls going on meanwhile: the expert's window
    stays "connected" and the supervisor never sees her 离线."""
    h = quick
    await h.create_session(await login(h, clients, "centre-1"))
    supervisor = await login(h, clients, "supervisor-jinan")
    expert = await login(h, clients, "expert-sd-1")
    me = h.person_id("expert-sd-1")
    states: list[ConnectionState] = []
    connection = VenueConnection(
        expert,
        lambda e: None,
        session_id="S1",
        on_state=states.append,
        heartbeat_interval=0.5,
        silence_limit=2.0,
    )
    connection.start()
    stalls = Stalls()
    answered = 0
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        stalls.start()
        until = time.monotonic() + 8.0
        while time.monotonic() < until:  # his votes and reads keep being answered
            await expert.get("/me")
            answered += 1
            await asyncio.sleep(0.3)
        assert stalls.count >= 4 and answered >= 5
        shown = [(s.status, s.failures, s.retry_in, s.error) for s in states]
        assert not [s for s in states if s.status == "offline"], shown
        assert connection.state.status == "online", shown
        assert not await _offline_events(supervisor, me)
    finally:
        stalls.stop()
        await connection.stop()


async def test_a_drop_is_reconnecting_at_once_not_unreachable(harness, clients) -> None:  # type: ignore[no-untyped-def]
    """The socket of a working connection closes (the venue dropped it): the window says
    重新连接中 and is back at once; it is not "unreachable, retrying in N s", however many
    times it happened before."""
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    expert = await login(h, clients, "expert-sd-1")
    states: list[ConnectionState] = []
    connection = VenueConnection(
        expert,
        lambda e: None,
        session_id="S1",
        on_state=states.append,
        heartbeat_interval=0.2,
        stable_after=0.3,
        backoff_initial=5.0,  # a wait after a drop would show: 2.5–5 s
    )
    connection.start()
    try:
        for n in range(4):
            await eventually(lambda: connection.state.status == "online", what=f"online {n}")
            await asyncio.sleep(0.5)  # a working socket
            dropped, seen = time.monotonic(), len(states)
            await h.venue.hub.close_all()
            await eventually(_dropped_and_back(connection, states, seen), 2.0, f"back ({n})")
            assert time.monotonic() - dropped < 2.0
        shown = [(s.status, s.failures, s.retry_in) for s in states]
        assert not [s for s in states if s.status == "offline"], shown
        assert any(s.status == "connecting" and s.failures >= 1 for s in states), shown
    finally:
        await connection.stop()


def _dropped_and_back(connection, states, since: int):  # type: ignore[no-untyped-def]
    """Whether the connection left "online" after state number ``since``, and is back."""
    return lambda: (
        any(s.status != "online" for s in states[since:]) and connection.state.status == "online"
    )


async def test_an_answered_request_ends_the_wait(harness, proxy, clients) -> None:  # type: ignore[no-untyped-def]
    """The venue could not be reached, and the back-off is long; then a request of the window's
    is answered: the venue is reachable, and the connection tries again now, not 28 s later."""
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    expert = await login(h, clients, "expert-sd-1", base_url=proxy.url)
    connection = VenueConnection(
        expert, lambda e: None, session_id="S1", stable_after=0.2, backoff_initial=60.0
    )
    connection.start()
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        await asyncio.sleep(0.3)
        proxy.down = True
        proxy.cut()
        await eventually(
            lambda: connection.state.status == "offline", what="offline while the network is out"
        )
        assert (connection.state.retry_in or 0) >= 10
        proxy.down = False
        await expert.get("/me")  # his next request goes through
        await eventually(
            lambda: connection.state.status == "online", timeout=2.0, what="online at once"
        )
    finally:
        await connection.stop()
