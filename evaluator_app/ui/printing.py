"""Printing the score sheet and the evaluation report: the very PDF, its pages rendered by
QtPdf onto the printer (QtPrintSupport ships with PySide6-Essentials).

The pages render in a worker thread (a 10-page report at 300 dpi takes seconds); the print
dialog is opened with ``open()`` and awaited, never ``exec()``'d inside async code.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QWidget

from evaluator_app.client.errors import ClientError

logger = logging.getLogger(__name__)

MAX_DPI = 300  # enough for text on paper; a page at 600 dpi is a 140 MB image


class PrintError(ClientError):
    """Nothing printable, or no printer: explained like every client failure."""


def print_pdf_to(printer: QPrinter, pdf: bytes) -> int:
    """Render every page of ``pdf`` onto ``printer``; returns the pages printed. Blocking."""
    document = QPdfDocument()
    buffer = QBuffer()
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    count = document.pageCount()
    if count == 0:
        raise PrintError("the document has no readable page", "文件没有可打印的页面")
    first, last = 1, count
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage():
        first, last = max(1, printer.fromPage()), min(count, printer.toPage() or count)
    dpi = min(printer.resolution(), MAX_DPI)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintError("the printer could not be opened", "无法打开打印机")
    try:
        for number in range(first, last + 1):
            if number > first:
                printer.newPage()
            target = printer.pageLayout().paintRectPixels(printer.resolution())
            points = document.pagePointSize(number - 1)
            scale = min(target.width() / points.width(), target.height() / points.height())
            width, height = round(points.width() * scale), round(points.height() * scale)
            image = document.render(
                number - 1,
                QSize(
                    round(width * dpi / printer.resolution()),
                    round(height * dpi / printer.resolution()),
                ),
            )
            painter.drawImage(QRect(0, 0, width, height), image)
    finally:
        painter.end()
        document.close()
        buffer.close()
    logger.info("printed %d page(s) to %s", last - first + 1, printer.printerName() or "a file")
    return last - first + 1


async def choose_printer(parent: QWidget | None, title: str) -> QPrinter | None:
    """The print dialog, awaited; None if the person cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(title)
    done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not done.done():
            done.set_result(code)

    dialog.finished.connect(finished)
    QDialog.open(dialog)  # QPrintDialog.open() is the (receiver, slot) overload in PySide
    code = await done
    dialog.deleteLater()
    return printer if code == QDialog.DialogCode.Accepted else None


async def print_pdf(parent: QWidget | None, pdf: bytes, title: str) -> int:
    """Ask for a printer, then print ``pdf`` off the Qt thread; 0 if cancelled."""
    printer = await choose_printer(parent, title)
    if printer is None:
        return 0
    return await asyncio.to_thread(print_pdf_to, printer, pdf)
