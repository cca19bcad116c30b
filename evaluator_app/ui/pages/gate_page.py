"""Preliminary review (初步评审): pass or fail per bidder and gate item; a fail needs its reason."""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.results_rows import gate_rejections, lot_names
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.sign_dialog import signing_op
from evaluator_app.ui.table_fit import fit_to_width

PASS, FAIL = 0, 1


class GatePage(StepPage):
    def __init__(self, session: ExpertSession, language: str, parent: QWidget | None = None):
        super().__init__(session, language, self.tr("Preliminary review"), parent)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Bidder"),
                self.tr("Requirement"),
                self.tr("Verdict"),
                self.tr("Reason (required for a fail)"),
            ]
        )
        # the requirement (评审项) wraps within the page's width, never cut off with "…"
        fit_to_width(self.table, stretch=3)
        self.sign_button = QPushButton(self.tr("Sign my preliminary review"))
        self.sign_button.setObjectName("primary")
        self.sign_button.clicked.connect(self.submit)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.sign_button)
        self.rows: list[tuple[str, str]] = []
        self._build()

    def _build(self) -> None:
        lot = self.session.lot
        if lot is None or self.rows:
            return
        self.rows = [(b.id, i.id) for b in lot.bidders for i in lot.plan.gate_items]
        names = {b.id: b.name for b in lot.bidders}
        items = {i.id: i.name for i in lot.plan.gate_items}
        self.table.setRowCount(len(self.rows))
        for row, (bidder, item) in enumerate(self.rows):
            for column, text in enumerate((f"{bidder} {names[bidder]}", items[item])):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, cell)
            verdict = QComboBox()
            verdict.addItems([self.tr("Pass"), self.tr("Fail")])
            self.table.setCellWidget(row, 2, verdict)
            self.table.setItem(row, 3, QTableWidgetItem(""))

    def refresh(self) -> None:
        self._build()
        self.sign_button.setEnabled(
            self.session.phase == "preliminary_review"
            and not self.session.paused
            and not self.session.has_sent("gate-votes")
        )
        if self.session.gates and self.session.lot is not None:
            view = self.session.view
            names = lot_names(self.session.lot, view.members if view else ())
            rejected = gate_rejections(self.session.gates, names, self.language)
            lines = [
                self.tr("{bidder}: {reasons}").format(bidder=b, reasons=why) for b, why in rejected
            ]
            self.say(
                self.tr("Review decided. Rejected:") + "\n" + "\n".join(lines)
                if lines
                else self.tr("Review decided: no bid was rejected.")
            )

    def set_verdict(self, bidder: str, item: str, passed: bool, reason: str = "") -> None:
        row = self.rows.index((bidder, item))
        self._verdict(row).setCurrentIndex(PASS if passed else FAIL)
        self._reason(row).setText(reason)

    def _verdict(self, row: int) -> QComboBox:
        return cast(QComboBox, self.table.cellWidget(row, 2))  # set in refresh, one per row

    def _reason(self, row: int) -> QTableWidgetItem:
        cell = self.table.item(row, 3)
        assert cell is not None  # set in refresh, one per row
        return cell

    @signing_op
    async def submit(self) -> None:
        votes = []
        for row, (bidder, item) in enumerate(self.rows):
            passed = self._verdict(row).currentIndex() == PASS
            reason = self._reason(row).text().strip()
            if not passed and not reason:
                self.table.setCurrentCell(row, 3)
                self.say(
                    self.tr("Give the reason for each fail (row {row}).").format(row=row + 1),
                    ok=False,
                )
                return
            votes.append((bidder, item, passed, "" if passed else reason))
        sent = await self.signed(
            self.tr("preliminary review"),
            lambda secret: self.session.submit_gate_votes(votes, secret),
        )
        if sent is not None and sent.state == "delivered":
            self.sign_button.setEnabled(False)
