"""Statistics (交易数据分析): per venue and per month, quarter or year; a bar chart; CSV export."""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.centre_service import CentreService
from evaluator_app.client.centre_stats import (
    ALL_VENUES,
    COLUMNS,
    Period,
    SessionFacts,
    StatRow,
    chart_series,
    gather_facts,
    statistics,
    to_csv,
)
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import fill, heading, say, show_error, table
from evaluator_app.ui.ops import op

logger = logging.getLogger(__name__)


class BarChart(QWidget):
    """Bars of Decimal values; only the pixel geometry is float."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.series: list[tuple[str, Decimal]] = []
        self.caption = ""
        self.setMinimumHeight(180)

    def set_series(self, series: list[tuple[str, Decimal]], caption: str) -> None:
        self.series, self.caption = series, caption
        self.update()

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#1d3557"))
        painter.drawText(
            QRectF(8, 4, self.width() - 16, 20), Qt.AlignmentFlag.AlignLeft, self.caption
        )
        if not self.series:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No data yet"))
            painter.end()
            return
        top, bottom, left = 30.0, float(self.height() - 24), 12.0
        highest = max((v for _, v in self.series), default=Decimal(1)) or Decimal(1)
        slot = (self.width() - 2 * left) / len(self.series)
        for index, (label, value) in enumerate(self.series):
            share = float(value / highest)  # pixel geometry only
            height = (bottom - top) * share
            width = min(slot * 0.7, 90.0)
            x = left + index * slot + (slot - width) / 2
            bar = QRectF(x, bottom - height, width, height)
            painter.fillRect(bar, QColor("#457b9d"))
            painter.drawText(
                QRectF(x - 20, bottom - height - 18, width + 40, 16),
                Qt.AlignmentFlag.AlignCenter,
                str(value),
            )
            painter.drawText(
                QRectF(left + index * slot, bottom + 4, slot, 18),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )
        painter.end()


class StatisticsTab(QWidget):
    def __init__(
        self, service: CentreService, language: str, data_dir: Path, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.service, self.language, self.data_dir = service, language, data_dir
        self.facts: list[SessionFacts] = []
        self.rows: list[StatRow] = []
        self.period = QComboBox()
        for key, text in (
            ("month", self.tr("Per month")),
            ("quarter", self.tr("Per quarter")),
            ("year", self.tr("Per year")),
        ):
            self.period.addItem(text, key)
        self.period.currentIndexChanged.connect(lambda *_: self.show_rows())
        self.measure = QComboBox()
        for key, text in (
            ("sessions", self.tr("Sessions")),
            ("bidders", self.tr("Bidders")),
            ("experts", self.tr("Experts")),
            ("deviations", self.tr("Deviation flags")),
            ("rejected", self.tr("Rejected bids")),
            ("average_minutes", self.tr("Average minutes")),
        ):
            self.measure.addItem(text, key)
        self.measure.currentIndexChanged.connect(lambda *_: self.show_rows())
        refresh = QPushButton(self.tr("Compute"))
        refresh.setObjectName("primary")
        refresh.clicked.connect(self.refresh)
        export = QPushButton(self.tr("Export CSV…"))
        export.clicked.connect(self._choose_csv)
        self.status = QLabel(
            self.tr("Figures are computed on this computer and stay in the centre.")
        )
        headers = [
            self.tr("Period"),
            self.tr("Venue"),
            self.tr("Sessions"),
            self.tr("Lots"),
            self.tr("Bidders"),
            self.tr("Experts"),
            self.tr("Average minutes"),
            self.tr("Longest minutes"),
            self.tr("Deviation flags"),
            self.tr("Recusals"),
            self.tr("Rejected bids"),
        ]
        assert len(headers) == len(COLUMNS)
        self.table = table(headers)
        self.chart = BarChart()
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.chart)
        top = QHBoxLayout()
        top.addWidget(self.period)
        top.addWidget(self.measure)
        top.addStretch(1)
        top.addWidget(refresh)
        top.addWidget(export)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Transaction statistics")))
        layout.addLayout(top)
        layout.addWidget(split, 1)
        layout.addWidget(self.status)

    @op
    async def refresh(self) -> None:
        try:
            facts = await gather_facts(self.service.client)
        except Exception as exc:
            if alive(self):
                show_error(self.status, exc, self.language)
            return
        if alive(self):
            self.facts = facts
            self.show_rows()
            say(self.status, self.tr("{n} session(s) counted.").format(n=len(facts)))

    def show_rows(self) -> None:
        period: Period = self.period.currentData() or "month"
        self.rows = statistics(self.facts, period)
        everywhere = self.tr("all venues")

        def cell(row: StatRow, column: str) -> object:
            return (
                everywhere
                if column == "venue" and row.venue == ALL_VENUES
                else getattr(row, column)
            )

        fill(self.table, [[cell(row, c) for c in COLUMNS] for row in self.rows])
        self.chart.set_series(
            chart_series(self.rows, self.measure.currentData() or "sessions"),
            f"{self.measure.currentText()} · {self.period.currentText()}",
        )

    def _choose_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export CSV"), str(self.data_dir / "statistics.csv"), "CSV (*.csv)"
        )
        if path:
            self.export_csv(path)

    @op
    async def export_csv(self, path: str) -> None:
        text = to_csv(self.rows)
        try:
            await asyncio.to_thread(Path(path).write_text, text, "utf-8-sig")
        except OSError as exc:
            show_error(self.status, exc, self.language)
            return
        if alive(self):
            say(
                self.status,
                self.tr("{n} row(s) written to {path}.").format(n=len(self.rows), path=path),
            )
