"""``evaluator cert check``: validate a certificate against the trust list.

Exit 0 valid, 1 refused (one line with the reasons: a malformed certificate is refused like
any other), 2 when the check itself cannot run (no trust list, an unreadable file).
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="cert_command", metavar="ACTION")
    check = sub.add_parser("check", help="validate a certificate for a purpose")
    check.add_argument("cert", type=Path, help="certificate (PEM or DER)")
    check.add_argument("--purpose", choices=["auth", "sign", "timestamp", "server"], default="auth")
    check.add_argument("--trust-list", type=Path, help="signed trust list")
    check.add_argument("--pinned", type=Path, help="pinned trust-list signing certificate")
    check.add_argument(
        "--demo", type=Path, help="demo PKI directory: its trust list and pinned cert"
    )
    check.add_argument("--at", help="moment of use, ISO 8601 (default now)")
    check.add_argument(
        "--crl",
        type=Path,
        action="append",
        default=[],
        help="decide revocation from this CRL only (repeatable; no network)",
    )
    check.add_argument("--soft-fail", action="store_true", help="accept when revocation is unknown")
    check.set_defaults(func=_check)

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=usage)


def _parse_at(text: str | None) -> datetime | None:
    if not text:
        return None
    at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _check(args: argparse.Namespace) -> int:
    from evaluator_app.pki.cert_parse import MalformedCertificateError, parse_pem_or_der
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.trust_list import load_trust_list
    from evaluator_app.pki.validation import RevocationPolicy, validate_certificate

    tl_path, pinned = args.trust_list, args.pinned
    try:
        if args.demo:
            from evaluator_app.pki.demo_pki import load_demo_pki

            demo = load_demo_pki(args.demo)
            tl_path = tl_path or demo.trust_list
            pinned = pinned or demo.trust_list_signer.cert
        if not tl_path or not pinned:
            print(
                "need --trust-list and --pinned (or --demo DIR) / 需要信任列表及预置签名证书",
                file=sys.stderr,
            )
            return 2
        trust_list = load_trust_list(tl_path, pinned)
        data = args.cert.read_bytes()
        at = _parse_at(args.at)
        crls = tuple(p.read_bytes() for p in args.crl)
    except (PkiError, OSError, ValueError) as exc:
        print(f"cannot check / 无法校验: {exc}", file=sys.stderr)
        return 2
    try:
        cert = parse_pem_or_der(data)
    except MalformedCertificateError as exc:
        reason = exc.reason
        print(f"INVALID 无效 [{reason.code.value}]: {reason.message_zh} / {reason.message_en}")
        return 1
    mode: Literal["hard-fail", "soft-fail"] = "soft-fail" if args.soft_fail else "hard-fail"
    # --crl: those CRLs decide (one per certificate of the path but the root); no network
    policy = RevocationPolicy(mode=mode, crls=crls, fetch=not crls)
    result = validate_certificate(cert.der, args.purpose, trust_list, at, policy)
    if result.ok:
        who = result.identity
        holder = f"{who.name} ({who.person_id})" if who else cert.subject.rfc4514_string()
        print(f"VALID 有效: {holder}, CA {result.ca_name}, purpose {args.purpose}")
        return 0
    codes = ",".join(r.code.value for r in result.reasons)
    zh = "；".join(r.message_zh for r in result.reasons)
    en = "; ".join(r.message_en for r in result.reasons)
    print(f"INVALID 无效 [{codes}]: {zh} / {en}")
    return 1
