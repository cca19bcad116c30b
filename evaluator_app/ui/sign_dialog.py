"""Asking for the PIN (or certificate password) before each signature.

The dialog says who signs and with what: "王芳：请输入 USB Key 的 PIN 以签署…", or the
certificate file by name. The credential is the one the person logged in with
(``LoggedIn.credential``): a window never asks for a file's password after a USB-key login.

The dialog is opened with ``open()`` and awaited (``ops.ask``): a nested ``exec()`` loop inside a
coroutine would step other tasks inside this one ("Cannot enter into task") and kill the
connection's tasks.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.ui.alive import alive

if TYPE_CHECKING:
    from evaluator_app.client.login import LoggedIn


class SignDialog(QDialog):
    def __init__(self, what: str, logged: LoggedIn, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign"))
        credential, name = logged.credential, logged.result.name
        self.credential_kind = credential.kind  # what the window logged in with (tests read it)
        usb_key = credential.kind in ("pkcs11", "skf")
        ask = (
            self.tr("{name}: type the PIN of your USB key to sign {what}.")
            if usb_key
            else self.tr("{name}: type the password of the certificate file {file} to sign {what}.")
        )
        self.prompt = QLabel(
            ask.format(name=name, what=what, file=PurePath(credential.path).name)
            + "\n"
            + self.tr("Signed content cannot be changed afterwards.")
        )
        self.prompt.setWordWrap(True)
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.setPlaceholderText(
            self.tr("USB key PIN") if usb_key else self.tr("Certificate file password")
        )
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.sign_button.setText(self.tr("Sign"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.secret)
        layout.addWidget(buttons)


async def ask_secret(parent: QWidget, what: str, logged: LoggedIn) -> str | None:
    """The PIN or password ``logged``'s person typed for their credential, or None if they
    cancelled. Call it from a :func:`signing_op` action, which keeps the window's text fields
    from taking keys meant for this dialog."""
    from evaluator_app.ui.ops import ask

    dialog = SignDialog(what, logged, parent)
    accepted = await ask(dialog) == QDialog.DialogCode.Accepted.value
    return dialog.secret.text() if accepted else None


def signing_op(method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    """``@op`` for an action that asks for a PIN: the window's text fields are read-only from
    the click on, until the action ends. The coroutine starts on the loop's next turn, and the
    dialog a moment later: keys typed right after the click went into the reasons box (seen in
    the demo, played by hand with keystrokes following the click at once)."""
    from evaluator_app.ui.ops import op

    slot = op(method)

    @functools.wraps(method)
    def start(self: QWidget, *args: Any) -> Any:
        frozen = _freeze_text(self)
        task = slot(self, *args)
        if task is None:  # a second click on a running action: the first keeps them frozen
            _thaw(frozen)
        else:
            task.add_done_callback(lambda _done: _thaw(frozen))
        return task

    return start


def _thaw(fields: list[QLineEdit | QTextEdit | QPlainTextEdit]) -> None:
    for field in fields:
        if alive(field):
            field.setReadOnly(False)


def _freeze_text(parent: QWidget) -> list[QLineEdit | QTextEdit | QPlainTextEdit]:
    """Make the window's text fields read-only until the PIN dialog is answered. Greying the
    clicked button moves the keyboard focus to the next field, so a PIN typed before the
    dialog shows (it can take a moment) landed in the reason box, in clear text, and would
    have gone on record with the next decision. What was typed there is already taken."""
    window = parent.window()
    fields: list[QLineEdit | QTextEdit | QPlainTextEdit] = [
        *window.findChildren(QLineEdit),
        *window.findChildren(QTextEdit),
        *window.findChildren(QPlainTextEdit),
    ]
    frozen = [f for f in fields if not f.isReadOnly()]
    for field in frozen:
        field.setReadOnly(True)
    return frozen
