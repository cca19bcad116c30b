"""The supervisor console's state without Qt: tables, alerts acknowledged, log, actions."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from evaluator_app.client.login import LoggedIn
from evaluator_app.client.supervisor_board import SupervisorBoard
from evaluator_app.client.supervisor_controls import controls, substitute_state
from evaluator_app.client.supervisor_rows import clock_time
from evaluator_app.client.supervisor_session import MissingText, SupervisorSession
from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.protocol.messages import LoginResult, Role, SessionView
from evaluator_app.protocol.schema import decode

ME = "sup-jinan"
VIEW = {  # GET /sessions/S1 as a supervisor of the main venue sees it
    "id": "S1",
    "title": "教学楼改扩建工程",
    "lot_id": "lot-1",
    "main_venue": "jinan",
    "phase": "declarations",
    "paused": False,
    "paused_in": None,
    "leader_id": None,
    "scheduled_start": None,
    "phase_since": "2026-11-26T09:00:00Z",
    "venues": ["jinan", "zibo"],
    "members": [
        {
            "person_id": "e4",
            "name": "刘洋",
            "role": "expert",
            "venue": "zibo",
            "seat": "B01",
            "status": "assigned",
        },
        {
            "person_id": "e2",
            "name": "李娜",
            "role": "expert",
            "venue": "jinan",
            "seat": "A02",
            "status": "assigned",
        },
        {
            "person_id": "e1",
            "name": "张伟",
            "role": "expert",
            "venue": "jinan",
            "seat": "A01",
            "status": "assigned",
        },
        {
            "person_id": ME,
            "name": "赵敏",
            "role": "supervisor",
            "venue": "jinan",
            "seat": "S1",
            "status": "assigned",
        },
    ],
}


def event(seq: int, event_kind: str, session: str = "S1", **payload: Any) -> dict[str, Any]:
    return {
        "type": "event",
        "seq": seq,
        "session_id": session,
        "kind": event_kind,
        "payload": payload,
        "at": f"2026-11-26T10:00:{seq:02d}Z",
    }


def board() -> SupervisorBoard:
    b = SupervisorBoard("S1", ME)
    b.set_view(decode(SessionView, VIEW))
    return b


def test_experts_are_tabled_per_venue_main_venue_first_by_seat_without_supervisors():
    tables = board().tables()
    assert list(tables) == ["jinan", "zibo"]
    assert [(r.name, r.seat) for r in tables["jinan"]] == [("张伟", "A01"), ("李娜", "A02")]
    assert [r.presence for r in tables["zibo"]] == ["unknown"]
    assert all(r.attention == "warn" for rows in tables.values() for r in rows)  # never connected


def test_presence_events_and_the_presence_board_update_the_rows():
    b = board()
    b.apply(event(1, "presence", person="e1", presence="focused", items_scored=4))
    b.set_presence(
        [
            {
                "person": "e2",
                "presence": "idle",
                "items_scored": 2,
                "last_activity": "2026-11-26T10:00:30Z",
                "connected": True,
            }
        ]
    )
    rows = {r.person_id: r for r in b.experts()}
    assert (
        rows["e1"].presence,
        rows["e1"].items_scored,
        rows["e1"].connected,
        rows["e1"].attention,
    ) == ("focused", 4, True, "")
    assert (rows["e2"].presence, rows["e2"].last_activity) == ("idle", "2026-11-26T10:00:30Z")
    b.apply(event(2, "presence", person="e1", presence="offline", items_scored=4))
    assert b.experts()[2].person_id == "e1" and not b.experts()[2].connected
    assert {r.person_id: r.attention for r in b.experts()}["e1"] == "alert"


def test_alerts_stand_out_until_acknowledged_with_who_and_when():
    b = board()
    b.apply(event(3, "alert", alert="offline", person="e1", seconds=61))
    b.apply(event(4, "alert", alert="phase_stuck", phase="declarations", seconds=7300))
    assert b.open_alerts == 2
    assert [a.seq for a in b.alerts()] == [4, 3]
    assert b.alerts()[1].text.zh == "张伟 已离线超过 61 秒"
    assert "承诺与回避声明" in b.alerts()[0].text.zh and "121 分钟" in b.alerts()[0].text.zh
    assert {r.person_id: r.open_alerts for r in b.experts()}["e1"] == 1
    b.apply(event(5, "acknowledged", event=3, by=ME, name="赵敏", at="2026-11-26T10:01:00Z"))
    b.apply(
        event(6, "acknowledged", event=3, by="sup-zibo", name="周杰", at="2026-11-26T10:02:00Z")
    )  # the first one counts
    assert b.open_alerts == 1
    done = next(a for a in b.alerts() if a.seq == 3)
    assert (done.acknowledged_name, done.acknowledged_at) == ("赵敏", "2026-11-26T10:01:00Z")
    assert [a.seq for a in b.alerts()] == [4, 3]  # open ones first
    assert [e.alert for e in b.log] == [True, True, False, False]


def test_deviation_alert_never_carries_a_score():
    b = board()
    b.apply(event(7, "alert", alert="deviation", person="e2", items=["B2/t-plan", "B3/t-plan"]))
    text = b.alerts()[0].text
    assert text.zh == "李娜 的评分被标记为畸高畸低（2 项，分值不公开）"
    assert not b.scores_visible


def test_broadcasts_collect_who_read_them_and_steps_show_as_submitted():
    b = board()
    b.apply(event(8, "broadcast", message="请保持窗口在前台", by=ME, name="赵敏"))
    b.apply(event(9, "acknowledged", event=8, by="e2", name="李娜", at="x"))
    b.apply(event(10, "acknowledged", event=8, by="e2", name="李娜", at="y"))
    assert [(n.message, n.read_by) for n in b.broadcasts()] == [("请保持窗口在前台", ("李娜",))]
    b.apply(
        event(
            11,
            "declaration.accepted",
            person="e2",
            kind="declaration",
            artefact=1,
            version=1,
            sha256="00",
        )
    )
    assert {r.person_id: r.step_done for r in b.experts()} == {"e1": False, "e2": True, "e4": False}
    assert b.log[-1].text.zh == "场地已接收 李娜 的承诺书"


def test_pause_and_resume_read_as_such_and_other_sessions_are_ignored():
    b = board()
    assert b.apply(event(12, "phase", phase="declarations", paused=True, reason="网络检修", by=ME))
    assert b.apply(event(13, "phase", phase="declarations", paused=False, reason="检修完毕", by=ME))
    assert b.apply(event(14, "phase", phase="leader_election", paused=False, reason="", by="venue"))
    assert [e.text.zh for e in b.log] == [
        "评标已暂停（赵敏）：网络检修",
        "评标已恢复（赵敏）：检修完毕",
        "阶段：推选组长（场地系统）",
    ]
    assert not b.apply(
        event(15, "phase", session="S2", phase="closed", paused=False, reason="", by="x")
    )
    assert len(b.log) == 3 and b.last_seq == 14


def test_clock_time_reads_venue_times():
    assert len(clock_time("2026-11-26T10:00:00Z")) == 8 and clock_time("") == ""


class FakeClient:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any]] = []
        self.venue_names: dict[str, str] = {}

    async def get(self, path: str, cls: Any = None) -> Any:  # decodes as VenueClient.get does
        data = {"presence": []} if path.endswith("/presence") else VIEW
        return decode(cls, data) if cls else data

    async def post(self, path: str, body: Any = None, cls: Any = None) -> Any:
        self.sent.append((path, body))
        data = (
            {**VIEW, "paused": path.endswith("/pause")}
            if path.endswith(("/pause", "/resume"))
            else {"seq": 20}
        )
        return decode(cls, data) if cls else data


def test_actions_need_their_reason_before_anything_is_sent(tmp_path):
    client = FakeClient()
    result = LoginResult(
        "t", ME, "赵敏", Role.SUPERVISOR, "jinan", "ws", "S1", "2026-11-27T00:00:00Z"
    )
    session = SupervisorSession(LoggedIn(None, None, client, result), "S1", tmp_path)  # type: ignore[arg-type]
    changed: list[int] = []
    session.listeners.append(lambda: changed.append(1))

    async def run() -> None:
        for action in (
            session.pause("  "),
            session.resume(""),
            session.broadcast(" "),
            session.mark_absent("e1", ""),
        ):
            with pytest.raises(MissingText) as refused:
                await action
            assert refused.value.message_zh.startswith("请填写")
        with pytest.raises(MissingText):
            session.witness_note("   ")
        assert client.sent == []
        await session.pause("网络检修")
        assert session.board.paused and changed
        await session.load()
        await session.on_event(
            event(21, "phase", phase="declarations", paused=False, reason="好了", by=ME)
        )
        assert client.sent == [("/sessions/S1/pause", {"reason": "网络检修"})]
        note = session.witness_note(" 一切正常 ")
        assert (note.session_id, note.supervisor_id, note.venue, note.text) == (
            "S1",
            ME,
            "jinan",
            "一切正常",
        )

    asyncio.run(run())
    session.close()


def test_a_new_count_alone_updates_the_table_and_only_a_change_of_presence_is_logged():
    b = board()
    for seq, (presence, count) in enumerate(
        [("focused", 0), ("focused", 1), ("focused", 2), ("away", 2), ("away", 3)], start=1
    ):
        b.apply(event(seq, "presence", person="e1", presence=presence, items_scored=count))
    assert {r.person_id: r.items_scored for r in b.experts()}["e1"] == 3
    assert [e.text.zh for e in b.log] == ["张伟：在线·专注，已评 0 项", "张伟：离开窗口，已评 2 项"]


def test_an_answer_that_does_not_say_whether_the_committee_was_drawn_keeps_what_the_view_said():
    b = board()
    b.set_view(decode(SessionView, {**VIEW, "drawn": True}))  # GET /sessions/S1
    b.set_view(decode(SessionView, {**VIEW, "paused": True}))  # a pause's answer: drawn unsaid
    assert b.view is not None and b.view.drawn is True and b.view.paused
    b.set_view(decode(SessionView, {**VIEW, "drawn": False}))
    assert b.view is not None and b.view.drawn is False


def test_the_controls_say_why_they_are_grey_by_the_phase_machines_rules():
    b = SupervisorBoard("S1", ME, {"jinan": "济南", "zibo": "淄博"})
    b.set_view(decode(SessionView, VIEW))
    running = controls(b, PhaseRole.SUPERVISOR)
    assert running.pause is None and running.resume is not None
    assert running.resume.zh == "恢复：会话未暂停。"
    assert {c.label for c in running.absent_choices} == {
        "张伟（济南主场 A01）",
        "李娜（济南主场 A02）",
        "刘洋（淄博副场 B01）",
    } and running.absent is None
    b.set_view(decode(SessionView, {**VIEW, "paused": True, "paused_in": "declarations"}))
    paused = controls(b, PhaseRole.CENTRE)
    assert paused.resume is None and paused.pause is not None
    assert paused.pause.text("en") == "Pause: the session is already paused."
    members = [{**m, "status": "absent"} if m["role"] == "expert" else m for m in VIEW["members"]]
    b.set_view(decode(SessionView, {**VIEW, "phase": "closed", "members": members}))
    closed = controls(b, PhaseRole.SUPERVISOR)
    assert closed.pause is not None and closed.pause.zh == "暂停：只能暂停进行中的会话。"
    assert closed.absent_choices == () and closed.absent is not None
    # an expert may neither pause nor resume: the machine refuses, the text says who may
    assert controls(board(), PhaseRole.EXPERT).pause is not None


def test_a_substitute_is_offered_only_for_a_typed_roster_after_a_recusal():
    b = board()
    members = [{**m, "status": "recused"} if m["person_id"] == "e2" else m for m in VIEW["members"]]
    b.set_view(decode(SessionView, {**VIEW, "members": members, "drawn": False}))
    typed = substitute_state(b)
    assert typed.offered and typed.blocked is None
    b.set_view(decode(SessionView, {**VIEW, "members": members, "drawn": True}))
    drawn = substitute_state(b)
    assert not drawn.offered and drawn.blocked is not None and "专家抽取" in drawn.blocked.zh
    nobody = substitute_state(board())
    assert not nobody.offered and nobody.blocked is not None and "回避" in nobody.blocked.zh
