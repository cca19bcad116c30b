"""One expert's work in one session, without Qt: what the session window asks for.

It holds the session's view and plan, builds every artefact the expert signs, signs it with
the credential (the PIN asked each time), and hands it to the outbox so a network failure or a
restart never loses it; scores go to the crash-safe journal at every keystroke, then to the
venue's draft store.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from evaluator_app.client.doc_cache import EncryptedCache
from evaluator_app.client.downloads import DocumentService
from evaluator_app.client.errors import LoginRequired, VenueRefused
from evaluator_app.client.explain import Explanation
from evaluator_app.client.grid import price_points, score_problem, typed_totals
from evaluator_app.client.journal import (
    DraftJournal,
    DraftSnapshot,
    Field,
    pull_draft,
    push_draft,
)
from evaluator_app.client.login import LoggedIn
from evaluator_app.client.outbox import Outbox, OutboxItem
from evaluator_app.client.report_signing import sign_newest_revision
from evaluator_app.client.results_rows import lot_names
from evaluator_app.client.supervisor_session import Summary, required_text
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.plan import Lot, ScoredItem
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.pki.pades import PadesOptions
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy
from evaluator_app.protocol.artefacts import (
    Declaration,
    GateVoteEntry,
    GateVotes,
    LeaderVote,
    ReportDissent,
    WarningDecision,
)
from evaluator_app.protocol.bid_index import BidIndex
from evaluator_app.protocol.messages import MemberView, SessionView
from evaluator_app.protocol.schema import decode

logger = logging.getLogger(__name__)

PLEDGE_ZH = (
    "本人郑重承诺：本人与本项目各投标人不存在利害关系；不存在应当回避的情形；"
    "将遵守评标纪律，独立、客观、公正地履行评标职责，对所提出的评审意见承担个人责任；"
    "不透露评标情况，不收受投标人的财物或者其他好处。"
)
PLEDGE_SHA256 = hashlib.sha256(PLEDGE_ZH.encode("utf-8")).hexdigest()


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ExpertSession:
    def __init__(
        self,
        logged: LoggedIn,
        session_id: str,
        data_dir: Path,
        tsa_url: str = "",
        cache_cipher: str | None = None,
    ):
        self.logged = logged
        self.cache_cipher = cache_cipher  # None: the cache's default (AES-256-GCM)
        self.client: VenueClient = logged.client
        self.session_id = session_id
        self.me = logged.result.person_id
        self.tsa_url = tsa_url  # when set, every signature carries an RFC 3161 timestamp
        data_dir.mkdir(parents=True, exist_ok=True)
        self.outbox = Outbox(data_dir / "outbox.db")
        self.journal = DraftJournal(data_dir / "journal.db")
        self.view: SessionView | None = None  # GET /sessions/{sid}, decoded
        self.lot: Lot | None = None
        self.project_name = ""
        self.revoting: dict[str, float] = {}
        self._delivery: asyncio.Future[None] | None = None
        self.listeners: list[Callable[[], None]] = []
        self.draft_listeners: list[Callable[[], None]] = []  # the draft changed from elsewhere
        self.data_dir = data_dir
        self.documents: DocumentService | None = None
        self.replaced = False  # recused, then a substitute was seated: no longer ours to follow

    # -- state -----------------------------------------------------------------------
    async def load(self) -> None:
        try:
            data = await self.client.get(f"/sessions/{self.session_id}")
        except VenueRefused as refused:
            # the venue hides a session from an expert replaced in it (same answer as "none")
            if refused.code == "no_session" and self.recused:
                self.replaced = True
                self._changed()
                return
            raise
        self.view = decode(SessionView, data)
        if self.lot is None:
            data = await self.client.get(f"/sessions/{self.session_id}/project")
            project = project_from_dict(data["project"])
            self.project_name = project.name
            self.lot = project.lot(data["lot_id"])
        self._changed()

    def _changed(self) -> None:
        for listener in list(self.listeners):
            listener()

    @property
    def phase(self) -> str:
        return self.view.phase if self.view else ""

    @property
    def paused(self) -> bool:
        return self.view.paused if self.view else False

    @property
    def committee(self) -> tuple[MemberView, ...]:
        return self.view.committee if self.view else ()

    @property
    def recused(self) -> bool:
        """This expert recused (回避), as the venue's last view of the session says."""
        members = self.view.members if self.view else ()
        return any(m.person_id == self.me and m.status == "recused" for m in members)

    @property
    def is_leader(self) -> bool:
        return self.view is not None and self.view.leader_id == self.me

    def member_name(self, person_id: str) -> str:
        member = self.view.member(person_id) if self.view else None
        return member.name if member else person_id

    def require_lot(self) -> Lot:
        if self.lot is None:
            raise RuntimeError("session not loaded")
        return self.lot

    # -- signing and sending ---------------------------------------------------------
    async def sign_and_send(
        self,
        kind: str,
        route: str,
        body: Any,
        secret: str,
        label: str,
        pdf_for: Callable[[Any, Any], Any] | None = None,
    ) -> OutboxItem:
        """Sign ``body`` with the person's credential and queue it; then try to deliver."""
        signer = await self.logged.credential.open(secret)
        try:
            content, signature = await VenueClient.sign_artefact(kind, body, signer, self.tsa_url)
            pdf = await pdf_for(body, signer) if pdf_for is not None else None
        finally:
            signer.close()
        item = self.outbox.enqueue(self.session_id, route, content, signature, pdf, label=label)
        await self.deliver()
        return self.outbox.item(item.id)

    def has_sent(self, route: str) -> bool:
        """Already signed for this step (delivered, or safely queued): its button stays off."""
        if route in self.revoting:
            return any(
                i.route == route and i.state != "refused" and i.created_at > self.revoting[route]
                for i in self.outbox.items(self.session_id)
            )
        return any(
            i.route == route and i.state != "refused" for i in self.outbox.items(self.session_id)
        )

    def allow_again(self, route: str, since: float) -> None:
        """A voided round (a tied leader election): the expert votes again."""
        self.revoting[route] = since

    async def deliver(self) -> None:
        """Send everything queued now (after a signature, or when the venue is back)."""
        try:
            await self.outbox.flush(self.client, lambda _item: self._changed(), force=True)
        except LoginRequired:
            logger.info("outbox waits for a new login")
        self._changed()

    def start_delivery(self) -> None:
        """Keep delivering in the background: retries with back-off until the venue answers."""
        if self._delivery is None:
            self._delivery = asyncio.ensure_future(
                self.outbox.run(self.client, lambda _item: self._changed())
            )

    def venue_back(self) -> None:
        self.outbox.retry_now()

    async def declare(self, conflict: bool, reason: str, secret: str) -> OutboxItem:
        lot = self.require_lot()
        body = Declaration(
            self.session_id,
            lot.id,
            self.me,
            tuple(b.id for b in lot.bidders),
            conflict,
            reason,
            PLEDGE_SHA256,
            now_iso(),
        )
        return await self.sign_and_send(
            "declaration", "declarations", body, secret, "承诺书" if not conflict else "回避申请"
        )

    async def vote_leader(self, candidate_id: str, secret: str) -> OutboxItem:
        return await self.sign_and_send(
            "leader_vote",
            "leader-votes",
            LeaderVote(self.session_id, self.me, candidate_id, now_iso()),
            secret,
            "组长推选",
        )

    async def submit_gate_votes(
        self, votes: list[tuple[str, str, bool, str]], secret: str
    ) -> OutboxItem:
        lot = self.require_lot()
        body = GateVotes(
            self.session_id,
            lot.id,
            self.me,
            tuple(GateVoteEntry(b, i, p, r) for b, i, p, r in votes),
            now_iso(),
        )
        return await self.sign_and_send("gate_votes", "gate-votes", body, secret, "初步评审")

    # -- scoring ---------------------------------------------------------------------
    async def record(self, bidder_id: str, item_id: str, field: Field, value: str) -> int:
        """Every keystroke: durable in the local journal when this returns. The fsync runs off
        the Qt thread (a busy disk can stall it), in the order the keys were typed."""
        return await self.journal.arecord(
            self.session_id, self.me, bidder_id, item_id, field, value
        )

    def snapshot(self) -> DraftSnapshot:
        return self.journal.snapshot(self.session_id, self.me)

    async def asnapshot(self) -> DraftSnapshot:
        """The journal as it stands, read off the Qt thread (it may wait for a pending fsync)."""
        return await asyncio.to_thread(self.snapshot)

    async def sync_draft(self) -> bool:
        """Send the journal to the venue's draft store, merging in what this expert typed at
        another seat (then ``draft_merged`` listeners reload the grid); False while offline."""
        try:
            result = await push_draft(self.journal, self.client, self.session_id, self.me)
        except Exception as exc:  # offline or refused: the journal keeps everything
            logger.info("draft not synced yet: %s", exc)
            return False
        if result.merged:
            self._changed()
            for listener in list(self.draft_listeners):
                listener()
        return True

    async def resume_from_venue(self) -> bool:
        """At another seat: merge in the venue's copy if it holds work this machine lacks."""
        try:
            return await pull_draft(self.journal, self.client, self.session_id, self.me)
        except Exception as exc:  # offline: the local journal is what there is
            logger.info("venue draft not read: %s", exc)
            return False

    async def load_gates(self) -> dict[str, Any] | None:
        """The preliminary review's outcome once decided (valid bidders, rejections with
        reasons)."""
        try:
            self.gates = await self.client.get(f"/sessions/{self.session_id}/gates")
        except Exception as exc:  # not decided yet, or offline: the scoring grid waits
            logger.info("gates not available: %s", exc)
            return None
        self._changed()
        return self.gates

    gates: dict[str, Any] | None = None

    def valid_bidders(self) -> list[str]:
        return list(self.gates["valid"]) if self.gates else []

    def totals(
        self, bidders: list[str], typed: Mapping[tuple[str, str], str]
    ) -> dict[str, Decimal]:
        """Live totals of the scored items as typed (invalid cells count as nothing yet)."""
        return typed_totals(self.require_lot(), bidders, typed)

    def scored_items(self) -> tuple[ScoredItem, ...]:
        return self.require_lot().plan.scored_items

    def validate(self, item_id: str, text: str) -> Explanation | None:
        """The rule a typed score breaks (range, step, grade band), or None if it is fine."""
        return score_problem(self.scored_items(), item_id, text)

    def price_points(self) -> dict[str, Decimal]:
        """Price points of each valid bidder, computed by the rules (read only in the grid)."""
        return price_points(self.require_lot(), self.valid_bidders())

    # -- the summary ------------------------------------------------------------------
    async def summary(self) -> Summary:
        """The committee's result; the venue shows it from the summary phase on."""
        data = await self.client.get(f"/sessions/{self.session_id}/summary")
        members = self.view.members if self.view else ()
        return Summary(self.phase, data, lot_names(self.require_lot(), members))

    async def return_sheet(self, expert_id: str, reason: str) -> None:
        """The leader sends one expert's sheet back for revision (the reason is on record)."""
        why = required_text(reason, "the reason for returning the sheet", "退回理由")
        await self.client.post(
            f"/sessions/{self.session_id}/sheets/{expert_id}/return", {"reason": why}
        )
        await self.load()

    # -- the evaluation report --------------------------------------------------------
    def pades_options(self) -> PadesOptions:
        return PadesOptions(tsa_url=self.tsa_url or None)  # PAdES-B-T with a timestamp authority

    async def fetch_report(self) -> dict[str, Any]:
        return await self.client.get(f"/sessions/{self.session_id}/report")

    async def sign_report(self, report: dict[str, Any], secret: str) -> dict[str, Any]:
        """Add this member's PAdES signature to the newest revision of the report."""
        signer = await self.logged.credential.open(secret)
        try:
            return await sign_newest_revision(
                self.client, self.session_id, self.me, signer, report, self.pades_options()
            )
        finally:
            signer.close()

    async def decide_warning(
        self, warning_id: str, decision: str, reasons: str, secret: str
    ) -> OutboxItem:
        body = WarningDecision(self.session_id, self.me, warning_id, decision, reasons, now_iso())
        return await self.sign_and_send(
            "warning_decision", "warning-decisions", body, secret, "预警处理意见"
        )

    async def dissent(self, reasons: str, secret: str) -> OutboxItem:
        return await self.sign_and_send(
            "dissent",
            "report/dissent",
            ReportDissent(self.session_id, self.me, reasons, now_iso()),
            secret,
            "不同意见",
        )

    async def bid_indexes(self) -> dict[str, BidIndex]:
        """The scoring indexes of the bids that came with one (verified like every document)."""
        return {} if self.documents is None else await self.documents.bid_indexes()

    def attach_documents(self, trust_list: TrustList | None, revocation: RevocationPolicy) -> None:
        """Documents need the trust list (to verify the centre's manifest) and an encrypted
        cache."""
        if trust_list is not None and self.documents is None:
            cache = EncryptedCache(self.data_dir / "cache", cipher=self.cache_cipher)
            self.documents = DocumentService(
                self.client, self.session_id, cache, trust_list, revocation=revocation
            )

    async def aclose(self) -> None:
        """Stop delivering and downloading; wipe the document cache (its key dies with the
        session)."""
        if self._delivery is not None:
            self._delivery.cancel()
            await asyncio.gather(self._delivery, return_exceptions=True)
        if self.documents is not None:
            await self.documents.close()
        self.close()

    def close(self) -> None:
        self.journal.close()
        close = getattr(self.outbox, "close", None)
        if close:
            close()
