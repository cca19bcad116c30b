"""Events: numbered, replayed with since=N exactly, filtered by visibility, never held up by a slow
client."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.messages import MemberInput, Role
from tests.venue.harness import COMMITTEE, SEATS
from tests.venue.streams import assert_in_order, stream, until


async def test_reconnect_with_since_gets_exactly_what_was_missed(harness):
    h = harness
    centre, supervisor = await h.login("centre-1"), await h.login("supervisor-jinan")
    await h.create_session(centre)
    expert = await h.login("expert-sd-1")
    first = await stream(h, expert)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await first.wait_for("phase", phase="check_in")
    seen = first.last_seq()
    await first.close()

    # while the expert is away: changes it may see, and one it may not (staff only)
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    b1 = (await supervisor.post("/sessions/S1/broadcast", {"message": "请各位专家签署承诺书"}))[
        "seq"
    ]
    await supervisor.post(
        "/sessions/S1/acknowledge", {"seq": b1}
    )  # an "acknowledged" event, for staff
    b2 = (await centre.post("/sessions/S1/broadcast", {"message": "十分钟后开始推选组长"}))["seq"]

    again = await stream(h, expert, since=seen)
    await again.wait_for("broadcast", message="十分钟后开始推选组长")
    await asyncio.sleep(0.3)  # nothing more may arrive
    assert [(e["kind"], e["seq"]) for e in again.events] == [
        ("phase", seen + 1),
        ("broadcast", b1),
        ("broadcast", b2),
    ]
    assert again.events[0]["payload"]["phase"] == "declarations"
    # the same as the page a client polls, and together with the first connection: all, once
    page = await expert.get(f"/events?since={seen}")
    assert [e["seq"] for e in page["events"]] == again.seqs and page["last_seq"] == b2
    everything = await expert.get("/events?since=0")
    assert [e["seq"] for e in everything["events"]] == first.seqs + again.seqs
    assert_in_order(first.seqs + again.seqs)
    # every change is in the log with a number: staff see the acknowledgement between b1 and b2
    staff = await supervisor.get(f"/events?since={seen}")
    assert [e["kind"] for e in staff["events"]] == [
        "phase",
        "broadcast",
        "acknowledged",
        "broadcast",
    ]
    assert [e["seq"] for e in staff["events"]] == list(range(seen + 1, b2 + 1))


async def test_live_events_arrive_in_sequence_order_under_concurrent_changes(harness):
    """Membership changes refresh the session directory before fan-out; broadcasts must not
    overtake them."""
    h = harness
    centre, supervisor = await h.login("centre-1"), await h.login("supervisor-jinan")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    watchers = [
        await stream(h, await h.login(k))
        for k in ("expert-sd-1", "expert-nca-1", "supervisor-zibo")
    ]
    start = watchers[0].last_seq()

    async def membership() -> None:
        for key in COMMITTEE:
            await supervisor.post(
                "/sessions/S1/absent", {"person_id": h.person_id(key), "reason": "未到场"}
            )
        for key in ("expert-sd-3", "expert-nca-3"):
            await centre.post(
                "/sessions/S1/members", MemberInput(h.person_id(key), Role.EXPERT, *SEATS[key])
            )

    async def chatter(client, label: str) -> list[int]:  # type: ignore[no-untyped-def]
        return [
            (await client.post("/sessions/S1/broadcast", {"message": f"{label}{n}"}))["seq"]
            for n in range(15)
        ]

    await asyncio.gather(membership(), chatter(centre, "c"), chatter(supervisor, "s"))
    last = (await centre.get(f"/events?since={start}"))["last_seq"]
    # marked twice: refused with the expert's name and status in words
    first = h.person_id(COMMITTEE[0])
    with pytest.raises(VenueRefused) as twice:
        await supervisor.post("/sessions/S1/absent", {"person_id": first, "reason": "未到场"})
    name = next(
        m["name"] for m in (await centre.get("/sessions/S1"))["members"] if m["person_id"] == first
    )
    assert twice.value.code == "member_state"
    assert twice.value.message_zh == f"{name}已标记缺席", twice.value.message_zh
    assert last == start + len(COMMITTEE) + 2 + 2 * 15
    for watcher in watchers:
        await until(lambda w=watcher: w.last_seq() >= last, what="the burst")
        live = [s for s in watcher.seqs if s > start]
        assert_in_order(live)
        assert live == list(range(start + 1, last + 1)), "a gap among events everyone may see"


async def test_events_are_filtered_by_visibility(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await h.create_session(centre, "S2", committee=["expert-nca-3"])
    outsider = await stream(h, await h.login("expert-nca-3"))  # S2 only
    insider_client = await h.login("expert-sd-1")
    insider = await stream(h, insider_client)
    zibo_client = await h.login("expert-nca-1")
    zibo_expert = await stream(h, zibo_client)
    main_sup = await stream(h, await h.login("supervisor-jinan"))
    zibo_sup = await stream(h, await h.login("supervisor-zibo"))

    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/broadcast", {"message": "S1 only"})
    await centre.post("/sessions/S2/broadcast", {"message": "S2 only"})
    await insider_client.heartbeat("S1", "focused")  # presence: staff only
    await zibo_client.heartbeat("S1", "away")  # presence and a focus_lost alert: staff only
    await main_sup.wait_for("alert", alert="focus_lost", person=h.person_id("expert-nca-1"))
    await main_sup.wait_for("presence", person=h.person_id("expert-sd-1"))
    await zibo_sup.wait_for("alert", alert="focus_lost")
    await outsider.wait_for("broadcast", message="S2 only")
    await insider.wait_for("broadcast", message="S1 only")
    await asyncio.sleep(0.3)

    assert {e["session_id"] for e in outsider.events} == {"S2"}
    assert {e["session_id"] for e in insider.events} == {"S1"}
    for expert in (insider, zibo_expert, outsider):
        assert not [e for e in expert.events if e["kind"] in ("presence", "alert", "acknowledged")]
    # the main venue's supervisor watches both venues; zibo's only the people seated at zibo
    assert {e["payload"]["person"] for e in main_sup.matching("presence")} == {
        h.person_id("expert-sd-1"),
        h.person_id("expert-nca-1"),
    }
    assert {e["payload"]["person"] for e in zibo_sup.matching("presence")} == {
        h.person_id("expert-nca-1")
    }
    # the page for polling clients applies the same rules
    page = await insider_client.get("/events?since=0")
    assert [e["seq"] for e in page["events"]] == insider.seqs


async def test_a_replaced_expert_stops_receiving_the_session(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    from tests.venue.flow import declare

    leaving_client = await h.login("expert-dual-sd")
    leaving = await stream(h, leaving_client)
    await declare(h, leaving_client, "expert-dual-sd", conflict=True, reason="曾在投标人任职")
    watcher = await stream(h, centre)
    await leaving.wait_for("declaration.accepted")
    await centre.post(
        "/sessions/S1/members",
        MemberInput(h.person_id("expert-sd-3"), Role.EXPERT, *SEATS["expert-sd-3"]),
    )
    after = (await centre.post("/sessions/S1/broadcast", {"message": "新专家已到位"}))["seq"]
    await watcher.wait_for("broadcast", message="新专家已到位")
    await asyncio.sleep(0.3)
    assert watcher.matching("member", person=h.person_id("expert-sd-3"))
    assert leaving.matching("member", status="recused")  # its own recusal, still a member then
    assert (
        not leaving.matching("member", person=h.person_id("expert-sd-3"))
        and after not in leaving.seqs
    )


async def test_a_slow_client_never_blocks_the_others(harness):
    h = harness
    centre = await h.login("centre-1")
    await h.create_session(centre)
    fast = [
        await stream(h, await h.login(k))
        for k in ("expert-sd-1", "expert-nca-1", "supervisor-jinan")
    ]
    # the slow one: a WebSocket nobody reads (aiohttp stops reading the socket past 64 KiB)
    slow_client = await h.login("expert-sd-2")
    session = aiohttp.ClientSession()
    slow_ws = await session.ws_connect(
        f"{h.base_url}{API_PREFIX}/ws?since=0",
        headers={"Authorization": f"Bearer {slow_client.token}"},
        ssl=h.client_ssl,
        max_msg_size=0,
    )
    person = h.person_id("expert-sd-2")
    await until(lambda: any(c.caller.person_id == person and c.ready for c in h.venue.hub.clients))
    slow = next(c for c in h.venue.hub.clients if c.caller.person_id == person)

    big = "评" * 19_000  # ~57 KB a message; 200 of them are far beyond the socket buffers
    seqs = [
        (await centre.post("/sessions/S1/broadcast", {"message": f"{n}:{big}"}))["seq"]
        for n in range(200)
    ]
    # the fast clients get the whole burst while the slow one is still behind (no wall-clock
    # bound: under load the 200 uploads themselves take a variable time)
    for watcher in fast:
        await until(
            lambda w=watcher: seqs[-1] in w.seqs, timeout=60, what="the burst at a fast client"
        )
    assert slow.queue.qsize() > 0, (
        "the slow client was not actually behind: the test proves nothing"
    )
    # once it reads, the slow client gets everything, in order
    got: list[int] = []
    while len(got) < len(seqs) + 1:
        message = await asyncio.wait_for(slow_ws.receive_json(), 10)
        got.append(message["seq"])
    assert_in_order(got)
    assert got[-len(seqs) :] == seqs
    await slow_ws.close()
    await session.close()


async def test_a_client_too_far_behind_is_disconnected_and_catches_up_with_since(
    harness, monkeypatch
):
    h = harness
    monkeypatch.setattr("evaluator_app.venue.events.hub.QUEUE_LIMIT", 5)
    centre = await h.login("centre-1")
    await h.create_session(centre)
    expert = await h.login("expert-sd-1")
    session = aiohttp.ClientSession()
    ws = await session.ws_connect(
        f"{h.base_url}{API_PREFIX}/ws?since=0",
        headers={"Authorization": f"Bearer {expert.token}"},
        ssl=h.client_ssl,
    )
    person = h.person_id("expert-sd-1")
    await until(lambda: any(c.caller.person_id == person and c.ready for c in h.venue.hub.clients))
    client = next(c for c in h.venue.hub.clients if c.caller.person_id == person)
    big = "评" * 19_000
    seqs = [
        (await centre.post("/sessions/S1/broadcast", {"message": f"{n}:{big}"}))["seq"]
        for n in range(200)
    ]
    await until(lambda: client.dropped, what="the lagging client to be dropped")
    received = []
    async for message in ws:  # drains what was sent, then the socket closes
        if message.type == aiohttp.WSMsgType.TEXT:
            received.append(message.json()["seq"])
    assert ws.closed and received == sorted(received) and received[-1] < seqs[-1]
    rest = [e["seq"] for e in (await expert.get(f"/events?since={received[-1]}"))["events"]]
    everything = [e["seq"] for e in (await expert.get("/events?since=0"))["events"]]
    assert (
        received == everything[: len(received)]
        and received + rest == everything
        and seqs[-1] == everything[-1]
    )
    await session.close()


def test_the_hubs_visibility_index_agrees_with_can_see():
    from itertools import product

    from evaluator_app.venue.access.visibility import can_see
    from evaluator_app.venue.events.hub import EventHub
    from evaluator_app.venue.http import Caller
    from evaluator_app.venue.store.records import MemberRecord, SessionRecord

    statuses = ["assigned", "recused", "replaced", "absent"]
    members = [
        MemberRecord("S1", f"p-{role}-{status}-{venue}", "n", role, venue, "A1", status, "", "")
        for role, status, venue in product(["expert", "supervisor"], statuses, ["jinan", "zibo"])
    ]
    callers = [Caller(m.person_id, "n", m.role, m.venue, "ws", "A1") for m in members]
    callers += [
        Caller("stranger", "n", role, venue, "ws", "A1")
        for role, venue in product(["expert", "supervisor", "centre"], ["jinan", "zibo", "linyi"])
    ]
    for main in ("jinan", "linyi"):
        for subset in (members, members[:5], members[8:], []):
            session = SessionRecord(
                "S1", "t", "{}", "lot-1", main, "check_in", None, None, None, "t", "t", "c"
            )
            hub = EventHub()
            hub.remember(session, subset)
            for caller in callers:
                assert hub.visible(caller, "S1") == can_see(caller, session, subset), (
                    caller,
                    main,
                    len(subset),
                )
            assert not hub.visible(callers[0], "S2")


def test_acceptances_skip_the_directory_refresh_and_membership_changes_do_not():
    """Every artefact kind's acceptance event is in NO_MEMBERSHIP_CHANGE (named, not a suffix
    test); the events that change who sees a session are not."""
    from evaluator_app.protocol.kinds import ARTEFACT_KINDS
    from evaluator_app.venue.events.hub import NO_MEMBERSHIP_CHANGE

    for kind in ARTEFACT_KINDS:
        assert f"{kind.name}.accepted" in NO_MEMBERSHIP_CHANGE, kind.name
    for kind in ("member", "session.created"):
        assert kind not in NO_MEMBERSHIP_CHANGE
