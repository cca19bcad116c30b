"""The rows a supervisor's console shows, and the words (Chinese and English) they are shown in.

The supervisor board (supervisor_board.py) turns a session's view, presence board and events into
state; what it hands the console are these frozen rows: an expert's line in a venue's table, an
alert with who acknowledged it, a broadcast with who has read it, a line of the event log. They
live apart from the board so that the console's widgets can import what they draw without the
board's bookkeeping, together with the tables that name phases, presence and member statuses in
both languages and the Beijing clock time the rows show.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evaluator_app.client.explain import Explanation
from evaluator_app.core.beijing import beijing_clock

PHASES = {
    "preparing": ("准备", "preparing"),
    "check_in": ("签到", "check-in"),
    "declarations": ("承诺与回避声明", "declarations"),
    "leader_election": ("推选组长", "leader election"),
    "preliminary_review": ("初步评审", "preliminary review"),
    "detailed_scoring": ("详细评审", "detailed scoring"),
    "summary": ("汇总", "summary"),
    "report_signing": ("签署评标报告", "report signing"),
    "closed": ("已结束", "closed"),
}
PRESENCE = {
    "focused": ("在线·专注", "online, focused"),
    "idle": ("在线·空闲", "online, idle"),
    "away": ("离开窗口", "away"),
    "offline": ("离线", "offline"),
    "unknown": ("未连接", "not connected"),
}
EVENTS = {
    "session.created": ("会话已创建", "session created"),
    "leader.elected": ("组长已推选产生", "the leader was elected"),
    "leader.tie": ("组长推选票数相同，重新投票", "the leader election was tied: new round"),
    "gates.decided": ("初步评审结果已产生", "the preliminary review is decided"),
    "score_sheet.returned": ("组长退回了一份评分表", "the leader returned a score sheet"),
    "collusion.done": ("围标串标分析已完成", "the collusion analysis is done"),
    "collusion.progress": ("围标串标分析进行中", "the collusion analysis is running"),
}
STATUSES = {
    "assigned": ("在任", "assigned"),
    "absent": ("缺席", "absent"),
    "recused": ("回避", "recused"),
    "replaced": ("已替换", "replaced"),
}


def pair_words(table: Mapping[str, tuple[str, str]], key: str) -> Explanation:
    """The Chinese and English words a table gives for ``key`` (the key itself if none)."""
    zh, en = table.get(key, (key, key))
    return Explanation(zh, en)


def phase_text(phase: str) -> Explanation:
    return pair_words(PHASES, phase)


@dataclass(frozen=True)
class ExpertRow:
    person_id: str
    name: str
    venue: str
    seat: str
    status: str  # assigned, absent, recused, replaced
    presence: str  # focused, idle, away, offline, unknown (never beat)
    connected: bool
    items_scored: int
    last_activity: str  # ISO time of the last change seen, "" if none
    phase: str  # the session's phase ("paused" while paused)
    step_done: bool  # has this expert's signed step of the current phase been accepted?
    open_alerts: int  # alerts about this expert not yet acknowledged
    venue_name: str = ""  # 济南主场 / 淄博副场, as people read it

    @property
    def presence_text(self) -> Explanation:
        return pair_words(PRESENCE, self.presence)

    @property
    def status_text(self) -> Explanation:
        return pair_words(STATUSES, self.status)

    @property
    def attention(self) -> str:
        """How the row should stand out: "alert", "warn", "muted" or ""."""
        if self.status != "assigned":
            return "muted"
        if self.open_alerts or self.presence == "offline":
            return "alert"
        return "warn" if self.presence in ("away", "unknown") else ""


@dataclass(frozen=True)
class Alert:
    seq: int
    kind: str  # offline, focus_lost, deviation, phase_stuck, recusal
    person_id: str | None
    at: str
    text: Explanation
    acknowledged_by: str | None = None  # person id
    acknowledged_name: str | None = None
    acknowledged_at: str | None = None

    @property
    def acknowledged(self) -> bool:
        return self.acknowledged_by is not None


@dataclass(frozen=True)
class BroadcastNote:
    seq: int
    message: str
    at: str
    read_by: tuple[str, ...]  # names of the experts who acknowledged it


@dataclass(frozen=True)
class LogEntry:
    seq: int
    at: str
    kind: str
    text: Explanation
    alert: bool = False


def clock_time(iso: str) -> str:
    """An ISO time from the venue as Beijing wall-clock time (HH:MM:SS), "" if none."""
    return beijing_clock(iso) if iso else ""
