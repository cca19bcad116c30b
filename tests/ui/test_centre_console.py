"""The centre workspace against the real venue: the wizard creates a session, experts (client
library) run it to the summary and sign the report, the centre collects, follows the report,
exports and verifies the archive (and catches one altered byte), and reads statistics."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import zipfile
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from evaluator_app.client.centre_plan import Assignment, SessionDraft
from evaluator_app.client.errors import VenueRefused
from evaluator_app.client.explain import explain
from evaluator_app.ui.centre import CentreWorkspace
from evaluator_app.ui.centre.common import cells
from evaluator_app.ui.i18n import install_language
from tests.ui.conftest import fits, login_centre, read_whole, until
from tests.ui.test_expert_flow_ui import SHOTS, _pdf, shot
from tests.venue import flow
from tests.venue.harness import SEATS, example_project
from tests.venue.test_report_signing import _sign

PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-dual-sd": "E5",
}
CONFLICTED = "expert-sd-3"


def _core_finals() -> tuple[dict[str, Decimal], dict[tuple[str, str], Decimal]]:
    from evaluator_app.core.evaluation import evaluate_lot
    from evaluator_app.core.project_file import loads_project
    from evaluator_app.core.scores_file import loads_scores

    examples = resources.files("evaluator_app.examples")
    project = loads_project(examples.joinpath("project.json").read_bytes())
    committee = loads_scores(examples.joinpath("scores.json").read_text("utf-8"), project)
    result = evaluate_lot(
        project.lot("lot-1"), committee.experts, committee.gate_votes, committee.sheets
    )
    finals = {e.bidder_id: e.final for e in result.ranking.entries}
    totals = {
        (t.expert_id, b.bidder_id): t.total for b in result.aggregate.bidders for t in b.totals
    }
    return finals, totals


async def _no_signer():  # type: ignore[no-untyped-def]
    raise AssertionError("nothing to sign when the venue refuses the session")


def _alter_one_byte(source: Path, target: Path, member: str) -> None:
    data = bytearray(source.read_bytes())
    with zipfile.ZipFile(source) as archive:
        info = archive.getinfo(member)
    header = info.header_offset
    name_len = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_len = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_len + extra_len
    data[start + info.compress_size // 2] ^= 0x01
    target.write_bytes(bytes(data))


def _rewrite_member(source: Path, target: Path, member: str) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = bytearray(old.read(info))
            if info.filename == member:
                data[len(data) // 2] ^= 0x01
            new.writestr(info, bytes(data))


def test_centre_workspace_from_wizard_to_archive(qtbot, pin, drive, venue, tmp_path, monkeypatch):
    async def scenario() -> None:
        from PySide6.QtWidgets import QApplication

        h = venue.harness
        install_language(QApplication.instance(), "zh_CN")
        centre = venue.demo.person("centre-1")
        pin(centre.password)
        logged, login = await login_centre(qtbot, venue)
        settings = venue.settings_for("ws-centre")
        workspace = CentreWorkspace(logged, settings, tmp_path / "centre", login)
        qtbot.addWidget(workspace)
        workspace.resize(1400, 900)
        workspace.show()
        wizard = workspace.wizard

        # 1. an invalid plan is refused, naming the field
        broken = example_project()
        broken["lots"][0]["ceiling_price"] = "很多钱"
        (tmp_path / "broken.json").write_text(json.dumps(broken, ensure_ascii=False), "utf-8")
        wizard.load_project(str(tmp_path / "broken.json"))
        await until(lambda: wizard.problems.rowCount() > 0, message="plan problems")
        assert "lots[0].ceiling_price" in cells(wizard.problems, 0)
        assert not wizard.check.ok

        # 2. a valid project whose bidder B5 is the employer of one roster expert
        roster = await workspace.service.roster()
        conflicted = next(p for p in roster if p.person_id == h.person_id(CONFLICTED))
        project = example_project()
        project["lots"][0]["bidders"][4]["organisation"] = conflicted.organisation
        (tmp_path / "project.json").write_text(json.dumps(project, ensure_ascii=False), "utf-8")
        wizard.load_project(str(tmp_path / "project.json"))
        await until(
            lambda: wizard.check is not None and wizard.check.ok and wizard.roster,
            message="valid plan and roster",
        )
        assert wizard.problems.rowCount() == 0 and wizard.bidders.rowCount() == 5
        wizard.session_id.setText("S1")

        # documents: a non-PDF is refused; the PDFs are hashed off the Qt thread
        (tmp_path / "tender.txt").write_text("not a pdf", "utf-8")
        documents = wizard.documents_box
        documents.add_document(str(tmp_path / "tender.txt"), "tender", "招标文件", None)
        await until(lambda: documents.documents, message="document checked")
        assert not documents.documents[0].ok and "PDF" in cells(documents.docs, 4)[0]
        for name, title, bidder in (("tender", "招标文件", None), ("bid-B2", "B2 投标文件", "B2")):
            (tmp_path / f"{name}.pdf").write_bytes(_pdf(title, 3))
            documents.add_document(str(tmp_path / f"{name}.pdf"), name, title, bidder)
        await until(
            lambda: len(documents.documents) == 2 and all(d.ok for d in documents.documents),
            message="documents ok",
        )

        # the committee: the conflicted expert is refused with the reason
        for key in PLAYS:
            assert wizard.assign(h.person_id(key), *SEATS[key]) is None
        assert wizard.assign(h.person_id("supervisor-jinan"), "jinan", "S1") is None
        assert (
            wizard.assign(h.person_id("expert-sd-1"), "jinan", "A09") is not None
        )  # already on the committee
        assert wizard.assign(h.person_id("expert-nca-3"), "jinan", "A01") is not None  # seat taken
        refusal = wizard.assign(h.person_id(CONFLICTED), *SEATS[CONFLICTED])
        assert refusal is not None and "B5" in refusal.zh and "回避" in wizard.message.text()
        assert wizard.committee.rowCount() == 6
        shot(workspace, "centre-wizard")
        wizard.create_button.click()
        await until(
            lambda: "S1" in wizard.message.text() and not wizard.busy,
            message=lambda: wizard.message.text(),
        )
        client = logged.client
        made = await client.get("/sessions/S1")
        assert made["phase"] == "check_in" and len(made["members"]) == 6
        assert [d["doc_id"] for d in (await client.get("/sessions/S1/documents"))["documents"]] == [
            "bid-B2",
            "tender",
        ]

        # the venue applies the same rule: its refusal is explained with the reason
        bad = SessionDraft(
            "S9",
            "回避测试",
            project,
            "lot-1",
            "jinan",
            (Assignment(conflicted, "jinan", "A09"),),
            (),
        )
        with pytest.raises(VenueRefused) as info:
            await workspace.service.create_session(bad, _no_signer)
        assert info.value.code == "conflict_of_interest" and "回避" in explain(info.value).zh

        # nothing to sum up before the summary: 汇总并核验 is grey and says why, beside it
        collect = workspace.collect
        workspace.tabs.setCurrentWidget(collect)
        await until(lambda: collect.chooser.current() == "S1", message="S1 listed")
        why = collect.collect_why.text()
        assert not collect.collect_button.isEnabled() and collect.collect_why.isVisible()
        assert "S1" in why and "「签到」" in why and "「汇总」" in why, why
        assert collect.collect_button.toolTip() == why

        # 3. the experts run the session to the summary through the client library
        await client.post("/sessions/S1/phase", {"target": "declarations"})
        experts = {k: await asyncio.to_thread(venue.call, h.login(k)) for k in PLAYS}

        async def run_to_summary() -> None:
            for key in PLAYS:
                await flow.declare(h, experts[key], key)
            for key in PLAYS:
                await flow.vote_leader(h, experts[key], key, "expert-sd-1")
            for key, example in PLAYS.items():
                await flow.gate_votes(h, experts[key], key, example)
            await experts["expert-sd-1"].post("/sessions/S1/phase", {"target": "detailed_scoring"})
            for key, example in PLAYS.items():
                await flow.submit_sheet(h, experts[key], key, flow.sheet(h, key, example))

        await asyncio.to_thread(venue.call, run_to_summary(), 120)
        workspace.tabs.setCurrentWidget(workspace.follow)
        await until(lambda: workspace.follow.lines, message="follow lines")
        assert (
            workspace.follow.lines[0].phase == "summary"
            and "济南主场" in cells(workspace.follow.sessions, 3)[0]
        )
        assert [v.expected for v in workspace.follow.lines[0].venues] == [3, 2]  # jinan, zibo
        follow = workspace.follow.sessions  # who is present where, read whole (never "…")
        workspace.resize(1080, 700)  # as inside the app's window (1100 × 760)
        await read_whole(follow)
        workspace.resize(1400, 900)
        shot(workspace, "centre-follow")

        # 4. collect: the centre's results equal core's for the same sheets
        workspace.tabs.setCurrentWidget(workspace.collect)
        await until(lambda: workspace.collect.chooser.current() == "S1", message="S1 listed")
        await until(  # offered now that there are signed sheets to sum up
            lambda: collect.collect_button.isEnabled(), message=lambda: collect.collect_why.text()
        )
        assert not collect.collect_why.isVisible() and not collect.collect_button.toolTip()
        workspace.collect.collect_button.click()
        await until(
            lambda: workspace.collect.collected is not None,
            timeout=40,
            message=lambda: workspace.collect.status.text(),
        )
        collected = workspace.collect.collected
        finals, totals = _core_finals()
        assert {
            r.bidder_id: r.final for r in collected.results.bidders if r.final is not None
        } == finals
        assert [r.bidder_id for r in collected.results.bidders if r.position] == ["B2", "B1", "B3"]
        assert finals == {"B2": Decimal("90.63"), "B1": Decimal("88.17"), "B3": Decimal("80.19")}
        person_of = {h.person_id(k): e for k, e in PLAYS.items()}
        assert {
            (person_of[t.expert_id], t.bidder_id): t.total for t in collected.results.per_expert
        } == totals
        rejected = {r.bidder_id: r.reasons for r in collected.results.bidders if r.rejected}
        assert (
            set(rejected) == {"B4", "B5"}
            and "「投标保证金按时足额提交」未通过" in rejected["B4"][0]
            and rejected["B5"][0].startswith("超过最高限价")
        )
        assert collected.results.deviations[0].explanation.startswith("施工组织设计")
        assert len(collected.sheets) == 5 and all(s.ok for s in collected.sheets)
        assert "90.63" in cells(workspace.collect.results, 6)  # 技术、商务、价格、最终
        header = workspace.collect.results.horizontalHeaderItem
        assert [header(c).text() for c in (1, 2)] == ["编号", "投标人"]  # never 姓名 for a bidder
        assert "淄博华信建工有限公司" in cells(workspace.collect.results, 2)
        for r in collected.results.bidders:  # the columns add up: technical + commercial + price
            if r.final is not None:
                assert r.technical + r.commercial + r.price_score == r.final, r
        # the candidates by name; every rejection's reasons whole in their cell, wrapped
        assert "B2 淄博华信建工有限公司、B1 " in workspace.collect.status.text()
        shown = workspace.collect.results
        for row in range(shown.rowCount()):
            assert fits(shown, row, 8), shown.item(row, 8).text()
        shot(workspace, "centre-collect")

        # 5. report: generated at report signing; the centre follows the signatures
        await asyncio.to_thread(
            venue.call,
            experts["expert-sd-1"].post("/sessions/S1/phase", {"target": "report_signing"}),
        )
        report_tab = workspace.report
        workspace.tabs.setCurrentWidget(report_tab)
        await until(lambda: report_tab.chooser.current() == "S1", message="S1 in report tab")
        report_tab.refresh_button.click()
        await until(lambda: report_tab.state is not None, message=lambda: report_tab.status.text())
        assert len(report_tab.state.pending) == 5 and report_tab.pane.document.pageCount() >= 1
        if shutil.which("pdftotext"):
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=report_tab.state.pdf, capture_output=True, check=True
            ).stdout.decode()
            for score in ("90.63", "88.17", "80.19"):
                assert score in text, score

        async def sign(keys: list[str]) -> None:
            for key in keys:
                await _sign(h, experts[key], key, await experts[key].get("/sessions/S1/report"))

        await asyncio.to_thread(venue.call, sign(["expert-sd-1", "expert-sd-2"]))
        report_tab.refresh_button.click()
        await until(
            lambda: len(report_tab.state.signed) == 2, message=lambda: report_tab.status.text()
        )
        assert (
            "张伟" in cells(report_tab.signatures, 0)[0]
            and cells(report_tab.signatures, 1)[-1] == "待签"
        )
        await asyncio.to_thread(
            venue.call, sign(["expert-nca-1", "expert-nca-2", "expert-dual-sd"])
        )
        report_tab.refresh_button.click()
        await until(lambda: not report_tab.state.pending, message=lambda: report_tab.status.text())
        if SHOTS:  # QPdfView paints its pages asynchronously
            await asyncio.sleep(1.5)
        shot(workspace, "centre-report")

        # 6. archive: exported, verified offline; one altered byte fails, naming the item
        archive_tab = workspace.archive
        workspace.tabs.setCurrentWidget(archive_tab)
        await until(lambda: archive_tab.chooser.current() == "S1", message="S1 in archive tab")
        exported = tmp_path / "S1.zip"
        archive_tab.export_to("S1", str(exported))
        await until(
            lambda: archive_tab.exported is not None,
            timeout=30,
            message=lambda: archive_tab.verdict.text(),
        )
        archive_tab.verify_file(str(exported))
        await until(
            lambda: archive_tab.report is not None,
            timeout=40,
            message=lambda: archive_tab.verdict.text(),
        )
        assert archive_tab.report.ok, [c for c in archive_tab.report.checks if not c.ok]
        assert "评标报告" in cells(archive_tab.checks, 0) and set(cells(archive_tab.checks, 1)) == {
            "通过"
        }
        with zipfile.ZipFile(exported) as archive:
            sheet_member = next(
                n for n in archive.namelist() if "score_sheet" in n and n.endswith(".json")
            )
        altered = tmp_path / "S1-altered.zip"
        _alter_one_byte(exported, altered, sheet_member)
        archive_tab.verify_file(str(altered))
        await until(
            lambda: archive_tab.report is not None and archive_tab.report.path == str(altered),
            timeout=40,
            message=lambda: archive_tab.verdict.text(),
        )
        assert not archive_tab.report.ok
        assert any(c.name == sheet_member and not c.ok for c in archive_tab.report.checks)
        from evaluator_app.archive.labels import check_name_zh

        assert check_name_zh(sheet_member) in archive_tab.verdict.text()  # by what it is
        assert any(
            c.name == "files" and sheet_member in c.detail for c in archive_tab.report.checks
        )  # the engine ran too
        shot(workspace, "centre-archive")
        # one byte of the content changed inside a well-formed zip: the engine names the file
        rewritten = tmp_path / "S1-rewritten.zip"
        _rewrite_member(exported, rewritten, "results.json")
        archive_tab.verify_file(str(rewritten))
        await until(
            lambda: archive_tab.report is not None and archive_tab.report.path == str(rewritten),
            timeout=40,
            message=lambda: archive_tab.verdict.text(),
        )
        assert not archive_tab.report.ok and "评标结果被改动" in archive_tab.verdict.text()

        # 7. statistics: this session is counted; CSV exported
        stats = workspace.statistics
        workspace.tabs.setCurrentWidget(stats)
        stats.refresh()
        await until(lambda: stats.facts, message=lambda: stats.status.text())
        everywhere = [r for r in stats.rows if r.venue == "*"]
        assert len(everywhere) == 1 and everywhere[0].sessions == 1 and everywhere[0].bidders == 5
        assert (
            everywhere[0].rejected == 2
            and everywhere[0].deviations == 1
            and everywhere[0].experts == 5
        )
        stats.export_csv(str(tmp_path / "stats.csv"))
        await until(lambda: (tmp_path / "stats.csv").exists(), message="csv written")
        lines = (tmp_path / "stats.csv").read_text("utf-8-sig").splitlines()
        assert lines[0].startswith("period,venue,sessions") and any(
            line.split(",")[1] == "jinan" for line in lines[1:]
        )
        shot(workspace, "centre-statistics")
        workspace.close()
        await logged.client.close()

    drive(scenario)
