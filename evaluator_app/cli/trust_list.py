"""``evaluator trust-list``: build, show and verify the signed trust list."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="tl_command", metavar="ACTION")
    build = sub.add_parser("build", help="sign a trust list from a JSON config")
    build.add_argument(
        "--config", required=True, type=Path, help="config JSON (see docs/pki-layout.md)"
    )
    build.add_argument("--key", required=True, type=Path, help="trust-list signing key (PEM)")
    build.add_argument(
        "--cert", required=True, type=Path, help="trust-list signing certificate (PEM)"
    )
    build.add_argument("--out", required=True, type=Path)
    build.set_defaults(func=_build)
    show = sub.add_parser("show", help="print a trust list (without checking it)")
    show.add_argument("file", type=Path)
    show.add_argument("--json", action="store_true", help="print the body as JSON")
    show.set_defaults(func=_show)
    verify = sub.add_parser("verify", help="check signature, pinned key and dates")
    verify.add_argument("file", type=Path)
    verify.add_argument(
        "--pinned", required=True, type=Path, help="the pinned trust-list certificate"
    )
    verify.set_defaults(func=_verify)

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=usage)


def _build(args: argparse.Namespace) -> int:
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.trust_list import sign_trust_list, trust_list_from_config
    from evaluator_app.pki.x509_build import load_cert, load_key

    try:
        config = json.loads(args.config.read_text(encoding="utf-8"))
        tl = trust_list_from_config(config, args.config.parent)
        data = sign_trust_list(tl, load_key(args.key), load_cert(args.cert))
    except (OSError, ValueError, KeyError, TypeError, PkiError) as exc:
        print(f"cannot build the trust list / 无法生成信任列表: {exc}", file=sys.stderr)
        return 2
    args.out.write_bytes(data)
    print(f"trust list #{tl.sequence_number} with {len(tl.cas)} CAs written to {args.out}")
    return 0


def _show(args: argparse.Namespace) -> int:
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.trust_list import describe, parse_body, read_unverified

    try:
        body, sig = read_unverified(args.file)
        if args.json:
            print(json.dumps(body, ensure_ascii=False, indent=2))
            return 0
        tl = parse_body(body)
    except PkiError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print("signed 已签名" if sig else "UNSIGNED 未签名")
    print("\n".join(describe(tl)))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.trust_list import load_trust_list

    try:
        tl = load_trust_list(args.file, args.pinned)
    except (PkiError, OSError, ValueError) as exc:
        print(f"REFUSED 拒绝: {exc}", file=sys.stderr)
        return 1
    print(
        f"OK 有效: trust list #{tl.sequence_number}, {len(tl.cas)} CAs, next "
        f"update {tl.next_update.isoformat()}"
    )
    return 0
