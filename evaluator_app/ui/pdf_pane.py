"""One document viewer: QtPdf with pages, zoom, search, outline, and a watermark on every page.

The document comes from memory (a QBuffer over the decrypted bytes): a bid's plain text never
rests on this machine's disk.
"""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QModelIndex, QPointF
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtPdf import QPdfBookmarkModel, QPdfDocument, QPdfSearchModel
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.ui.alive import alive

ZOOM_STEP = 1.2


class WatermarkedPdfView(QPdfView):
    """Paints the reader's name, seat and the time across every page shown."""

    def __init__(self, watermark: Callable[[], str], parent: QWidget | None = None):
        super().__init__(parent)  # type: ignore[arg-type]  # the stub wants a QWidget; Qt takes None
        self.watermark = watermark

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        painter = QPainter(self.viewport())
        painter.setPen(QColor(200, 30, 30, 45))
        painter.setFont(QFont(self.font().family(), 16))
        text = self.watermark()
        size = self.viewport().size()
        painter.translate(size.width() / 2, size.height() / 2)
        painter.rotate(-30)
        step_x, step_y = painter.fontMetrics().horizontalAdvance(text) + 90, 150
        for y in range(-size.height(), size.height(), step_y):
            for x in range(-size.width(), size.width(), step_x):
                painter.drawText(x, y, text)
        painter.end()


class PdfPane(QWidget):
    def __init__(self, watermark: Callable[[], str], parent: QWidget | None = None):
        super().__init__(parent)
        self.document = QPdfDocument(self)
        self.view = WatermarkedPdfView(watermark)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.search_model = QPdfSearchModel(self)
        self.search_model.setDocument(self.document)
        self.view.setSearchModel(self.search_model)
        self.outline = QTreeView()
        self.outline.setHeaderHidden(True)
        self.bookmarks = QPdfBookmarkModel(self)
        self.bookmarks.setDocument(self.document)
        self.outline.setModel(self.bookmarks)
        self.outline.activated.connect(self._outline_jump)
        self.outline.clicked.connect(self._outline_jump)
        self.outline.hide()  # shown when the document has an outline
        self.chooser = QComboBox()
        self.chooser.hide()  # shown by a pane that offers several documents (set_choices)
        self.page = QSpinBox()
        self.page.setMinimum(1)
        self.page.valueChanged.connect(lambda n: self.go_to_page(n - 1))
        self.pages_label = QLabel()
        zoom_in, zoom_out, fit = (
            QPushButton("+"),
            QPushButton("−"),
            QPushButton(self.tr("Fit width")),
        )
        zoom_in.clicked.connect(lambda: self.zoom(ZOOM_STEP))
        zoom_out.clicked.connect(lambda: self.zoom(1 / ZOOM_STEP))
        fit.clicked.connect(lambda: self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth))
        self.search = QLineEdit()
        # short enough to stay whole in half a window at 150 %; the tooltip says the rest
        self.search.setPlaceholderText(self.tr("Find…"))
        self.search.setToolTip(self.tr("Search in this document (Ctrl+F, Enter for the next)"))
        self.search.setMinimumWidth(self.search.fontMetrics().horizontalAdvance("查找…" * 2))
        self.search.returnPressed.connect(self.find_next)
        self.found = QLabel()
        navigation = QHBoxLayout()
        for widget in (
            QLabel(self.tr("Page")),
            self.page,
            self.pages_label,
            zoom_out,
            zoom_in,
            fit,
            self.search,
            self.found,
        ):
            navigation.addWidget(widget)
        navigation.setStretch(6, 1)
        split = QSplitter()
        split.addWidget(self.outline)
        split.addWidget(self.view)
        split.setStretchFactor(1, 4)
        split.setSizes([160, 640])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.chooser)
        layout.addLayout(navigation)
        layout.addWidget(split, 1)
        self.view.pageNavigator().currentPageChanged.connect(self._page_changed)
        # QtPdf may finish loading later than load() returns: the count follows the document
        self.document.pageCountChanged.connect(self._count_changed)
        self.document.statusChanged.connect(self._count_changed)
        self.bookmarks.modelReset.connect(self._count_changed)
        self.doc_id: str | None = None  # what is shown
        self._waiting = False
        self.search_model.countChanged.connect(self._results_arrived)
        self._buffer: QIODevice | None = None

    def set_choices(self, choices: list[tuple[str, str]]) -> None:
        """The documents this pane offers, (title, doc id): the chooser shows when there are any."""
        self.chooser.clear()
        for title, doc_id in choices:
            self.chooser.addItem(title, doc_id)
        self.chooser.setVisible(bool(choices))

    def show_bytes(self, data: bytes | bytearray) -> None:
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        self.show_device(buffer)

    def show_device(self, device: QIODevice, doc_id: str | None = None) -> None:
        """Show a document read through ``device`` (kept open while shown, closed after)."""
        self.doc_id = doc_id
        if doc_id is not None:
            index = self.chooser.findData(doc_id)
            if index >= 0:
                self.chooser.setCurrentIndex(index)
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
        self._buffer = device
        device.setParent(self)
        device.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document.load(device)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)  # each document opens fitted
        self._count_changed()

    def _count_changed(self, *_: object) -> None:
        if not alive(self) or not shiboken6.isValid(self.document):  # the pane is going away
            return
        count = self.document.pageCount()
        self.page.setMaximum(max(1, count))
        self.pages_label.setText(f"/ {count}" if count else "")
        has_outline = self.bookmarks.rowCount(QModelIndex()) > 0
        self.outline.setVisible(has_outline)
        if has_outline:
            self.outline.expandToDepth(0)

    def go_to_page(self, page: int) -> None:
        if 0 <= page < self.document.pageCount():
            self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())

    def _page_changed(self, page: int) -> None:
        self.page.blockSignals(True)
        self.page.setValue(page + 1)
        self.page.blockSignals(False)

    def zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(6.0, self.view.zoomFactor() * factor)))

    def find_next(self) -> None:
        text = self.search.text().strip()
        if self.search_model.searchString() != text:
            self.search_model.setSearchString(text)
            self.view.setCurrentSearchResultIndex(-1)
        count = self.search_model.rowCount(QModelIndex())
        if not count:  # QtPdf searches in the background: the first hit arrives by countChanged
            self.found.setText(self.tr("not found") if text else "")
            self._waiting = bool(text)
            return
        index = (self.view.currentSearchResultIndex() + 1) % count
        self.view.setCurrentSearchResultIndex(index)
        link = self.search_model.resultAtIndex(index)
        self.go_to_page(link.page())
        self.found.setText(f"{index + 1}/{count}")

    def _results_arrived(self) -> None:
        if self._waiting and self.search_model.rowCount(QModelIndex()):
            self._waiting = False
            self.find_next()

    def _outline_jump(self, index: QModelIndex) -> None:
        page = self.bookmarks.data(index, int(QPdfBookmarkModel.Role.Page))
        if isinstance(page, int):
            self.go_to_page(page)
