"""The evaluation report PDF: every part of the result is in it, as the summary says."""

from __future__ import annotations

import copy
import io
import re

from pyhanko.pdf_utils.reader import PdfFileReader

from evaluator_app.reports.evaluation_report import summary_hash
from tests.reports.conftest import DISSENT, RECUSAL, pdftotext, render_report, run, tool
from tests.reports.example_data import NAMES, VENUES


def flat_text(pdf: bytes, tmp_path) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", "", pdftotext(pdf, tmp_path))


def test_opens_with_pyhanko_and_poppler(report_pdf, tmp_path):
    reader = PdfFileReader(io.BytesIO(report_pdf), strict=True)
    assert reader.root["/Pages"]["/Count"] >= 5
    f = tmp_path / "report.pdf"
    f.write_bytes(report_pdf)
    assert "评标报告" in run(tool("pdfinfo"), str(f))


def test_cover_and_committee(ex, report_pdf, tmp_path):
    text = flat_text(report_pdf, tmp_path)
    for value in (
        ex.project.name,
        ex.project.id,
        ex.project.tenderer,
        ex.project.agency,
        ex.lot.name,
        "2026年11月26日",
    ):
        assert value.replace(" ", "") in text
    for expert in ex.committee.experts:
        assert NAMES[expert] in text and VENUES[expert] in text
    assert f"评标委员会组长：{NAMES['E2']}（E2）" in text
    assert RECUSAL.reason in text


def test_ranking_and_final_scores_of_the_example(ex, report_pdf, tmp_path):
    text = flat_text(report_pdf, tmp_path)
    ranking = text[text.index("六、最终得分及排名") : text.index("七、推荐中标候选人")]
    names = [ex.lot.bidder(b).name for b in ("B2", "B1", "B3")]
    positions = [ranking.index(n) for n in names]
    assert positions == sorted(positions)
    for score in ("90.63", "88.17", "80.19"):
        assert score in ranking
    candidates = text[text.index("七、推荐中标候选人") : text.index("八、")]
    assert f"第一中标候选人：{names[0]}（B2），最终得分90.63分" in candidates
    assert (
        f"第二中标候选人：{names[1]}（B1）" in candidates
        and f"第三中标候选人：{names[2]}（B3）" in candidates
    )


def test_gates_rejections_price_deviation_and_dissent(ex, report_pdf, tmp_path):
    text = flat_text(report_pdf, tmp_path)
    for reason in (
        "投标保证金到账时间晚于投标截止时间",
        "保证金银行回单显示到账时间为截止后15分钟",
        "投标保证金未按时足额提交",
        "投标函第3页法定代表人签字不清晰",
    ):
        assert reason in text  # majority and minority fail reasons alike
    rejected = text[text.index("九、否决投标情况") : text.index("十、围标串标预警及处理")]
    assert (
        "系统未发现围标串标预警线索"
        in text[text.index("十、围标串标预警及处理") : text.index("十一、不同意见")]
    )
    assert ex.lot.bidder("B4").name in rejected and ex.lot.bidder("B5").name in rejected
    assert "38,760,000.00元超过最高限价38,500,000.00元" in rejected
    assert "评标基准价：35,671,225.96元" in text
    for price_score in ("38.47", "39.43", "35.99"):
        assert price_score in text
    assert "施工组织设计未包含冬季施工专项方案" in text and "畸低" in text
    assert DISSENT.reasons in text


def test_every_experts_totals_and_item_scores(ex, report_pdf, tmp_path):
    layout = pdftotext(report_pdf, tmp_path, "-layout")
    for bidder in ex.summary["aggregate"]["bidders"]:
        for total in bidder["totals"]:
            assert total["total"] in layout
    text = re.sub(r"\s+", "", layout)
    for expert in ex.committee.experts:
        assert f"专家评分明细：{NAMES[expert]}（{expert}）" in text


def test_signature_page_lists_every_member(ex, report_pdf, tmp_path):
    pages = pdftotext(report_pdf, tmp_path).split("\f")
    last = re.sub(r"\s+", "", [p for p in pages if p.strip()][-1])
    assert "评标委员会成员签字" in last
    for expert in ex.committee.experts:
        assert NAMES[expert] in last
    assert "持不同意见" in last


def test_summary_hash_in_footer_and_info(ex, report_pdf, tmp_path):
    digest = summary_hash(ex.summary)
    assert digest in flat_text(report_pdf, tmp_path)
    f = tmp_path / "report.pdf"
    f.write_bytes(report_pdf)
    assert f"summary-sha256:{digest}" in run(tool("pdfinfo"), str(f))


def test_deterministic_and_sensitive_to_the_result(ex, report_pdf):
    assert render_report(ex) == report_pdf
    changed = copy.deepcopy(ex.summary)
    changed["ranking"]["entries"][0]["final"] = "90.64"
    assert render_report(ex, changed) != report_pdf


def test_unresolved_tie_is_reported_as_such(ex, tmp_path):
    summary = copy.deepcopy(ex.summary)
    ranking = summary["ranking"]
    ranking["entries"][1]["final"] = ranking["entries"][2]["final"] = "85.00"
    ranking["entries"][1]["position"] = ranking["entries"][2]["position"] = 2
    ranking["unresolved_ties"] = [["B1", "B3"]]
    ranking["candidates"] = ["B2"]
    ranking["cutoff_tie"] = ["B1", "B3"]
    summary["ranking"]["candidates"] = ["B2"]
    text = flat_text(render_report(ex, summary), tmp_path)
    assert "并列未决" in text and "推荐名额处并列" in text and "得分并列，规则无法区分" in text
    assert "第二中标候选人" not in text


def test_every_bid_rejected(ex, tmp_path):
    summary = copy.deepcopy(ex.summary)
    for outcome in summary["gates"]["outcomes"]:
        outcome["rejected"] = True
    summary["price_results"] = []
    summary["aggregate"]["bidders"] = []
    summary["ranking"] = {"entries": [], "unresolved_ties": [], "candidates": [], "cutoff_tie": []}
    summary["deviations"] = []
    text = flat_text(render_report(ex, summary, sheets=(), dissents=(), recusals=()), tmp_path)
    assert "所有投标均被否决，评标委员会不推荐中标候选人" in text
    assert "无评分畸高、畸低情况" in text and "无成员申请回避" in text


def test_the_committee_prints_resident_id_numbers_masked(ex, tmp_path):
    from dataclasses import replace

    from tests.reports.conftest import committee

    resident = "370102199001010022"
    members = [replace(m, person_id=resident) if m.leader else m for m in committee(ex)]
    text = flat_text(render_report(ex, committee=members), tmp_path)
    assert resident not in text
    assert f"评标委员会组长：{NAMES['E2']}（370102********0022）" in text
