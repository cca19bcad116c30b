"""``evaluator draw``: the provincial expert pool and its verifiable draw (专家抽取).

    evaluator draw import LIST.xlsx --data-dir CENTRE [--trust-list TL --pinned CERT]
    evaluator draw run REQUEST.json --data-dir CENTRE --p12 STAFF.p12 --password-file F \\
        --p12 OFFICIAL.p12 --password-file F --trust-list TL --pinned CERT --out D.draw.zip
    evaluator draw verify D.draw.zip | SESSION-ARCHIVE.zip [--pinned CERT]

``import`` checks every row first (each bad one named by line and field; nothing is stored if
any is bad). ``run`` makes the whole commit–reveal ceremony, one signer per party in the
request's order, seals the record in the centre's store and writes the record anyone can check.
``verify`` recomputes a record or a session archive's 专家抽取记录 offline: exit 0 when it
recomputes exactly, 1 naming the first difference, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="draw_command", metavar="ACTION", required=True)
    imp = sub.add_parser("import", help="import an expert list (CSV or XLSX) into the pool")
    imp.add_argument("list", type=Path, metavar="LIST")
    imp.add_argument("--data-dir", type=Path, required=True, help="the centre's data folder")
    imp.add_argument("--trust-list", type=Path, help="to read identities from certificates")
    imp.add_argument("--pinned", type=Path, help="certificate of the trust-list signer (PEM)")
    imp.set_defaults(func=run_import)
    run = sub.add_parser("run", help="make a draw: commit, fix the pool, reveal, record")
    run.add_argument("request", type=Path, metavar="REQUEST.json")
    run.add_argument("--data-dir", type=Path, required=True)
    run.add_argument("--p12", type=Path, action="append", required=True, help="one per party")
    run.add_argument("--password-file", type=Path, action="append", required=True)
    run.add_argument("--trust-list", type=Path, required=True)
    run.add_argument("--pinned", type=Path, required=True)
    run.add_argument(
        "--seal-password-file",
        type=Path,
        required=True,
        help="the sealing key's password (made on first use)",
    )
    run.add_argument("--tsa", help="RFC 3161 timestamp authority URL")
    run.add_argument(
        "--out", type=Path, required=True, help="the record to keep (secret until the session)"
    )
    run.set_defaults(func=run_draw)
    ver = sub.add_parser("verify", help="recompute a draw record or an archive's draw offline")
    ver.add_argument("file", type=Path, metavar="FILE")
    ver.add_argument("--pinned", type=Path, help="certificate of the trust-list signer (PEM)")
    ver.set_defaults(func=run_verify)


def _trust(path: Path | None, pinned: Path | None):
    from evaluator_app.pki.trust_list import load_trust_list

    if path is None:
        return None
    if pinned is None:
        raise ValueError("--trust-list needs --pinned")
    return load_trust_list(path, pinned)


def run_import(args: argparse.Namespace) -> int:
    from evaluator_app.client.draw.importer import ImportRefusedError, read_expert_list
    from evaluator_app.client.draw.store import PoolStore
    from evaluator_app.pki.errors import PkiError

    try:
        rows = read_expert_list(args.list, _trust(args.trust_list, args.pinned))
    except (ValueError, PkiError) as exc:
        print(f"evaluator draw import: {exc}", file=sys.stderr)
        return 2
    except ImportRefusedError as refused:
        count = len(refused.problems)
        print(f"{args.list}: {count} 处错误，未导入 / {count} problem(s), nothing imported")
        for problem in refused.problems:
            print(f"  {problem.text()} / {problem.text('en')}")
        return 1
    store = PoolStore(args.data_dir / "pool.db")
    try:
        done = store.import_rows(rows, datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        total = store.count()
        print(f"导入 {done.added} 人，更新 {done.updated} 人；专家库共 {total} 人")
        print(f"added {done.added}, updated {done.updated}; {total} experts in the pool")
    finally:
        store.close()
    return 0


def run_draw(args: argparse.Namespace) -> int:
    from evaluator_app.client.draw.ceremony import CeremonyError
    from evaluator_app.client.draw.sealing import SealError
    from evaluator_app.client.draw.service import DrawService
    from evaluator_app.core.draw.request_json import parse_request
    from evaluator_app.core.errors import DrawError
    from evaluator_app.pki.credentials import open_key_file
    from evaluator_app.pki.errors import PkiError

    if len(args.p12) != len(args.password_file):
        print("evaluator draw run: one --password-file per --p12", file=sys.stderr)
        return 2
    try:
        request = parse_request(json.loads(args.request.read_text("utf-8")))
        trust = _trust(args.trust_list, args.pinned)
        signers = [
            open_key_file(p, f.read_text("utf-8").strip())
            for p, f in zip(args.p12, args.password_file, strict=True)
        ]
        seal_password = args.seal_password_file.read_text("utf-8").strip()
    except DrawError as exc:
        print(f"{args.request}: {exc.where}: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 2
    except (OSError, ValueError, PkiError) as exc:
        print(f"evaluator draw run: {exc}", file=sys.stderr)
        return 2
    service = DrawService(args.data_dir, trust, tsa_url=args.tsa)
    try:
        if not service.sealing.exists:
            service.sealing.create(seal_password)
        summary = asyncio.run(service.run(request, signers))
        opened = asyncio.run(service.open(request.draw_id, seal_password))
        args.out.write_bytes(service.export_bundle(opened, args.trust_list.read_bytes()))
    except (CeremonyError, SealError, DrawError) as exc:
        print(f"evaluator draw run: {exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1
    finally:
        for signer in signers:
            signer.close()
        service.close()
    excluded = "，".join(f"{rule.value} {n}" for rule, n in summary.excluded.items()) or "无"
    print(
        f"抽取 {summary.draw_id}：专家库 {summary.pool_count} 人，"
        f"抽中 {summary.drawn} 人，备选 {summary.reserves} 人"
    )
    print(f"  种子 seed {summary.seed}  快照 pool SHA-256 {summary.pool_sha256}")
    print(f"  按规则排除 excluded by rule: {excluded}")
    for shortfall in summary.shortfalls:
        print(f"  不足 shortfall: {shortfall}")
    print(f"记录 record: {args.out} (evaluator draw verify {args.out})")
    return 0


def _archive_inputs(data: bytes, pinned_path: Path | None):
    """(draw files, session.json or None, judge, how the trust list was checked)."""
    from cryptography import x509

    from evaluator_app.drawcheck.signers import SignatureJudge, trust_from_bytes
    from evaluator_app.protocol import draw as layout

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
    pinned = x509.load_pem_x509_certificate(pinned_path.read_bytes()) if pinned_path else None
    session = files.get("session.json") if "archive.json" in files else None
    trust_bytes = files.get(layout.TRUST_LIST)
    if trust_bytes is None:
        raise ValueError("the file carries no trust-list.json")
    trust, how = trust_from_bytes(trust_bytes, pinned, datetime.now(UTC))
    crls = [d for n, d in files.items() if n.startswith("revocation/")]
    return files, session, SignatureJudge(trust, crls), how


def run_verify(args: argparse.Namespace) -> int:
    from evaluator_app.archive.labels import check_name_zh
    from evaluator_app.drawcheck.section import check_section
    from evaluator_app.pki.errors import PkiError

    try:
        files, session, judge, how = _archive_inputs(args.file.read_bytes(), args.pinned)
    except (OSError, ValueError, zipfile.BadZipFile, PkiError) as exc:
        print(f"evaluator draw verify: {args.file}: {exc}", file=sys.stderr)
        return 2
    findings, report = asyncio.run(check_section(files, session, judge))
    print(f"{args.file}: trust list {how}")
    for f in findings:
        state = "OK  " if f.ok else "FAIL"
        print(f"  {state} {check_name_zh(f.name)}: {f.detail_zh}")
        if not f.ok:
            print(f"       {f.name}: {f.detail}")
    if report is None:
        print("  (no 专家抽取记录 in this file)")
        return 1
    ok = all(f.ok for f in findings)
    if ok:
        seated = [m for m in report.committee if not m.left]
        print(
            f"复算一致 RECOMPUTED EXACTLY: {', '.join(report.draws)}; {len(seated)} experts seated"
        )
    else:
        first = next(f for f in findings if not f.ok)
        print(f"不一致 DIFFERS at {first.name}")
    return 0 if ok else 1
