"""The archive's transparency log: every entry, every tree head by the venue's listed key, every
receipt proven in it, and the cosigned heads of the witnesses the session's plan names.

The cosignatures travel inside the log itself (``log.cosigned`` entries of audit/audit.jsonl):
a witness the plan requires that countersigned no head of this log fails the check, naming
the witness and the log's last head.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from evaluator_app.archive.checks import Check, check
from evaluator_app.auditlog.files import parse_lines
from evaluator_app.auditlog.receipts import ReceiptProof
from evaluator_app.auditlog.verify_log import averify_log
from evaluator_app.core.errors import CoreError
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.protocol import archive_layout as layout

Read = Callable[[str], bytes | None]


def plan_witnesses(read: Read) -> tuple[str, ...] | None:
    """The witnesses the plan of the session's lot names (None: the plan cannot be read)."""
    project, session = read(layout.PROJECT), read(layout.SESSION)
    if project is None or session is None:
        return None
    try:
        lot_id = json.loads(session)["session"]["lot_id"]
        return project_from_dict(json.loads(project)).lot(lot_id).plan.witnesses
    except (CoreError, ValueError, KeyError, TypeError):
        return None


async def check_log(read: Read, names: Sequence[str], trust: TrustList) -> Check:
    data = read(layout.AUDIT)
    if data is None:
        return check("audit chain", False, "audit/audit.jsonl missing", "缺少审计日志")
    entries, checkpoints = parse_lines(data.decode().splitlines())
    receipts = [
        ReceiptProof(body, sig, name)
        for name in sorted(names)
        if name.startswith("receipts/")
        and name.endswith(".json")
        and (body := read(name)) is not None
        and (sig := read(name + ".p7s")) is not None
    ]
    witnesses = plan_witnesses(read)
    if witnesses is None:
        return check(
            "audit chain",
            False,
            "the plan is unreadable: which witnesses it requires is unknown",
            "评标计划无法读取，无法确定须由哪些见证方签名",
        )
    report = await averify_log(entries, checkpoints, trust, receipts=receipts, witnesses=witnesses)
    if not report.ok:
        return check(
            "audit chain",
            False,
            "; ".join(p.en for p in report.problems[:5]),
            "；".join(p.zh for p in report.problems[:5]),
        )
    seen = [n.removeprefix("witnessed by ") for n in report.notes if n.startswith("witnessed by")]
    seen_en = f"; witnessed by {', '.join(seen)}" if seen else ""
    seen_zh = (
        "；见证：" + "，".join(s.replace(" up to entry ", " 见证至第 ") + " 条" for s in seen)
        if seen
        else ""
    )
    return check(
        "audit chain",
        True,
        f"{report.entries} entries, {report.heads} signed tree heads of {report.venue},"
        f" {report.receipts} receipts proven in the log{seen_en}",
        f"审计日志完整（{report.entries} 条记录，{report.heads} 个树头，"
        f"{report.receipts} 份回执均在日志中{seen_zh}）",
    )
