"""Transaction statistics for the centre (月度/季度/年度交易数据分析), computed on this machine.

Sources are what the centre already reads from the venue: the sessions, their event history
(when each was created and changed phase) and, from the summary on, each session's results.
Nothing is uploaded anywhere. Figures are Decimal; only the chart turns them into pixels.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.phases import SUMMARY_PHASES, Phase, values
from evaluator_app.protocol.messages import Role, SessionList, SessionView

logger = logging.getLogger(__name__)

Period = Literal["month", "quarter", "year"]
ALL_VENUES = "*"


@dataclass(frozen=True)
class SessionFacts:
    session_id: str
    venue: str  # the main venue
    lot_id: str
    created: datetime
    last_change: datetime
    closed: bool
    experts: frozenset[str]
    recusals: int
    bidders: int
    rejected: int
    deviations: int

    @property
    def minutes(self) -> Decimal:
        seconds = Decimal((self.last_change - self.created).total_seconds())
        return (seconds / Decimal(60)).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class StatRow:
    period: str
    venue: str
    sessions: int
    lots: int
    bidders: int
    experts: int
    average_minutes: Decimal
    longest_minutes: Decimal
    deviations: int
    recusals: int
    rejected: int


COLUMNS = (
    "period",
    "venue",
    "sessions",
    "lots",
    "bidders",
    "experts",
    "average_minutes",
    "longest_minutes",
    "deviations",
    "recusals",
    "rejected",
)


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def period_of(moment: datetime, period: Period) -> str:
    if period == "year":
        return f"{moment.year}"
    if period == "quarter":
        return f"{moment.year}-Q{(moment.month - 1) // 3 + 1}"
    return f"{moment.year}-{moment.month:02d}"


def facts_of(
    session: SessionView,
    events: list[dict[str, Any]],
    summary: dict[str, Any] | None,
    bidders: int,
) -> SessionFacts:
    mine = [e for e in events if e.get("session_id") == session.id]
    created = next((_when(e["at"]) for e in mine if e["kind"] == "session.created"), None)
    changes = [_when(e["at"]) for e in mine if e["kind"] == "phase"]
    start = created or _when(session.scheduled_start or session.phase_since)
    last = max([*changes, _when(session.phase_since), start])
    experts = [m for m in session.members if m.role is Role.EXPERT]
    rejected = sum(1 for o in summary["gates"]["outcomes"] if o["rejected"]) if summary else 0
    return SessionFacts(
        session.id,
        session.main_venue,
        session.lot_id,
        start,
        last,
        session.phase == Phase.CLOSED.value,
        frozenset(m.person_id for m in experts),
        sum(1 for m in experts if m.status == "recused"),
        bidders,
        rejected,
        len(summary["deviations"]) if summary else 0,
    )


def _row(period: str, venue: str, group: list[SessionFacts]) -> StatRow:
    minutes = [f.minutes for f in group]
    average = (
        (sum(minutes, Decimal(0)) / len(minutes)).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if minutes
        else Decimal(0)
    )
    return StatRow(
        period,
        venue,
        len(group),
        len({(f.session_id, f.lot_id) for f in group}),
        sum(f.bidders for f in group),
        len(frozenset().union(*(f.experts for f in group))) if group else 0,
        average,
        max(minutes, default=Decimal(0)),
        sum(f.deviations for f in group),
        sum(f.recusals for f in group),
        sum(f.rejected for f in group),
    )


def statistics(facts: list[SessionFacts], period: Period) -> list[StatRow]:
    """Rows per period and venue, then one row per period over all venues (venue ``*``)."""
    by_key: dict[tuple[str, str], list[SessionFacts]] = defaultdict(list)
    by_period: dict[str, list[SessionFacts]] = defaultdict(list)
    for fact in facts:
        key = period_of(fact.created, period)
        by_key[(key, fact.venue)].append(fact)
        by_period[key].append(fact)
    rows = [_row(p, v, g) for (p, v), g in sorted(by_key.items())]
    rows += [_row(p, ALL_VENUES, g) for p, g in sorted(by_period.items())]
    return rows


def chart_series(rows: list[StatRow], measure: str = "sessions") -> list[tuple[str, Decimal]]:
    """(period, value) over all venues, for the bar chart."""
    return [(r.period, Decimal(getattr(r, measure))) for r in rows if r.venue == ALL_VENUES]


def to_csv(rows: list[StatRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([str(getattr(row, c)) for c in COLUMNS])
    return buffer.getvalue()


async def gather_facts(client: VenueClient) -> list[SessionFacts]:
    """Read what the statistics need from the venue (sessions, events, summaries)."""
    sessions = (await client.get("/sessions", SessionList)).sessions
    events: list[dict[str, Any]] = []
    since = 0
    while True:
        page = await client.get(f"/events?since={since}")
        events += page["events"]
        if page["last_seq"] <= since:
            break
        since = page["last_seq"]
    facts = []
    for session in sessions:
        project = await client.get(f"/sessions/{session.id}/project")
        lot: dict[str, Any] = next(
            (lot for lot in project["project"]["lots"] if lot["id"] == project["lot_id"]),
            {"bidders": []},
        )
        summary = None
        if (session.paused_in or session.phase) in values(SUMMARY_PHASES):
            summary = await client.get(f"/sessions/{session.id}/summary")
        facts.append(facts_of(session, events, summary, len(lot["bidders"])))
    return facts
