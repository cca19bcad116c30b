"""Running the GUI self-test: Qt and the asyncio loop on this thread (qasync), the demo's
services (PKI, CA services, venue) on a thread of their own, as the windowed demo runs them."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from evaluator_app.demo.world import DemoWorld

logger = logging.getLogger(__name__)


def run_gui_selftest(
    world: DemoWorld, language: str, say: Callable[[str], None], shots: Path | None = None
) -> int:
    import asyncio

    import qasync
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from evaluator_app.ui.i18n import install_language
    from evaluator_app.ui.selftest.hands import GuiStepError
    from evaluator_app.ui.selftest.play import play
    from evaluator_app.ui.style import apply_style

    services = start_services_process(world)  # forked before Qt starts any thread
    if services is None:
        say("自测失败 SELFTEST FAILED: the demo services did not start within 3 minutes")
        return 1
    app: QApplication | None = None
    try:  # from here on the services are torn down whatever happens
        # Qt's own file dialog (the one offscreen and under a bare X server too), not a desktop's
        QApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
        app = cast(QApplication, QApplication.instance() or QApplication(sys.argv[:1]))
        apply_style(app)
        install_language(app, language)
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            ranking = loop.run_until_complete(play(world, say, shots))
    except (GuiStepError, Exception) as exc:  # any failure is a failed self-test, in one line
        say(f"自测失败 SELFTEST FAILED: {exc}")
        logger.debug("GUI self-test failure", exc_info=True)
        return 1
    finally:
        if app is not None:
            for widget in app.topLevelWidgets():  # on this thread, before the interpreter ends
                widget.deleteLater()
            app.processEvents()
        services.terminate()
        services.join(30)
    say(f"自测通过 SELFTEST OK: ranking {ranking}")
    return 0


def _die_with(parent: int) -> None:
    """SIGTERM to this process when its parent dies (Linux): a self-test killed by a timeout or
    aborted by Qt must not leave the venue and the CA services running, ports held."""
    import os
    import signal

    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, int(signal.SIGTERM))
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _serve(world: DemoWorld, ready: Any, parent: int) -> None:
    """The child process: the demo's services until SIGTERM; ``ready`` once the session is open."""
    import asyncio

    _die_with(parent)

    from evaluator_app.demo.runner import serve_until_interrupted

    def said(line: str) -> None:
        if line.startswith("评标会话"):
            ready.set()

    asyncio.run(serve_until_interrupted(world, said))


def start_services_process(world: DemoWorld) -> Any:
    """The venue and the CA services in a process of their own, as on their own machines: their
    work does not take the windows' interpreter, and no Python object of theirs meets Qt's."""
    import multiprocessing
    import os

    context = multiprocessing.get_context("fork")
    ready = context.Event()
    child = context.Process(target=_serve, args=(world, ready, os.getpid()), name="demo-services")
    child.start()
    if not ready.wait(180):
        child.terminate()
        child.join(30)
        return None
    return child
