"""The centre's draw service: the pool, the ceremony, the sealed record, replacements, the roster.

No Qt: the 专家抽取 tab and ``evaluator draw`` both call it. Blocking work (SQLite, reading a
large snapshot, recomputing a draw) runs in worker threads. Each signed step is kept in the
centre's store and, when a venue connection is given, logged in that venue's audit log by its
hash as it is made; the drawn list itself stays sealed to the centre's key until the session is
created (:meth:`DrawService.session_bundle`).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from evaluator_app.client.draw.ceremony import Ceremony, CeremonyError, Step, now_iso
from evaluator_app.client.draw.importer import read_expert_list
from evaluator_app.client.draw.sealing import SealingKey, seal, unseal
from evaluator_app.client.draw.store import ImportSummary, PoolStore
from evaluator_app.core.draw.model import Cause, DrawRequest, Need, Rule
from evaluator_app.core.draw.record import Person
from evaluator_app.drawcheck.signers import SignatureJudge
from evaluator_app.drawcheck.verify import DrawReport, Member, State, verify_bundle
from evaluator_app.pki.credentials import Signer
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.protocol import draw as layout

logger = logging.getLogger(__name__)
POOL_DB = "pool.db"


@dataclass(frozen=True)
class DrawnSummary:
    """What the tab shows right after a draw: counts and rules, no names (the list is sealed)."""

    draw_id: str
    pool_count: int
    pool_sha256: str
    seed: str
    drawn: int
    reserves: int
    excluded: dict[Rule, int]
    passed_over: dict[Rule, int]
    shortfalls: tuple[str, ...]


@dataclass(frozen=True)
class OpenDraw:
    """A draw unsealed and verified: its files and the committee they give."""

    draw_id: str
    files: dict[str, bytes]
    report: DrawReport

    @property
    def committee(self) -> tuple[Member, ...]:
        return self.report.committee

    @property
    def state(self) -> State:
        return self.report.states[self.draw_id]


@dataclass(frozen=True)
class ReplaceOutcome:
    draw: OpenDraw
    replacement: Member | None  # None: no reserve and the supplementary draw found nobody
    supplementary_draw: str  # "" when a reserve took the seat


class DrawService:
    def __init__(
        self,
        folder: Path,
        trust: TrustList | None = None,
        *,
        tsa_url: str | None = None,
        venue: object | None = None,  # a VenueClient: steps go to its audit log
        trust_list_bytes: bytes | None = None,  # carried by an exported record
    ):
        self.folder = folder
        self.store = PoolStore(folder / POOL_DB)
        self.sealing = SealingKey(folder)
        self.trust = trust
        self.tsa_url = tsa_url
        self.venue = venue
        self.trust_list_bytes = trust_list_bytes

    def close(self) -> None:
        self.store.close()

    # -- the pool ------------------------------------------------------------------------
    async def import_list(self, path: Path) -> ImportSummary:
        """Every row checked (each bad one named by line and field) before any is stored."""
        rows = await asyncio.to_thread(read_expert_list, path, self.trust)
        return await asyncio.to_thread(self.store.import_rows, rows, now_iso())

    # -- a draw ------------------------------------------------------------------------------
    async def _step(self, step: Step) -> None:
        await asyncio.to_thread(
            self.store.log_step, step.draw_id, now_iso(), step.name, step.sha256, step.signer
        )
        if self.venue is not None:
            body = layout.DrawStepLog(step.draw_id, step.name, step.kind, step.sha256)
            # mypy: venue is typed object; it is a VenueClient
            await self.venue.post("/draws/steps", body)  # type: ignore[attr-defined]

    async def _ceremony(
        self, request: DrawRequest, signers: Sequence[Signer], files: dict[str, bytes]
    ) -> Ceremony:
        if len(signers) != len(request.parties):
            raise CeremonyError("one signer per party", "每一方须各自签名")
        centre = signers[next(i for i, p in enumerate(request.parties) if p.role == "centre")]
        ceremony = Ceremony(request, tsa_url=self.tsa_url, on_step=self._step, files=files)
        await ceremony.sign_request(centre)
        for i, signer in enumerate(signers):
            await ceremony.commit(i, signer)
        pool = await asyncio.to_thread(self.store.snapshot, request.draw_date)
        await ceremony.freeze(pool, centre)
        for i, signer in enumerate(signers):
            await ceremony.reveal(i, signer)
        await asyncio.to_thread(ceremony.compute, self.store.people)
        for i, signer in enumerate(signers):
            await ceremony.sign_record(i, signer)
        assert ceremony.result is not None
        drawn = [i for n in ceremony.result.needs for i in (*n.principals, *n.reserves)]
        await asyncio.to_thread(self.store.mark_drawn, drawn, request.draw_id, request.draw_date)
        return ceremony

    async def run(self, request: DrawRequest, signers: Sequence[Signer]) -> DrawnSummary:
        """The whole ceremony, signed by each party in turn (``signers`` in party order)."""
        if not self.sealing.exists:
            raise CeremonyError(
                "create the centre's sealing key first", "请先创建交易中心的密封密钥"
            )
        if self.store.sealed_draw(request.draw_id) is not None:
            raise CeremonyError(
                f"draw {request.draw_id} exists already", f"抽取编号 {request.draw_id} 已存在"
            )
        ceremony = await self._ceremony(request, signers, {})
        await self._save(request.draw_id, request.project_id, ceremony.files, "drawn")
        result = ceremony.result
        assert result is not None
        excluded: dict[Rule, int] = {}
        for _id, rule in result.excluded:
            excluded[rule] = excluded.get(rule, 0) + 1
        passed: dict[Rule, int] = {}
        for p in result.passed_over:
            passed[p.rule] = passed.get(p.rule, 0) + 1
        body = json.loads(ceremony.files[layout.path(request.draw_id, layout.RECORD)])
        return DrawnSummary(
            request.draw_id,
            body["pool_count"],
            body["pool_sha256"],
            body["seed"],
            sum(len(n.principals) for n in result.needs),
            sum(len(n.reserves) for n in result.needs),
            excluded,
            passed,
            tuple(s.text() for s in result.shortfalls),
        )

    async def _save(
        self, draw_id: str, project_id: str, files: dict[str, bytes], state: str
    ) -> None:
        sealed = await asyncio.to_thread(
            lambda: seal(layout.zip_bundle(files), self.sealing.public())
        )
        await asyncio.to_thread(self.store.save_draw, draw_id, project_id, now_iso(), state, sealed)

    # -- opening, answers, replacements ----------------------------------------------------
    async def verify_files(self, files: dict[str, bytes]) -> DrawReport:
        if self.trust is None:
            raise CeremonyError(
                "no trust list to check the signatures", "没有信任列表，无法核验签名"
            )
        judge = SignatureJudge(self.trust)
        return await asyncio.to_thread(lambda: asyncio.run(verify_bundle(files, judge)))

    async def open(self, draw_id: str, password: str) -> OpenDraw:
        """Unseal with the centre's key and recompute; refuses a record that does not verify."""
        sealed = await asyncio.to_thread(self.store.sealed_draw, draw_id)
        if sealed is None:
            raise CeremonyError(f"no draw {draw_id}", f"没有抽取记录 {draw_id}")
        key = await asyncio.to_thread(self.sealing.private, password)
        files = layout.unzip_bundle(await asyncio.to_thread(unseal, sealed, key))
        report = await self.verify_files(files)
        if not report.ok:
            finding = report.mismatch
            assert finding is not None
            raise CeremonyError(
                f"{finding.name}: {finding.detail}", f"{finding.name}：{finding.detail_zh}"
            )
        await asyncio.to_thread(self.store.log_step, draw_id, now_iso(), "opened", "", "centre")
        return OpenDraw(draw_id, files, report)

    def _ceremony_of(self, draw: OpenDraw) -> Ceremony:
        return Ceremony(
            draw.state.main.request,
            tsa_url=self.tsa_url,
            on_step=self._step,
            files=dict(draw.files),
        )

    async def _reopen(self, draw: OpenDraw, files: dict[str, bytes]) -> OpenDraw:
        report = await self.verify_files(files)
        if not report.ok:
            assert report.mismatch is not None
            raise CeremonyError(report.mismatch.detail, report.mismatch.detail_zh)
        request = draw.state.main.request
        await self._save(draw.draw_id, request.project_id, files, "opened")
        return OpenDraw(draw.draw_id, files, report)

    async def respond(
        self, draw: OpenDraw, expert: str, accept: bool, reason: str, signer: Signer
    ) -> OpenDraw:
        person = draw.state.people.get(expert)
        if person is None:
            raise CeremonyError(f"{expert} was not drawn", f"{expert} 未被抽中")
        ceremony = self._ceremony_of(draw)
        await ceremony.respond(expert, person.person_id, accept, reason, signer)
        return await self._reopen(draw, ceremony.files)

    async def replace(
        self,
        draw: OpenDraw,
        leaving: str,
        cause: Cause,
        reason: str,
        signers: Sequence[Signer],
        today: str,
    ) -> ReplaceOutcome:
        """The leaver's seat to the first acceptable reserve; without one, a supplementary draw
        (补充抽取) from the pool as it stands now, signed by the same parties. A decline with no
        signed answer yet is recorded first, signed by centre staff on the expert's behalf (the
        notice was answered by telephone)."""
        if cause is Cause.DECLINED and leaving not in _declined(draw):
            centre_index = next(
                i for i, p in enumerate(draw.state.main.request.parties) if p.role == "centre"
            )
            draw = await self.respond(draw, leaving, False, reason, signers[centre_index])
        state = draw.state
        main = state.main
        roster = state.roster
        centre = signers[next(i for i, p in enumerate(main.request.parties) if p.role == "centre")]
        need = roster.need_of.get(leaving)
        if need is None:
            raise CeremonyError(f"{leaving} is not on the committee", f"{leaving} 不在评标委员会中")
        done = roster.replace(leaving, cause)
        files = dict(draw.files)
        extra = ""
        replacement, venue, seat = done.replacement or "", "", ""
        if done.seat is not None:
            venue, seat = done.seat.venue, done.seat.seat
        if done.replacement is None:
            number = 1 + sum(1 for d in draw.report.draws if d.startswith(f"{main.draw_id}-S"))
            extra = f"{main.draw_id}-S{number}"
            supplement, venues = roster.supplement_for(leaving, main.record_sha256)
            request = replace(
                main.request,
                draw_id=extra,
                draw_date=today,
                needs=(Need(main.request.needs[need].specialty, 1, 0),),
                venues=venues,
                supplement=supplement,
            )
            ceremony = await self._ceremony(request, signers, files)
            assert ceremony.result is not None
            if ceremony.result.needs[0].principals:
                replacement = ceremony.result.needs[0].principals[0]
                venue, seat = ceremony.result.seats[0].venue, ceremony.result.seats[0].seat
        ceremony = self._ceremony_of(OpenDraw(draw.draw_id, files, draw.report))
        body = layout.DrawReplacement(
            main.draw_id,
            main.record_sha256,
            len(layout.numbered(set(files), main.draw_id, "replacement")) + 1,
            leaving,
            cause.value,
            reason,
            replacement,
            venue,
            seat,
            extra,
            now_iso(),
        )
        await ceremony.record_replacement(body, centre)
        reopened = await self._reopen(draw, ceremony.files)
        member = next(
            (m for m in reopened.committee if m.pool_id == replacement and not m.left), None
        )
        return ReplaceOutcome(reopened, member, extra)

    # -- out of the centre ------------------------------------------------------------------
    def session_bundle(self, draw: OpenDraw) -> bytes:
        """The draw/ folder the venue gets when the session opens."""
        return layout.zip_bundle(
            {n: d for n, d in draw.files.items() if n.startswith(layout.PREFIX)}
        )

    def export_bundle(self, draw: OpenDraw, trust_list: bytes) -> bytes:
        """A record anyone can check offline: ``evaluator draw verify FILE``."""
        return layout.zip_bundle({**draw.files, layout.TRUST_LIST: trust_list})

    def people(self, ids: Sequence[str]) -> dict[str, Person]:
        return self.store.people(ids)


def _declined(draw: OpenDraw) -> set[str]:
    out = set()
    for name in layout.numbered(set(draw.files), draw.draw_id, "response"):
        body = json.loads(draw.files[layout.path(draw.draw_id, name)])
        if body.get("answer") == "decline":
            out.add(body["expert"])
    return out


def session_bundle(draw: OpenDraw) -> bytes:
    """The draw/ folder the venue gets when the session opens."""
    return layout.zip_bundle({n: d for n, d in draw.files.items() if n.startswith(layout.PREFIX)})
