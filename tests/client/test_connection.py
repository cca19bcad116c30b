"""The venue connection against the real venue: restarts, replay, back-off, presence, re-login."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from evaluator_app.client.connection import ConnectionState, VenueConnection, backoff
from evaluator_app.venue.events.presence import PRESENCE_KEY
from tests.client.conftest import eventually, login, start_again


class Recorder:
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.states: list[ConnectionState] = []

    def event(self, event: dict[str, Any]) -> None:
        self.events.append(event)

    def state(self, state: ConnectionState) -> None:
        self.states.append(state)

    def seqs(self) -> list[int]:
        return [e["seq"] for e in self.events]


async def all_events(client, since: int = 0) -> list[int]:  # type: ignore[no-untyped-def]
    """What this person may see, from the venue's own log (the ground truth)."""
    page = await client.get(f"/events?since={since}")
    return [e["seq"] for e in page["events"]]


async def test_reconnects_after_a_venue_restart_and_replays_exactly_once(harness, clients) -> None:  # type: ignore[no-untyped-def]
    h = harness
    centre = await login(h, clients, "centre-1")
    await h.create_session(centre)
    expert = await login(h, clients, "expert-sd-1")
    seen = Recorder()
    connection = VenueConnection(
        expert, seen.event, session_id="S1", on_state=seen.state, rng=random.Random(7)
    )
    connection.start()
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        await eventually(
            lambda: seen.events and seen.events[-1]["kind"] == "phase", what="a live event"
        )

        await h.stop()  # the venue goes away; the client fails three times before it is back
        await eventually(
            lambda: connection.state.status == "offline" and connection.state.failures >= 3,
            timeout=15,
            what="three failed tries",
        )
        await start_again(h)
        # events made while the client is still waiting to reconnect
        centre = await login(h, clients, "centre-1")
        await centre.post("/sessions/S1/phase", {"target": "declarations"})
        await centre.post("/sessions/S1/broadcast", {"message": "请各位专家签署承诺书"})
        assert connection.state.status != "online"  # they happened while it was away
        truth = await all_events(expert)
        await eventually(lambda: seen.seqs() == truth, what=f"replay of {truth}, got {seen.seqs()}")
        assert connection.state.status == "online" and connection.last_seq == truth[-1]
        await centre.post(
            "/sessions/S1/pause", {"reason": "网络检修"}
        )  # and live again after the replay
        truth = await all_events(expert)
        await eventually(lambda: seen.seqs() == truth, what="the live event after the replay")
        assert len(set(seen.seqs())) == len(seen.seqs()) and seen.seqs() == sorted(seen.seqs())
        kinds = [e["kind"] for e in seen.events]
        assert "broadcast" in kinds and kinds.count("phase") >= 2

        # back-off grew while the venue was away, and the UI was told when the next try is
        offline = [s for s in seen.states if s.status == "offline"]
        assert [s.failures for s in offline[:3]] == [1, 2, 3]
        assert offline[0].retry_in is not None and 0.25 <= offline[0].retry_in <= 0.5
        assert offline[0].retry_in < offline[2].retry_in  # type: ignore[operator]
        assert all(s.next_retry_at and s.error for s in offline)
    finally:
        await connection.stop()
    assert connection.state.status == "stopped"


def test_backoff_is_capped_and_jittered() -> None:
    rng = random.Random(1)
    delays = [backoff(n, rng) for n in range(1, 12)]
    assert all(
        0.5 * min(30, 0.5 * 2 ** (n - 1)) <= d <= min(30, 0.5 * 2 ** (n - 1))
        for n, d in zip(range(1, 12), delays, strict=True)
    )
    assert max(delays) <= 30 and delays[-1] >= 15
    assert len({round(backoff(3, random.Random(s)), 6) for s in range(5)}) == 5  # jittered


async def _beating(h, clients, interval: float):  # type: ignore[no-untyped-def]
    """A session, its Jinan supervisor, and expert-sd-1's connection beating every ``interval``;
    ``board()`` is her row of the presence board as the supervisor reads it."""
    await h.create_session(await login(h, clients, "centre-1"))
    supervisor = await login(h, clients, "supervisor-jinan")
    expert = await login(h, clients, "expert-sd-1")
    connection = VenueConnection(
        expert, lambda e: None, session_id="S1", heartbeat_interval=interval
    )
    person = h.person_id("expert-sd-1")

    async def board() -> dict[str, Any]:
        rows = (await supervisor.get("/sessions/S1/presence"))["presence"]
        return next((r for r in rows if r["person"] == person), {})

    return connection, person, board


async def test_heartbeats_reach_the_presence_board(harness, clients) -> None:  # type: ignore[no-untyped-def]
    h = harness
    connection, person, board = await _beating(h, clients, 0.2)
    connection.start()
    try:
        connection.set_presence("idle", 3)
        row = await eventually(
            lambda: _matching(board, presence="idle", items_scored=3), what="idle on the board"
        )
        assert row["connected"] is True
        connection.set_presence("focused", 4)
        await eventually(
            lambda: _matching(board, presence="focused", items_scored=4),
            what="focused on the board",
        )
        # and keeps hearing from it while nothing changes: the last beat moves on
        board_obj = h.app[PRESENCE_KEY]
        first = board_obj.seen[("S1", person)].last_beat
        await eventually(
            lambda: board_obj.seen[("S1", person)].last_beat > first,
            timeout=3,
            what="a periodic heartbeat",
        )
    finally:
        await connection.stop()


async def _matching(board, **want: Any) -> dict[str, Any] | None:  # type: ignore[no-untyped-def]
    row = await board()
    return row if row and all(row.get(k) == v for k, v in want.items()) else None


async def test_expired_login_asks_for_the_pin_and_resumes(harness, clients) -> None:  # type: ignore[no-untyped-def]
    h = harness
    centre = await login(h, clients, "centre-1")
    await h.create_session(centre)
    expert = await login(h, clients, "expert-sd-1")
    seen = Recorder()
    connection = VenueConnection(expert, seen.event, session_id="S1", on_state=seen.state)
    connection.start()
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        await h.venue.store.tx(
            lambda tx: tx.conn.execute("UPDATE tokens SET expires_at = '2000-01-01T00:00:00Z'")
        )
        await h.venue.hub.close_all()  # the socket drops; reconnecting needs the token
        await eventually(lambda: connection.state.status == "login_required", what="login_required")
        assert connection.state.error_zh
        await centre.login(h.signer("centre-1"))
        await centre.post("/sessions/S1/phase", {"target": "check_in"})  # made while logged out
        await connection.login(h.signer("expert-sd-1"))  # the UI asked for the PIN
        truth = await all_events(expert)
        await eventually(
            lambda: seen.seqs() == truth, what="the missed event after logging in again"
        )
        assert connection.state.status == "online"
        assert "login_required" in [s.status for s in seen.states]
    finally:
        await connection.stop()


async def test_polling_fallback_delivers_in_order(harness, clients) -> None:  # type: ignore[no-untyped-def]
    """With the WebSocket given up on, events still arrive by polling, once each."""
    h = harness
    centre = await login(h, clients, "centre-1")
    await h.create_session(centre)
    supervisor = await login(h, clients, "supervisor-jinan")
    seen = Recorder()
    connection = VenueConnection(
        supervisor, seen.event, on_state=seen.state, ws_failures_before_polling=0, poll_interval=0.1
    )
    connection.start()
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        assert connection.state.transport == "polling"
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        await centre.post("/sessions/S1/broadcast", {"message": "测试"})
        truth = await all_events(supervisor)
        await eventually(lambda: seen.seqs() == truth, what="polled events")
    finally:
        await connection.stop()


async def test_websocket_failing_repeatedly_falls_back_to_polling(
    harness, clients, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """HTTPS works but every WebSocket upgrade fails (e.g. a proxy that refuses it): poll
    instead."""
    from evaluator_app.client import connection as module

    h = harness
    centre = await login(h, clients, "centre-1")
    await h.create_session(centre)
    supervisor = await login(h, clients, "supervisor-jinan")
    seen = Recorder()
    conn = VenueConnection(
        supervisor,
        seen.event,
        on_state=seen.state,
        backoff_initial=0.01,
        ws_failures_before_polling=2,
        poll_interval=0.05,
    )

    async def refused(self) -> float:  # type: ignore[no-untyped-def]
        raise module._WebSocketFailed("WebSocket refused: 403", "实时连接被拒绝")

    monkeypatch.setattr(VenueConnection, "_websocket", refused)
    conn.start()
    try:
        await eventually(lambda: conn.state.status == "online", what="online by polling")
        assert conn.state.transport == "polling"
        assert [s.failures for s in seen.states if s.status == "offline"] == [1, 2]
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        truth = await all_events(supervisor)
        await eventually(lambda: seen.seqs() == truth, what="events by polling")
    finally:
        await conn.stop()


def _task(name: str):  # type: ignore[no-untyped-def]
    import asyncio

    return next((t for t in asyncio.all_tasks() if t.get_name() == name and not t.done()), None)


async def test_a_dead_heartbeat_task_reconnects_and_heartbeats_resume(harness, clients) -> None:  # type: ignore[no-untyped-def]
    """The indicator follows the real tasks: a heartbeat task that dies takes the socket down
    (状态“重新连接中”), the connection comes back by itself and the board hears it again."""
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    expert = await login(h, clients, "expert-sd-1")
    seen = Recorder()
    connection = VenueConnection(
        expert, seen.event, session_id="S1", heartbeat_interval=0.2, on_state=seen.state
    )
    connection.start()
    try:
        await eventually(lambda: _task("venue-heartbeats"), what="heartbeats running")
        await eventually(lambda: connection.beats_sent >= 2, what="beats sent")
        _task("venue-heartbeats").cancel()  # the heartbeat task dies
        await eventually(
            lambda: any(s.status == "connecting" and s.failures >= 1 for s in seen.states),
            what="reconnecting shown",
        )
        await eventually(lambda: connection.state.status == "online", what="online again")
        sent = connection.beats_sent
        await eventually(lambda: connection.beats_sent > sent + 1, what="heartbeats resume")
    finally:
        await connection.stop()


async def test_a_dead_connection_task_is_restarted(harness, clients) -> None:  # type: ignore[no-untyped-def]
    h = harness
    await h.create_session(await login(h, clients, "centre-1"))
    expert = await login(h, clients, "expert-sd-1")
    seen = Recorder()
    connection = VenueConnection(expert, seen.event, session_id="S1", on_state=seen.state)
    connection.start()
    try:
        await eventually(lambda: connection.state.status == "online", what="online")
        _task("venue-connection").cancel()  # killed by something other than stop()
        await eventually(
            lambda: seen.states[-1].status != "online" or connection.restarts, what="noticed"
        )
        await eventually(lambda: connection.restarts == 1, what="restarted")
        assert any(s.status == "connecting" and s.error_zh for s in seen.states)
        await eventually(
            lambda: connection.state.status == "online" and connection.alive, what="online again"
        )
    finally:
        await connection.stop()
    assert not connection.alive and connection.state.status == "stopped"


async def test_one_failure_seen_by_two_users_of_a_client_moves_it_once() -> None:
    """The lobby's and a session window's connections share one client: both see the same
    address fail, and the client must move to the next one, not on again and back."""
    import ssl

    from evaluator_app.client.connection_state import ConnectionState, failover_note
    from evaluator_app.client.venue_client import VenueClient

    client = VenueClient(["https://a:1", "https://b:2"], ssl.create_default_context(), "ws-1")
    try:
        failed = client.base_url
        assert client.fail_over("lobby: closed", failed=failed) and client.base_url == "https://b:2"
        assert (
            client.fail_over("window: closed", failed=failed) and client.base_url == "https://b:2"
        )
        assert client.failovers == 1
        assert client.fail_over("b closed too", failed=client.base_url)  # b fails in turn
        assert client.base_url == "https://a:1" and client.failovers == 2
    finally:
        await client.close()
    moved = ConnectionState("online", "websocket", venue_url="https://b:2", failovers=1)
    assert failover_note(ConnectionState("online")) is None  # never moved: nothing said
    note = failover_note(moved)
    assert note is not None and "正在补收" in note.zh
    done = failover_note(ConnectionState(**{**moved.__dict__, "caught_up": True, "replayed": 3}))
    assert done is not None and "已补收断线期间的 3 条消息" in done.zh and "3 missed" in done.en


async def test_a_new_count_of_scored_items_reaches_the_board_at_once_at_most_one_beat_a_second(  # type: ignore[no-untyped-def]
    harness, clients
) -> None:
    """The interval is 30 s here: only the change itself can bring the count to the board."""
    connection, _person, board = await _beating(harness, clients, 30)
    connection.start()
    try:
        await eventually(lambda: _matching(board, presence="focused"), what="first beat")
        sent = connection.heartbeats.sent
        for typed in range(1, 21):  # a fast typist: 20 scores in half a second
            connection.set_presence("focused", typed)
            await asyncio.sleep(0.025)
        await eventually(
            lambda: _matching(board, items_scored=20), timeout=3, what="the count of 20"
        )
        assert connection.heartbeats.sent - sent <= 3, "one beat a second, not one a key"
    finally:
        await connection.stop()
