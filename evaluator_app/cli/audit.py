"""``evaluator audit``: verify a venue's transparency log offline, prove a receipt.

``verify SOURCE`` checks every entry (leaf), every signed tree head — by the key the trust list
recognises for the venue, no other — and the consistency of successive heads; each
``--receipt`` must still be in the log, which must not be shorter than any head a receipt holds.
``prove RECEIPT`` checks one receipt alone. Exit 0 good, 1 refused, 2 the check cannot run.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path

from evaluator_app.auditlog.chain import AuditEntry, Checkpoint
from evaluator_app.auditlog.errors import AuditLogError, AuditSourceError
from evaluator_app.auditlog.files import export_audit, load_audit
from evaluator_app.auditlog.receipts import load_receipt, prove
from evaluator_app.auditlog.verify_log import averify_log
from evaluator_app.auditlog.witness import load_cosignatures
from evaluator_app.core.beijing import beijing_time
from evaluator_app.pki.cms import run_sync
from evaluator_app.pki.errors import PkiError
from evaluator_app.pki.trust_list import TrustList, load_trust_list


def _trust_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--trust-list", type=Path, help="signed trust list (needs --pinned)")
    parser.add_argument("--pinned", type=Path, help="pinned trust-list signing certificate")
    parser.add_argument("--demo", type=Path, help="demo PKI directory: its trust list and pin")


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify",
        help="check every entry, every signed tree head and their consistency; with --receipt,"
        " that each receipt's entry is in the log",
    )
    verify.add_argument(
        "path",
        help="venue.db, postgresql://… (a venue's database), an audit export (.jsonl) or a"
        " session archive (.zip)",
    )
    verify.add_argument(
        "--receipt",
        type=Path,
        action="append",
        default=[],
        help="a receipt (the venue's JSON, or receipts/N.json with its .p7s); repeatable",
    )
    verify.add_argument("--venue", help="the venue whose log it is (default: the heads' venue)")
    verify.add_argument(
        "--witness",
        action="append",
        default=[],
        help="a witness (secondary venue, centre) that must have countersigned; repeatable",
    )
    verify.add_argument(
        "--cosignatures",
        type=Path,
        action="append",
        default=[],
        help="what a witness countersigned (its GET /api/v1/witness/cosignatures answer, saved):"
        " compared with the log and the other witnesses to find a split view; repeatable",
    )
    _trust_options(verify)
    verify.set_defaults(func=run_verify)
    prove_p = sub.add_parser(
        "prove", help="check a receipt offline: the venue's signatures and its inclusion proof"
    )
    prove_p.add_argument("receipt", type=Path)
    _trust_options(prove_p)
    prove_p.set_defaults(func=run_prove)
    witness = sub.add_parser(
        "witness",
        help="countersign a venue's latest tree head as a witness (secondary venue, centre)",
    )
    witness.add_argument("url", help="the main venue, https://host:port")
    witness.add_argument("--id", required=True, help="this witness's party id in the trust list")
    witness.add_argument("--key", type=Path, help="the witness's signing key (PKCS#12)")
    witness.add_argument("--password-file", type=Path, help="the key's password")
    witness.add_argument("--state", type=Path, required=True, help="the heads countersigned")
    witness.add_argument("--ca", type=Path, action="append", default=[], help="TLS root (PEM)")
    _trust_options(witness)
    witness.set_defaults(func=run_witness)
    serve = sub.add_parser(
        "serve-witness",
        help="serve as a witness (secondary venue, centre): main venues ask it to countersign",
    )
    serve.add_argument("--id", required=True, help="this witness's party id in the trust list")
    serve.add_argument("--key", type=Path, help="the witness's signing key (PKCS#12)")
    serve.add_argument("--password-file", type=Path, help="the key's password")
    serve.add_argument("--tls-cert", type=Path, help="TLS certificate, then its issuing CA (PEM)")
    serve.add_argument("--tls-key", type=Path, help="TLS private key (PEM)")
    serve.add_argument("--book", type=Path, required=True, help="what it countersigned (SQLite)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8450)
    _trust_options(serve)
    serve.set_defaults(func=run_serve_witness)
    export = sub.add_parser("export", help="write the audit log and its tree heads as JSON lines")
    export.add_argument("database", type=Path)
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(func=run_export)


def _trust(args: argparse.Namespace) -> TrustList | None:
    tl_path, pinned = args.trust_list, args.pinned
    if args.demo:
        from evaluator_app.pki.demo_pki import load_demo_pki

        demo = load_demo_pki(args.demo)
        tl_path = tl_path or demo.trust_list
        pinned = pinned or demo.trust_list_signer.cert
    if not tl_path or not pinned:
        print(
            "需要信任列表及预置签名证书（--trust-list 与 --pinned，或 --demo 目录）："
            "树头只认信任列表所列场地的密钥 / need --trust-list and --pinned (or --demo DIR):"
            " a tree head counts only when signed with the key the trust list names for the venue",
            file=sys.stderr,
        )
        return None
    return load_trust_list(tl_path, pinned)


def _both(exc: BaseException) -> tuple[str, str]:
    """The Chinese and the English of a failure, each once (a PkiError's str is already both)."""
    if isinstance(exc, AuditLogError | PkiError):
        return exc.message_zh, exc.message_en
    if isinstance(exc, FileNotFoundError):
        return f"找不到文件 {exc.filename}", str(exc)
    return f"无法读取：{exc}", str(exc)


def _load(path: str) -> tuple[list[AuditEntry], list[Checkpoint]]:
    """A file, or a PostgreSQL venue database named by its URL (read-only snapshot)."""
    if not path.startswith(("postgresql:/", "postgres:/")):
        return load_audit(Path(path))
    import psycopg
    from psycopg.rows import dict_row

    from evaluator_app.venue.store.dialect import Dialect
    from evaluator_app.venue.store.tx import StoreTx

    url = path.replace(":/", "://", 1) if "://" not in path else path
    try:
        with psycopg.connect(url, row_factory=dict_row) as conn:
            conn.read_only = True
            tx = StoreTx(conn, Dialect("postgresql", "%s", (psycopg.IntegrityError,)))
            return list(tx.audit_entries()), tx.checkpoints()
    except psycopg.Error as exc:
        raise AuditSourceError(
            f"cannot read the venue database: {exc}", f"无法读取场地数据库：{exc}"
        ) from exc


def run_verify(args: argparse.Namespace) -> int:
    try:
        trust = _trust(args)
        if trust is None:
            return 2
        entries, checkpoints = _load(args.path)
        receipts = [load_receipt(p) for p in args.receipt]
        witnesses = [*args.witness, *_plan_witnesses(Path(args.path))]
        evidence = [c for p in args.cosignatures for c in load_cosignatures(p)]
    except (AuditLogError, PkiError, OSError) as exc:
        zh, en = _both(exc)
        print(f"无法校验 / cannot verify {args.path}: {zh} / {en}", file=sys.stderr)
        return 2
    report = run_sync(
        averify_log(
            entries,
            checkpoints,
            trust,
            venue=args.venue,
            receipts=receipts,
            witnesses=list(dict.fromkeys(witnesses)),
            evidence=evidence,
        )
    )
    if report.ok:
        print(
            f"审计日志完整：{report.entries} 条记录，{report.heads} 个签名树头，"
            f"{report.receipts} 份回执均在日志中"
        )
        print(
            f"OK {args.path}: {report.entries} entries, {report.heads} signed tree heads of"
            f" {report.venue}, {report.receipts} receipts in the log"
        )
        for note in report.notes:
            print(f"  note: {note}")
        return 0
    print(f"审计日志不可信 / BROKEN {args.path}:")
    for problem in report.problems:
        print(f"  {problem.zh} / {problem.en}")
    return 1


def _plan_witnesses(path: Path) -> tuple[str, ...]:
    """A session archive: the witnesses its plan requires (none for a database or export)."""
    if not path.is_file() or not zipfile.is_zipfile(path):
        return ()
    from evaluator_app.archive.log_section import plan_witnesses

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "project.json" not in names:
            return ()  # a zip of an audit log alone, not a session archive: no plan
        found = plan_witnesses(lambda n: archive.read(n) if n in names else None)
    if found is None:
        raise AuditSourceError(
            "the archive's plan is unreadable: which witnesses it requires is unknown",
            "存档中的评标计划无法读取，无法确定须由哪些见证方签名",
        )
    return found


def run_prove(args: argparse.Namespace) -> int:
    try:
        trust = _trust(args)
        if trust is None:
            return 2
        receipt = load_receipt(args.receipt)
    except (AuditLogError, PkiError, OSError) as exc:
        zh, en = _both(exc)
        print(f"无法校验 / cannot check {args.receipt}: {zh} / {en}", file=sys.stderr)
        return 2
    try:
        proven = run_sync(prove(receipt, trust))
    except AuditLogError as exc:
        print(f"INVALID 无效 {args.receipt}: {exc.message_zh} / {exc.message_en}")
        return 1
    head = proven.head
    print(
        f"OK：{proven.who} 的 {proven.kind}（SHA-256 {proven.content_sha256[:16]}…）"
        f"是 {proven.venue} 场地日志的第 {proven.audit_seq} 条记录，"
        f"包含于{beijing_time(head.timestamp)}签名的 {head.tree_size} 条树头"
    )
    print(
        f"OK: {proven.who}'s {proven.kind} (SHA-256 {proven.content_sha256[:16]}…) is entry"
        f" {proven.audit_seq} of venue {proven.venue}'s log, in the tree head of {head.tree_size}"
        f" entries signed at {beijing_time(head.timestamp, 'en')} by the venue's key"
    )
    return 0


def run_witness(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from evaluator_app.cli.witness import witness_round
    from evaluator_app.client.errors import ClientError
    from evaluator_app.client.venue_client import client_ssl_context
    from evaluator_app.pki.credentials import open_key_file

    try:
        trust = _trust(args)
        if trust is None:
            return 2
        key, password, roots = args.key, None, [str(p) for p in args.ca]
        if args.password_file:
            password = args.password_file.read_text("utf-8").strip()
        if args.demo:
            from evaluator_app.pki.demo_pki import load_demo_pki

            demo = load_demo_pki(args.demo)
            roots = roots or [str(c.root_cert) for c in demo.cas if c.status == "granted"]
            if key is None:
                key, password = demo.party(args.id).p12, demo.party(args.id).password
        if key is None or not roots:
            print(
                "需要 --key 与 --ca（或 --demo）/ need --key and --ca (or --demo)", file=sys.stderr
            )
            return 2
        signer = open_key_file(key, password)
    except (AuditLogError, PkiError, OSError, KeyError) as exc:
        print(f"无法见证 / cannot witness: {exc}", file=sys.stderr)
        return 2
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    try:
        done = run_sync(
            witness_round(
                args.url, client_ssl_context(roots), signer, args.id, trust, args.state, now
            )
        )
    except AuditLogError as exc:
        print(f"拒绝见证 / REFUSED: {exc.message_zh} / {exc.message_en}")
        return 1
    except ClientError as exc:
        print(f"无法连接场地 / venue unreachable: {exc}", file=sys.stderr)
        return 2
    if done.cosignature is None:
        print(f"树头未变（{done.tree_size} 条）/ head unchanged ({done.tree_size} entries)")
    else:
        print(f"已见证 {done.tree_size} 条记录的树头 / countersigned the head of {done.tree_size}")
    return 0


def run_serve_witness(args: argparse.Namespace) -> int:
    from evaluator_app.cli.witness import serve_witness

    trust = _trust(args)
    if trust is None:
        return 2
    return serve_witness(args, trust)


def run_export(args: argparse.Namespace) -> int:
    try:
        count = export_audit(args.database, args.out)
    except AuditLogError as exc:
        print(f"{args.database}: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {count} entries")
    return 0
