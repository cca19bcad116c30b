"""Signing the evaluation report: each member adds one PAdES signature in turn, or dissents.

A member downloads the newest revision, adds one PAdES signature as an incremental update and
uploads it; the venue accepts it only if it begins with exactly the newest revision's bytes,
carries one more intact signature and that signature is the caller's. When every member has
signed or dissented, the session closes.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from typing import Any

from cryptography import x509

from evaluator_app.core.phases import Phase, advance
from evaluator_app.core.phases import Role as PhaseRole
from evaluator_app.pki.pades import async_verify_pdf
from evaluator_app.pki.validation import avalidate_certificate
from evaluator_app.protocol.messages import Role
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.checkpoints import checkpoint
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import BadRequest, Conflict, Unprocessable
from evaluator_app.venue.http import Caller
from evaluator_app.venue.results.report import status
from evaluator_app.venue.sessions.access import load
from evaluator_app.venue.sessions.lifecycle import apply_state, publish, state_of
from evaluator_app.venue.store.records import EventRecord, MemberRecord, SessionRecord
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReportSignature:
    base_revision: int
    pdf: bytes


async def sign_report(
    venue: Venue, caller: Caller, session_id: str, upload: ReportSignature
) -> dict[str, Any]:
    require(caller, Role.EXPERT)
    base = await venue.store.tx(
        lambda tx: (load(tx, caller, session_id), tx.report_pdf(session_id))
    )
    (session, _members), latest = base
    if session.paused_in is not None or session.phase != Phase.REPORT_SIGNING.value:
        raise Conflict(
            "the report is signed in the report-signing phase",
            "只能在评标报告签署阶段签名",
            code="wrong_phase",
        )
    if latest is None or latest[0] != upload.base_revision:
        raise Conflict(
            "another member signed meanwhile: fetch the newest report and sign that",
            "其他委员刚刚签署，请重新获取最新的评标报告后再签",
            code="stale_report",
        )
    if not upload.pdf.startswith(latest[1]) or len(upload.pdf) == len(latest[1]):
        raise Unprocessable(
            "the signed report must be the newest revision plus your signature, unchanged",
            "签署后的报告必须是在最新版本上追加您的签名，不得改动",
            code="not_incremental",
        )
    before, verdicts = (
        len(await async_verify_pdf(latest[1], None)),
        await async_verify_pdf(upload.pdf, None),
    )
    if len(verdicts) != before + 1 or not all(v.integrity_ok for v in verdicts):
        raise Unprocessable(
            "the report must carry exactly one more intact signature",
            "报告须在原有签名之外增加一个有效签名",
            {"reasons": [r.message_en for v in verdicts for r in v.reasons]},
            code="bad_pdf",
        )
    cert = x509.load_der_x509_certificate(verdicts[-1].certificate_der)
    checked = await avalidate_certificate(
        cert, "sign", venue.trust_list, venue.now(), venue.revocation
    )
    if not checked.ok or checked.identity is None or checked.identity.person_id != caller.person_id:
        why = "; ".join(r.message_en for r in checked.reasons) or "signed by someone else"
        raise Unprocessable(
            f"signature refused: {why}",
            "签名未通过验证或不是您本人的签名",
            code="certificate_refused",
        )

    def work(tx: SqliteTx) -> tuple[dict[str, Any], list[EventRecord]]:
        session, members = load(tx, caller, session_id)
        now_latest = tx.report_pdf(session_id)
        if now_latest is None or now_latest[0] != upload.base_revision:
            raise Conflict(
                "another member signed meanwhile",
                "其他委员刚刚签署，请重新签署最新版本",
                code="stale_report",
            )
        state = status(tx, session_id, members)
        if caller.person_id not in state["pending"]:
            raise Conflict(
                "you have already signed or dissented, or are not on the committee",
                "您已签署或已提交不同意见，或不是评标委员会成员",
                code="already_submitted",
            )
        now = venue.now_iso()
        tx.add_report_revision(
            session_id, upload.base_revision + 1, "signature", caller.person_id, upload.pdf, now
        )
        tx.append_audit(
            now,
            caller.person_id,
            "report.sign",
            session_id,
            {"revision": upload.base_revision + 1, "bytes": len(upload.pdf)},
        )
        events = [
            tx.append_event(
                session_id,
                "report.signed",
                "all",
                {"person": caller.person_id, "revision": upload.base_revision + 1},
                now,
            )
        ]
        events += close_if_done(tx, venue, session, members)
        return status(tx, session_id, members), events

    result, events = await venue.store.tx(work)
    await publish(venue, events)
    await checkpoint(venue)
    return result


def close_if_done(
    tx: SqliteTx, venue: Venue, session: SessionRecord, members: list[MemberRecord]
) -> list[EventRecord]:
    if status(tx, session.id, members)["pending"]:
        return []
    _, event = apply_state(
        tx,
        venue,
        session,
        advance(state_of(session), Phase.CLOSED, PhaseRole.SYSTEM),
        "venue",
        "every member signed or dissented",
        "全体成员已签署评标报告或记录不同意见",
    )
    return [event]


def parse_signature_body(data: Any) -> ReportSignature:
    if (
        not isinstance(data, dict)
        or set(data) != {"base_revision", "pdf"}
        or not isinstance(data["base_revision"], int)
        or not isinstance(data["pdf"], str)
    ):
        raise BadRequest(
            'body must be {"base_revision": N, "pdf": "<base64>"}',
            "请求格式错误",
            code="invalid_field",
        )
    try:
        return ReportSignature(data["base_revision"], base64.b64decode(data["pdf"], validate=True))
    except ValueError:
        raise BadRequest(
            "pdf is not valid base64", "pdf 不是有效的 base64", code="invalid_field"
        ) from None
