"""Starting the desktop application: one asyncio loop on the Qt thread (qasync)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

# The Qt-free modules the login window needs, before Qt: once PySide6 is loaded, its __feature__
# hook reads the source of every module imported after it, a cost at every start.
import evaluator_app.client.login
import evaluator_app.client.names  # noqa: F401

# isort: split
from PySide6.QtWidgets import QApplication

from evaluator_app.client.settings import default_data_dir, load_settings
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from evaluator_app.ui.style import apply_style

logger = logging.getLogger(__name__)


def run_app(data_dir: Path | None = None, language: str | None = None) -> int:
    data_dir = data_dir or default_data_dir()
    settings = load_settings(data_dir)
    if language:
        from dataclasses import replace

        settings = replace(settings, language=language)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("evaluator")
    apply_style(app, settings.text_scale)  # type: ignore[arg-type]
    install_language(app, settings.language)
    app.setQuitOnLastWindowClosed(
        False
    )  # the main window's closed signal ends the loop, after cleanup
    window = MainWindow(settings, data_dir)
    window.show()  # painted before asyncio and qasync are even imported
    app.processEvents()
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
        if window.shutdown_task is not None:  # disconnect, wipe caches, close journals
            loop.run_until_complete(window.shutdown_task)
    return 0
