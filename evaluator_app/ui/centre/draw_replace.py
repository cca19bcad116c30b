"""The 专家抽取 tab's replacement: who leaves and why, both parties sign, and the grown record goes
to the sessions the draw seated, where the replacement takes the seat the record gives."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from evaluator_app.client.draw.carry import Carried, carry_replacement
from evaluator_app.client.draw.service import DrawService, OpenDraw, ReplaceOutcome
from evaluator_app.client.explain import explain
from evaluator_app.client.login import LoggedIn
from evaluator_app.client.names import venue_label
from evaluator_app.core.draw.model import CAUSE_LABELS, Cause
from evaluator_app.ui.alive import alive
from evaluator_app.ui.centre.common import say, show_error
from evaluator_app.ui.centre.draw_prompts import ask_password, ask_replacement
from evaluator_app.ui.sign_dialog import ask_secret, signing_op

if TYPE_CHECKING:
    from evaluator_app.ui.centre.draw_request import DrawRequestBox


class ReplacementActions(QWidget):
    """The DrawTab's base: the 替补专家… button's work."""

    service: DrawService
    logged: LoggedIn
    language: str
    opened: OpenDraw | None
    message: QLabel
    request: DrawRequestBox

    show_draw: Callable[[OpenDraw], None]  # the tab's: the record and its committee
    session_status: dict[str, str]  # person id → "recused"/"absent" in a session of the draw

    def venues(self) -> dict[str, str]:
        me = self.logged.result
        return dict(self.logged.client.venue_names or {me.venue: me.venue})

    async def _official_password(self, what: str) -> str | None:
        """The supervising official types their own password on this workstation."""
        return await ask_password(
            self,
            self.tr("Supervising official's certificate password"),
            self.tr(
                "{name} (supervising official): type the password of your certificate file "
                "to sign {what}."
            ).format(name=self.request.supervisor.currentText() or "—", what=what),
        )

    @signing_op
    async def _replace_selected(self) -> None:
        if self.opened is None:
            say(self.message, self.tr("Open a draw first."), ok=False)
            return
        seated = [m for m in self.opened.committee if not m.left]
        causes = list(Cause)
        language = 0 if self.language != "en" else 1
        # the dialog opens on whom a session already lost, for the cause it gives
        left = [i for i, m in enumerate(seated) if self.session_status.get(m.person_id)]
        status = self.session_status.get(seated[left[0]].person_id, "") if left else ""
        cause = Cause.RECUSED if status == "recused" else Cause.NO_SHOW if left else Cause.DECLINED
        answer = await ask_replacement(
            self,
            [m.name for m in seated],
            [CAUSE_LABELS[c][language] for c in causes],
            (left[0] if left else 0, causes.index(cause)),
        )
        if answer is None or not alive(self):
            return
        mine = await ask_secret(self, self.tr("the replacement"), self.logged)
        # a supplementary draw (when no reserve fits) needs the supervising official too
        theirs = None if mine is None else await self._official_password(self.tr("the replacement"))
        if mine is None or theirs is None or not alive(self):
            if alive(self):
                say(self.message, self.tr("Not signed."), ok=False)
            return
        await self.replace_expert(
            seated[answer.who].pool_id, causes[answer.cause], answer.reason, mine, theirs
        )

    async def replace_expert(
        self, pool_id: str, cause: Cause, reason: str, mine: str, theirs: str
    ) -> None:
        if self.opened is None:
            return
        signers = []
        try:
            signers.append(await self.logged.credential.open(mine))
            signers.append(await self.request.supervisor_credential().open(theirs))
            outcome = await self.service.replace(
                self.opened, pool_id, cause, reason, signers, date.today().isoformat()
            )
        except Exception as exc:
            if alive(self):
                show_error(self.message, exc, self.language)
            return
        finally:
            for signer in signers:
                signer.close()
        if not alive(self):
            return
        self.show_draw(outcome.draw)
        who = outcome.replacement.name if outcome.replacement else self.tr("nobody")
        done = self.tr("Replaced by {who}.").format(who=who)
        leaving = next(m for m in self.opened.committee if m.pool_id == pool_id)
        try:  # the grown record goes to the sessions this draw seated, the newcomer to the seat
            carried = await carry_replacement(
                self.logged.client, outcome.draw, leaving.person_id, outcome.replacement
            )
        except Exception as exc:
            if alive(self):
                why = explain(exc).text(self.language)
                say(self.message, f"{done}\n{self.tr('Not sent to the session:')} {why}", False)
            return
        if alive(self):
            say(
                self.message,
                "\n".join([done, *self._carried_lines(leaving.name, outcome, carried)]),
            )

    def _carried_lines(
        self, leaving: str, outcome: ReplaceOutcome, carried: list[Carried]
    ) -> list[str]:
        if not carried:
            return [
                self.tr("No running session of this draw has {name}: nothing sent.").format(
                    name=leaving
                )
            ]
        new = outcome.replacement
        lines = []
        for session in carried:
            if new is not None and session.seated:
                where = f"{venue_label(new.venue, self.venues())} {new.seat}"
                lines.append(
                    self.tr("{title}: record attached, {who} seated at {where}.").format(
                        title=session.title, who=new.name, where=where
                    )
                )
            else:
                lines.append(
                    self.tr("{title}: record attached; nobody seated.").format(title=session.title)
                )
        return lines
