"""What every step page of the session window shares: a title, a message line, signing."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.explain import explain
from evaluator_app.client.outbox import OutboxItem
from evaluator_app.ui.alive import alive
from evaluator_app.ui.sign_dialog import ask_secret

logger = logging.getLogger(__name__)


class StepPage(QWidget):
    def __init__(
        self, session: ExpertSession, language: str, title: str, parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.session = session
        self.language = language
        heading = QLabel(title)
        heading.setObjectName("title")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.body = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.message)

    def say(self, text: str, ok: bool = True) -> None:
        if not alive(self):  # an answer that arrived after the window closed
            return
        self.message.setObjectName("ok" if ok else "error")
        self.message.setStyleSheet("")
        self.message.setText(text)

    def show_error(self, error: BaseException) -> None:
        self.say(explain(error).text(self.language), ok=False)

    def show_failure(self, text: str) -> None:
        """Where ``ops`` puts an operation's failure: this page's message line."""
        self.say(text, ok=False)

    async def signed(
        self, what: str, send: Callable[[str], Awaitable[OutboxItem]]
    ) -> OutboxItem | None:
        """Ask for the PIN, sign and queue; report the outcome in words."""
        secret = await ask_secret(self, what, self.session.logged)
        if secret is None:
            self.say(self.tr("Not signed."), ok=False)
            return None
        try:
            item = await send(secret)
        except Exception as exc:  # wrong PIN, token removed...: shown, nothing queued
            self.show_error(exc)
            return None
        self.report_outcome(item)
        return item

    async def signed_action(self, what: str, act: Callable[[str], Awaitable[object]]) -> bool:
        """Ask for the PIN and run ``act`` (a signature that is not an outbox item)."""
        secret = await ask_secret(self, what, self.session.logged)
        if secret is None:
            self.say(self.tr("Not signed."), ok=False)
            return False
        try:
            await act(secret)
        except Exception as exc:  # wrong PIN, stale report, refused: said in words
            self.show_error(exc)
            return False
        return True

    def report_outcome(self, item: OutboxItem) -> None:
        if item.state == "delivered":
            self.say(self.tr("Signed and received by the venue (receipt kept)."))
        elif item.state == "refused":
            why = (
                item.refusal_message
                if self.language == "en"
                else (item.refusal_message_zh or item.refusal_message)
            )
            self.say(self.tr("The venue refused it: {why}").format(why=why), ok=False)
        else:
            self.say(
                self.tr(
                    "Signed and kept safe on this computer; it will be sent as soon as the venue "
                    "is reachable."
                )
            )

    def refresh(self) -> None:
        """Called when the session changed; pages override."""
