"""``evaluator sign``: a PDF gets a PAdES signature, any other file a detached ``.p7s``.

    evaluator sign --p12 me.p12 --password-file pw.txt report.pdf --tsa http://tsa/tsa
    evaluator sign --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --token-label KEY \\
                   --pin-file pin.txt sheet.json

Secrets come from files (never the command line, which other users can read in ps).
Exit codes: 0 signed, 1 signing failed (wrong PIN, token gone, TSA down...), 2 usage error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the command imports pki only when it runs
    from evaluator_app.pki.credentials.base import Signer

logger = logging.getLogger(__name__)


def register(parser: argparse.ArgumentParser) -> None:
    cred = parser.add_argument_group("credential (one of)")
    cred.add_argument("--p12", type=Path, help="PKCS#12 file (.p12/.pfx) or SM2 key file (.pem)")
    cred.add_argument("--password-file", type=Path, help="file holding the PKCS#12 password")
    cred.add_argument("--pkcs11-module", help="PKCS#11 module of the USB key (.so/.dll)")
    cred.add_argument(
        "--token-label", help="token label (as printed on the key or listed by list_tokens)"
    )
    cred.add_argument("--slot", type=int, help="token slot id instead of a label")
    cred.add_argument("--key-label", help="key label when the token holds several keys")
    cred.add_argument("--pin-file", type=Path, help="file holding the token PIN")
    parser.add_argument("input", type=Path, help="file to sign")
    parser.add_argument("--out", type=Path, help="output (default INPUT-signed.pdf or INPUT.p7s)")
    parser.add_argument(
        "--tsa", metavar="URL", help="RFC 3161 timestamp service (PAdES B-T / CAdES-T)"
    )
    parser.add_argument("--lt", action="store_true", help="PDF: embed validation data (PAdES B-LT)")
    parser.add_argument(
        "--root", type=Path, action="append", default=[], help="root CA for --lt (repeatable)"
    )
    parser.add_argument(
        "--crl", type=Path, action="append", default=[], help="CRL (DER) to embed for --lt"
    )
    parser.set_defaults(func=run)


def _secret(path: Path) -> str:
    return path.read_text(encoding="utf-8").rstrip("\r\n")


def open_signer(args: argparse.Namespace) -> Signer:
    """The credential named on the command line; raises ValueError on a usage mistake."""
    from evaluator_app.pki.credentials import open_key_file, open_token

    if bool(args.p12) == bool(args.pkcs11_module):
        raise ValueError("give either --p12 or --pkcs11-module")
    if args.p12:
        if not args.password_file:
            raise ValueError("--p12 needs --password-file")
        return open_key_file(args.p12, _secret(args.password_file))
    if not args.pin_file or (args.token_label is None and args.slot is None):
        raise ValueError("--pkcs11-module needs --pin-file and --token-label or --slot")
    return open_token(
        args.pkcs11_module,
        _secret(args.pin_file),
        token_label=args.token_label,
        slot=args.slot,
        key_label=args.key_label,
    )


def run(args: argparse.Namespace) -> int:
    from evaluator_app.pki import cms, pades
    from evaluator_app.pki.errors import PkiError
    from evaluator_app.pki.signature_verify import to_asn1

    if not args.input.is_file():
        print(f"evaluator sign: no such file: {args.input}", file=sys.stderr)
        return 2
    try:
        signer = open_signer(args)
    except ValueError as exc:
        print(f"evaluator sign: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"evaluator sign: cannot read {exc.filename}: {exc.strerror}", file=sys.stderr)
        return 2
    except PkiError as exc:
        print(f"evaluator sign: {exc}", file=sys.stderr)
        return 1
    try:
        with signer:
            is_pdf = args.input.suffix.lower() == ".pdf" or args.input.read_bytes()[:5] == b"%PDF-"
            if is_pdf:
                from cryptography import x509

                roots = tuple(
                    to_asn1(x509.load_pem_x509_certificate(p.read_bytes())) for p in args.root
                )
                opts = pades.PadesOptions(
                    tsa_url=args.tsa,
                    embed_validation_data=args.lt,
                    trust_roots=roots,
                    crls=tuple(p.read_bytes() for p in args.crl),
                )
                out = pades.sign_pdf_file(args.input, signer, args.out, opts)
            else:
                out = cms.sign_file(args.input, signer, args.out, tsa_url=args.tsa)
    except PkiError as exc:
        print(f"evaluator sign: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"evaluator sign: {exc}", file=sys.stderr)
        return 1
    print(f"signed: {out}")
    return 0
