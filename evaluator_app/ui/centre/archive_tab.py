"""Archive (存档): export a session's archive; open any archive and verify it offline, check by
check."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from evaluator_app.archive.verify import ArchiveReport
from evaluator_app.client.centre_service import CentreService, altered_items
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import SessionChooser, fill, heading, say, show_error, table
from evaluator_app.ui.file_choice import file_to_open, file_to_save
from evaluator_app.ui.ops import op

logger = logging.getLogger(__name__)


class ArchiveTab(QWidget):
    def __init__(
        self, service: CentreService, language: str, data_dir: Path, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.service, self.language, self.data_dir = service, language, data_dir
        self.report: ArchiveReport | None = None
        self.exported: Path | None = None
        self.chooser = SessionChooser()
        self.export_button = QPushButton(self.tr("Export archive…"))
        self.export_button.clicked.connect(self._choose_export)
        self.open_button = QPushButton(self.tr("Open an archive and verify…"))
        self.open_button.setObjectName("primary")
        self.open_button.clicked.connect(self._choose_verify)
        self.file_label = QLabel()
        self.checks = table([self.tr("Check"), self.tr("Outcome"), self.tr("Detail")], stretch=2)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Session")))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.export_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Session archive, verified offline")))
        layout.addLayout(top)
        layout.addWidget(self.file_label)
        layout.addWidget(self.checks, 1)
        layout.addWidget(self.verdict)

    @op
    async def _choose_export(self) -> None:
        sid = self.chooser.current()
        if sid is None:
            return
        suggested = str(self.data_dir / f"session-{sid}.zip")
        path = await file_to_save(self, self.tr("Export archive"), "ZIP (*.zip)", suggested)
        if path and alive(self):
            self.export_to(sid, path)

    @op
    async def _choose_verify(self) -> None:
        folder = str(self.data_dir)
        path = await file_to_open(self, self.tr("Open archive"), "ZIP (*.zip)", folder)
        if path and alive(self):
            self.verify_file(path)

    @op
    async def export_to(self, session_id: str, path: str) -> None:
        say(self.verdict, self.tr("Exporting {sid}…").format(sid=session_id))
        try:
            target = await self.service.export_archive(session_id, Path(path))
        except Exception as exc:
            if alive(self):
                show_error(self.verdict, exc, self.language)
            return
        if alive(self):
            self.exported = target
            say(
                self.verdict,
                self.tr("Archive of {sid} saved to {path}.").format(sid=session_id, path=target),
            )

    @op
    async def verify_file(self, path: str) -> None:
        self.report = None
        self.file_label.setText(path)
        say(self.verdict, self.tr("Verifying offline…"))
        try:
            report = await self.service.verify(Path(path))
        except Exception as exc:
            if alive(self):
                show_error(self.verdict, exc, self.language)
            return
        if not alive(self):
            return
        self.report = report
        english = self.language == "en"
        fill(
            self.checks,
            [
                (
                    c.name if english else c.name_zh or c.name,
                    self.tr("OK") if c.ok else self.tr("FAILED"),
                    c.detail if english else c.detail_zh or c.detail,
                )
                for c in report.checks
            ],
            [c.ok for c in report.checks],
        )
        if report.ok:
            say(
                self.verdict,
                self.tr("The archive is intact: all {n} checks passed.").format(
                    n=len(report.checks)
                ),
            )
        else:
            say(
                self.verdict,
                self.tr("The archive FAILED verification: {items}").format(
                    items="；".join(altered_items(report, self.language))
                ),
                ok=False,
            )
