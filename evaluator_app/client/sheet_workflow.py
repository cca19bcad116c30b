"""The score-sheet workflow, one service: version, journal flush, build, check, deviation flags,
the exact PDF, signature, outbox. The review page calls it and renders what it returns.

Sign what you see: :meth:`SheetWorkflow.prepare` renders the PDF once; the page shows those very
bytes and their SHA-256; the signed JSON binds that SHA-256 (``pdf_sha256``) and
:meth:`SheetWorkflow.sign` PAdES-signs the same bytes — nothing is rendered again.
"""

from __future__ import annotations

import asyncio
import enum
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from evaluator_app.client.errors import ClientError
from evaluator_app.client.explain import Explanation, explain
from evaluator_app.client.names import venue_label
from evaluator_app.client.outbox import OutboxItem
from evaluator_app.core.beijing import beijing_time
from evaluator_app.core.errors import ScoreError
from evaluator_app.core.scoring import check_score
from evaluator_app.pki.pades import sign_pdf
from evaluator_app.protocol.artefacts import (
    ScoreSheet,
    SheetExplanation,
    SheetScore,
    bind_sheet_pdf,
    sheet_pdf_unbound,
)
from evaluator_app.protocol.messages import SheetCheckView, SheetFlag
from evaluator_app.protocol.schema import decode
from evaluator_app.reports.fonts import register_fonts
from evaluator_app.reports.score_sheet import render_score_sheet
from evaluator_app.reports.signature_stamp import stamped

logger = logging.getLogger(__name__)

Cell = tuple[str, str]  # (bidder id, item id)


class SheetBlock(enum.StrEnum):
    """Why no sheet can be prepared now."""

    NOT_SCORING = "not_scoring"  # the session is not in detailed scoring
    PAUSED = "paused"
    GATES_PENDING = "gates_pending"  # the preliminary review's outcome is not known yet
    ACCEPTED = "accepted"  # the venue has this expert's sheet; only the leader can return it
    WAITING = "waiting"  # a signed sheet waits in the outbox; it goes out by itself
    INCOMPLETE = "incomplete"  # cells without a score
    INVALID = "invalid"  # cells whose score breaks the item's rule
    UNEXPLAINED = "unexplained"  # deviating scores without a written explanation


@dataclass(frozen=True)
class SheetBlocked:
    reason: SheetBlock
    explanation: Explanation
    cells: tuple[Cell, ...] = ()  # the cells to fill in, correct or explain
    flags: tuple[SheetFlag, ...] = ()  # the venue's deviation flags, when it checked


@dataclass(frozen=True)
class SheetReady:
    """Exactly what will be signed: the sheet (bound to ``pdf``) and the PDF's bytes."""

    sheet: ScoreSheet
    pdf: bytes
    flags: tuple[SheetFlag, ...]

    @property
    def pdf_sha256(self) -> str:
        return self.sheet.pdf_sha256


class SheetFate(enum.StrEnum):
    DELIVERED = "delivered"  # the venue accepted it; receipt kept
    WAITING = "waiting"  # signed and queued; the outbox retries by itself
    REFUSED = "refused"  # the venue refused it: the person must act
    NOT_SIGNED = "not_signed"  # no signature was made (wrong PIN, cancelled, TSA away...)


@dataclass(frozen=True)
class SheetOutcome:
    fate: SheetFate
    explanation: Explanation  # what happened to the sheet, in words
    item: OutboxItem | None = None
    receipt: dict[str, Any] | None = None


def _names(session: Any, cells: tuple[Cell, ...] | list[Cell]) -> tuple[str, str]:
    lot = session.require_lot()
    items = {i.id: i.name for i in lot.plan.scored_items}
    bidders = {b.id: b.name for b in lot.bidders}
    zh = "、".join(f"{bidders.get(b, b)}「{items.get(i, i)}」" for b, i in cells)
    return zh, zh  # names are the project's own (Chinese) in both languages


class SheetWorkflow:
    """For one expert in one session (an
    :class:`~evaluator_app.client.expert_session.ExpertSession`).

    ``flush`` waits until every keystroke typed so far is in the journal (the scoring grid's
    pending writes); the journal's own queue is drained after it.
    """

    def __init__(self, session: Any, flush: Callable[[], Awaitable[None]] | None = None):
        self.session = session
        self.flush = flush

    @staticmethod
    async def warm_up() -> None:
        """Parse the CJK font the sheet (and its stamp) is drawn with, once per process, in a
        worker while the person scores: 1-2 s of pure Python that, done at 生成待签评分表,
        starved the window's loop of the GIL (stalls of 200 ms, benchmarks/bench_sheet_stall)."""
        await asyncio.to_thread(register_fonts)

    # -- what can be done now -----------------------------------------------------------
    def blocked_now(self) -> SheetBlocked | None:
        """Why preparing a sheet is not possible at this moment (from the session's view)."""
        from evaluator_app.client.phase_words import phase_words

        s = self.session
        if s.paused:
            return SheetBlocked(
                SheetBlock.PAUSED,
                Explanation(
                    "会话已由监督人员暂停，恢复后才能生成评分表",
                    "the session is paused by the supervisor; resume comes first",
                ),
            )
        if s.phase != "detailed_scoring":
            now = phase_words(s.phase)
            return SheetBlocked(
                SheetBlock.NOT_SCORING,
                Explanation(
                    f"详细评分尚未开始或已结束（当前阶段：{now.zh}）",
                    f"detailed scoring is not under way (now: {now.en})",
                ),
            )
        if any(i.route == "sheets" and i.state == "pending" for i in s.outbox.items(s.session_id)):
            return SheetBlocked(
                SheetBlock.WAITING,
                Explanation(
                    "评分表已签名，尚未提交：恢复连接后自动重试，无需再次签名",
                    "your signed sheet waits to be sent: it goes out by itself when the "
                    "connection is back",
                ),
            )
        if not s.gates:
            return SheetBlocked(
                SheetBlock.GATES_PENDING,
                Explanation(
                    "初步评审结果尚未取得，请稍候", "the preliminary review's outcome is not in yet"
                ),
            )
        return None

    # -- prepare: everything up to the exact PDF ------------------------------------------
    async def prepare(self) -> SheetReady | SheetBlocked:
        blocked = self.blocked_now()
        if blocked is not None:
            return blocked
        s = self.session
        version = await self._next_version()
        if version == 0:
            return SheetBlocked(
                SheetBlock.ACCEPTED,
                Explanation(
                    "您的评分表已被场地接收；只有组长退回后才能修改",
                    "your sheet has been received; it can change only if the leader returns it",
                ),
            )
        if self.flush is not None:
            await self.flush()
        await s.journal.acall(lambda: None)  # the journal's writer has caught up
        built = await self._build(s.valid_bidders(), version)
        if isinstance(built, SheetBlocked):
            return built
        check = decode(
            SheetCheckView, await s.client.post(f"/sessions/{s.session_id}/sheets/check", built)
        )
        flags = check.flags
        unexplained = tuple(f.key for f in check.unexplained)
        if unexplained:
            zh, en = _names(s, unexplained)
            return SheetBlocked(
                SheetBlock.UNEXPLAINED,
                Explanation(
                    f"以下评分与其他专家差异过大，须先填写书面说明：{zh}",
                    f"these scores differ strongly from the other experts' and need a written "
                    f"explanation first: {en}",
                ),
                unexplained,
                flags,
            )
        pdf = await asyncio.to_thread(self._render, built)  # reportlab: off the window's thread
        return SheetReady(bind_sheet_pdf(built, pdf), pdf, flags)

    async def _next_version(self) -> int:
        s = self.session
        data = await s.client.get(f"/sessions/{s.session_id}/sheets/mine")
        versions = data["versions"]
        if any(v["status"] == "accepted" for v in versions):
            return 0
        return len(versions) + 1

    async def _build(self, bidders: list[str], version: int) -> ScoreSheet | SheetBlocked:
        from evaluator_app.client.expert_session import now_iso

        s = self.session
        lot = s.require_lot()
        cells = (await s.asnapshot()).cells
        scores, explanations, missing, invalid = [], [], [], []
        for bidder in bidders:
            for item in lot.plan.scored_items:
                cell = cells.get((bidder, item.id))
                if cell is None or cell.score in (None, ""):
                    missing.append((bidder, item.id))
                    continue
                try:
                    value = check_score(item, cell.score)
                except ScoreError:
                    invalid.append((bidder, item.id))
                    continue
                scores.append(SheetScore(bidder, item.id, value, cell.comment))
                if cell.explanation.strip():
                    explanations.append(SheetExplanation(bidder, item.id, cell.explanation))
        if missing:
            zh, en = _names(s, missing[:5])
            more = f" 等 {len(missing)} 项" if len(missing) > 5 else ""
            return SheetBlocked(
                SheetBlock.INCOMPLETE,
                Explanation(
                    f"还有评分未填写：{zh}{more}",
                    f"scores not filled in yet: {en} ({len(missing)})",
                ),
                tuple(missing),
            )
        if invalid:
            zh, en = _names(s, invalid)
            return SheetBlocked(
                SheetBlock.INVALID,
                Explanation(f"以下评分不符合评分规则：{zh}", f"these scores break the rules: {en}"),
                tuple(invalid),
            )
        return ScoreSheet(
            s.session_id,
            lot.id,
            s.me,
            "detailed_scoring",
            version,
            tuple(scores),
            tuple(explanations),
            now_iso(),
        )

    def _render(self, sheet: ScoreSheet) -> bytes:
        s = self.session
        result = s.logged.result
        return render_score_sheet(
            sheet_pdf_unbound(sheet),
            s.require_lot(),
            session_title=s.view.title if s.view else "",
            expert_name=result.name,
            # the venue by its name ("济南主场"), as every other screen and print shows it
            venue=venue_label(
                result.venue, s.client.venue_names, s.view.main_venue if s.view else None
            ),
            seat=result.seat,
            project_name=s.project_name,
        )

    # -- sign: the same bytes, then the outbox --------------------------------------------
    async def sign(self, ready: SheetReady, secret: str) -> SheetOutcome:
        """Sign the JSON (bound to ``ready.pdf``) and exactly ``ready.pdf``; queue; deliver."""
        s = self.session
        if hashlib.sha256(ready.pdf).hexdigest() != ready.pdf_sha256:
            raise ValueError("the PDF is not the one the sheet names")
        try:
            signer = await s.logged.credential.open(secret)
        except Exception as exc:  # wrong PIN, token removed
            return _not_signed(exc)
        try:
            content, signature = await s.client.sign_artefact(
                "score_sheet", ready.sheet, signer, s.tsa_url
            )
            # off the loop (issue 11: the window froze up to 260 ms): reading the PDF's fields,
            # drawing the stamp and pyHanko's signing run in a worker with its own event loop
            # (the timestamp request too); a token's calls go to its own thread in any case
            options = await asyncio.to_thread(
                stamped, ready.pdf, s.me, signer.certificate, s.pades_options()
            )
            signed_pdf = await asyncio.to_thread(sign_pdf, ready.pdf, signer, options)
        except Exception as exc:  # the timestamp service away, the token pulled out...
            return _not_signed(exc)
        finally:
            signer.close()
        item = s.outbox.enqueue(  # on the loop: it wakes the outbox's sender, a loop object
            s.session_id,
            "sheets",
            content,
            signature,
            signed_pdf,
            label=f"评分表 第{ready.sheet.version}版",
        )
        await s.deliver()
        item = s.outbox.item(item.id)
        if item.state == "delivered":
            await s.sync_draft()
        return outcome_of(item)


def _not_signed(error: BaseException) -> SheetOutcome:
    if (
        not isinstance(error, ClientError | OSError)
        and type(error).__module__.startswith("evaluator_app.pki") is False
    ):
        logger.error("signing the sheet failed", exc_info=error)
    why = explain(error)
    return SheetOutcome(
        SheetFate.NOT_SIGNED,
        Explanation(
            f"评分表未签名，尚未提交：{why.zh}。评分已保存在本机，可稍后再次签名提交。",
            f"the sheet was not signed and not submitted: {why.en}. Your scores are kept; "
            "sign again when ready.",
        ),
    )


def outcome_of(item: OutboxItem) -> SheetOutcome:
    """What happened to a queued sheet, in words."""
    if item.state == "delivered":
        receipt = json.loads(item.receipt) if item.receipt else None
        at = receipt.get("accepted_at", "") if receipt else ""
        # the venue's time as people read it everywhere else: 北京时间, never UTC ISO
        zh = f"，{beijing_time(at)}" if at else ""
        en = f", {beijing_time(at, 'en')}" if at else ""
        return SheetOutcome(
            SheetFate.DELIVERED,
            Explanation(
                f"评分表已签名并由场地接收{zh}；回执已保存。",
                f"the sheet is signed and received by the venue{en}; receipt kept.",
            ),
            item,
            receipt,
        )
    if item.state == "refused":
        return SheetOutcome(
            SheetFate.REFUSED,
            Explanation(
                f"场地拒收评分表：{item.refusal_message_zh or item.refusal_message}",
                f"the venue refused the sheet: {item.refusal_message}",
            ),
            item,
        )
    return SheetOutcome(
        SheetFate.WAITING,
        Explanation(
            "评分表已签名，尚未提交：恢复连接后自动重试，无需再次签名。",
            "the sheet is signed but not submitted yet: it is retried automatically when the "
            "connection is back; no need to sign again.",
        ),
        item,
    )
