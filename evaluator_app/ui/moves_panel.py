"""The phase moves of one role, as controls: one button per move the role may ever make, shown
in the phase it starts from; enabled when possible, else the reason in a visible line and in
the tooltip; a reason asked where the record needs one; the venue's refusal in words. What the
person waits for (the venue moving by itself, another role) is said in a line below.

Everything comes from ``client/moves.py``; this widget renders it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from evaluator_app.client.moves import LABELS, Move, make_move, move_key, moves_for, role_moves
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.core.phases import Role
from evaluator_app.protocol.messages import SessionView
from evaluator_app.ui.alive import alive
from evaluator_app.ui.ops import op
from evaluator_app.ui.reason_dialog import ask_reason

logger = logging.getLogger(__name__)


class MovesPanel(QWidget):
    def __init__(
        self,
        client: VenueClient,
        session_id: str,
        role: Role,
        language: str,
        on_moved: Callable[[SessionView], None] | None = None,
        on_return: Callable[[], None] | None = None,  # the leader's "return a sheet": its page
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.client, self.session_id, self.language = client, session_id, language
        self.on_moved, self.on_return = on_moved, on_return
        self.role = role
        self.moves: dict[str, Move] = {}
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.addStretch()
        self._row = row
        self.why = QLabel()  # why a move is not possible yet (also in the button's tooltip)
        self.why.setObjectName("hint")
        self.why.setWordWrap(True)
        self.next_line = QLabel()  # what comes next without this person
        self.next_line.setObjectName("hint")
        self.next_line.setWordWrap(True)
        self.message = QLabel()  # the outcome of the last move (a refusal in words)
        self.message.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.why)
        layout.addWidget(self.next_line)
        layout.addWidget(self.message)
        self.set_role(role)

    def set_role(self, role: Role) -> None:
        """The leader is known only after the election: the controls follow the role."""
        if role is self.role and self.buttons:
            return
        self.role = role
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons = {}
        for source, target in role_moves(role):
            key = move_key(source, target)
            button = QPushButton(LABELS[(source, target)].text(self.language))
            button.setObjectName("primary")
            button.clicked.connect(lambda _checked=False, k=key: self.make(k))
            button.hide()
            self._row.insertWidget(self._row.count() - 1, button)
            self.buttons[key] = button

    def controls(self) -> dict[str, QPushButton]:
        """Every move's control, by ``phase:<from>-><to>`` (the control test walks these)."""
        return dict(self.buttons)

    def show_moves(self, view: SessionView | dict | None, role: Role | None = None) -> None:
        if not alive(self):
            return
        if role is not None:
            self.set_role(role)
        moves = moves_for(view, self.role) if view else ()
        self.moves = {m.key: m for m in moves if m.mine}
        why = []
        for key, button in self.buttons.items():
            move = self.moves.get(key)
            button.setVisible(move is not None)
            if move is None:
                continue
            button.setText(move.label.text(self.language))
            button.setEnabled(move.possible)
            reason = move.missing.text(self.language) if move.missing else ""
            button.setToolTip(reason)
            if reason:
                why.append(f"{move.label.text(self.language)}：{reason}")
        self.why.setText("\n".join(why))
        self.why.setVisible(bool(why))
        waits = [
            m.label.text(self.language)
            + (f"（{m.missing.text(self.language)}）" if m.missing else "")
            for m in moves
            if not m.mine
        ]
        self.next_line.setText("\n".join(waits))
        self.next_line.setVisible(bool(waits))

    def show_failure(self, text: str) -> None:
        self.message.setObjectName("error")
        self.message.setStyleSheet("color: #b00020;")
        self.message.setText(text)

    @op
    async def make(self, key: str) -> None:
        move = self.moves.get(key)
        if move is None or not move.possible:
            return
        if move.by_returning:  # made by returning sheets, on the summary page
            if self.on_return is not None:
                self.on_return()
            return
        reason = ""
        if move.needs_reason:
            asked = await ask_reason(self, move.label.text(self.language))
            if asked is None:
                return
            reason = asked
        self.message.clear()
        view = await make_move(self.client, self.session_id, move, reason)
        if alive(self):
            self.message.setStyleSheet("color: #1b7f3b;")
            self.message.setText(
                self.tr("Done: {what}").format(what=move.label.text(self.language))
            )
            if self.on_moved is not None:
                self.on_moved(view)
