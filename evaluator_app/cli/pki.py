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
    demo.add_argument("--services-url", default="http://127.0.0.1:8790",
                      help="base URL put in certificates for CRL/OCSP/TSA (default %(default)s)")
    demo.set_defaults(func=_demo)
    serve = sub.add_parser("serve", help="serve the demo PKI's CRLs, OCSP responder and TSA")
    serve.add_argument("--dir", required=True, type=Path, help="demo PKI directory")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, help="default: the port of the demo's services URL")
    serve.set_defaults(func=_serve)
    parser.set_defaults(func=lambda _a: (parser.print_help(), 2)[1])


def _demo(args: argparse.Namespace) -> int:
    from evaluator_app.pki.demo_pki import create_demo_pki

    demo = create_demo_pki(args.out, services_url=args.services_url)
    print(f"demo PKI written to {demo.root} / 演示 PKI 已生成：{demo.root}")
    print(f"  trust list 信任列表: {demo.trust_list}")
    print(f"  pinned signer 信任列表签名证书: {demo.trust_list_signer.cert}")
    print(f"  {len(demo.cas)} CAs, {len(demo.people)} people; passwords in {demo.root / 'index.json'}")
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
