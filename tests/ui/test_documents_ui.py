"""The documents step in the real window, with the demo's real bid PDFs (rendered by QtPdf from
the encrypted cache): it opens with the tender and the first bid, fitted to the width, their
outlines listed; a double-click in the list opens a document; the outline jumps to its page."""

from __future__ import annotations

import asyncio
import hashlib

from PySide6.QtCore import QModelIndex
from PySide6.QtPdf import QPdfBookmarkModel
from PySide6.QtPdfWidgets import QPdfView

from tests.ui.conftest import until
from tests.ui.test_expert_flow_ui import OTHERS, UI_EXPERT
from tests.ui.test_expert_resilience_ui import _close, _open
from tests.venue import flow
from tests.venue.harness import SEATS, example_project


async def _session_with_demo_documents(h):  # type: ignore[no-untyped-def]
    from evaluator_app.core.project_file import project_from_dict
    from evaluator_app.demo.documents import demo_documents
    from evaluator_app.protocol.artefacts import DocumentManifest, ManifestEntry
    from evaluator_app.protocol.messages import CreateSession, DocumentInput, MemberInput, Role

    centre = await h.login("centre-1")
    project = example_project()
    lot = project_from_dict(project).lot("lot-1")
    docs = [d for d in demo_documents(lot, 2) if d.bidder_id in (None, "B1", "B2")]
    inputs = []
    for doc in docs:
        inputs.append(
            DocumentInput(
                doc.doc_id, doc.title, await centre.put_blob(doc.pdf), len(doc.pdf), doc.bidder_id
            )
        )
    members = [MemberInput(h.person_id(k), Role.EXPERT, *SEATS[k]) for k in [*OTHERS, UI_EXPERT]]
    await centre.post(
        "/sessions",
        CreateSession("S1", lot.name, project, "lot-1", "jinan", tuple(members), tuple(inputs)),
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
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    for key in [*OTHERS, UI_EXPERT]:  # the pledge comes before the bids
        await flow.declare(h, await h.login(key), key)
    return {d.doc_id: hashlib.sha256(d.pdf).hexdigest() for d in docs}


def test_documents_open_with_the_tender_and_the_first_bid(qtbot, drive, venue, tmp_path):
    h = venue.harness

    async def scenario() -> None:
        await asyncio.to_thread(venue.call, _session_with_demo_documents(h))
        window, session_window = await _open(qtbot, venue, tmp_path / "app")
        documents = session_window.documents
        session_window.steps.setCurrentRow(3)
        left, right = documents.left, documents.right
        await until(
            lambda: left.document.pageCount() > 0 and right.document.pageCount() > 0,
            message="both viewers show a document without a click",
        )
        session_window.steps.setCurrentRow(3)  # the window went to the step of the phase
        assert left.doc_id == "tender" and right.doc_id == "bid-B1"
        assert left.chooser.currentData() == "tender" and right.chooser.currentData() == "bid-B1"
        assert left.pages_label.text() == f"/ {left.document.pageCount()}"
        for pane in (left, right):
            assert pane.view.zoomMode() is QPdfView.ZoomMode.FitToWidth
            assert pane.outline.isVisible()
        model = right.bookmarks
        titles = [model.index(r, 0).data() for r in range(model.rowCount(QModelIndex()))]
        assert titles[:3] == ["封面", "施工组织设计", "施工进度计划及保证措施"], titles
        # the outline jumps to the section's page
        section = model.index(2, 0)
        target = model.data(section, int(QPdfBookmarkModel.Role.Page))
        right.outline.clicked.emit(section)
        await until(
            lambda: right.view.pageNavigator().currentPage() == target, message="outline jump"
        )
        # a double-click in the list opens the other bid in the bids' viewer
        row = documents.rows["bid-B2"]
        documents.table.cellDoubleClicked.emit(row, 0)
        await until(lambda: right.doc_id == "bid-B2", message="double-click opens")
        assert right.chooser.currentData() == "bid-B2" and right.document.pageCount() > 10
        await _close(window)

    drive(scenario)


def test_sizes_read_as_a_file_manager_says_them() -> None:
    from evaluator_app.ui.pages.documents_page import _size

    assert [_size(n) for n in (0, 300, 1024, 1025, 26_000, 3 * 1_048_576)] == [
        "0 KB",
        "1 KB",
        "1 KB",
        "2 KB",
        "26 KB",
        "3.0 MB",
    ]
