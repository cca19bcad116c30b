"""The expert draw at the venue: each step in the audit log as it is made, the record attached
to its session when the session opens (not before: the list stays with the centre until then).

``POST /draws/steps`` logs a signed step by its hash (the venue sees no names); ``PUT
/sessions/{sid}/draw`` attaches the bundle, which the venue recomputes offline with its trust
list before it accepts it: the committee it gives must be the session's experts, seat by seat,
and a later bundle only adds files (replacements) to the one accepted before.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import zipfile
from typing import Any

from evaluator_app.drawcheck.section import SessionExpert, committee_problems
from evaluator_app.drawcheck.signers import SignatureJudge
from evaluator_app.drawcheck.verify import DrawReport, verify_bundle
from evaluator_app.protocol import draw as layout
from evaluator_app.protocol.draw import DrawAttach, DrawStepLog
from evaluator_app.protocol.messages import Role
from evaluator_app.venue.access.auth import require
from evaluator_app.venue.context import Venue
from evaluator_app.venue.errors import BadRequest, Conflict, Unprocessable
from evaluator_app.venue.sessions.access import load
from evaluator_app.venue.store.records import MemberRecord
from evaluator_app.venue.store.sqlite import SqliteTx

logger = logging.getLogger(__name__)
MAX_BUNDLE = 64 * 1024 * 1024


def _files(data: bytes) -> dict[str, bytes]:
    try:
        files = layout.unzip_bundle(data)
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise BadRequest(
            f"bundle: not a zip ({exc})", "抽取记录不是有效的压缩包", code="invalid_field"
        ) from None
    bad = sorted(n for n in files if not n.startswith(layout.PREFIX) or ".." in n)
    if bad:
        raise BadRequest(
            f"bundle: {bad[0]} is outside draw/",
            f"压缩包中 {bad[0]} 不在 draw/ 下",
            code="invalid_field",
        )
    return files


def _verify(venue: Venue, files: dict[str, bytes]) -> DrawReport:
    """The recomputation runs in a worker thread with its own loop (a pool of 100,000 takes a
    second of CPU; the venue's loop keeps serving)."""
    return asyncio.run(verify_bundle(files, SignatureJudge(venue.trust_list)))


def _experts(members: list[MemberRecord]) -> list[SessionExpert]:
    return [
        SessionExpert(m.person_id, m.name, m.venue, m.seat, m.status)
        for m in members
        if m.role == "expert"
    ]


async def log_step(venue: Venue, caller: Any, body: DrawStepLog) -> dict[str, Any]:
    require(caller, Role.CENTRE)
    if not layout.valid_draw_id(body.draw_id) or len(body.sha256) != 64:
        raise BadRequest(
            "draw_id or sha256 malformed", "抽取编号或哈希格式错误", code="invalid_field"
        )

    def work(tx: SqliteTx) -> int:
        payload = {
            "draw_id": body.draw_id,
            "file": body.name,
            "kind": body.kind,
            "sha256": body.sha256,
        }
        return tx.append_audit(venue.now_iso(), caller.person_id, "draw.step", None, payload).seq

    return {"seq": await venue.store.tx(work)}


async def attach(venue: Venue, caller: Any, session_id: str, body: DrawAttach) -> dict[str, Any]:
    require(caller, Role.CENTRE)
    if len(body.bundle) > MAX_BUNDLE:
        raise BadRequest("bundle too large", "抽取记录过大", code="too_large")
    files = _files(bytes(body.bundle))
    previous = await venue.store.tx(lambda tx: tx.draw_bundle(session_id))
    if previous is not None:
        old = layout.unzip_bundle(previous)
        changed = sorted(n for n, data in old.items() if files.get(n) != data)
        if changed:
            raise Conflict(
                f"{changed[0]} differs from the record accepted before: a draw record only grows",
                f"{changed[0]} 与已接收的记录不同：抽取记录只能追加",
                code="draw_changed",
            )
    report = await asyncio.to_thread(_verify, venue, files)
    if not report.ok:
        finding = report.mismatch
        assert finding is not None
        raise Unprocessable(
            f"the draw does not recompute: {finding.name}: {finding.detail}",
            f"专家抽取记录复算不一致：{finding.name}：{finding.detail_zh}",
            {"where": finding.name},
            code="draw_mismatch",
        )
    data = layout.zip_bundle(files)
    new = sorted(set(files) - set(layout.unzip_bundle(previous) if previous else {}))

    def work(tx: SqliteTx) -> None:
        _session, members = load(tx, caller, session_id)
        problems = committee_problems(
            report.committee, _experts(members), complete=previous is None
        )
        if problems:
            raise Unprocessable(
                "the draw's committee is not the session's: " + "; ".join(problems[:5]),
                "抽取结果与评标会话的专家不一致：" + "；".join(problems[:5]),
                {"problems": problems},
                code="draw_committee",
            )
        tx.set_draw_bundle(session_id, data, hashlib.sha256(data).hexdigest(), venue.now_iso())
        steps = [{"file": n, "sha256": hashlib.sha256(files[n]).hexdigest()} for n in new]
        tx.append_audit(
            venue.now_iso(),
            caller.person_id,
            "draw.attach",
            session_id,
            {"draws": list(report.draws), "files": steps},
        )

    await venue.store.tx(work)
    logger.info(
        "session %s: draw %s attached (%d new files)", session_id, ",".join(report.draws), len(new)
    )
    return {
        "draws": list(report.draws),
        "committee": [m.__dict__ for m in report.committee],
        "checks": [f.name for f in report.findings],
    }


async def require_drawn(
    venue: Venue, session_id: str, person_id: str, at_venue: str, seat: str
) -> frozenset[str] | None:
    """A session whose committee was drawn seats a new expert only where its record does: a
    replacement is drawn (补充抽取) and the record attached first, or the archive would later show
    a member nobody drew. Returns who the record says left the committee (their seats are taken
    now), or None when the roster was typed (anyone on the venue's roster may be added)."""
    data = await venue.store.tx(lambda tx: tx.draw_bundle(session_id))
    if data is None:
        return None
    report = await asyncio.to_thread(_verify, venue, layout.unzip_bundle(data))
    drawn = next((m for m in report.committee if m.person_id == person_id and not m.left), None)
    if drawn is None:
        raise Unprocessable(
            f"{person_id} was not drawn for this session: replace the expert in the centre's "
            "expert draw first (a supplementary draw); its record is attached to the session "
            "and seats the replacement",
            "此人不在本会话的专家抽取记录中，不能直接增补：请在“专家抽取”页替补专家"
            "（补充抽取），抽取记录会附加到本会话并安排座位",
            {"person": person_id},
            code="not_drawn",
        )
    if (drawn.venue, drawn.seat) != (at_venue, seat):
        names = venue.config.names
        where = f"{names.get(drawn.venue, drawn.venue)} {drawn.seat}"
        raise Unprocessable(
            f"the draw seats {drawn.name} at {drawn.venue}/{drawn.seat}",
            f"专家抽取记录安排{drawn.name}在{where}座位",
            {"venue": drawn.venue, "seat": drawn.seat},
            code="not_drawn_seat",
        )
    return frozenset(m.person_id for m in report.committee if m.left)


def bundle_files(tx: SqliteTx, session_id: str) -> dict[str, bytes]:
    """The draw files a session's archive carries (none when the roster was typed)."""
    data = tx.draw_bundle(session_id)
    return layout.unzip_bundle(data) if data else {}
