"""What a supervisor does: pause and resume, broadcast, mark absent, witness notes, the summary.

Every action goes to :class:`SupervisorSession`; a refusal (an empty reason, the venue saying
no, a wrong PIN) is explained in words under the buttons.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.explain import Explanation, explain
from evaluator_app.client.names import venue_label
from evaluator_app.client.outbox import OutboxItem
from evaluator_app.client.supervisor_controls import SubstituteState
from evaluator_app.client.supervisor_rows import clock_time
from evaluator_app.client.supervisor_session import SupervisorSession
from evaluator_app.ui.alive import alive
from evaluator_app.ui.ops import op
from evaluator_app.ui.sign_dialog import ask_secret, signing_op
from evaluator_app.ui.supervisor.summary_tab import SummaryTab
from evaluator_app.ui.warnings_table import WarningsTable, status_text
from evaluator_app.ui.why import explain_disabled

logger = logging.getLogger(__name__)


class ActionsPanel(QTabWidget):
    def __init__(self, session: SupervisorSession, language: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.language = language
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.is_centre = session.logged.result.role.value == "centre"
        self.addTab(self._control_tab(), self.tr("Session control"))
        self.notes_tab = self._notes_tab()  # built for both; only supervisors sign witness notes
        if self.is_centre:
            self.notes_tab.setParent(self)  # owned by the panel (never a stray top-level)
            self.notes_tab.hide()
        else:
            self.addTab(self.notes_tab, self.tr("Witness notes"))
        self.summary_tab = SummaryTab(session, language)
        self.addTab(self.summary_tab, self.tr("Summary"))
        self.addTab(self._warnings_tab(), self.tr("Collusion and fraud warnings"))

    def _warnings_tab(self) -> QWidget:
        tab = QWidget()
        self.warnings_status = QLabel()
        self.warnings_status.setWordWrap(True)
        self.warnings_table = WarningsTable()
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.load_warnings)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.warnings_status)
        layout.addWidget(self.warnings_table, 1)
        layout.addWidget(refresh)
        return tab

    @op
    async def load_warnings(self) -> None:
        """Evidence only: a supervisor sees the warnings and the committee's decisions, no
        scores."""
        try:
            data = await self.session.client.get(f"/sessions/{self.session.session_id}/warnings")
        except Exception as exc:
            self.warnings_status.setText(explain(exc).text(self.language))
            return
        self.warnings_status.setText(status_text(self, data))
        self.warnings_table.show_warnings(data.get("warnings", []))

    def _control_tab(self) -> QWidget:
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Reason (required, goes into the record)"))
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self.pause)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(self.resume)
        pause_row = QHBoxLayout()
        pause_row.addWidget(self.reason_edit, 1)
        pause_row.addWidget(self.pause_button)
        pause_row.addWidget(self.resume_button)

        self.broadcast_edit = QLineEdit()
        self.broadcast_edit.setPlaceholderText(
            self.tr("Message to every expert (they must acknowledge it)")
        )
        self.broadcast_button = QPushButton(self.tr("Broadcast"))
        self.broadcast_button.clicked.connect(self.broadcast)
        broadcast_row = QHBoxLayout()
        broadcast_row.addWidget(self.broadcast_edit, 1)
        broadcast_row.addWidget(self.broadcast_button)
        self.broadcasts = QListWidget()
        self.broadcasts.setMaximumHeight(70)

        self.absent_combo = QComboBox()
        self.absent_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.absent_reason = QLineEdit()
        self.absent_reason.setPlaceholderText(self.tr("Reason for the absence (required)"))
        self.absent_button = QPushButton(self.tr("Mark absent"))
        self.absent_button.clicked.connect(self.mark_absent)
        absent_row = QHBoxLayout()
        absent_row.addWidget(self.absent_combo)
        absent_row.addWidget(self.absent_reason, 1)
        absent_row.addWidget(self.absent_button)

        # the centre seats a substitute after a recusal
        self.substitute_combo = QComboBox()
        self.substitute_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.substitute_venue = QComboBox()
        self.substitute_seat = QLineEdit()
        self.substitute_seat.setPlaceholderText(self.tr("Seat"))
        self.substitute_button = QPushButton(self.tr("Add as substitute expert"))
        self.substitute_button.clicked.connect(self.add_substitute)
        substitute_row = QHBoxLayout()
        for widget in (self.substitute_combo, self.substitute_venue, self.substitute_seat):
            substitute_row.addWidget(widget)
        substitute_row.addWidget(self.substitute_button)
        self.why = QLabel()  # why a control is grey (also in its tooltip)
        self.why.setObjectName("hint")
        self.why.setWordWrap(True)

        tab = QWidget()
        form = QFormLayout(tab)
        form.addRow(self.tr("Pause / resume"), pause_row)
        form.addRow(self.tr("Broadcast"), broadcast_row)
        form.addRow(self.tr("Messages sent"), self.broadcasts)
        form.addRow(self.tr("Absence"), absent_row)
        if self.is_centre:
            form.addRow(self.tr("Substitute"), substitute_row)
        form.addRow(self.why)
        form.addRow(self.message)
        return tab

    def _notes_tab(self) -> QWidget:
        self.note_edit = QPlainTextEdit()
        self.note_edit.setPlaceholderText(
            self.tr(
                "What you witnessed (signed with your certificate and archived with the session)"
            )
        )
        self.note_button = QPushButton(self.tr("Sign and send the witness note"))
        self.note_button.setObjectName("primary")
        self.note_button.clicked.connect(self.write_note)
        self.notes = QListWidget()
        self.notes.setMaximumHeight(80)
        self.note_message = QLabel()
        self.note_message.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(self.note_edit, 1)
        row = QHBoxLayout()
        row.addWidget(self.note_message, 1)
        row.addWidget(self.note_button)
        layout.addLayout(row)
        layout.addWidget(self.notes)
        return tab

    # -- showing ---------------------------------------------------------------------
    def say(self, label: QLabel, text: str, ok: bool = True) -> None:
        if not alive(label):  # an answer that arrived after the window closed
            return
        label.setObjectName("ok" if ok else "error")
        label.setStyleSheet("")  # re-read the object name's style
        label.setText(text)

    def refresh(self) -> None:
        board = self.session.board
        state = self.session.controls()
        why: list[str] = []
        explain_disabled(self.pause_button, self._text(state.pause), why)
        explain_disabled(self.resume_button, self._text(state.resume), why)
        chosen = self.absent_combo.currentData()
        self.absent_combo.clear()
        for choice in state.absent_choices:
            self.absent_combo.addItem(choice.label, choice.person_id)
        if chosen is not None and self.absent_combo.findData(chosen) >= 0:
            self.absent_combo.setCurrentIndex(self.absent_combo.findData(chosen))
        explain_disabled(self.absent_button, self._text(state.absent), why)
        if self.is_centre:
            self._refresh_substitute(board, state.substitute, why)
        self.why.setText("\n".join(why))
        self.why.setVisible(bool(why))
        self.broadcasts.clear()
        for note in board.broadcasts():
            read = "、".join(note.read_by) or self.tr("nobody yet")
            self.broadcasts.addItem(
                self.tr("{time} {message} — read by: {read}").format(
                    time=clock_time(note.at), message=note.message, read=read
                )
            )
        self.notes.clear()
        for item in self.session.notes():
            self.notes.addItem(f"#{item.id} {self._note_state(item)}")

    def _note_state(self, item: OutboxItem) -> str:
        if item.state == "delivered":
            return self.tr("received by the venue (receipt kept)")
        if item.state == "refused":
            why = (
                item.refusal_message
                if self.language == "en"
                else (item.refusal_message_zh or item.refusal_message)
            )
            return self.tr("refused: {why}").format(why=why)
        return self.tr("signed, waiting to be sent")

    def _text(self, reason: Explanation | None) -> str:
        return reason.text(self.language) if reason else ""

    def _refresh_substitute(self, board: Any, state: SubstituteState, why: list[str]) -> None:
        view = board.view
        venues = list(view.venues) if view else []
        shown = self.substitute_venue
        if [shown.itemData(i) for i in range(shown.count())] != venues:
            shown.clear()
            for venue in venues:  # 济南主场 on the screen, its id behind it
                shown.addItem(board.venue_label(venue, self.language), venue)
        for widget in (self.substitute_combo, self.substitute_venue, self.substitute_seat):
            widget.setEnabled(not state.by_draw)
        blocked = self._text(state.blocked)
        explain_disabled(self.substitute_button, blocked, why)
        if state.offered and not self.substitute_combo.count():
            self.load_candidates()

    @op
    async def load_candidates(self) -> None:
        people = await self.session.candidates()
        self.substitute_combo.clear()
        for person in people:
            where = venue_label(person.venue, self.session.client.venue_names)
            self.substitute_combo.addItem(f"{person.name}（{where}）", person.person_id)

    @op
    async def add_substitute(self) -> None:
        person = self.substitute_combo.currentData()
        if person is None:
            return
        if await self._run(
            self.tr("Substitute added; they declare next."),
            lambda: self.session.add_member(
                str(person),
                str(self.substitute_venue.currentData() or ""),
                self.substitute_seat.text(),
            ),
        ):
            self.substitute_combo.clear()
            self.substitute_seat.clear()

    # -- doing -----------------------------------------------------------------------
    async def _run(self, done: str, action: Callable[[], Awaitable[object]]) -> bool:
        try:
            await action()
        except Exception as exc:  # explained, nothing else changed
            self.say(self.message, explain(exc).text(self.language), ok=False)
            return False
        self.say(self.message, done)
        return True

    @op
    async def pause(self) -> None:
        if await self._run(
            self.tr("The session is paused; experts cannot submit until it resumes."),
            lambda: self.session.pause(self.reason_edit.text()),
        ):
            self.reason_edit.clear()

    @op
    async def resume(self) -> None:
        if await self._run(
            self.tr("The session has resumed."),
            lambda: self.session.resume(self.reason_edit.text()),
        ):
            self.reason_edit.clear()

    @op
    async def broadcast(self) -> None:
        if await self._run(
            self.tr("Message sent to the experts."),
            lambda: self.session.broadcast(self.broadcast_edit.text()),
        ):
            self.broadcast_edit.clear()

    @op
    async def mark_absent(self) -> None:
        person = self.absent_combo.currentData()
        if person is None:
            return
        if await self._run(
            self.tr("Marked absent."),
            lambda: self.session.mark_absent(str(person), self.absent_reason.text()),
        ):
            self.absent_reason.clear()

    @signing_op
    async def write_note(self) -> None:
        text = self.note_edit.toPlainText()
        try:
            self.session.witness_note(text)  # an empty note is refused before the PIN is asked
        except Exception as exc:
            self.say(self.note_message, explain(exc).text(self.language), ok=False)
            return
        secret = await ask_secret(self, self.tr("Witness note"), self.session.logged)
        if secret is None:
            self.say(self.note_message, self.tr("Not signed."), ok=False)
            return
        self.note_button.setEnabled(False)
        try:
            item = await self.session.write_witness_note(text, secret)
        except Exception as exc:  # wrong PIN, token removed...: shown, nothing queued
            self.say(self.note_message, explain(exc).text(self.language), ok=False)
            return
        finally:
            if alive(self.note_button):
                self.note_button.setEnabled(True)
        if item.state == "delivered":
            self.note_edit.clear()
        self.say(self.note_message, self._note_state(item), ok=item.state != "refused")
        self.refresh()
