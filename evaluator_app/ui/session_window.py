"""An expert's window for one session: the steps of the evaluation, the connection, the outbox."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.connection import ConnectionState, VenueConnection
from evaluator_app.client.expert_session import ExpertSession
from evaluator_app.client.guidance import EXPERT_STEPS, PHASE_STEP, step_number
from evaluator_app.client.login import LoggedIn, LoginService
from evaluator_app.client.moves import phase_role
from evaluator_app.client.settings import AppSettings
from evaluator_app.core.phases import Role
from evaluator_app.ui.alive import alive
from evaluator_app.ui.connection_text import ConnectionIndicator
from evaluator_app.ui.controls import route
from evaluator_app.ui.expert_aids import ExpertAids, confirm_close, unsigned_work
from evaluator_app.ui.moves_panel import MovesPanel
from evaluator_app.ui.ops import op
from evaluator_app.ui.pages.base import StepPage
from evaluator_app.ui.pages.declaration_page import DeclarationPage
from evaluator_app.ui.pages.documents_page import DocumentsPage
from evaluator_app.ui.pages.election_page import ElectionPage
from evaluator_app.ui.pages.gate_page import GatePage
from evaluator_app.ui.pages.report_page import ReportPage
from evaluator_app.ui.pages.review_page import ReviewPage
from evaluator_app.ui.pages.scoring_page import ScoringPage
from evaluator_app.ui.pages.summary_page import SummaryPage
from evaluator_app.ui.pages.warnings_page import WarningsPage
from evaluator_app.ui.phase_names import phase_name
from evaluator_app.ui.presence_watch import PresenceWatch
from evaluator_app.ui.replaced import show_replaced

logger = logging.getLogger(__name__)
RELOAD_ON = {
    "report.signed",
    "dissent.accepted",
    "phase",
    "member",
    "leader.elected",
    "leader.tie",
    "gates.decided",
    "score_sheet.returned",
    "session.created",
}
# the rows of the step list, by EXPERT_STEPS (the numbers the guide line names come from it)
SCORING_STEP = EXPERT_STEPS.index("scoring")
SUMMARY_STEP = EXPERT_STEPS.index("summary")
STEP_OF_PHASE = {phase: EXPERT_STEPS.index(step) for phase, step in PHASE_STEP.items()}
PROGRESS_POLL_MS = 5_000


class SessionWindow(QMainWindow):
    def __init__(
        self,
        logged: LoggedIn,
        session_id: str,
        settings: AppSettings,
        data_dir: Path,
        login: LoginService | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.settings = settings
        self.language = settings.language
        self.session = ExpertSession(
            logged,
            session_id,
            data_dir / "sessions" / session_id,
            settings.tsa_url,
            settings.cache_cipher,
        )
        if login is not None:
            try:
                self.session.attach_documents(login.trust_list(), login.revocation())
            except Exception as exc:  # a refused trust list: documents say why, scoring still works
                logger.warning("documents unavailable: %s", exc)
        self.session.listeners.append(self._refresh)
        # whose window it is: several people's windows may share one desktop (a venue's demo)
        self.setWindowTitle(
            self.tr("{name} · session {id}").format(name=logged.result.name, id=session_id)
        )
        self.resize(1200, 800)

        self.header = QLabel(self.tr("Loading…"))
        self.header.setObjectName("title")
        self.phase_label = QLabel()
        self.phase_label.setObjectName("subtitle")
        self.banner = QLabel()
        self.banner.setObjectName("error")
        self.banner.setWordWrap(True)
        self.ack_button = QPushButton(self.tr("I have read it"))
        self.ack_button.clicked.connect(self._acknowledge)
        self.ack_button.hide()
        banner_row = QHBoxLayout()
        banner_row.addWidget(self.banner, 1)
        banner_row.addWidget(self.ack_button)
        self.pending_ack: int | None = None
        self.moves = MovesPanel(
            logged.client,
            session_id,
            Role.EXPERT,
            self.language,
            on_moved=lambda _view: self.reload(),
            on_return=lambda: self.steps.setCurrentRow(SUMMARY_STEP),
        )

        self.steps = QListWidget()
        self.steps.setFixedWidth(220)
        self.stack = QStackedWidget()
        self.pages: list[StepPage] = []
        self.step_keys: list[str] = []  # EXPERT_STEPS, then "warnings"
        for key, title, page in self._make_pages():
            # numbered by their place in EXPERT_STEPS, as the guide line names them
            numbered = f"{step_number(key)} {title}" if key in EXPERT_STEPS else title
            self.steps.addItem(numbered)
            self.stack.addWidget(page)
            self.pages.append(page)
            self.step_keys.append(key)
        assert tuple(self.step_keys[: len(EXPERT_STEPS)]) == EXPERT_STEPS, self.step_keys
        self.steps.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.aids = ExpertAids(self, data_dir)  # menus with F1, Ctrl+F, Ctrl+P; the guide line
        self.steps.currentRowChanged.connect(lambda _row: self.aids.refresh())  # said from here
        self.scoring.progress_changed = self._scoring_progressed
        self.steps.setCurrentRow(0)

        # banners and the leader's moves come and go above the step's page, beside the list of
        # steps: the list never moves under the pointer when they do
        right = QVBoxLayout()
        right.addLayout(banner_row)
        right.addWidget(self.moves)
        right.addWidget(self.stack, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.steps)
        middle.addLayout(right, 1)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.header)
        layout.addWidget(self.phase_label)
        layout.addWidget(self.aids.guide)  # what to do now, what comes next
        layout.addLayout(middle, 1)
        self.setCentralWidget(central)

        self.connection_label = QLabel()
        kept = lambda: bool(self._items_scored() or self.session.outbox.items(session_id)) or None  # noqa: E731
        self.indicator = ConnectionIndicator(self.connection_label, self.language, kept)
        self.outbox_label = QLabel()
        self.statusBar().addWidget(self.connection_label, 1)
        self.statusBar().addPermanentWidget(self.outbox_label)
        self.connection = VenueConnection(
            logged.client, self._on_event, session_id=session_id, on_state=self._on_state
        )
        self._started = False
        self._closed = False
        # key, click and focus, app-wide: focused, idle or away on the supervisor's board
        self.presence_watch = PresenceWatch(self, self.connection, self._items_scored)
        self._progress_timer = QTimer(self)  # others' votes are not pushed to experts: ask
        self._progress_timer.setInterval(PROGRESS_POLL_MS)
        self._progress_timer.timeout.connect(self._poll_progress)
        self._progress_timer.start()
        self.shutdown_task: asyncio.Future[None] | None = None
        self._close_confirmed = False  # unsigned work: the person said close anyway

    def _make_pages(self) -> list[tuple[str, str, StepPage]]:
        self.scoring = ScoringPage(self.session, self.language)
        self.review = ReviewPage(
            self.session,
            self.language,
            self.scoring,
            lambda: self.steps.setCurrentRow(SCORING_STEP),
        )
        self.documents = DocumentsPage(self.session, self.language)
        self.report_page = ReportPage(self.session, self.language)
        self.scoring.show_pages_requested = self._show_bid_pages
        self.documents.index_ready = self.scoring.load_indexes
        self.warnings_page = WarningsPage(self.session, self.language)
        self.summary_page = SummaryPage(self.session, self.language)
        return [  # in the order of EXPERT_STEPS, then the warnings (no number: beside them all)
            ("declaration", self.tr("Declaration"), DeclarationPage(self.session, self.language)),
            ("election", self.tr("Leader election"), ElectionPage(self.session, self.language)),
            ("gates", self.tr("Preliminary review"), GatePage(self.session, self.language)),
            ("documents", self.tr("Documents"), self.documents),
            ("scoring", self.tr("Scoring"), self.scoring),
            ("review", self.tr("Review and sign"), self.review),
            ("summary", self.tr("Summary"), self.summary_page),
            ("report", self.tr("Evaluation report"), self.report_page),
            ("warnings", self.tr("Warnings (围标串标)"), self.warnings_page),
        ]

    def controls(self) -> dict[str, QWidget]:
        """The expert's (and the leader's) actions, by venue route or phase move."""
        return {
            # mypy: pages[0] is the DeclarationPage (_make_pages order)
            route("POST", "/declarations"): self.pages[0].sign_button,  # type: ignore[attr-defined]
            # mypy: pages[1] is the ElectionPage
            route("POST", "/leader-votes"): self.pages[1].vote_button,  # type: ignore[attr-defined]
            # mypy: pages[2] is the GatePage
            route("POST", "/gate-votes"): self.pages[2].sign_button,  # type: ignore[attr-defined]
            route("POST", "/sheets"): self.review.sign_button,
            route("POST", "/sheets/{expert}/return"): self.summary_page.return_button,
            route("POST", "/report/signatures"): self.report_page.sign_button,
            route("POST", "/report/dissent"): self.report_page.dissent_button,
            route("POST", "/warning-decisions"): self.warnings_page.decide_button,
            route("POST", "/acknowledge"): self.ack_button,
            **self.moves.controls(),
        }

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.start()

    @op
    async def start(self) -> None:
        try:
            await self.session.load()
            if self.session.phase not in (
                "preparing",
                "check_in",
                "declarations",
                "leader_election",
                "preliminary_review",
            ):
                await self.session.load_gates()
        except Exception as exc:
            self.banner.setText(str(exc))
        self.connection.start()
        await self.session.deliver()  # anything signed before a restart goes out now
        self.session.start_delivery()
        if (
            await self.session.resume_from_venue()
        ):  # continuing at another seat: the venue's copy is newer
            self.scoring.reload()
        step = STEP_OF_PHASE.get(self.session.phase)
        if step is not None:
            self.steps.setCurrentRow(step)
        await self.review.workflow.warm_up()  # the sheet's font, long before it is signed

    # -- what the window shows -------------------------------------------------------
    def _refresh(self) -> None:
        if self._closed or not alive(self):
            return
        if self.session.replaced:
            self._progress_timer.stop()
            show_replaced(self)
            return
        view = self.session.view
        self.header.setText(view.title if view else "")
        phase = "paused" if self.session.paused else self.session.phase
        self.phase_label.setText(self.tr("Phase: {phase}").format(phase=phase_name(phase)))
        if self.session.paused:
            self.banner.setText(
                self.tr("The session is paused by the supervisor. Your work is kept; please wait.")
            )
        elif self.pending_ack is None:
            self.banner.clear()
        pending = [
            i for i in self.session.outbox.items(self.session.session_id) if i.state == "pending"
        ]
        self.outbox_label.setText(
            self.tr("{n} signed item(s) waiting to be sent").format(n=len(pending))
            if pending
            else self.tr("Everything signed has been received")
        )
        if view is not None:
            self.moves.show_moves(view, phase_role(view, "expert", self.session.me))
            me = view.member(self.session.me)
            if me is not None and me.left_committee:
                self.connection.stop_heartbeats()  # off the committee: no presence to watch
        for page in self.pages:
            page.refresh()
        self.aids.refresh()

    def _on_state(self, state: ConnectionState) -> None:
        if self._closed or not alive(self) or self.session.replaced:
            return
        self.indicator.show(state)
        if state.status == "online":
            self.session.venue_back()

    def _show_bid_pages(self, doc_id: str, page: int) -> None:
        self.steps.setCurrentRow(self.pages.index(self.documents))
        self.documents.show_pages(doc_id, page)

    async def _on_event(self, event: dict[str, Any]) -> None:
        if self._closed or event.get("session_id") != self.session.session_id:
            return
        kind = event.get("kind", "")
        if kind == "broadcast":
            self.pending_ack = int(event["seq"])
            self.banner.setText(
                self.tr("Message from {name}: {text}").format(
                    name=event["payload"].get("name", ""), text=event["payload"].get("message", "")
                )
            )
            self.ack_button.show()
        if kind == "leader.tie":
            import time

            self.session.allow_again("leader-votes", time.time())
            self.banner.setText(self.tr("The leader election was tied: please vote again."))
        self.warnings_page.on_event(kind)
        if kind in ("report.signed", "dissent.accepted") and self.session.phase == "report_signing":
            self.report_page.load()
        if kind in RELOAD_ON or kind.endswith(".accepted"):
            before = self.session.phase
            await self.session.load()
            if kind in ("gates.decided", "phase"):
                await self.session.load_gates()
            if self.session.phase != before and not self._closed:
                self._phase_moved(before)

    def _phase_moved(self, before: str) -> None:
        """The phase moved (by a person or by the venue itself): say so, and open its step."""
        if not alive(self):
            return
        self.moves.message.setText(
            self.tr("The session moved on: {phase}").format(phase=phase_name(self.session.phase))
        )
        step = STEP_OF_PHASE.get(self.session.phase)
        if step is not None:
            self.steps.setCurrentRow(step)

    @op
    async def reload(self) -> None:
        """After a move made here, or while waiting for others (their progress is not pushed)."""
        before = self.session.phase
        await self.session.load()
        if self.session.phase != before:
            await self.session.load_gates()
            self._phase_moved(before)

    def show_failure(self, text: str) -> None:
        self.banner.setText(text)

    @op
    async def _acknowledge(self) -> None:
        if self.pending_ack is None:
            return
        await self.session.client.post(
            f"/sessions/{self.session.session_id}/acknowledge", {"seq": self.pending_ack}
        )
        self.pending_ack = None
        self.ack_button.hide()
        self.banner.clear()

    def _poll_progress(self) -> None:
        progress = self.session.view.progress if self.session.view else None
        waiting = progress and (progress.waiting_for or progress.open_seats)
        if waiting and self.connection.state.status == "online" and not self.session.replaced:
            self.reload()

    def _scoring_progressed(self) -> None:
        """The count shown goes to the supervisors as it changes, not at the next focus change."""
        self.aids.refresh()
        self.presence_watch.report()

    def _items_scored(self) -> int:
        return sum(1 for text in self.scoring.typed_values().values() if text)

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._closed and not self._close_confirmed:
            work = unsigned_work(self)
            if confirm_close(self, event, [work] if work else [], self.close_anyway):
                return
        if not self._closed:
            self._closed = True
            self.presence_watch.stop()
            self._progress_timer.stop()
            self.scoring.stop()
            self.shutdown_task = asyncio.ensure_future(self._shutdown())
        super().closeEvent(event)

    def close_anyway(self) -> None:
        self._close_confirmed = True
        self.close()

    async def _shutdown(self) -> None:
        """Disconnect, stop downloads, wipe the document cache, close the journal."""
        await self.connection.stop()
        await self.scoring.written()
        await self.session.aclose()
