"""专家抽取 (expert draw): the pool, a request, the signed draw, the sealed record, replacements.

Renders what :class:`client.draw.service.DrawService` answers and calls it; every rule is in
the service and core. The supervising official signs on this workstation with their own
certificate file; the record stays sealed to the centre until it is opened for a session.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from evaluator_app.client.centre_plan import Person
from evaluator_app.client.draw.carry import session_statuses
from evaluator_app.client.draw.importer import ImportRefusedError
from evaluator_app.client.draw.request_form import request_from_form
from evaluator_app.client.draw.service import DrawService, OpenDraw
from evaluator_app.client.errors import ClientError
from evaluator_app.client.login import LoggedIn, LoginService
from evaluator_app.client.names import venue_label
from evaluator_app.client.settings import AppSettings
from evaluator_app.core.beijing import beijing_time
from evaluator_app.core.draw.model import CAUSE_LABELS, RULE_LABELS, Cause
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import fill, heading, say, show_error, table
from evaluator_app.ui.centre.draw_prompts import ask_password
from evaluator_app.ui.centre.draw_replace import ReplacementActions
from evaluator_app.ui.centre.draw_request import DrawRequestBox
from evaluator_app.ui.file_choice import file_to_open
from evaluator_app.ui.ops import op
from evaluator_app.ui.sign_dialog import ask_secret, signing_op

logger = logging.getLogger(__name__)


class DrawTab(ReplacementActions):
    use_for_session = Signal(object)  # an OpenDraw for the new-session wizard

    def __init__(
        self,
        service: DrawService,
        logged: LoggedIn,
        language: str,
        roster: Callable[[], Awaitable[list[Person]]] | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.service, self.logged, self.language, self.roster = service, logged, language, roster
        self.opened: OpenDraw | None = None
        self.session_status: dict[str, str] = {}
        self.busy = False
        self.message = QLabel()
        self.message.setWordWrap(True)
        # 1. the pool
        self.pool_label = QLabel()
        self.import_button = QPushButton(self.tr("Import expert list…"))
        self.import_button.clicked.connect(self._choose_list)
        pool = QGroupBox(self.tr("1. Provincial expert pool"))
        row = QHBoxLayout(pool)
        row.addWidget(self.pool_label, 1)
        row.addWidget(self.import_button)
        # 2. the request
        self.request = DrawRequestBox(self.tr("2. Draw request and avoidance rules"))
        self.draw_button = QPushButton(self.tr("Commit, fix the pool, reveal and draw"))
        self.draw_button.setObjectName("primary")
        self.draw_button.clicked.connect(self.draw)
        request = QWidget()
        column = QVBoxLayout(request)
        column.addWidget(self.request, 1)
        column.addWidget(self.draw_button)
        # 3. the records
        self.draws = table(
            [self.tr("Draw"), self.tr("Project"), self.tr("Made"), self.tr("State")], stretch=1
        )
        self.committee = table(
            [
                self.tr("Expert"),
                self.tr("Specialty"),
                self.tr("Venue"),
                self.tr("Seat"),
                self.tr("State"),
            ],
            stretch=0,
        )
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        buttons = QGridLayout()  # two by two: the request form beside keeps its width
        self.open_button = QPushButton(self.tr("Open for the session…"))
        self.replace_button = QPushButton(self.tr("Replace an expert…"))
        self.export_button = QPushButton(self.tr("Export record…"))
        self.use_button = QPushButton(self.tr("Use for a new session"))
        for place, (button, slot) in enumerate(
            (
                (self.open_button, self._open_selected),
                (self.replace_button, self._replace_selected),
                (self.export_button, self._export),
                (self.use_button, self._use),
            )
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button, place // 2, place % 2)
        records = QGroupBox(self.tr("3. Draw records (sealed to the centre until opened)"))
        box = QVBoxLayout(records)
        box.addWidget(self.draws, 1)
        box.addLayout(buttons)
        box.addWidget(self.summary)
        box.addWidget(self.committee, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading(self.tr("Expert draw anyone can verify")))
        layout.addWidget(pool)
        top = QHBoxLayout()
        top.addWidget(request, 5)
        top.addWidget(records, 4)
        layout.addLayout(top, 1)
        layout.addWidget(self.message)

    # -- reading -------------------------------------------------------------------------
    @op
    async def refresh(self) -> None:
        await self.reread()

    async def reread(self) -> None:
        """The pool and the draws (a coroutine to await; ``refresh`` is the slot)."""
        import asyncio

        count = await asyncio.to_thread(self.service.store.count)
        entries = await asyncio.to_thread(self.service.store.draws)
        people = await self.roster() if self.roster is not None else []
        if not alive(self):
            return
        self.request.set_supervisors(
            [(p.person_id, p.name) for p in people if p.role == "supervisor"]
        )
        self.pool_label.setText(self.tr("{n} experts in the pool").format(n=count))
        states = {
            "drawn": self.tr("drawn, sealed"),
            "opened": self.tr("opened"),
            "in_session": self.tr("in a session"),
        }
        fill(
            self.draws,
            [
                (
                    d.draw_id,
                    d.project_id,
                    beijing_time(d.created_at, self.language, seconds=False),
                    states.get(d.state, d.state),
                )
                for d in entries
            ],
        )

    # -- the pool ------------------------------------------------------------------------
    @op
    async def _choose_list(self) -> None:
        path = await file_to_open(self, self.tr("Expert list"), "Excel / CSV (*.xlsx *.csv)")
        if path and alive(self):
            self.import_list(path)

    @op
    async def import_list(self, path: str) -> None:
        try:
            done = await self.service.import_list(Path(path))
        except ImportRefusedError as refused:
            if alive(self):
                lines = [p.text(self.language) for p in refused.problems[:20]]
                say(self.message, self.tr("Nothing imported:") + "\n" + "\n".join(lines), ok=False)
            return
        except Exception as exc:
            if alive(self):
                show_error(self.message, exc, self.language)
            return
        if alive(self):
            say(
                self.message,
                self.tr("{a} added, {u} updated.").format(a=done.added, u=done.updated),
            )
            await self.reread()

    # -- the request and the draw ---------------------------------------------------------
    @signing_op
    async def draw(self) -> None:
        from evaluator_app.core.errors import DrawError

        check = self.request.check
        if self.busy or check is None or check.data is None:
            say(self.message, self.tr("Choose a valid project file first."), ok=False)
            return
        me = self.logged.result
        try:
            request = request_from_form(
                self.request.form(me.person_id, me.name), check.data, self.venues()
            )
        except DrawError as exc:
            say(
                self.message,
                f"{exc.where}：{exc.message_zh if self.language != 'en' else exc.message_en}",
                ok=False,
            )
            return
        mine = await ask_secret(self, self.tr("your commitment and the draw"), self.logged)
        theirs = None if mine is None else await self._official_password(self.tr("the draw"))
        seal: str | None = ""
        if theirs is not None and not self.service.sealing.exists:
            seal = await ask_password(
                self,
                self.tr("Centre's sealing key password"),
                self.tr(
                    "The centre's sealing key is made now: choose its password. "
                    "Every sealed draw record is opened with it."
                ),
            )
        if mine is None or theirs is None or seal is None or not alive(self):
            if alive(self):
                say(self.message, self.tr("Not signed."), ok=False)
            return
        self.busy = True
        self.draw_button.setEnabled(False)
        say(
            self.message,
            self.tr("Drawing: every party commits, the pool is fixed, then they reveal…"),
        )
        signers = []
        try:
            if not self.service.sealing.exists:
                self.service.sealing.create(seal)
            signers.append(await self.logged.credential.open(mine))
            signers.append(await self.request.supervisor_credential().open(theirs))
            done = await self.service.run(request, signers)
        except Exception as exc:
            if alive(self):
                show_error(self.message, exc, self.language)
            return
        finally:
            for signer in signers:
                signer.close()
            self.busy = False
            if alive(self):
                self.draw_button.setEnabled(True)
        if alive(self):
            rules = "；".join(f"{RULE_LABELS[r][0]} {n}" for r, n in done.excluded.items())
            say(
                self.message,
                self.tr(
                    "Drawn {d} experts and {r} reserves from {p}; seed {s}. Excluded by rule: {x}"
                ).format(
                    d=done.drawn,
                    r=done.reserves,
                    p=done.pool_count,
                    s=done.seed[:16],
                    x=rules or "—",
                )
                + ("\n" + "；".join(done.shortfalls) if done.shortfalls else ""),
            )
            await self.reread()

    # -- a record --------------------------------------------------------------------------
    def _selected_draw(self) -> str | None:
        row = self.draws.currentRow()
        item = self.draws.item(row, 0) if row >= 0 else None
        return item.text() if item else None

    @op
    async def _open_selected(self) -> None:
        draw_id = self._selected_draw()
        if draw_id is None:
            say(self.message, self.tr("Choose a draw in the list first."), ok=False)
            return
        password = await ask_password(
            self,
            self.tr("Centre's sealing key password"),
            self.tr("Type the password of the centre's sealing key to open {id}.").format(
                id=draw_id
            ),
        )
        if password is not None and alive(self):
            await self.open_draw(draw_id, password)

    async def open_draw(self, draw_id: str, password: str) -> None:
        # not an op of its own: its arguments (a password) must never reach a log line
        try:
            opened = await self.service.open(draw_id, password)
        except Exception as exc:
            if alive(self):
                show_error(self.message, exc, self.language)
            return
        try:  # who a session already lost (recused, absent): shown beside the record's seat
            self.session_status = await session_statuses(self.logged.client, opened)
        except ClientError as exc:
            logger.info("session statuses not read: %s", exc.message_en)
            self.session_status = {}
        if alive(self):
            self.show_draw(opened)

    def show_draw(self, opened: OpenDraw) -> None:
        self.opened = opened
        causes = {c.value: CAUSE_LABELS[c][0 if self.language != "en" else 1] for c in Cause}
        in_session = {
            "recused": self.tr("recused in the session: to be replaced"),
            "absent": self.tr("absent in the session: to be replaced"),
        }
        rows = [
            (
                m.name,
                m.specialty,
                venue_label(m.venue, self.venues()),
                m.seat,
                causes.get(m.left, self.tr("seated"))
                if m.left
                else in_session.get(self.session_status.get(m.person_id, ""), self.tr("seated")),
            )
            for m in opened.committee
        ]
        fill(self.committee, rows)
        checks = len(opened.report.findings)
        self.summary.setText(
            self.tr("{id}: recomputed exactly ({n} checks); draws {d}").format(
                id=opened.draw_id, n=checks, d="、".join(opened.report.draws)
            )
        )

    def _export(self) -> None:
        if self.opened is None:
            say(self.message, self.tr("Open a draw first."), ok=False)
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export record"), f"{self.opened.draw_id}.draw.zip", "ZIP (*.zip)"
        )
        if path and self.service.trust_list_bytes is not None:
            Path(path).write_bytes(
                self.service.export_bundle(self.opened, self.service.trust_list_bytes)
            )
            say(
                self.message,
                self.tr("Written {path}: evaluator draw verify checks it.").format(path=path),
            )

    def _use(self) -> None:
        if self.opened is None:
            say(self.message, self.tr("Open a draw first."), ok=False)
            return
        self.use_for_session.emit(self.opened)


def draw_service(
    settings: AppSettings, data_dir: Path, logged: LoggedIn, login: LoginService | None
) -> DrawService:
    """The centre's pool and draws in its data folder, judged by the pinned trust list."""
    trust = login.trust_list() if login is not None else None
    listed = Path(settings.trust_list) if settings.trust_list else None
    raw = listed.read_bytes() if listed is not None and listed.is_file() else None
    return DrawService(
        data_dir / "draw",
        trust,
        tsa_url=settings.tsa_url or None,
        venue=logged.client,
        trust_list_bytes=raw,
    )
