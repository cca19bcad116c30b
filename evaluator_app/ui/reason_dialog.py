"""Asking for the reason a move goes into the record with (awaited, never exec()'d)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


class ReasonDialog(QDialog):
    def __init__(self, what: str, parent: QWidget | None = None, title: str = "", prompt: str = ""):
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Reason"))
        text = QLabel(
            prompt or self.tr("{what}: the reason goes into the record.").format(what=what)
        )
        text.setWordWrap(True)
        self.reason = QPlainTextEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("Reason (required)"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Confirm"))
        self.ok_button.setEnabled(False)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        self.reason.textChanged.connect(
            lambda: self.ok_button.setEnabled(bool(self.reason.toPlainText().strip()))
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.reason)
        layout.addWidget(buttons)


async def ask_reason(parent: QWidget, what: str) -> str | None:
    """The reason typed, or None if the person cancelled."""
    from evaluator_app.ui.ops import ask

    dialog = ReasonDialog(what, parent)
    accepted = await ask(dialog) == QDialog.DialogCode.Accepted.value
    return dialog.reason.toPlainText().strip() if accepted else None


async def ask_text(parent: QWidget, title: str, prompt: str) -> str | None:
    """One line of text the person types (a code, a name), or None if they cancelled."""
    from evaluator_app.ui.ops import ask

    dialog = ReasonDialog("", parent, title=title, prompt=prompt)
    dialog.reason.setPlaceholderText("")
    dialog.reason.setMaximumHeight(60)
    accepted = await ask(dialog) == QDialog.DialogCode.Accepted.value
    return dialog.reason.toPlainText().strip() if accepted else None
