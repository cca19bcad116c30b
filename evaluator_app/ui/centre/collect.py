"""Collect (汇总结果): signed sheets with their verification, results per bidder and expert,
deviations."""

from __future__ import annotations

import logging
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.centre_service import CentreService, Collected
from evaluator_app.core.phases import SUMMARY_PHASES, values
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import SessionChooser, fill, heading, say, show_error, table
from evaluator_app.ui.ops import op
from evaluator_app.ui.phase_names import phase_name
from evaluator_app.ui.why import explain_disabled

logger = logging.getLogger(__name__)


def dash(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}"


class CollectTab(QWidget):
    def __init__(self, service: CentreService, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.service, self.language = service, language
        self.collected: Collected | None = None
        self.chooser = SessionChooser()
        self.collect_button = QPushButton(self.tr("Collect and verify"))
        self.collect_button.setObjectName("primary")
        self.collect_button.clicked.connect(self.collect)
        self.collect_why = QLabel()  # a grey 汇总并核验 says why, here and in its tooltip
        self.collect_why.setObjectName("hint")
        self.collect_why.setWordWrap(True)
        self.busy = False
        self.chooser.currentIndexChanged.connect(lambda _index: self.update_button())
        self.chooser.listed.connect(self.update_button)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.results = table(
            [
                self.tr("Rank"),
                self.tr("No."),
                self.tr("Bidder"),  # the bidder's name (its number is the column before)
                self.tr("Technical"),
                self.tr("Commercial"),
                self.tr("Price score"),
                self.tr("Final score"),
                self.tr("Candidate"),
                self.tr("Rejected because"),
            ],
            stretch=8,
        )
        # a rejection's reasons in full, wrapped in their column (one line each), never cut off
        self.results.setWordWrap(True)
        self.results.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.per_expert = table([self.tr("Expert"), self.tr("Bidder"), self.tr("Total")], stretch=0)
        self.deviations = table(
            [
                self.tr("Expert"),
                self.tr("Bidder"),
                self.tr("Item"),
                self.tr("Score"),
                self.tr("Others' mean"),
                self.tr("Explanation"),
            ],
            stretch=5,
        )
        self.sheets = table(
            [self.tr("Signed sheet"), self.tr("Verified"), self.tr("Detail")], stretch=2
        )
        lower = QTabWidget()
        lower.addTab(self.sheets, self.tr("Signed sheets"))
        lower.addTab(self.per_expert, self.tr("Per expert"))
        lower.addTab(self.deviations, self.tr("Deviations"))
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.results)
        split.addWidget(lower)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Session")))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.collect_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Results from the signed sheets")))
        layout.addLayout(top)
        layout.addWidget(self.collect_why)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)
        self.update_button()

    def why_not(self) -> str:
        """Why 汇总并核验 can do nothing now ("" when it can): the signed sheets are summed up
        from the summary phase on (the venue refuses the summary before it)."""
        view = self.chooser.current_view()
        if view is None:
            return self.tr("No session to collect yet: create one under New session.")
        if self.busy:
            return self.tr("Collecting and verifying {sid}…").format(sid=view.id)
        phase = view.paused_in or view.phase
        if phase not in values(SUMMARY_PHASES):
            return self.tr(
                "Nothing to collect yet: {sid} is in {phase}; the signed score sheets are "
                "collected and verified from {summary} on."
            ).format(sid=view.id, phase=phase_name(phase), summary=phase_name("summary"))
        return ""

    def update_button(self) -> None:
        why = self.why_not()
        explain_disabled(self.collect_button, why)
        self.collect_why.setText(why)
        self.collect_why.setVisible(bool(why))

    @op
    async def collect(self) -> None:
        sid = self.chooser.current()
        if sid is None or self.why_not():
            return
        self.busy = True
        self.update_button()
        say(self.status, self.tr("Collecting and verifying {sid}…").format(sid=sid))
        try:
            collected = await self.service.collect(sid, self.language)
        except Exception as exc:
            if alive(self):
                show_error(self.status, exc, self.language)
            return
        finally:
            self.busy = False
            if alive(self):
                self.update_button()
        if alive(self):
            self.show_collected(collected)

    def show_collected(self, collected: Collected) -> None:
        self.collected = collected
        results = collected.results
        yes = self.tr("yes")
        fill(
            self.results,
            [
                (
                    r.position or "—",
                    r.bidder_id,
                    r.name,
                    dash(r.technical),
                    dash(r.commercial),
                    dash(r.price_score),
                    dash(r.final),
                    yes if r.candidate else "",
                    "\n".join(r.reasons),
                )
                for r in results.bidders
            ],
            [None if not r.rejected else False for r in results.bidders],
        )
        bidder = {r.bidder_id: f"{r.bidder_id} {r.name}" for r in results.bidders}
        fill(
            self.per_expert,
            [(t.name, bidder.get(t.bidder_id, t.bidder_id), t.total) for t in results.per_expert],
        )
        fill(
            self.deviations,
            [
                (
                    d.expert,
                    bidder.get(d.bidder_id, d.bidder_id),
                    d.item or d.item_id,
                    d.score,
                    d.others_mean,
                    d.explanation or self.tr("(no explanation)"),
                )
                for d in results.deviations
            ],
        )
        fill(
            self.sheets,
            [
                (s.item, self.tr("valid") if s.ok else self.tr("INVALID"), s.detail)
                for s in collected.sheets
            ],
            [s.ok for s in collected.sheets],
        )
        names = {r.bidder_id: r.name for r in results.bidders}  # bidders by name, not id alone
        good = sum(1 for s in collected.sheets if s.ok)
        all_ok = collected.verification.ok and good == len(collected.sheets)
        text = self.tr(
            "{good} of {n} signed sheet(s) verified; the archive check {verdict}. "
            "Recommended: {candidates}."
        ).format(
            good=good,
            n=len(collected.sheets),
            verdict=self.tr("passed") if collected.verification.ok else self.tr("FAILED"),
            candidates="、".join(f"{c} {names.get(c, '')}".strip() for c in results.candidates)
            or "—",
        )
        say(self.status, text, ok=all_ok)
