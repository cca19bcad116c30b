"""What a supervisor's console shows for one session, without Qt and without I/O.

The board is fed the session's view (``GET /sessions/{sid}``: the members this supervisor may
see), the presence board (``GET /sessions/{sid}/presence``) and every event of the session, in
order (a replay from ``since=0`` rebuilds the same state: alerts and who acknowledged them are
events too). It answers with frozen rows: the experts per venue, the alerts with their
acknowledgement, the broadcasts with who has read them, and an event log in both languages.
It never holds a score: the venue sends none to a supervisor before the summary.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from evaluator_app.client.explain import Explanation
from evaluator_app.client.names import artefact_name, venue_label
from evaluator_app.client.supervisor_rows import (
    EVENTS,
    PRESENCE,
    STATUSES,
    Alert,
    BroadcastNote,
    ExpertRow,
    LogEntry,
    pair_words,
    phase_text,
)
from evaluator_app.core.phases import SUMMARY_PHASES, Phase, values
from evaluator_app.protocol.kinds import step_of_phase
from evaluator_app.protocol.messages import Role, SessionView

logger = logging.getLogger(__name__)

LOG_LIMIT = 500  # lines kept in the event log (the venue keeps everything)
# the signed step each phase expects from every expert ("submitted" in the phase column)
STEP_OF_PHASE = {
    **{phase.value: kind.name for phase, kind in step_of_phase().items()},
    Phase.REPORT_SIGNING.value: "report_signature",  # signed the report or recorded dissent
}
# events after which the session's view (phase, members) is read again
RELOAD_ON = frozenset({"phase", "member", "leader.elected", "session.created"})


@dataclass
class _Seen:
    presence: str = "unknown"
    connected: bool = False
    items_scored: int = 0
    last_activity: str = ""
    done: set[str] = field(default_factory=set)  # artefact kinds accepted


class SupervisorBoard:
    """The state of one session as its supervisor sees it; ``apply`` every event in order."""

    def __init__(self, session_id: str, me: str, venue_names: Mapping[str, str] | None = None):
        self.session_id = session_id
        self.me = me
        self.venue_names: Mapping[str, str] = venue_names or {}
        self.view: SessionView | None = None  # GET /sessions/{sid}, decoded
        self._seen: dict[str, _Seen] = {}
        self._alerts: dict[int, Alert] = {}
        self._broadcasts: dict[
            int, tuple[str, str, list[str]]
        ] = {}  # seq -> (message, at, read by)
        self.log: list[LogEntry] = []
        self.last_seq = 0
        self._paused_by_events = False  # as the events tell it (a resume is a phase event too)

    # -- inputs ---------------------------------------------------------------------
    def set_view(self, view: SessionView) -> None:
        if view.drawn is None and self.view is not None and self.view.id == view.id:
            view = replace(view, drawn=self.view.drawn)  # an answer that does not say keeps it
        self.view = view

    def set_presence(self, rows: list[Mapping[str, Any]]) -> None:
        """The venue's presence board: the newest word on each expert it has heard from."""
        for row in rows:
            seen = self._seen.setdefault(str(row["person"]), _Seen())
            seen.presence = str(row.get("presence", seen.presence))
            seen.items_scored = int(row.get("items_scored", seen.items_scored))
            seen.last_activity = str(row.get("last_activity") or seen.last_activity)
            seen.connected = bool(row.get("connected", seen.connected))

    def apply(self, event: Mapping[str, Any]) -> bool:
        """Take one event; True if the session's view should be read again (phase, members)."""
        if event.get("session_id") != self.session_id:
            return False
        seq, kind, at = int(event["seq"]), str(event.get("kind", "")), str(event.get("at", ""))
        payload: Mapping[str, Any] = event.get("payload") or {}
        self.last_seq = max(self.last_seq, seq)
        person = payload.get("person")
        logged = True
        if kind == "presence" and isinstance(person, str):
            seen = self._seen.setdefault(person, _Seen())
            # a new count alone is shown in the table, not logged: one line a second per expert
            # typing would bury the log; a change of presence is logged, with the count
            logged = seen.presence != str(payload.get("presence", "unknown"))
            seen.presence = str(payload.get("presence", "unknown"))
            seen.items_scored = int(payload.get("items_scored", seen.items_scored))
            seen.last_activity = at
            seen.connected = seen.presence != "offline"
        elif kind == "alert":
            self._alerts[seq] = Alert(
                seq,
                str(payload.get("alert", "")),
                person if isinstance(person, str) else None,
                at,
                self._alert_text(payload),
            )
        elif kind == "acknowledged":
            self._acknowledged(payload)
        elif kind == "broadcast":
            self._broadcasts[seq] = (str(payload.get("message", "")), at, [])
        elif (kind.endswith(".accepted") or kind == "report.signed") and isinstance(person, str):
            seen = self._seen.setdefault(person, _Seen())
            done = str(payload.get("kind", kind.removesuffix(".accepted")))
            seen.done.add(
                "report_signature" if kind == "report.signed" or done == "dissent" else done
            )
            seen.last_activity = at
        if logged:
            self.log.append(
                LogEntry(seq, at, kind, self._log_text(kind, payload), alert=kind == "alert")
            )
            del self.log[:-LOG_LIMIT]
        return kind in RELOAD_ON

    def _acknowledged(self, payload: Mapping[str, Any]) -> None:
        target, by, name, when = (
            int(payload.get("event", 0)),
            str(payload.get("by", "")),
            str(payload.get("name", "")),
            str(payload.get("at", "")),
        )
        alert = self._alerts.get(target)
        if alert is not None and not alert.acknowledged:
            self._alerts[target] = replace(
                alert, acknowledged_by=by, acknowledged_name=name, acknowledged_at=when
            )
        note = self._broadcasts.get(target)
        if note is not None and by != self.me and name not in note[2]:
            note[2].append(name or by)

    # -- what the console shows ------------------------------------------------------
    @property
    def phase(self) -> str:
        return self.view.phase if self.view else ""

    @property
    def paused(self) -> bool:
        return self.view.paused if self.view else False

    @property
    def title(self) -> str:
        return self.view.title if self.view else self.session_id

    @property
    def main_venue(self) -> str:
        return self.view.main_venue if self.view else ""

    @property
    def scores_visible(self) -> bool:
        """The venue shows the summary (scores) from the summary phase on, to supervisors too."""
        return self.phase in values(SUMMARY_PHASES)

    def venue_label(self, venue_id: str, language: str = "zh_CN") -> str:
        """'济南主场' or '淄博副场': the venue by name, and which it is for this session."""
        return venue_label(venue_id, self.venue_names, self.main_venue or None, language)

    def name_of(self, person_id: str | None) -> str:
        member = self.view.member(person_id) if self.view else None
        return member.name if member else person_id or ""

    def actor(self, person_id: str | None) -> Explanation:
        """Who changed a phase: a member by name, else the venue itself or the trading centre."""
        if person_id == "venue":
            return Explanation("场地系统", "the venue")
        name = self.name_of(person_id)
        return (
            Explanation(name, name)
            if name != (person_id or "")
            else Explanation("交易中心", "the trading centre")
        )

    def experts(self) -> list[ExpertRow]:
        open_by_person: dict[str, int] = {}
        for alert in self._alerts.values():
            if alert.person_id and not alert.acknowledged:
                open_by_person[alert.person_id] = open_by_person.get(alert.person_id, 0) + 1
        step = STEP_OF_PHASE.get(self.phase)
        rows = []
        for member in self.view.members if self.view else ():
            if member.role is not Role.EXPERT:
                continue
            seen = self._seen.get(member.person_id, _Seen())
            rows.append(
                ExpertRow(
                    member.person_id,
                    member.name,
                    member.venue,
                    member.seat,
                    member.status,
                    seen.presence,
                    seen.connected,
                    seen.items_scored,
                    seen.last_activity,
                    "paused" if self.paused else self.phase,
                    step is not None and step in seen.done,
                    open_by_person.get(member.person_id, 0),
                    self.venue_label(member.venue),
                )
            )
        return rows

    def tables(self) -> dict[str, list[ExpertRow]]:
        """Experts per venue, the main venue first, each ordered by seat (one table each)."""
        main = self.main_venue
        out: dict[str, list[ExpertRow]] = {}
        for row in sorted(self.experts(), key=lambda r: (r.venue != main, r.venue, r.seat, r.name)):
            out.setdefault(row.venue, []).append(row)
        return out

    def alerts(self) -> list[Alert]:
        """Newest first; the ones not yet acknowledged before the others."""
        return sorted(self._alerts.values(), key=lambda a: (a.acknowledged, -a.seq))

    @property
    def open_alerts(self) -> int:
        return sum(1 for a in self._alerts.values() if not a.acknowledged)

    def broadcasts(self) -> list[BroadcastNote]:
        return [
            BroadcastNote(seq, message, at, tuple(read))
            for seq, (message, at, read) in sorted(self._broadcasts.items())
        ]

    # -- words -----------------------------------------------------------------------
    def _alert_text(self, payload: Mapping[str, Any]) -> Explanation:
        name, kind = self.name_of(payload.get("person")), payload.get("alert")
        seconds = int(payload.get("seconds", 0) or 0)
        if kind == "offline":
            return Explanation(
                f"{name} 已离线超过 {seconds} 秒", f"{name} has been offline for over {seconds} s"
            )
        if kind == "focus_lost":
            return Explanation(f"{name} 离开了评标程序窗口", f"{name} left the evaluation window")
        if kind == "deviation":
            count = len(payload.get("items") or [])
            return Explanation(
                f"{name} 的评分被标记为畸高畸低（{count} 项，分值不公开）",
                f"{name}'s scores were flagged as deviating ({count} item(s); scores not shown)",
            )
        if kind == "phase_stuck":
            phase = phase_text(str(payload.get("phase", "")))
            return Explanation(
                f"“{phase.zh}”阶段已持续 {seconds // 60} 分钟，超过计划",
                f"phase {phase.en} has lasted {seconds // 60} min, longer than planned",
            )
        if kind == "recusal":
            reason = str(payload.get("reason", ""))
            return Explanation(f"{name} 申请回避：{reason}", f"{name} recused: {reason}")
        return Explanation(f"警报：{kind}", f"alert: {kind}")

    def _log_text(self, kind: str, payload: Mapping[str, Any]) -> Explanation:
        name = self.name_of(payload.get("person"))
        if kind == "presence":
            state = pair_words(PRESENCE, str(payload.get("presence", "")))
            return Explanation(
                f"{name}：{state.zh}，已评 {payload.get('items_scored', 0)} 项",
                f"{name}: {state.en}, {payload.get('items_scored', 0)} item(s) scored",
            )
        if kind == "alert":
            text = self._alert_text(payload)
            return Explanation(f"警报：{text.zh}", f"alert: {text.en}")
        if kind == "acknowledged":
            return Explanation(
                f"{payload.get('name', '')} 确认了 #{payload.get('event')}",
                f"{payload.get('name', '')} acknowledged #{payload.get('event')}",
            )
        if kind == "broadcast":
            return Explanation(
                f"{payload.get('name', '')} 广播：{payload.get('message', '')}",
                f"broadcast by {payload.get('name', '')}: {payload.get('message', '')}",
            )
        if kind == "phase":
            by = self.actor(payload.get("by"))
            reason = str(payload.get("reason", ""))
            reason_zh = str(payload.get("reason_zh") or reason)  # the venue's words, in Chinese
            phase = phase_text(str(payload.get("phase", "")))
            was_paused, self._paused_by_events = self._paused_by_events, bool(payload.get("paused"))
            if self._paused_by_events:
                return Explanation(
                    f"评标已暂停（{by.zh}）：{reason_zh}", f"paused by {by.en}: {reason}"
                )
            if was_paused:
                return Explanation(
                    f"评标已恢复（{by.zh}）：{reason_zh}", f"resumed by {by.en}: {reason}"
                )
            return Explanation(
                f"阶段：{phase.zh}（{by.zh}）{'：' + reason_zh if reason_zh else ''}",
                f"phase: {phase.en} ({by.en}){': ' + reason if reason else ''}",
            )
        if kind == "member":
            status = pair_words(STATUSES, str(payload.get("status", "")))
            reason = payload.get("reason", "")
            return Explanation(
                f"{name}：{status.zh}{'（' + reason + '）' if reason else ''}",
                f"{name}: {status.en}{' (' + reason + ')' if reason else ''}",
            )
        if kind == "report.signed":
            return Explanation(f"{name} 签署了评标报告", f"{name} signed the report")
        if kind.endswith(".accepted"):
            what = artefact_name(str(payload.get("kind", kind.removesuffix(".accepted"))))
            who = self.actor(payload.get("person"))  # the centre for a manifest: not a member
            return Explanation(
                f"场地已接收 {who.zh} 的{what.zh}", f"the venue accepted {who.en}'s {what.en}"
            )
        return pair_words(EVENTS, kind)
