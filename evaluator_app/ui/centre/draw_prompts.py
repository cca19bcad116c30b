"""The 专家抽取 tab's questions: a password (the supervising official's certificate, the centre's
sealing key) and who leaves the committee and why.

Each dialog is opened with ``open()`` and awaited (``ops.ask``): QInputDialog's static helpers run
a nested ``exec()`` loop, which inside a coroutine steps other tasks within this one ("Cannot
enter into task") and kills the connection's tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QWidget]:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    # a literal context: lupdate cannot see that dialog.tr() runs in each dialog's class
    cancel = QCoreApplication.translate("draw_prompts", "Cancel")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class PasswordDialog(QDialog):
    """One password, typed by the person the prompt names (never shown)."""

    def __init__(self, title: str, prompt: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        text = QLabel(prompt)
        text.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(title)
        buttons, self.ok_button = _buttons(self, self.tr("Confirm"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.secret)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


@dataclass(frozen=True)
class Replacement:
    """The answer of :class:`ReplaceDialog`: indexes into the lists it was given."""

    who: int
    cause: int
    reason: str


class ReplaceDialog(QDialog):
    """Who leaves the committee, the recorded cause and the reason (required)."""

    def __init__(self, names: Sequence[str], causes: Sequence[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Replace an expert"))
        self.who = QComboBox()
        self.who.setObjectName("who")
        self.who.addItems(list(names))
        self.cause = QComboBox()
        self.cause.setObjectName("cause")
        self.cause.addItems(list(causes))
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Reason (required)"))
        self.reason.setMaximumHeight(90)
        buttons, self.ok_button = _buttons(self, self.tr("Replace"))
        self.ok_button.setEnabled(False)
        self.reason.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        form = QFormLayout()
        form.addRow(self.tr("Who leaves?"), self.who)
        form.addRow(self.tr("Why?"), self.cause)
        form.addRow(self.tr("Reason"), self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)


async def ask_password(parent: QWidget, title: str, prompt: str) -> str | None:
    """The password typed, or None if the person cancelled."""
    from evaluator_app.ui.ops import ask

    dialog = PasswordDialog(title, prompt, parent)
    accepted = await ask(dialog) == QDialog.DialogCode.Accepted.value
    return dialog.secret.text() if accepted else None


async def ask_replacement(
    parent: QWidget, names: Sequence[str], causes: Sequence[str], chosen: tuple[int, int] = (0, 0)
) -> Replacement | None:
    """Who leaves and why, or None if the person cancelled (or nobody is seated); ``chosen``:
    the (who, cause) the dialog opens on."""
    from evaluator_app.ui.ops import ask

    if not names:
        return None
    dialog = ReplaceDialog(names, causes, parent)
    dialog.who.setCurrentIndex(chosen[0])
    dialog.cause.setCurrentIndex(chosen[1])
    if await ask(dialog) != QDialog.DialogCode.Accepted.value:
        return None
    reason = dialog.reason.toPlainText().strip()
    return Replacement(dialog.who.currentIndex(), dialog.cause.currentIndex(), reason)
