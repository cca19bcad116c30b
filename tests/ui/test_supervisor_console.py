"""The supervisor console against the real venue, with experts driven by the client library at
the same time: presence and the offline alert, acknowledgement, pause/resume, broadcast, witness
notes, absence, the summary refused before its phase, and what a secondary venue's supervisor
sees."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from evaluator_app.client.errors import VenueRefused
from evaluator_app.core.project_file import project_from_dict
from tests.client.conftest import CutProxy
from tests.ui.conftest import read_whole, until
from tests.ui.supervisor_console_setup import (
    PRESENCE_COLUMN,
    beating_expert,
    close_console,
    declarations_session,
    in_venue,
    open_console,
    presence_cell,
)
from tests.ui.test_expert_flow_ui import shot
from tests.ui.venue_thread import VenueThread
from tests.venue import flow

HEARTBEAT_TIMEOUT, OFFLINE_ALERT = 1, 2
PHASE_COLUMN, ITEMS_COLUMN = 4, 5


@pytest.fixture
def quick_venue(venue_pki, tmp_path) -> Iterator[VenueThread]:  # type: ignore[no-untyped-def]
    """A venue with short presence timings: offline after 1 s of silence, alerted after 2 s."""
    thread = VenueThread(
        venue_pki,
        tmp_path / "venue",
        heartbeat_timeout_seconds=HEARTBEAT_TIMEOUT,
        offline_alert_seconds=OFFLINE_ALERT,
    )
    yield thread
    thread.stop()


async def _cut(proxy: Any) -> None:
    proxy.cut()


def test_main_venue_supervisor_watches_alerts_pauses_broadcasts_and_witnesses(
    qtbot, pin, drive, quick_venue, tmp_path, monkeypatch
):
    venue, h = quick_venue, quick_venue.harness
    supervisor = venue.demo.person("supervisor-jinan")
    pin(supervisor.password)
    sd1, sd2, nca1, nca2 = (
        h.person_id(k) for k in ("expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2")
    )

    async def scenario() -> None:
        await in_venue(venue, declarations_session(h))
        main, window = await open_console(qtbot, venue, tmp_path, "supervisor-jinan")
        # every venue of the session side by side, the main venue first, experts by seat
        assert list(window.tables.tables) == ["jinan", "zibo"]
        assert [r.seat for r in window.tables.tables["jinan"].rows] == ["A01", "A02", "A03"]
        assert [r.person_id for r in window.tables.tables["zibo"].rows] == [nca1, nca2]
        assert presence_cell(window, sd1) == "未连接"
        for table in window.tables.tables.values():  # side by side, each read whole
            await read_whole(table.table)

        # an expert connected with a heartbeat, then gone: offline within the configured time
        expert1 = await in_venue(venue, beating_expert(h, "expert-sd-1", "focused", 3))
        await until(lambda: presence_cell(window, sd1) == "在线·专注", message="expert online")
        assert window.tables.table_of(sd1).cell(sd1, ITEMS_COLUMN) == "3"
        nca1_client = await in_venue(
            venue, beating_expert(h, "expert-nca-1", "away")
        )  # left the window: focus lost
        await in_venue(
            venue, expert1.events.close()
        )  # the application is gone: no socket, no beats
        gone = time.monotonic()
        await until(
            lambda: presence_cell(window, sd1) == "离线",
            timeout=HEARTBEAT_TIMEOUT + 3,
            message="expert offline",
        )
        assert time.monotonic() - gone < HEARTBEAT_TIMEOUT + 2.5
        await until(
            lambda: any(a.kind == "offline" for a in window.alerts.alerts),
            timeout=OFFLINE_ALERT + 3,
            message="offline alert",
        )
        assert time.monotonic() - gone < OFFLINE_ALERT + 3
        await until(
            lambda: any(a.kind == "focus_lost" for a in window.alerts.alerts), message="focus alert"
        )
        # alerts stand out: a banner, a counter in the title, red rows, the expert's row marked
        assert sorted(a.kind for a in window.alerts.alerts) == ["focus_lost", "offline"], (
            nca1_client
        )
        assert window.alert_banner.isVisible() and "2" in window.alert_banner.text()
        assert "2" in window.windowTitle() and "警报" in window.windowTitle()
        assert window.tables.table_of(sd1).row_of(sd1).attention == "alert"
        assert any("离线" in line for line in window.log.texts())
        shot(window, "supervisor-console")

        # acknowledged: who and when come back from the venue
        offline = next(a for a in window.alerts.alerts if a.kind == "offline")
        window.alerts.button_for(offline.seq).click()
        await until(
            lambda: "赵敏" in window.alerts.acknowledged_text(offline.seq),
            message="acknowledged by the supervisor",
        )
        assert "1" in window.windowTitle()
        audit = venue.call(
            h.venue.store.tx(
                lambda tx: [e.payload for e in tx.audit_entries() if e.action == "acknowledge"]
            )
        )
        assert audit == [{"event": offline.seq}]

        # pause: a reason is required; while paused an expert's signed upload is refused
        panel = window.actions_panel
        panel.pause_button.click()
        await until(lambda: panel.message.text(), message="empty reason explained")
        assert "暂停原因" in panel.message.text()
        assert not window.session.board.paused
        panel.reason_edit.setText("网络检修")
        panel.pause_button.click()
        await until(
            lambda: window.session.board.paused and window.paused_banner.isVisible(),
            message="paused",
        )
        expert2 = await in_venue(venue, beating_expert(h, "expert-sd-2"))
        with pytest.raises(VenueRefused) as refused:
            await in_venue(venue, flow.declare(h, expert2.client, "expert-sd-2"))
        assert refused.value.code == "paused"
        panel.reason_edit.setText("检修完毕")
        panel.resume_button.click()
        await until(
            lambda: not window.session.board.paused and not window.paused_banner.isVisible(),
            message="resumed",
        )
        await in_venue(venue, flow.declare(h, expert2.client, "expert-sd-2"))
        await until(
            lambda: "已提交" in window.tables.table_of(sd2).cell(sd2, PHASE_COLUMN),
            message="declaration seen as submitted",
        )

        # a broadcast reaches the expert's event stream; the expert's acknowledgement shows
        panel.broadcast_edit.setText("请各位专家保持评标程序窗口在前台")
        panel.broadcast_button.click()
        message = await in_venue(
            venue, expert2.events.wait_for("broadcast", message="请各位专家保持评标程序窗口在前台")
        )
        await in_venue(
            venue, expert2.client.post("/sessions/S1/acknowledge", {"seq": message["seq"]})
        )
        reader = h.demo.person("expert-sd-2").name
        await until(
            lambda: any(
                reader in panel.broadcasts.item(i).text() for i in range(panel.broadcasts.count())
            ),
            message="read by the expert",
        )

        # an expert marked absent, with a reason
        panel.absent_combo.setCurrentIndex(panel.absent_combo.findData(nca2))
        panel.absent_reason.setText("身体不适，未到场")
        panel.absent_button.click()
        await until(
            lambda: window.tables.table_of(nca2).cell(nca2, PRESENCE_COLUMN) == "缺席",
            message="absent shown",
        )

        # a witness note, signed with the supervisor's certificate and accepted by the venue
        panel.note_button.click()
        await until(lambda: panel.note_message.text(), message="empty note explained")
        assert "见证记录" in panel.note_message.text()
        panel.note_edit.setPlainText(
            "14:05 济南主场网络中断约 3 分钟，已暂停评标；恢复后各专家继续。"
        )
        panel.note_button.click()
        await until(
            lambda: (
                "场地已接收" in panel.note_message.text() or "收到" in panel.note_message.text()
            ),
            message="note accepted",
        )
        notes = venue.call(h.venue.store.tx(lambda tx: tx.artefacts("S1", "witness_note")))
        assert [(n.person_id, n.status) for n in notes] == [
            (h.person_id("supervisor-jinan"), "accepted")
        ]
        assert b"\xe7\xbd\x91\xe7\xbb\x9c" in bytes(
            notes[0].content
        )  # 网络: the text is what was signed

        # no scores before the summary: the venue refuses, the refusal is explained
        panel.setCurrentIndex(2)
        panel.summary_tab.summary_button.click()
        await until(lambda: panel.summary_tab.summary_message.text(), message="summary answered")
        assert "汇总阶段之前不公开评分" in panel.summary_tab.summary_message.text()
        assert not panel.summary_tab.summary_cells()
        panel.setCurrentIndex(0)
        shot(window, "supervisor-console-actions")
        await close_console(main, window)

    drive(scenario)


def test_secondary_venue_supervisor_sees_only_its_own_experts(qtbot, drive, quick_venue, tmp_path):
    venue, h = quick_venue, quick_venue.harness
    nca1, sd1 = h.person_id("expert-nca-1"), h.person_id("expert-sd-1")

    async def scenario() -> None:
        await in_venue(venue, declarations_session(h))
        main, window = await open_console(qtbot, venue, tmp_path, "supervisor-zibo")
        assert list(window.tables.tables) == ["zibo"]
        assert [r.person_id for r in window.tables.tables["zibo"].rows] == [
            nca1,
            h.person_id("expert-nca-2"),
        ]
        jinan = await in_venue(
            venue, beating_expert(h, "expert-sd-1", "away")
        )  # jinan: neither presence nor alert here
        zibo = await in_venue(venue, beating_expert(h, "expert-nca-1", "away"))
        await until(lambda: presence_cell(window, nca1) == "离开窗口", message="zibo's expert seen")
        await until(
            lambda: any(a.kind == "focus_lost" for a in window.alerts.alerts),
            message="zibo's alert",
        )
        await asyncio.sleep(0.5)
        assert [a.person_id for a in window.alerts.alerts] == [nca1], (jinan, zibo)
        assert sd1 not in window.session.board._seen
        assert window.tables.table_of(sd1) is None
        shot(window, "supervisor-console-zibo")
        await close_console(main, window)

    drive(scenario)


def test_a_witness_note_signed_while_the_venue_is_away_goes_out_when_it_is_back(
    qtbot, pin, drive, quick_venue, tmp_path, monkeypatch
):
    venue, h = quick_venue, quick_venue.harness
    supervisor = venue.demo.person("supervisor-zibo")
    pin(supervisor.password)

    async def scenario() -> None:
        await in_venue(venue, declarations_session(h))
        proxy = await in_venue(venue, CutProxy(h.port).start())
        main, window = await open_console(qtbot, venue, tmp_path, "supervisor-zibo", proxy.url)
        proxy.down = True  # the network is out
        await in_venue(venue, _cut(proxy))  # the relay lives on the venue's loop
        await until(lambda: "无法连接" in window.connection_label.text(), message="offline shown")
        panel = window.actions_panel
        panel.note_edit.setPlainText("淄博副场网络中断，专家在座位等候。")
        panel.note_button.click()
        await until(lambda: "等待发送" in panel.note_message.text(), message="kept safe while away")
        assert not venue.call(h.venue.store.tx(lambda tx: tx.artefacts("S1", "witness_note")))
        proxy.down = False
        window.connection.reconnect_now()
        await until(
            lambda: window.connection.state.status == "online", timeout=15, message="back online"
        )
        await until(
            lambda: [n.state for n in window.session.notes()] == ["delivered"],
            timeout=10,
            message="delivered when back",
        )
        notes = venue.call(h.venue.store.tx(lambda tx: tx.artefacts("S1", "witness_note")))
        assert [(n.person_id, n.status) for n in notes] == [
            (h.person_id("supervisor-zibo"), "accepted")
        ]
        await close_console(main, window)
        await in_venue(venue, proxy.close())

    drive(scenario)


def test_from_the_summary_phase_the_supervisor_sees_the_summary_and_deviation_alerts_carry_no_score(
    qtbot, drive, quick_venue, tmp_path
):
    from tests.venue.test_report_signing import _to_summary

    venue, h = quick_venue, quick_venue.harness

    async def scenario() -> None:
        await in_venue(venue, _to_summary(h))  # five experts through declarations, votes and sheets
        main, window = await open_console(qtbot, venue, tmp_path, "supervisor-jinan")
        await until(lambda: window.session.board.phase == "summary", message="summary phase")
        await until(
            lambda: any(a.kind == "deviation" for a in window.alerts.alerts),
            message="deviation alert",
        )
        deviation = next(a for a in window.alerts.alerts if a.kind == "deviation")
        assert "分值不公开" in deviation.text.zh
        steps = {
            r.seat: window.tables.table_of(r.person_id).cell(r.person_id, PHASE_COLUMN)
            for r in window.session.board.experts()
        }
        assert all("汇总" in text for text in steps.values()), steps
        panel = window.actions_panel
        panel.setCurrentIndex(2)
        panel.summary_tab.summary_button.click()
        await until(lambda: panel.summary_tab.summary_cells(), message="summary shown")
        lot = project_from_dict(flow.example_project()).lot("lot-1")
        names = {b.id: b.name for b in lot.bidders}  # bidders by name, never by id
        cells = panel.summary_tab.summary_cells()
        assert [(row[0], row[1], row[2]) for row in cells] == [
            ("1", f"{names['B2']}（中标候选人）", "90.63"),
            ("2", f"{names['B1']}（中标候选人）", "88.17"),
            ("3", f"{names['B3']}（中标候选人）", "80.19"),
        ]
        # the parts of the example's final scores (technical, commercial, price score), as the
        # centre's results show them; commercial is final − technical − price, so it is checked
        # by its value, not by a sum that holds by construction
        assert [tuple(Decimal(c) for c in row[3:6]) for row in cells] == [
            (Decimal("33.10"), Decimal("18.10"), Decimal("39.43")),
            (Decimal("33.00"), Decimal("16.70"), Decimal("38.47")),
            (Decimal("30.00"), Decimal("14.20"), Decimal("35.99")),
        ]
        rejected = panel.summary_tab.summary_rejected.text()
        assert f"{names['B5']}：超过最高限价" in rejected, rejected
        assert f"{names['B4']}：「" in rejected and "票不通过" in rejected, rejected
        assert "B4" not in rejected and "B5" not in rejected, rejected
        assert "汇总" in panel.summary_tab.summary_message.text()
        shot(window, "supervisor-console-summary")
        await close_console(main, window)

    drive(scenario)
