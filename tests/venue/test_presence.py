"""Presence and alerts: heartbeats reach supervisors, silence becomes offline, alerts are
acknowledged."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator

import pytest

from evaluator_app.pki.revocation import DEFAULT_CACHE
from evaluator_app.protocol.messages import Presence
from evaluator_app.venue.events.presence import PRESENCE_KEY
from tests.venue.harness import VenueHarness
from tests.venue.streams import stream, until

TIMEOUT, ALERT_AFTER, STUCK_AFTER = 1, 2, 2


@pytest.fixture
async def quick(venue_pki, tmp_path) -> AsyncIterator[VenueHarness]:  # type: ignore[no-untyped-def]
    """A venue with short timings: offline after 1 s of silence, alerts after 2 s."""
    h = VenueHarness(
        venue_pki,
        tmp_path / "venue",
        heartbeat_timeout_seconds=TIMEOUT,
        offline_alert_seconds=ALERT_AFTER,
        phase_stuck_seconds=STUCK_AFTER,
    )
    await h.start(presence_interval=0.1)
    yield h
    await h.stop()
    DEFAULT_CACHE.clear()


async def watched(h: VenueHarness, expert_key: str):  # type: ignore[no-untyped-def]
    """Session S1; the Jinan supervisor and the expert on sockets: (centre, supervisor, expert's
    client, expert's stream, expert's person id)."""
    centre = await h.login("centre-1")
    await h.create_session(centre)
    supervisor = await stream(h, await h.login("supervisor-jinan"))
    expert_client = await h.login(expert_key)
    expert = await stream(h, expert_client)
    return centre, supervisor, expert_client, expert, h.person_id(expert_key)


async def test_heartbeats_reach_supervisors_as_presence_changes(quick):
    h = quick
    centre, supervisor, expert_client, expert, me = await watched(h, "expert-sd-1")

    await expert_client.heartbeat("S1", "focused", 0)
    await supervisor.wait_for("presence", person=me, presence="focused")
    for _ in range(3):  # the same state again is no news
        await expert_client.heartbeat("S1", "focused", 0)
    await expert_client.heartbeat("S1", "idle", 0)
    await supervisor.wait_for("presence", person=me, presence="idle")
    await expert_client.heartbeat("S1", "focused", 4)
    await supervisor.wait_for("presence", person=me, items_scored=4)
    await expert_client.heartbeat("S1", "away", 4)
    alert = await supervisor.wait_for("alert", alert="focus_lost", person=me)
    await expert_client.heartbeat("S1", "away", 4)  # still away: one alert, not one per beat
    await expert_client.heartbeat("S1", "focused", 4)
    await until(
        lambda: (
            len(supervisor.matching("presence", person=me, presence="focused", items_scored=4)) == 2
        ),
        what="focus back",
    )
    await asyncio.sleep(0.2)
    states = [
        (e["payload"]["presence"], e["payload"]["items_scored"])
        for e in supervisor.matching("presence", person=me)
    ]
    assert states == [("focused", 0), ("idle", 0), ("focused", 4), ("away", 4), ("focused", 4)]
    assert len(supervisor.matching("alert", alert="focus_lost")) == 1
    assert not expert.matching("presence") and not expert.matching("alert")
    # the alert is on the audit chain, and the board shows the expert connected and focused
    audit = await h.venue.store.tx(
        lambda tx: [e for e in tx.audit_entries() if e.action == "alert"]
    )
    assert [e.payload["alert"] for e in audit] == ["focus_lost"] and alert["seq"] > 0
    board = (await centre.get("/sessions/S1/presence"))["presence"]
    assert [(r["person"], r["presence"], r["connected"]) for r in board] == [(me, "focused", True)]


async def test_an_expert_who_stops_beating_is_reported_offline_then_alerted(quick):
    h = quick
    centre = await h.login("centre-1")
    await h.create_session(centre)
    supervisor_client = await h.login("supervisor-jinan")
    supervisor = await stream(h, supervisor_client)
    expert_client = await h.login("expert-nca-1")
    await stream(h, expert_client)
    me = h.person_id("expert-nca-1")
    await expert_client.heartbeat("S1", "focused", 2)
    await supervisor.wait_for("presence", person=me, presence="focused")
    last_beat = time.monotonic()  # the socket stays open; the beats stop (a frozen application)

    offline = await supervisor.wait_for(
        "presence", person=me, presence="offline", timeout=TIMEOUT + 2
    )
    went_offline = supervisor.arrived[supervisor.events.index(offline)] - last_beat
    assert TIMEOUT - 0.3 <= went_offline < TIMEOUT + 1, (
        went_offline
    )  # measured after the beat landed
    alert = await supervisor.wait_for("alert", alert="offline", person=me, timeout=ALERT_AFTER + 2)
    alerted = supervisor.arrived[supervisor.events.index(alert)] - last_beat
    assert ALERT_AFTER - 0.3 <= alerted < ALERT_AFTER + 1, alerted
    assert alert["payload"]["seconds"] >= ALERT_AFTER
    await asyncio.sleep(0.5)
    assert len(supervisor.matching("alert", alert="offline")) == 1  # once per absence

    # the supervisor acknowledges the alert: who and when are on record and reach the staff
    centre_stream = await stream(h, centre)
    await supervisor_client.post("/sessions/S1/acknowledge", {"seq": alert["seq"]})
    for watcher in (supervisor, centre_stream):
        ack = await watcher.wait_for("acknowledged", event=alert["seq"])
        assert ack["payload"]["by"] == h.person_id("supervisor-jinan") and ack["payload"][
            "at"
        ].endswith("Z")
        assert ack["payload"]["name"] == "赵敏"
    audit = await h.venue.store.tx(
        lambda tx: [e for e in tx.audit_entries() if e.action == "acknowledge"]
    )
    assert [(e.actor, e.payload) for e in audit] == [
        (h.person_id("supervisor-jinan"), {"event": alert["seq"]})
    ]

    # back again: online
    await expert_client.heartbeat("S1", "focused", 2)
    await until(
        lambda: len(supervisor.matching("presence", person=me, presence="focused")) == 2,
        what="back online",
    )
    assert [e["payload"]["presence"] for e in supervisor.matching("presence", person=me)] == [
        "focused",
        "offline",
        "focused",
    ]


async def test_a_closed_connection_counts_as_silence(quick):
    h = quick
    centre, supervisor, expert_client, expert, _ = await watched(h, "expert-sd-2")
    await expert_client.heartbeat("S1", "idle")
    await supervisor.wait_for("presence", person=h.person_id("expert-sd-2"), presence="idle")
    await expert.close()
    await supervisor.wait_for(
        "presence", person=h.person_id("expert-sd-2"), presence="offline", timeout=TIMEOUT + 2
    )
    board = (await centre.get("/sessions/S1/presence"))["presence"]
    assert [(r["presence"], r["connected"]) for r in board] == [("offline", False)]


async def test_a_recused_expert_is_no_longer_watched(quick):
    """Her beats are refused, her silence goes offline without an alarm; another expert's
    silence, begun later, is still alarmed (the monitor is running)."""
    from tests.venue.flow import declare

    h = quick
    centre = await h.login("centre-1")
    await h.create_session(centre)
    for target in ("check_in", "declarations"):
        await centre.post("/sessions/S1/phase", {"target": target})
    supervisor = await stream(h, await h.login("supervisor-jinan"))
    her_client, other_client = await h.login("expert-sd-1"), await h.login("expert-sd-2")
    her, _other = await stream(h, her_client), await stream(h, other_client)  # both on sockets
    me, them = h.person_id("expert-sd-1"), h.person_id("expert-sd-2")
    await her_client.heartbeat("S1", "focused", 0)
    await supervisor.wait_for("presence", person=me, presence="focused")
    await declare(h, her_client, "expert-sd-1", conflict=True, reason="曾在投标人B3任职")
    await supervisor.wait_for("member", person=me, status="recused")
    await her_client.heartbeat("S1", "away", 0)  # an old client still beating: refused
    await until(lambda: any(m["type"] == "error" for m in her.messages), what="her beat refused")
    await other_client.heartbeat("S1", "focused", 0)  # the control: beats once, then silent
    await supervisor.wait_for("alert", alert="offline", person=them, timeout=ALERT_AFTER + 3)
    offline = supervisor.matching("presence", person=me, presence="offline")
    assert len(offline) == 1  # true: she is gone
    assert not supervisor.matching("alert", alert="offline", person=me)
    assert not supervisor.matching("alert", alert="focus_lost", person=me)  # the refused beat


async def test_a_heartbeat_for_a_foreign_session_or_a_malformed_one_is_refused(quick):
    h = quick
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await h.create_session(centre, "S2", committee=["expert-nca-3"])
    supervisor = await stream(h, await h.login("supervisor-jinan"))
    expert_client = await h.login("expert-sd-1")
    expert = await stream(h, expert_client)
    await expert_client.heartbeat("S2", "focused")  # not this expert's session
    await expert_client.ws.send_str(
        '{"type": "heartbeat", "session_id": "S1", "presence": "asleep"}'
    )
    await expert_client.ws.send_str("not json")
    await until(
        lambda: len([m for m in expert.messages if m["type"] == "error"]) == 3, what="three errors"
    )
    await asyncio.sleep(0.2)
    assert not supervisor.matching("presence")


async def test_a_phase_stuck_too_long_alerts_once(quick):
    h = quick
    centre = await h.login("centre-1")
    await h.create_session(centre)
    supervisor_client = await h.login("supervisor-zibo")
    supervisor = await stream(h, supervisor_client)
    expert = await stream(h, await h.login("expert-sd-1"))
    await asyncio.sleep(STUCK_AFTER + 0.3)
    assert not supervisor.matching(
        "alert", alert="phase_stuck"
    )  # "preparing" has no plan to overrun
    # the phase starts somewhere between the request and its answer (a loaded machine answers
    # late): not before the one, not long after the other
    asked = time.monotonic()
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    moved = time.monotonic()
    alert = await supervisor.wait_for(
        "alert", alert="phase_stuck", phase="check_in", timeout=STUCK_AFTER + 2
    )
    arrived = supervisor.arrived[supervisor.events.index(alert)]
    assert arrived - asked >= STUCK_AFTER - 0.3 and arrived - moved < STUCK_AFTER + 1.5
    await asyncio.sleep(0.5)
    assert len(supervisor.matching("alert", alert="phase_stuck")) == 1
    assert not expert.matching("alert")
    # a secondary venue's supervisor may acknowledge it too
    await supervisor_client.post("/sessions/S1/acknowledge", {"seq": alert["seq"]})
    await supervisor.wait_for("acknowledged", event=alert["seq"], by=h.person_id("supervisor-zibo"))


async def test_broadcasts_reach_experts_and_their_acknowledgements_reach_staff(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    supervisor_client = await h.login("supervisor-zibo")
    supervisor = await stream(h, supervisor_client)
    main = await stream(h, await h.login("supervisor-jinan"))
    keys = ["expert-sd-1", "expert-nca-1", "expert-nca-2"]
    clients = {k: await h.login(k) for k in keys}
    experts = {k: await stream(h, c) for k, c in clients.items()}
    seq = (
        await supervisor_client.post(
            "/sessions/S1/broadcast", {"message": "淄博分场网络切换，请保存草稿"}
        )
    )["seq"]
    for key in keys:
        got = await experts[key].wait_for("broadcast", message="淄博分场网络切换，请保存草稿")
        assert got["seq"] == seq and got["payload"]["by"] == h.person_id("supervisor-zibo")
    for key in keys[:2]:
        await clients[key].post("/sessions/S1/acknowledge", {"seq": seq})
    for watcher in (supervisor, main):
        await until(
            lambda w=watcher: len(w.matching("acknowledged", event=seq)) == 2,
            what="two acknowledgements",
        )
        assert {e["payload"]["by"] for e in watcher.matching("acknowledged")} == {
            h.person_id(k) for k in keys[:2]
        }
    await asyncio.sleep(0.2)
    for key in keys:
        assert not experts[key].matching("acknowledged")  # acknowledgements are for the staff


async def test_a_sweep_never_replays_a_state_that_a_later_heartbeat_replaced(quick):
    """A monitor pass that saw "focused" (a beat that changed nothing, not yet written) while a
    beat to "idle" was being committed must not write "focused" back: the CI run of 2026-12-02
    saw a spurious ('focused', 0) after ('idle', 0) on PostgreSQL."""
    h = quick
    _, supervisor, expert_client, _, me = await watched(h, "expert-sd-1")
    await expert_client.heartbeat("S1", "focused", 0)
    await supervisor.wait_for("presence", person=me, presence="focused")
    board = h.app[PRESENCE_KEY]
    gate = threading.Event()
    blocked = asyncio.create_task(h.venue.store.tx(lambda tx: gate.wait(5)))
    await asyncio.sleep(0.05)  # the writer thread is held: what follows queues behind it
    await board.beat("S1", me, Presence.FOCUSED, 0)  # no news: kept in memory, written later
    idle = asyncio.create_task(board.beat("S1", me, Presence.IDLE, 0))
    await asyncio.sleep(0)  # the idle beat's transaction is queued first
    sweep = asyncio.create_task(board.sweep())  # takes its snapshot (still "focused") now
    await asyncio.sleep(0)
    gate.set()
    await asyncio.gather(blocked, idle, sweep)
    await supervisor.wait_for("presence", person=me, presence="idle")
    await asyncio.sleep(0.3)  # further monitor passes, if any, have run
    states = [e["payload"]["presence"] for e in supervisor.matching("presence", person=me)]
    assert states == ["focused", "idle"]
    row = await h.venue.store.read(lambda tx: tx.presence_row("S1", me))
    assert row is not None and row.presence == "idle"
