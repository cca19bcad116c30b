"""The centre's new-session rules, without Qt: project file check, documents, roster, conflicts.

Everything here is plain and synchronous; the workspace runs the blocking parts (reading and
hashing files) in a worker thread.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluator_app.client.explain import Explanation
from evaluator_app.core.errors import PlanError
from evaluator_app.core.project_file import project_from_dict

logger = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PlanProblemView:
    field: str
    value: str
    message: str


@dataclass(frozen=True)
class BidderInfo:
    id: str
    name: str
    organisation: str
    city: str
    price: str


@dataclass(frozen=True)
class LotInfo:
    id: str
    name: str
    bidders: tuple[BidderInfo, ...]


@dataclass(frozen=True)
class ProjectCheck:
    path: str
    data: dict[str, Any] | None
    title: str
    problems: tuple[PlanProblemView, ...]
    lots: tuple[LotInfo, ...]

    @property
    def ok(self) -> bool:
        return self.data is not None and not self.problems

    def lot(self, lot_id: str) -> LotInfo | None:
        return next((lot for lot in self.lots if lot.id == lot_id), None)


def check_project_file(path: Path) -> ProjectCheck:
    """Read a project file and list every problem by its field path (blocking: small file)."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return ProjectCheck(
            str(path), None, "", (PlanProblemView("$", "", f"cannot read the file: {exc}"),), ()
        )
    except json.JSONDecodeError as exc:
        return ProjectCheck(
            str(path),
            None,
            "",
            (PlanProblemView(f"line {exc.lineno}", "", f"not JSON: {exc.msg}"),),
            (),
        )
    try:
        project = project_from_dict(data)
    except PlanError as exc:
        problems = tuple(PlanProblemView(p.field, repr(p.value), p.message) for p in exc.problems)
        return ProjectCheck(str(path), data, "", problems, ())
    lots = tuple(
        LotInfo(
            lot.id,
            lot.name,
            tuple(
                BidderInfo(b.id, b.name, b.organisation or "", b.city or "", str(b.price))
                for b in lot.bidders
            ),
        )
        for lot in project.lots
    )
    return ProjectCheck(str(path), data, project.name, (), lots)


@dataclass(frozen=True)
class CheckedDocument:
    path: str
    doc_id: str
    title: str
    bidder_id: str | None
    sha256: str
    size: int
    problem: Explanation | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_document(
    path: Path, doc_id: str, title: str, bidder_id: str | None, max_bytes: int = MAX_DOCUMENT_BYTES
) -> CheckedDocument:
    """Hash a document and check it is a whole PDF of an acceptable size (blocking)."""
    digest = hashlib.sha256()
    size, head, tail = 0, b"", b""
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                if not head:
                    head = chunk[:8]
                tail = (tail + chunk)[-1024:]
                digest.update(chunk)
                size += len(chunk)
    except OSError as exc:
        return CheckedDocument(
            str(path),
            doc_id,
            title,
            bidder_id,
            "",
            0,
            Explanation(
                f"无法读取文件：{exc.strerror or exc}",
                f"cannot read the file: {exc.strerror or exc}",
            ),
        )
    problem = None
    if size == 0:
        problem = Explanation("文件为空", "the file is empty")
    elif size > max_bytes:
        problem = Explanation(
            f"文件过大（{size} 字节，上限 {max_bytes}）",
            f"the file is too large ({size} bytes, limit {max_bytes})",
        )
    elif not head.startswith(b"%PDF-"):
        problem = Explanation("不是 PDF 文件", "not a PDF file")
    elif b"%%EOF" not in tail:
        problem = Explanation(
            "PDF 文件不完整（缺少结尾标记）", "the PDF is incomplete (no end marker)"
        )
    return CheckedDocument(str(path), doc_id, title, bidder_id, digest.hexdigest(), size, problem)


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    role: str
    venue: str
    organisation: str = ""
    city: str = ""

    @staticmethod
    def from_json(row: dict[str, Any]) -> Person:
        return Person(
            row["person_id"],
            row.get("name", ""),
            row.get("role", ""),
            row.get("venue", ""),
            row.get("organisation") or "",
            row.get("city") or "",
        )


@dataclass(frozen=True)
class Assignment:
    person: Person
    venue: str
    seat: str


def conflict_reason(person: Person, bidders: tuple[BidderInfo, ...]) -> Explanation | None:
    """An expert who works for a bidder must not evaluate that lot (the venue's rule too)."""
    if person.role != "expert" or not person.organisation:
        return None
    for bidder in bidders:
        if bidder.organisation and bidder.organisation == person.organisation:
            return Explanation(
                f"{person.name} 就职于投标人 {bidder.id}（{bidder.name}），须回避",
                f"{person.name} works for bidder {bidder.id} ({bidder.name}): conflict of interest",
            )
    return None


def assignment_problem(
    assignments: tuple[Assignment, ...], candidate: Assignment, bidders: tuple[BidderInfo, ...]
) -> Explanation | None:
    """Why ``candidate`` cannot join ``assignments`` (None when it can)."""
    conflict = conflict_reason(candidate.person, bidders)
    if conflict is not None:
        return conflict
    if any(a.person.person_id == candidate.person.person_id for a in assignments):
        return Explanation(
            f"{candidate.person.name} 已在评标委员会中",
            f"{candidate.person.name} is already on the committee",
        )
    if not candidate.venue or not candidate.seat.strip():
        return Explanation(
            "请为专家选择场地并填写席位号", "choose a venue and a seat for the expert"
        )
    if any(a.venue == candidate.venue and a.seat == candidate.seat for a in assignments):
        return Explanation(
            f"{candidate.venue} 的席位 {candidate.seat} 已被占用",
            f"seat {candidate.seat} at {candidate.venue} is taken",
        )
    return None


@dataclass(frozen=True)
class SessionDraft:
    session_id: str
    title: str
    project: dict[str, Any]
    lot_id: str
    main_venue: str
    assignments: tuple[Assignment, ...]
    documents: tuple[CheckedDocument, ...]
    scheduled_start: str | None = None
    # the 专家抽取 record the committee came from (draw/ folder as a zip), and its seats
    draw_bundle: bytes | None = None
    drawn_seats: tuple[tuple[str, str, str], ...] = ()  # (person id, venue, seat)


def draft_problems(draft: SessionDraft, bidders: tuple[BidderInfo, ...]) -> list[Explanation]:
    """Everything that stops the session from being created, in words."""
    problems: list[Explanation] = []
    if draft.draw_bundle is not None:
        typed = {
            (a.person.person_id, a.venue, a.seat)
            for a in draft.assignments
            if a.person.role == "expert"
        }
        if typed != set(draft.drawn_seats):
            problems.append(
                Explanation(
                    "评标专家须与抽取结果一致（人员与席位），请重新从抽取结果导入",
                    "the experts must be the draw's committee, seat by seat: "
                    "take them from the draw again",
                )
            )
    if not draft.session_id.strip() or not draft.title.strip():
        problems.append(Explanation("请填写会话编号和名称", "give the session an id and a title"))
    if not any(a.person.role == "expert" for a in draft.assignments):
        problems.append(
            Explanation("评标委员会至少需要一名专家", "the committee needs at least one expert")
        )
    for assignment in draft.assignments:
        conflict = conflict_reason(assignment.person, bidders)
        if conflict is not None:
            problems.append(conflict)
    ids = [d.doc_id for d in draft.documents]
    if len(set(ids)) != len(ids):
        problems.append(Explanation("文件编号重复", "two documents share an id"))
    for document in draft.documents:
        if document.problem is not None:
            problems.append(
                Explanation(
                    f"{document.title}：{document.problem.zh}",
                    f"{document.title}: {document.problem.en}",
                )
            )
    known = {b.id for b in bidders}
    for document in draft.documents:
        if document.bidder_id and document.bidder_id not in known:
            problems.append(
                Explanation(
                    f"{document.title}：投标人 {document.bidder_id} 不在本标段",
                    f"{document.title}: bidder {document.bidder_id} is not in this lot",
                )
            )
    return problems
