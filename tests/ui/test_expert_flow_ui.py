"""The whole expert flow in the real window, by clicks and keys, against the real venue;
the other four experts are driven through the client library at the same time."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from evaluator_app.protocol.messages import CreateSession, MemberInput, Role
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from tests.ui.conftest import fits, read_whole, until
from tests.venue import flow
from tests.venue.harness import SEATS, example_project

SHOTS = os.environ.get("EVALUATOR_SCREENSHOTS")  # set by tools/screenshots.py


def shot(widget, name: str) -> None:  # type: ignore[no-untyped-def]
    """Save what a person sees (docs/screenshots), when the screenshot script runs this test."""
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


UI_EXPERT = "expert-dual-sd"  # plays E5 of the bundled example, whose B2 score deviates
OTHERS = {"expert-sd-1": "E1", "expert-sd-2": "E2", "expert-nca-1": "E3", "expert-nca-2": "E4"}


def _pdf(title: str, pages: int) -> bytes:
    import io

    from reportlab.pdfgen import canvas

    from evaluator_app.reports.fonts import register_fonts

    font = register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, invariant=1)
    for page in range(pages):
        pdf.setFont(font, 18)
        pdf.drawString(72, 760, f"{title} 第 {page + 1} 页")
        # a full XYZ destination: QtPdf warns of an invalid location on a bare /Fit
        pdf.bookmarkPage(f"p{page}", fit="XYZ", left=0, top=842, zoom=0)
        pdf.addOutlineEntry(f"第{page + 1}章", f"p{page}")
        pdf.drawString(72, 700, "施工组织设计 冬季施工专项方案" if page == 2 else "投标函")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


async def _sign_report(h, client, key):  # type: ignore[no-untyped-def]
    import base64

    from evaluator_app.pki.pades import async_sign_pdf

    report = await client.get("/sessions/S1/report")
    signed = await async_sign_pdf(base64.b64decode(report["pdf"]), h.signer(key))
    return await client.post(
        "/sessions/S1/report/signatures",
        {"base_revision": report["revision"], "pdf": base64.b64encode(signed).decode()},
    )


async def _setup(h):  # type: ignore[no-untyped-def]
    import hashlib

    from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry
    from evaluator_app.protocol.messages import DocumentInput

    centre = await h.login("centre-1")
    committee = [*OTHERS, UI_EXPERT]
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in committee]
    from evaluator_app.protocol.bid_index import bid_index_bytes

    docs = {
        "tender": ("招标文件", _pdf("招标文件", 4), None),
        "bid-B2": ("B2 投标文件", _pdf("淄博华信建工 投标文件", 5), "B2"),
        "index-B2": (
            "B2 评分索引",
            bid_index_bytes("B2", "bid-B2", {"t-organisation": [3, 4]}),
            "B2",
        ),
    }
    inputs = []
    for doc_id, (title, data, bidder) in docs.items():
        sha = await centre.put_blob(data)
        inputs.append(DocumentInput(doc_id, title, sha, len(data), bidder))
    await centre.post(
        "/sessions",
        CreateSession(
            "S1",
            "教学楼改扩建工程 第一标段",
            example_project(),
            "lot-1",
            "jinan",
            tuple(members),
            tuple(inputs),
        ),
    )
    entries = tuple(
        sorted(
            (ManifestEntry(d.doc_id, d.sha256, d.size, d.title, d.bidder_id) for d in inputs),
            key=lambda e: e.doc_id,
        )
    )
    content, signature = await centre.sign_artefact(
        "document_manifest", DocumentManifest("S1", entries, flow.now()), h.signer("centre-1")
    )
    await centre.upload("S1", "manifest", content, signature)
    assert hashlib.sha256(docs["tender"][1]).hexdigest() in {e.sha256 for e in entries}
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    return {k: await h.login(k) for k in OTHERS}


def test_expert_flow_by_clicks_and_keys(qtbot, pin, drive, venue, tmp_path, monkeypatch):
    async def scenario() -> None:
        h = venue.harness
        others = await asyncio.to_thread(venue.call, _setup(h))
        person = venue.demo.person(UI_EXPERT)
        pin(person.password)

        from PySide6.QtWidgets import QApplication

        install_language(QApplication.instance(), "zh_CN")
        window = MainWindow(venue.settings_for(f"ws-{UI_EXPERT}"), tmp_path / "app")
        qtbot.addWidget(window)
        window.show()
        page = window.login_page
        page.use_file.setChecked(True)
        page.file_edit.setText(str(person.p12))
        page.secret_edit.setText(person.password)
        shot(window, "expert-login")
        page.login_button.click()
        await until(
            lambda: window.lobby is not None and window.lobby.sessions, message="lobby lists S1"
        )
        shot(window, "expert-lobby")
        lobby = window.lobby.table  # at the window's default size, no column is cut off
        cut = [lobby.item(0, c).text() for c in range(lobby.columnCount()) if not fits(lobby, 0, c)]
        assert not cut and lobby.item(0, 3).text() == "济南主场、淄博副场", cut
        window.lobby.join_button.click()
        session_window = window.session_windows["S1"]
        qtbot.addWidget(session_window)
        await until(
            lambda: (
                session_window.session.lot is not None and session_window.steps.currentRow() == 0
            ),
            message="declaration step",
        )

        # before the declarations the documents stay closed, and their page says so
        assert "签署评标承诺书后开放" in session_window.documents.message.text()
        assert session_window.documents.table.rowCount() == 0

        # 1. declaration: no conflict, signed
        declaration = session_window.pages[0]
        declaration.no_conflict.setChecked(True)
        shot(session_window, "expert-declaration")
        declaration.sign_button.click()
        await until(lambda: declaration.message.text(), message="declaration signed")
        assert declaration.message.text() == "已签名并送达场地（回执已保存）。", (
            declaration.message.text()
        )
        assert not declaration.sign_button.isEnabled()
        for key in OTHERS:
            await asyncio.to_thread(venue.call, flow.declare(h, others[key], key))
        await until(
            lambda: session_window.session.phase == "leader_election",
            message=lambda: (
                f"leader election; connection {session_window.connection.state}, phase "
                f"{session_window.session.phase}"
            ),
        )

        # 2. leader election: vote for expert-sd-1
        election = session_window.pages[1]
        await until(lambda: election.vote_button.isEnabled(), message="vote enabled")
        leader_row = next(
            i for i in range(election.members.count()) if "张伟" in election.members.item(i).text()
        )
        election.members.setCurrentRow(leader_row)
        election.vote_button.click()
        await until(lambda: not election.vote_button.isEnabled(), message="vote delivered")
        for key in OTHERS:
            await asyncio.to_thread(
                venue.call, flow.vote_leader(h, others[key], key, "expert-sd-1")
            )
        await until(
            lambda: session_window.session.phase == "preliminary_review",
            message="preliminary review",
        )

        # 3. preliminary review: a fail without reason is refused on the page; then all pass
        gates = session_window.pages[2]
        await until(lambda: gates.sign_button.isEnabled(), message="gates enabled")
        # each requirement (评审项) read whole, wrapped within the page, never cut off with "…"
        await read_whole(gates.table)  # at the window's default size
        gates.set_verdict("B1", "q-licence", passed=False, reason="")
        gates.sign_button.click()
        await until(
            lambda: "理由" in gates.message.text() or "reason" in gates.message.text(),
            message="reason demanded",
        )
        gates.set_verdict("B1", "q-licence", passed=True)
        shot(session_window, "expert-preliminary-review")
        gates.sign_button.click()
        await until(lambda: not gates.sign_button.isEnabled(), message="gate votes delivered")
        for key, example in OTHERS.items():
            await asyncio.to_thread(venue.call, flow.gate_votes(h, others[key], key, example))
        await asyncio.to_thread(
            venue.call,
            others["expert-sd-1"].post("/sessions/S1/phase", {"target": "detailed_scoring"}),
        )
        await until(
            lambda: (
                session_window.session.phase == "detailed_scoring"
                and session_window.scoring.bidders == ["B1", "B2", "B3"]
            ),
            message="scoring grid",
        )

        # the others' sheets are in first, so E5's 6 on B2/t-organisation is a deviation
        for key, example in OTHERS.items():
            await asyncio.to_thread(
                venue.call, flow.submit_sheet(h, others[key], key, flow.sheet(h, key, example))
            )

        # documents: downloaded and verified in the background, shown side by side with a watermark
        documents = session_window.documents
        session_window.steps.setCurrentRow(3)
        await until(
            lambda: (
                documents.table.rowCount() == 3
                and all(
                    documents.table.item(r, 2) is not None
                    and "已核验" in documents.table.item(r, 2).text()
                    for r in range(3)
                )
            ),
            message="documents ready",
        )
        assert documents.left.chooser.count() == 2  # the scoring index is data, not a page to read
        documents.left.chooser.setCurrentIndex(0)
        documents.left.chooser.activated.emit(0)
        documents.right.chooser.setCurrentIndex(1)
        documents.right.chooser.activated.emit(1)
        await until(
            lambda: (
                documents.left.document.pageCount() == 5
                and documents.right.document.pageCount() == 4
            ),
            message="both documents open",
        )
        assert "孙丽" in documents.watermark() and "A03" in documents.watermark()
        documents.left.search.setText("冬季施工")
        documents.left.find_next()
        await until(lambda: documents.left.found.text().startswith("1/"), message="search hit")
        if SHOTS:
            await asyncio.sleep(1.5)
        shot(session_window, "expert-documents")

        # 4. scoring: a score off its step is refused as typed; then the example's scores
        scoring = session_window.scoring
        session_window.steps.setCurrentRow(4)
        # the bid's scoring index links a criterion to the pages that answer it
        await until(lambda: "B2" in scoring.indexes, message="scoring index loaded")
        scoring.table.setCurrentCell(0, scoring.bidders.index("B2"))
        assert scoring.pages_button.isVisible() and "3、4" in scoring.pages_label.text()
        scoring.pages_button.click()
        await until(
            lambda: (
                session_window.steps.currentRow() == 3
                and documents.left.chooser.currentData() == "bid-B2"
                and documents.left.view.pageNavigator().currentPage() == 2
            ),
            message="bid shown at page 3",
        )
        session_window.steps.setCurrentRow(4)
        scoring.typed(1, "7.3")
        assert scoring.hint.text(), "an off-step score must be explained at once"
        scores = flow.EXAMPLE_SCORES["sheets"]["E5"]
        for bidder, items in scores.items():
            for item, value in items.items():
                scoring.set_score(bidder, item, value)
        assert scoring.table.item(len(scoring.items) + 1, 1).text() != "0"  # live total for B2
        await scoring.written()
        snapshot = session_window.session.snapshot()
        assert snapshot.cells[("B2", "t-organisation")].score == "6"  # in the journal at once

        # 5. review: the deviation must be explained first
        review = session_window.review
        me = session_window.session.logged.result.name  # whose window it is, in its title
        assert session_window.windowTitle() == f"{me} · 评标会话 S1", session_window.windowTitle()
        session_window.steps.setCurrentRow(5)
        review.prepare_button.click()
        await until(
            lambda: scoring.flagged == {("B2", "t-organisation")}, message="deviation flagged"
        )
        assert session_window.steps.currentRow() == 4 and scoring.explanation.isVisible()
        shot(session_window, "expert-scoring-deviation")
        scoring.explanation.setPlainText(
            flow.EXAMPLE_SCORES["explanations"]["E5"]["B2/t-organisation"]
        )
        session_window.steps.setCurrentRow(5)
        review.prepare_button.click()
        await until(lambda: review.sign_button.isEnabled(), message="sheet ready to sign")
        assert review.document.pageCount() >= 1
        if SHOTS:  # QPdfView paints its pages asynchronously
            await asyncio.sleep(1.5)
        shot(session_window, "expert-review-sign")
        shown = bytes(review._buffer.data())  # exactly the bytes the viewer shows
        shown_sha = hashlib.sha256(shown).hexdigest()
        assert shown_sha in review.digest.text()  # its SHA-256 is on the page
        if shutil.which("pdftotext"):  # the venue by its name on the printed sheet, not its id
            text = subprocess.run(
                ["pdftotext", "-", "-"], input=shown, capture_output=True, check=True
            ).stdout.decode()
            assert "济南主场 / A0" in text
        review.sign_button.click()
        await until(lambda: review.receipt is not None, message="receipt")
        assert review.receipt["version"] == 1 and review.receipt["kind"] == "score_sheet"
        # when the venue took it, in 北京时间 as every screen says it (it read ...T14:47:04.65Z)
        said = review.message.text()
        assert said.startswith("评分表已签名并由场地接收，") and "（北京时间）" in said, said
        assert "T" not in said.split("，")[1][:20] and "Z" not in said, said
        from evaluator_app.pki.cms import async_verify_detached

        sheet_row = await asyncio.to_thread(
            venue.call,
            h.venue.store.tx(
                lambda tx: tx.artefacts("S1", "score_sheet", session_window.session.me)[0]
            ),
        )
        verdict = await async_verify_detached(sheet_row.content, sheet_row.signature, None)
        signed_json = json.loads(sheet_row.content)
        assert signed_json["pdf_sha256"] == shown_sha  # the signed JSON binds the PDF shown
        assert sheet_row.pdf.startswith(shown)  # and the PDF signed is those very bytes
        assert (
            verdict.integrity_ok and verdict.timestamp_time is not None
        )  # CAdES-B-T: timestamped by the TSA
        await until(lambda: session_window.session.phase == "summary", message="summary phase")
        summary = await asyncio.to_thread(
            venue.call, others["expert-sd-1"].get("/sessions/S1/summary")
        )
        assert [e["bidder_id"] for e in summary["ranking"]["entries"]] == ["B2", "B1", "B3"]

        # 6. the report: the leader opens report signing; this expert signs in the window, the
        # others after
        await asyncio.to_thread(
            venue.call,
            others["expert-sd-1"].post("/sessions/S1/phase", {"target": "report_signing"}),
        )
        report_page = session_window.report_page
        await until(
            lambda: (
                session_window.session.phase == "report_signing"
                and report_page.report is not None
                and report_page.sign_button.isEnabled()
            ),
            message="report loaded",
        )
        assert report_page.viewer.document.pageCount() >= 5
        session_window.steps.setCurrentRow(7)
        if SHOTS:
            await asyncio.sleep(1.5)
        shot(session_window, "expert-report")
        report_page.sign_button.click()
        await until(
            lambda: (
                report_page.report is not None
                and session_window.session.me in report_page.report["signed"]
            ),
            message="report signed",
        )
        for key in OTHERS:
            await asyncio.to_thread(venue.call, _sign_report(h, others[key], key))
        await until(lambda: session_window.session.phase == "closed", message="session closed")
        session_window.close()
        await session_window.shutdown_task
        assert not list((tmp_path / "app" / "sessions" / "S1" / "cache").glob("*.evdoc")), (
            "the document cache is wiped"
        )
        window.close()
        await window.shutdown_task

    drive(scenario)
