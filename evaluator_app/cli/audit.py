"""``evaluator audit``: verify a venue's audit chain (a database or an export) offline."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from evaluator_app.auditlog.chain import verify_chain
from evaluator_app.auditlog.errors import AuditSourceError
from evaluator_app.auditlog.files import (
    export_audit,
    load_audit,
    signature_checker,
)


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", help="check every hash and signed checkpoint; name the first broken entry"
    )
    verify.add_argument(
        "path", type=Path, help="venue.db, an audit export (.jsonl) or a session archive (.zip)"
    )
    verify.set_defaults(func=run_verify)
    export = sub.add_parser(
        "export", help="write the audit chain and its checkpoints as JSON lines"
    )
    export.add_argument("database", type=Path)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(func=run_export)


def run_verify(args: argparse.Namespace) -> int:
    try:
        entries, checkpoints = load_audit(args.path)
    except AuditSourceError as exc:
        print(f"{args.path}: {exc}", file=sys.stderr)
        return 2
    report = verify_chain(entries, checkpoints, signature_checker())
    if report.ok:
        print(
            f"OK {args.path}: {report.entries} entries, {report.checkpoints} signed checkpoints, {report.reason}"
        )
        print(f"审计链完整：{report.entries} 条记录，{report.checkpoints} 个签名检查点")
        return 0
    print(f"BROKEN {args.path}: first broken entry {report.first_broken}: {report.reason}")
    print(f"审计链已被破坏：第 {report.first_broken} 条记录起不可信")
    return 1


def run_export(args: argparse.Namespace) -> int:
    try:
        count = export_audit(args.database, args.out)
    except AuditSourceError as exc:
        print(f"{args.database}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {count} entries")
    return 0
