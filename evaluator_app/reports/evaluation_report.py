"""The evaluation report (评标报告) the committee signs in turn, from the published summary.

Everything in it comes from the inputs: the project and lot, the summary the venue publishes
(:func:`evaluator_app.protocol.evaluation.summary_json`), the committee with venues, recusals,
the accepted score sheets and the dissents. The last page lists every member with room for
a signature; the signatures are PAdES, added later as incremental updates, one per member.
The same inputs always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, PageBreak, Spacer

from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.core.plan import Lot, Project, ScoredItem
from evaluator_app.protocol.artefacts import ScoreSheet
from evaluator_app.reports import report_sections as sec
from evaluator_app.reports.draw_section import draw_section
from evaluator_app.reports.pages import DocInfo, build_pdf, frame_width
from evaluator_app.reports.sheet_tables import score_grid
from evaluator_app.reports.signature_fields import (
    Placed,
    SignatureSlot,
    add_signature_fields,
    member_field,
)
from evaluator_app.reports.styles import (
    beijing,
    beijing_date,
    masked_id,
    para,
    parse_time,
    styles,
)
from evaluator_app.reports.tables import grid, key_values
from evaluator_app.reports.warnings_section import warnings_section

logger = logging.getLogger(__name__)

SUMMARY_PREFIX = "summary-sha256:"
SIGNATURE_HEIGHT = 22 * mm  # room for four readable lines of a signature's evidence


@dataclass(frozen=True)
class CommitteeMember:
    person_id: str
    name: str
    venue: str  # the venue (city) the member sat at, e.g. "青岛副场"
    leader: bool = False  # 评标委员会组长
    role: str = "评标专家"  # or e.g. "招标人代表"


@dataclass(frozen=True)
class Recusal:
    person_id: str
    name: str
    reason: str
    replaced_by: str = ""  # the substitute's name, if any


@dataclass(frozen=True)
class Dissent:
    """A member who does not agree with the result and says why (by law, in writing)."""

    person_id: str
    name: str
    reasons: str


def summary_hash(summary: Mapping[str, Any]) -> str:
    """SHA-256 of the summary's canonical JSON, printed in every footer of the report."""
    return hashlib.sha256(canonical_bytes(dict(summary))).hexdigest()


def render_evaluation_report(
    project: Project,
    lot: Lot,
    evaluation_summary: Mapping[str, Any],
    *,
    session_title: str,
    committee: Sequence[CommitteeMember],
    generated_at: dt.datetime | str,
    recusals: Sequence[Recusal] = (),
    sheets: Sequence[ScoreSheet] = (),
    dissents: Sequence[Dissent] = (),
    session_id: str = "",
    warnings: Sequence[Mapping[str, Any]] = (),
    draw: Mapping[str, Any] | None = None,
) -> bytes:
    """The 评标报告 as an A4 PDF in Chinese (cover, committee, results, signature page)."""
    s = styles()
    summary = evaluation_summary
    digest = summary_hash(summary)
    info = DocInfo(
        title=f"评标报告 - {project.name} - {lot.name}",
        author="评标委员会",
        subject=SUMMARY_PREFIX + digest,
        keywords=(SUMMARY_PREFIX + digest, f"project:{project.id}", f"lot:{lot.id}")
        + ((f"session:{session_id}",) if session_id else ()),
        created=parse_time(generated_at),
        footer_left=f"评标报告 · {project.id} · {lot.name}",
        footer_right=f"评标结果摘要 SHA-256：{digest}",
        header=f"{project.name} · 评标报告",
    )
    width = frame_width(info)
    by_id = {m.person_id: m for m in committee}

    def names(person_id: str) -> str:
        member = by_id.get(person_id)
        return f"{member.name}（{masked_id(person_id)}）" if member else masked_id(person_id)

    story: list[Flowable] = _cover(
        project, lot, committee, session_title, session_id, generated_at, width
    )
    sections: list[tuple[str, list[Flowable]]] = [
        ("评标委员会组成", _committee(committee, recusals, width)),
        ("专家抽取记录", draw_section(draw, width)),
        ("初步评审结果", sec.gate_section(lot, summary, names, width)),
        ("价格分计算", sec.price_section(lot, summary, width)),
        (
            "各专家评分汇总",
            sec.expert_totals_section(lot, summary, names, width)
            + _sheets(lot, sheets, names, width),
        ),
        ("最终得分及排名", sec.final_section(lot, summary, width)),
        ("推荐中标候选人", sec.candidates_section(lot, summary)),
        ("评分畸高、畸低情况及说明", sec.deviation_section(lot, summary, names, width)),
        ("否决投标情况", sec.rejected_section(lot, summary, names, width)),
        ("围标串标预警及处理", warnings_section(warnings, width)),
        ("不同意见", _dissents(dissents)),
    ]
    numbers = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
    for n, (title, flowables) in enumerate(sections):
        story += [CondPageBreak(50 * mm), para(f"{numbers[n]}、{title}", s.h1), *flowables]
    placed: list[Placed] = []
    story += _signature_page(committee, dissents, width, placed)
    pdf = add_signature_fields(build_pdf(story, info), placed)
    logger.info(
        "evaluation report for %s/%s rendered: %d bytes, summary %s",
        project.id,
        lot.id,
        len(pdf),
        digest,
    )
    return pdf


def _cover(
    project: Project,
    lot: Lot,
    committee: Sequence[CommitteeMember],
    session_title: str,
    session_id: str,
    generated_at: dt.datetime | str,
    width: float,
) -> list[Flowable]:
    s = styles()
    venues = list(dict.fromkeys(m.venue for m in committee if m.venue))
    pairs = [
        ("项目名称", project.name),
        ("项目编号", project.id),
        ("标段", lot.name),  # its name: the id is for machines (kept in the keywords)
        ("招标人", project.tenderer or "—"),
        ("招标代理机构", project.agency or "—"),
        ("评标会议", session_title + (f"（{session_id}）" if session_id else "")),
        ("评标办法", lot.plan.name),
        ("评标地点", "、".join(venues) or "—"),
        ("报告生成时间", beijing(generated_at)),
    ]
    return [
        # the title near the top: a reader at fit-width sees it without scrolling
        Spacer(1, 6 * mm),
        para("评 标 报 告", s.title),
        para(project.name, s.subtitle),
        para(lot.name, s.subtitle),
        Spacer(1, 14 * mm),
        key_values(pairs, [36 * mm, width - 36 * mm]),
        Spacer(1, 20 * mm),
        para("评标委员会", s.subtitle),
        para(beijing_date(generated_at), s.subtitle),
        PageBreak(),
    ]


def _committee(
    committee: Sequence[CommitteeMember], recusals: Sequence[Recusal], width: float
) -> list[Flowable]:
    s = styles()
    rows = [
        [
            para(str(n), s.cell_center),
            m.name,
            masked_id(m.person_id),
            "组长" if m.leader else "成员",
            m.role,
            m.venue,
        ]
        for n, m in enumerate(committee, start=1)
    ]
    widths = [12 * mm, 30 * mm, 28 * mm, 18 * mm, 34 * mm]
    widths.append(width - sum(widths))
    out: list[Flowable] = [
        para(f"评标委员会由 {len(committee)} 人组成，分别在以下评标场地远程异地评标：", s.lead),
        grid(["序号", "姓名", "编号", "职务", "身份", "评标场地"], rows, widths),
        Spacer(1, 2 * mm),
    ]
    leader = next((m for m in committee if m.leader), None)
    out.append(
        para(
            f"评标委员会组长：{leader.name}（{masked_id(leader.person_id)}）。"
            if leader
            else "评标委员会组长：未推选。",
            s.body,
        )
    )
    if recusals:
        rec = [[r.name, masked_id(r.person_id), r.reason, r.replaced_by or "—"] for r in recusals]
        out += [
            para("回避情况：", s.h2),
            grid(
                ["姓名", "编号", "回避理由", "替补专家"],
                rec,
                [28 * mm, 28 * mm, width - 90 * mm, 34 * mm],
            ),
        ]
    else:
        out.append(para("回避情况：无成员申请回避。", s.body))
    return out


def _sheets(
    lot: Lot, sheets: Sequence[ScoreSheet], names: sec.Names, width: float
) -> list[Flowable]:
    """Every expert's item scores (详细评审), one grid per expert, in expert id order."""
    s = styles()
    if not sheets:
        return []
    items = [(g.name, i) for g, i in lot.plan.items() if isinstance(i, ScoredItem)]
    out: list[Flowable] = []
    for sheet in sorted(sheets, key=lambda x: x.expert_id):
        bidders = sec.bidders_of(lot, sorted({x.bidder_id for x in sheet.scores}))
        scores = {(x.bidder_id, x.item_id): x.score for x in sheet.scores}
        heading = para(
            f"专家评分明细：{names(sheet.expert_id)}"
            f"（评分表第 {sheet.version} 版，{beijing(sheet.at)}）",
            s.h2,
        )
        out.append(KeepTogether([heading, *score_grid(bidders, items, scores, width)]))
    return out


def _dissents(dissents: Sequence[Dissent]) -> list[Flowable]:
    s = styles()
    if not dissents:
        return [para("无。评标委员会成员对评标结果没有不同意见。", s.body)]
    out: list[Flowable] = []
    for d in dissents:
        out += [
            para(f"{d.name}（{masked_id(d.person_id)}）不同意评标结果，理由如下：", s.cell_bold),
            para(d.reasons, s.body),
            Spacer(1, 2 * mm),
        ]
    return out


def _signature_page(
    committee: Sequence[CommitteeMember],
    dissents: Sequence[Dissent],
    width: float,
    placed: list[Placed],
) -> list[Flowable]:
    """One row per member; the signature cell is that member's signature field, which shows
    their name, CA, certificate serial and signing time once they have signed."""
    s = styles()
    dissenting = {d.person_id for d in dissents}
    widths = [10 * mm, 30 * mm, 13 * mm, 24 * mm, 0.0, 26 * mm]
    widths[4] = width - sum(widths)
    pad = 4  # the grid's cell padding
    rows = [
        [
            para(str(n), s.cell_center),
            f"{m.name}\n（{masked_id(m.person_id)}）",
            "组长" if m.leader else "成员",
            m.venue,
            SignatureSlot(member_field(m.person_id), widths[4] - 2 * pad, SIGNATURE_HEIGHT, placed),
            "持不同意见，见第十节" if m.person_id in dissenting else "",
        ]
        for n, m in enumerate(committee, start=1)
    ]
    table = grid(
        ["序号", "姓名", "职务", "评标场地", "签字（电子签名）及日期", "备注"], rows, widths
    )
    return [
        PageBreak(),
        para("评标委员会成员签字", s.h1),
        para(
            "评标委员会全体成员确认本报告所载评标过程和结果。本报告由各成员依次以数字证书进行电子签名（PAdES），"
            "每一签名以增量方式附加，不改变已签署的内容；对评标结果有不同意见的成员，应以书面方式说明理由并记录在案。"
            "签字栏显示签名人姓名、证书颁发机构（CA）、证书序列号及签署时间（北京时间），"
            "签名是否有效以电子签名验证结果为准。",
            s.body,
        ),
        Spacer(1, 3 * mm),
        KeepTogether([table]),
    ]
