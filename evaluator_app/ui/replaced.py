"""The window of an expert who recused and has been replaced: the venue no longer shows them
the session (same answer as "no such session"), so the window stops following it and says why.
It stood in 签署承诺书, 已连接场地服务器, while the others scored (seen in the GUI self-test)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

from evaluator_app.ui.ops import run

if TYPE_CHECKING:
    from evaluator_app.ui.session_window import SessionWindow


def show_replaced(window: SessionWindow) -> None:
    window.banner.setText(
        QCoreApplication.translate(
            "SessionWindow",
            "You recused yourself and the centre has seated a substitute: the session goes "
            "on without you. Nothing more to do here; you may close this window.",
        )
    )
    phase = QCoreApplication.translate("SessionWindow", "recused")
    window.phase_label.setText(
        QCoreApplication.translate("SessionWindow", "Phase: {phase}").format(phase=phase)
    )
    for page in window.pages:
        page.setEnabled(False)
    window.moves.hide()  # its "waiting for …" and the guide's now/next are the old phase's
    window.aids.guide.hide()
    window.indicator.state = None  # its countdown stops
    window.connection_label.setText(
        QCoreApplication.translate("SessionWindow", "No longer following this session")
    )
    window.connection_label.setStyleSheet("")
    if window.connection.state.status != "stopped":
        run(window, window.connection.stop(), key="withdraw")
