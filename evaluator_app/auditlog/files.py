"""Reading the audit chain from a venue database, a JSON-lines export or a session archive."""

from __future__ import annotations

import base64
import json
import sqlite3
import zipfile
from collections.abc import Iterable
from pathlib import Path

from evaluator_app.auditlog.chain import AuditEntry, Checkpoint, SignatureCheck
from evaluator_app.auditlog.errors import AuditSourceError
from evaluator_app.pki.cms import verify_detached

ARCHIVE_AUDIT = "audit/audit.jsonl"


def audit_lines(entries: Iterable[AuditEntry], checkpoints: Iterable[Checkpoint]) -> list[str]:
    out = [
        json.dumps({"type": "entry", **e.to_json()}, ensure_ascii=False, sort_keys=True)
        for e in entries
    ]
    out += [
        json.dumps(
            {
                "type": "checkpoint",
                "audit_seq": c.audit_seq,
                "at": c.at,
                "content": base64.b64encode(c.content).decode(),
                "signature": base64.b64encode(c.signature).decode(),
            },
            sort_keys=True,
        )
        for c in checkpoints
    ]
    return out


def export_lines(database: Path) -> list[str]:
    entries, checkpoints = _from_database(database)
    return audit_lines(entries, checkpoints)


def export_audit(database: Path, out: Path) -> int:
    lines = export_lines(database)
    out.write_text("\n".join(lines) + "\n", "utf-8")
    return sum(1 for line in lines if '"type": "entry"' in line)


def _from_database(path: Path) -> tuple[list[AuditEntry], list[Checkpoint]]:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        rows = conn.execute("SELECT * FROM audit ORDER BY seq").fetchall()
        points = conn.execute("SELECT * FROM checkpoints ORDER BY audit_seq").fetchall()
    except sqlite3.DatabaseError as exc:
        raise AuditSourceError(f"not a venue database: {exc}", "不是场地数据库") from exc
    entries = [
        AuditEntry(
            r["seq"],
            r["at"],
            r["actor"],
            r["action"],
            r["session_id"],
            json.loads(r["payload"]),
            r["prev_hash"],
            r["hash"],
        )
        for r in rows
    ]
    conn.close()
    return entries, [
        Checkpoint(p["audit_seq"], bytes(p["content"]), bytes(p["signature"]), p["at"])
        for p in points
    ]


def parse_lines(lines: Iterable[str]) -> tuple[list[AuditEntry], list[Checkpoint]]:
    entries, checkpoints = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if data.pop("type") == "entry":
                entries.append(AuditEntry.from_json(data))
            else:
                checkpoints.append(
                    Checkpoint(
                        int(data["audit_seq"]),
                        base64.b64decode(data["content"]),
                        base64.b64decode(data["signature"]),
                        data["at"],
                    )
                )
        except (ValueError, KeyError, TypeError) as exc:
            raise AuditSourceError(
                f"line {number} is not an audit record: {exc}", f"第 {number} 行不是审计记录"
            ) from exc
    return entries, checkpoints


def load_audit(path: Path) -> tuple[list[AuditEntry], list[Checkpoint]]:
    if not path.is_file():
        raise AuditSourceError("no such file", "文件不存在")
    head = path.read_bytes()[:16]
    if head.startswith(b"SQLite format 3"):
        return _from_database(path)
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as archive:
                return parse_lines(archive.read(ARCHIVE_AUDIT).decode("utf-8").splitlines())
        except (zipfile.BadZipFile, KeyError) as exc:
            raise AuditSourceError(
                f"not a session archive with {ARCHIVE_AUDIT}: {exc}", "不是含审计日志的会话存档"
            ) from exc
    try:
        return parse_lines(path.read_text("utf-8").splitlines())
    except UnicodeDecodeError as exc:
        raise AuditSourceError(
            "not a venue database, an audit export or an archive",
            "不是场地数据库、审计导出文件或会话存档",
        ) from exc


def signature_checker() -> SignatureCheck:
    """Checkpoint signatures: the CMS must be intact over exactly the checkpoint content."""

    def check(content: bytes, signature: bytes) -> str | None:
        verdict = verify_detached(content, signature, None)
        return (
            None
            if verdict.integrity_ok
            else "; ".join(verdict.reasons_en) or "signature does not verify"
        )

    return check
