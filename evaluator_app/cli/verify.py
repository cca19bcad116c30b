"""``evaluator verify``: judge signed PDFs and files with a detached ``.p7s`` beside them.

    evaluator verify --trust-list trust-list.json --pinned centre.pem report.pdf sheet.json

One line per signature. Exit 0 when every signature is valid, 1 when any is not (or a
file has none), 2 on a usage error (missing file, unreadable or unsigned trust list).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the command imports pki only when it runs
    from evaluator_app.pki.signature_verify import CertificateChecker

logger = logging.getLogger(__name__)


def register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="PDF, a file with FILE.p7s beside it, or a session archive (.zip)",
    )
    parser.add_argument("--trust-list", type=Path, help="signed trust list (needs --pinned)")
    parser.add_argument("--pinned", type=Path, help="certificate (PEM) of the trust-list signer")
    parser.add_argument(
        "--root", type=Path, action="append", default=[], help="trust this root CA instead (PEM)"
    )
    parser.add_argument(
        "--crl", type=Path, action="append", default=[], help="CRL (DER) to use (repeatable)"
    )
    parser.add_argument(
        "--revocation",
        choices=("require", "soft-fail", "off"),
        default="soft-fail",
        help=(
            "what to do without revocation data (default soft-fail: use what is embedded or given)"
        ),
    )
    parser.add_argument(
        "--online", action="store_true", help="also fetch CRL/OCSP named in the certificates"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="for an SM2 FILE.p7s: print the openssl commands that check it step by step "
        "(CA certificates written to FILE.explain/)",
    )
    parser.set_defaults(func=run)


def build_checker(args: argparse.Namespace) -> CertificateChecker | None:
    """The trust source the options name; ValueError/PkiError on a usage problem."""
    from cryptography import x509

    from evaluator_app.pki.signature_verify import RootsChecker, TrustListChecker

    crls = [p.read_bytes() for p in args.crl]
    if args.trust_list:
        if not args.pinned:
            raise ValueError("--trust-list needs --pinned (the trust-list signer's certificate)")
        from evaluator_app.pki.trust_list import load_trust_list

        tl = load_trust_list(args.trust_list, args.pinned)
        mode: Literal["hard-fail", "soft-fail"] = (
            "hard-fail" if args.revocation == "require" else "soft-fail"
        )
        return TrustListChecker(tl, crls=crls, mode=mode, fetch=args.online)
    if args.root:
        roots = [x509.load_pem_x509_certificate(p.read_bytes()) for p in args.root]
        return RootsChecker(roots, crls=crls, revocation=args.revocation)
    return None


def run(args: argparse.Namespace) -> int:
    from evaluator_app.pki import cms, pades
    from evaluator_app.pki.errors import PkiError

    try:
        checker = build_checker(args)
    except (ValueError, PkiError) as exc:
        print(f"evaluator verify: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"evaluator verify: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    if checker is None:
        print(
            (
                "evaluator verify: no trust anchors (--trust-list/--pinned or --root): trust is "
                "not checked"
            ),
            file=sys.stderr,
        )
    elif args.revocation != "require" and not args.online and not args.crl:
        print(
            "evaluator verify: note: offline, revocation checked only against data embedded in "
            "PDFs (use --online, --crl or --revocation require)",
            file=sys.stderr,
        )
    missing = [f for f in args.files if not f.is_file()]
    if missing:
        print(f"evaluator verify: no such file: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    all_ok = True
    # Naming the signature itself means the file beside it: sheet.json.p7s -> sheet.json.
    files = [
        f.with_suffix("") if f.suffix == ".p7s" and f.with_suffix("").is_file() else f
        for f in args.files
    ]
    for f in files:
        data = f.read_bytes()
        sig = f.with_name(f.name + ".p7s")
        if data[:2] == b"PK":  # a session archive: every item checked offline
            all_ok = _verify_archive(f, args) and all_ok
            continue
        if sig.is_file():
            verdicts = [cms.verify_detached(data, sig.read_bytes(), checker)]
            if args.explain and not _explain(f, sig, checker):
                all_ok = False
        elif data[:5] == b"%PDF-":
            verdicts = pades.verify_pdf(data, checker)
        else:
            print(f"{f}: INVALID no signature (no {sig.name} beside it, not a PDF)")
            all_ok = False
            continue
        if not verdicts:
            print(f"{f}: INVALID the PDF holds no signature")
            all_ok = False
        for v in verdicts:
            print(f"{f}: {v.line()}")
            all_ok = all_ok and v.valid
    return 0 if all_ok else 1


def _explain(data: Path, sig: Path, checker: object) -> bool:
    """Print the openssl walk-through of an SM2 signature (the verdict line follows it)."""
    from asn1crypto import x509 as asn1_x509

    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.signature_verify import to_asn1
    from evaluator_app.pki.sm2_explain import explain

    cas: list[asn1_x509.Certificate] = [
        *getattr(checker, "roots", []),
        *getattr(checker, "intermediates", []),
    ]
    ids: dict[bytes, str] = {}
    tl = getattr(checker, "trust_list", None)
    for entry in getattr(tl, "cas", ()):
        for c in entry.certificates:
            ids[to_asn1(c).dump()] = entry.sm2_signer_id
    try:
        print(explain(data, sig, cas, ids).text())
    except PkiError as exc:
        print(f"{data}: --explain: {exc.message_en} / {exc.message_zh}", file=sys.stderr)
        return False
    print(f"# {data}: the application's verdict / 本程序的结论:")
    return True


def _verify_archive(path: Path, args: argparse.Namespace) -> bool:
    from cryptography import x509

    from evaluator_app.archive.verify import verify_archive

    pinned = x509.load_pem_x509_certificate(args.pinned.read_bytes()) if args.pinned else None
    report = verify_archive(path, pinned)
    for check in report.checks:
        if check.ok:
            print(f"{path}: OK      {check.name}: {check.detail}")
        else:  # what failed, in words, Chinese first
            print(f"{path}: INVALID {check.name}: {check.detail_zh} / {check.detail}")
    verdict = "存档验证通过 archive valid" if report.ok else "存档验证未通过 archive NOT valid"
    print(
        f"{path}: {verdict} ({sum(c.ok for c in report.checks)}/{len(report.checks)} checks passed)"
    )
    return report.ok
