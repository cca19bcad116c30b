"""Starting the desktop application: one asyncio loop on the Qt thread (qasync)."""

from __future__ import annotations

import gc
import logging
import sys
from pathlib import Path
from typing import cast

# The Qt-free modules the login window needs, before Qt: once PySide6 is loaded, its __feature__
# hook reads the source of every module imported after it, a cost at every start.
import evaluator_app.client.login  # noqa: F401

# isort: split
from PySide6.QtWidgets import QApplication

from evaluator_app.client.settings import default_data_dir, load_settings
from evaluator_app.ui.i18n import install_language
from evaluator_app.ui.main_window import MainWindow
from evaluator_app.ui.style import apply_style, set_app_icon

logger = logging.getLogger(__name__)
SHUTDOWN_SECONDS = 2.0  # the whole quit must take under 3 s


def run_app(data_dir: Path | None = None, language: str | None = None) -> int:
    data_dir = data_dir or default_data_dir()
    settings = load_settings(data_dir)
    if language:
        from dataclasses import replace

        settings = replace(settings, language=language)
    app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
    app.setApplicationName("evaluator")
    apply_style(app, settings.text_scale)
    install_language(app, settings.language)
    app.setQuitOnLastWindowClosed(
        False
    )  # the main window's closed signal ends the loop, after cleanup
    window = MainWindow(settings, data_dir)
    window.show()  # painted before asyncio and qasync are even imported
    app.processEvents()
    # what start-up made lives as long as the window: out of every later collection's way (the
    # command turned the collector off until here: evaluator_app/cli/app.py)
    gc.freeze()
    gc.enable()
    set_app_icon(app)
    import asyncio

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    with loop:
        loop.run_until_complete(closed.wait())
        loop.run_until_complete(_shut_down(window))
    # Everything is closed (journals, caches, connections). The interpreter's last garbage
    # collection over a heap of PDF, crypto and Qt objects took over a second on exit: skip it.
    gc.freeze()
    return 0


async def _shut_down(window: MainWindow) -> None:
    """系统 → 退出: disconnect, flush the journals, wipe caches (each window's own shutdown),
    then cancel whatever still runs, so the process ends at once (the loop closes next)."""
    import asyncio

    if window.shutdown_task is not None:
        try:
            # mypy: shutdown_task is typed object; once set it is an asyncio future
            await asyncio.wait_for(asyncio.shield(window.shutdown_task), SHUTDOWN_SECONDS)  # type: ignore[arg-type]
        except TimeoutError:
            logger.error("shutdown took over %s s; stopping what is left", SHUTDOWN_SECONDS)
    others = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in others:
        task.cancel()
    await asyncio.gather(*others, return_exceptions=True)
