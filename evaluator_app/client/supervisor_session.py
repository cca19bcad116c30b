"""A supervisor's work in one session, without Qt: what the supervisor console asks for.

It keeps the :class:`SupervisorBoard` current (the session's view, the presence board, every
event), and carries out the supervisor's actions against the venue: pause and resume with a
reason, broadcast, acknowledge an alert, mark an expert absent, and write a witness note
(见证记录) signed with the supervisor's own credential (the PIN asked each time), queued in an
outbox so that a network failure never loses it. It never asks for scores before the summary.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from evaluator_app.client.centre_plan import Person
from evaluator_app.client.errors import ClientError, LoginRequired
from evaluator_app.client.login import LoggedIn
from evaluator_app.client.outbox import Outbox, OutboxItem
from evaluator_app.client.results_rows import Names, Results, fetch_names, results_from_summary
from evaluator_app.client.supervisor_board import SupervisorBoard
from evaluator_app.client.supervisor_controls import Controls, controls
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.protocol.artefacts import WitnessNote
from evaluator_app.protocol.messages import MemberInput, Role, SessionView

logger = logging.getLogger(__name__)


class MissingText(ClientError):
    """A reason (pause, resume, absence), a message or a note was left empty: nothing was sent."""


@dataclass(frozen=True)
class Summary:
    """The venue's summary, once it shows it (from the summary phase on)."""

    phase: str
    data: dict[str, Any]
    names: Names = ({}, {}, {})  # bidders, people, items: id → name

    def results(self, language: str = "zh_CN") -> Results:
        """Every bidder by name, columns that add up, the rejected with their reasons."""
        bidders, people, items = self.names
        return results_from_summary(self.data, bidders, people, items, language)


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def required_text(text: str, what_en: str, what_zh: str) -> str:
    text = text.strip()
    if not text:
        raise MissingText(
            f"{what_en} is required: it goes into the record", f"请填写{what_zh}，它将记入记录"
        )
    return text


class SupervisorSession:
    def __init__(self, logged: LoggedIn, session_id: str, data_dir: Path):
        self.logged = logged
        self.client: VenueClient = logged.client
        self.session_id = session_id
        self.me = logged.result.person_id
        self.venue = logged.result.venue
        self.board = SupervisorBoard(session_id, self.me, logged.client.venue_names)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox(data_dir / "outbox.db")
        self._notes: list[OutboxItem] = self.outbox.items(
            session_id
        )  # read once; kept current by deliver()
        self.listeners: list[Callable[[], None]] = []

    def _changed(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:  # one bad listener must not cost the others
                logger.exception("supervisor listener failed")

    @property
    def base(self) -> str:
        return f"/sessions/{self.session_id}"

    # -- state -----------------------------------------------------------------------
    async def load(self) -> None:
        """The session as this supervisor may see it, and the presence board."""
        self.board.set_view(await self.client.get(self.base, SessionView))
        await self.refresh_presence()

    async def refresh_presence(self) -> None:
        data = await self.client.get(f"{self.base}/presence")
        self.board.set_presence(data["presence"])
        self._changed()

    async def on_event(self, event: Mapping[str, Any]) -> None:
        """Every event from the connection, in order; the view is read again after a phase or
        member change."""
        if event.get("session_id") != self.session_id:
            return
        if self.board.apply(event) or str(event.get("kind", "")).endswith(".accepted"):
            try:
                self.board.set_view(await self.client.get(self.base, SessionView))
            except ClientError as exc:  # offline for a moment: the next change reads it again
                logger.info("session view not refreshed: %s", exc.message_en)
        self._changed()

    # -- actions ---------------------------------------------------------------------
    async def candidates(self) -> list[Person]:
        """Experts of the roster who are not in this session (the centre picks a substitute)."""
        view = self.board.view
        members = {m.person_id for m in view.members} if view else set()
        data = await self.client.get("/people")
        people = [Person.from_json(p) for p in data["people"]]
        return [p for p in people if p.role == "expert" and p.person_id not in members]

    def controls(self) -> Controls:
        """Which controls may be used now, and why not (for the console's grey buttons)."""
        return controls(self.board, PhaseRole(self.logged.result.role.value))

    async def add_member(self, person_id: str, venue: str, seat: str) -> None:
        """The centre seats a substitute (after a recusal); the venue checks conflicts and seats."""
        seat = required_text(seat, "the seat", "座位号")
        await self.client.post(
            f"{self.base}/members", MemberInput(person_id, Role.EXPERT, venue, seat)
        )
        await self.load()

    async def pause(self, reason: str) -> None:
        why = required_text(reason, "the reason for the pause", "暂停原因")
        self.board.set_view(
            await self.client.post(f"{self.base}/pause", {"reason": why}, SessionView)
        )
        self._changed()

    async def resume(self, reason: str) -> None:
        why = required_text(reason, "the reason for resuming", "恢复原因")
        self.board.set_view(
            await self.client.post(f"{self.base}/resume", {"reason": why}, SessionView)
        )
        self._changed()

    async def broadcast(self, message: str) -> int:
        text = required_text(message, "the message", "广播内容")
        data = await self.client.post(f"{self.base}/broadcast", {"message": text})
        return int(data["seq"])

    async def acknowledge(self, seq: int) -> None:
        """Acknowledge an alert: the venue records who and when, and says so in an event."""
        await self.client.post(f"{self.base}/acknowledge", {"seq": seq})

    async def mark_absent(self, person_id: str, reason: str) -> None:
        why = required_text(reason, "the reason for the absence", "缺席原因")
        self.board.set_view(
            await self.client.post(
                f"{self.base}/absent", {"person_id": person_id, "reason": why}, SessionView
            )
        )
        self._changed()

    def witness_note(self, text: str) -> WitnessNote:
        return WitnessNote(
            self.session_id,
            self.me,
            self.venue,
            required_text(text, "the note", "见证记录内容"),
            now_iso(),
        )

    async def write_witness_note(self, text: str, secret: str) -> OutboxItem:
        """Sign the note with the supervisor's credential, queue it, and try to deliver it now."""
        body = self.witness_note(text)
        signer = await self.logged.credential.open(secret)
        try:
            kind, content, signature = await VenueClient.sign_body(body, signer)
        finally:
            signer.close()
        item = self.outbox.enqueue(
            self.session_id, kind.route, content, signature, label=kind.label_zh
        )
        await self.deliver()
        return self.outbox.item(item.id)

    async def deliver(self) -> None:
        """Send every note still queued (after a signature, or when the venue is back)."""
        try:
            await self.outbox.flush(self.client, lambda _item: self._changed(), force=True)
        except LoginRequired:
            logger.info("witness notes wait for a new login")
        self._notes = self.outbox.items(self.session_id)
        self._changed()

    def has_pending(self) -> bool:
        return any(item.state == "pending" for item in self._notes)

    def notes(self) -> list[OutboxItem]:
        """The notes written in this session and their delivery state (no disk read: the console
        redraws often)."""
        return list(self._notes)

    async def summary(self) -> Summary:
        """The summary; the venue refuses it (403 ``before_summary``) before the summary phase."""
        data = await self.client.get(f"{self.base}/summary")
        return Summary(self.board.phase, data, await fetch_names(self.client, self.session_id))

    def close(self) -> None:
        self.outbox.close()
