"""The table of collusion warnings, shared by the expert's page and the supervisor's console."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QWidget

from evaluator_app.reports.warnings_section import DECISION_ZH, KIND_ZH, STRENGTH_ZH, evidence


class WarningsTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 5, parent)
        self.setHorizontalHeaderLabels(
            [
                self.tr("Warning"),
                self.tr("Bidders"),
                self.tr("Strength"),
                self.tr("Evidence"),
                self.tr("Committee's decision"),
            ]
        )
        # the evidence and the committee's decision share the width left by the short columns
        # (a decision in the default 100 px was a narrow strip with its heading cut); rows
        # follow the wrapped text whenever the width changes
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 10 * self.fontMetrics().horizontalAdvance("预"))
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setWordWrap(True)
        self._ids: list[Any] = []  # the warnings' ids, row by row

    def show_warnings(self, found: Sequence[dict[str, Any]]) -> None:
        # the warning the person chose stays chosen when the list is read again (a decision
        # arriving meanwhile rebuilt it and 签署 then said "choose a warning")
        chosen = self.currentRow()
        chosen_id = self._ids[chosen] if 0 <= chosen < len(self._ids) else None
        self._ids = [w.get("id") for w in found]
        self.setRowCount(len(found))
        for r, warning in enumerate(found):
            decided = warning.get("decision")
            cells = [
                KIND_ZH.get(warning["kind"], warning["kind"]),
                "、".join(warning["bidders"]),
                STRENGTH_ZH.get(warning["strength"], warning["strength"]),
                evidence(warning, most=2, quote=40),
                f"{DECISION_ZH.get(decided['decision'], '')}：{decided['reasons']}"
                if decided
                else self.tr("not decided"),
            ]
            for c, text in enumerate(cells):
                self.setItem(r, c, QTableWidgetItem(text))
        if chosen_id is not None and chosen_id in self._ids:
            self.selectRow(self._ids.index(chosen_id))


def status_text(_widget: QWidget, data: dict[str, Any]) -> str:
    # literal translate() calls: lupdate files them under the context Qt looks them up in
    if data["status"] == "running":
        return QCoreApplication.translate(
            "WarningsTable", "Analysing the bids… ({done}/{total})"
        ).format(done=data.get("done", 0), total=data.get("total", 0))
    if data["status"] == "not_started":
        return QCoreApplication.translate(
            "WarningsTable", "The analysis starts when the centre publishes the documents."
        )
    if data["status"] == "failed":
        return QCoreApplication.translate("WarningsTable", "The analysis failed: {why}").format(
            why=data.get("error", "")
        )
    return QCoreApplication.translate(
        "WarningsTable", "{n} warning(s). The software finds evidence; the committee decides."
    ).format(n=len(data.get("warnings", [])))
