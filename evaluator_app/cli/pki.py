"""``evaluator pki``: create the demo PKI and run its CRL/OCSP/TSA services."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlparse


def register(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="pki_command", metavar="ACTION")
    demo = sub.add_parser("demo", help="write a demo PKI (CAs, people, venues, TSA, trust list)")
    demo.add_argument("--out", required=True, type=Path, help="directory to write (created)")
    demo.add_argument(
        "--services-url",
        default="http://127.0.0.1:8790",
        help="base URL put in certificates for CRL/OCSP/TSA (default %(default)s)",
    )
    demo.set_defaults(func=_demo)
    serve = sub.add_parser("serve", help="serve the demo PKI's CRLs, OCSP responder and TSA")
    serve.add_argument("--dir", required=True, type=Path, help="demo PKI directory")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, help="default: the port of the demo's services URL")
    serve.set_defaults(func=_serve)
    token = sub.add_parser(
        "token-import", help="put a demo person's key and certificate on a new SoftHSM2 token"
    )
    token.add_argument("--dir", required=True, type=Path, help="demo PKI directory")
    token.add_argument("--person", required=True, help="person key in index.json, e.g. expert-sd-1")
    token.add_argument(
        "--token-dir", required=True, type=Path, help="where SoftHSM2 keeps this token"
    )
    token.add_argument(
        "--pin-file", required=True, type=Path, help="file holding the user PIN to set"
    )
    token.set_defaults(func=_token_import)
    tokens = sub.add_parser(
        "tokens", help="list the tokens of a PKCS#11 module and their certificates"
    )
    tokens.add_argument(
        "--module", required=True, help="PKCS#11 module (.so / .dll) of the USB key"
    )
    tokens.set_defaults(func=_tokens)

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return 2

    parser.set_defaults(func=usage)


def _token_import(args: argparse.Namespace) -> int:
    import secrets

    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    from evaluator_app.pki import softhsm
    from evaluator_app.pki.demo_pki import load_demo_pki
    from evaluator_app.pki.errors import PkiError

    try:
        demo = load_demo_pki(args.dir)
        person = demo.person(args.person)
        pin = args.pin_file.read_text("utf-8").strip()
        key = person.load_key()
        if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
            print(
                f"{person.name}: SoftHSM2 无国密 SM2，此密钥不能导入 / "
                "SoftHSM2 has no SM2: this key cannot be imported",
                file=sys.stderr,
            )
            return 2
        token = softhsm.create_token(args.token_dir, person.id, pin, secrets.token_hex(8))
        softhsm.import_identity(
            token, key, person.load_cert(), chain=tuple(demo.chain_for(person.ca))
        )
    except KeyError:
        print(f"{args.person}: no such person in {args.dir}/index.json", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except PkiError as exc:
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1
    print(f"token {token.label!r} holds {person.name}'s key; module {token.module}")
    print(f"export SOFTHSM2_CONF={token.conf}")
    return 0


def _tokens(args: argparse.Namespace) -> int:
    from evaluator_app.pki.credentials.tokens import list_tokens
    from evaluator_app.pki.errors import PkiError

    try:
        found = list_tokens(args.module)
    except PkiError as exc:
        print(f"{exc.message_zh} / {exc.message_en}", file=sys.stderr)
        return 1
    if not found:
        print("no token found: is the USB key plugged in? / 未找到 USB Key，请确认已插入")
        return 1
    for info in found:
        state = (
            " PIN LOCKED 已锁定"
            if info.pin_locked
            else (f" tries {info.tries_left_hint}" if info.tries_left_hint else "")
        )
        print(f"slot {info.slot}: {info.label!r} serial {info.serial}{state}")
        for cert in info.certificates:
            print(f"  [{cert.label}] {cert.subject}")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from evaluator_app.pki.demo_pki import create_demo_pki

    demo = create_demo_pki(args.out, services_url=args.services_url)
    print(f"demo PKI written to {demo.root} / 演示 PKI 已生成：{demo.root}")
    print(f"  trust list 信任列表: {demo.trust_list}")
    print(f"  pinned signer 信任列表签名证书: {demo.trust_list_signer.cert}")
    print(
        f"  {len(demo.cas)} CAs, {len(demo.people)} people; passwords in {demo.root / 'index.json'}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from aiohttp import web

    from evaluator_app.pki.demo_pki import load_demo_pki
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.services import make_pki_services_app

    try:
        demo = load_demo_pki(args.dir)
    except PkiError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    port = args.port or urlparse(demo.services_url).port or 8790
    print(f"PKI services on http://{args.host}:{port} (Ctrl+C to stop) / PKI 服务已启动")
    web.run_app(make_pki_services_app(demo), host=args.host, port=port, print=None)
    return 0
