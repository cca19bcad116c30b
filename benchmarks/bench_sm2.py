"""SM2 speed (a script, not a test).

    python benchmarks/bench_sm2.py [--sheets 1000] [--rounds 30]

In one run: SM2 sign and verify per second through pki/sm2 (Z value, strict DER) beside the
raw gmssl_pyx calls and beside ECDSA P-256 (cryptography); a score sheet signed (CMS over
canonical JSON, and PAdES) with SM2 on the software SKF token (the real ctypes binding);
N SM2-signed sheets verified against a trust list with the SM2 CA's CRL cached, beside the
bare SM2 verify. Targets: a sheet signed < 300 ms; verification within 10x the bare verify.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rate(
    label: str, fn: Callable[[], object], n: int, baseline: tuple[float, str] | None = None
) -> float:
    """Seconds per call of ``fn``; with ``baseline`` (seconds per op measured above in this run,
    and its name) the ratio to it is printed too."""
    fn()
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    per = (time.perf_counter() - t0) / n
    ratio = f"  {per / baseline[0]:6.2f}x {baseline[1]}" if baseline else ""
    print(f"{label:<52} {per * 1000:8.3f} ms/op  {1 / per:9.1f} ops/s{ratio}")
    return per


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sheets", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()

    import gmssl_pyx
    from bench_signing import report_pdf, sheet  # the same sheet and PDF as the ECDSA bench
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from evaluator_app.core.canonical import canonical_bytes
    from evaluator_app.pki import cms, pades, sm2, sm2_x509, softskf
    from evaluator_app.pki.credentials.skf import open_skf
    from evaluator_app.pki.signature_verify import TrustListChecker
    from evaluator_app.pki.trust_list import (
        CaStatus,
        IdentityRule,
        IdentityRuleKind,
        Service,
        TrustedCa,
        TrustList,
    )
    from tests.skf_fixtures import sm2_holder

    print(f"python {sys.version.split()[0]}, gmssl_pyx {gmssl_pyx.__version__}, pid {os.getpid()}")
    msg = canonical_bytes(sheet("expert-sm2", 0))
    n = args.rounds * 50

    print("\n-- primitives (message: one canonical score sheet) --")
    key = sm2.PrivateKey.generate()
    der = key.sign(msg)
    raw_pub, raw_sec = key.public.raw, key.secret
    raw_sign = rate(
        "SM2 sign, raw gmssl_pyx (Z inside)", lambda: gmssl_pyx.sm2_sign(raw_sec, raw_pub, msg), n
    )
    sm2_sign = rate("SM2 sign, pki/sm2", lambda: key.sign(msg), n, (raw_sign, "raw sign"))
    raw_verify = rate(
        "SM2 verify, raw gmssl_pyx", lambda: gmssl_pyx.sm2_verify(raw_pub, msg, der), n
    )
    sm2_verify = rate(
        "SM2 verify, pki/sm2 (Z, strict DER)",
        lambda: sm2.verify(key.public, msg, der),
        n,
        (raw_verify, "raw verify"),
    )
    eck = ec.generate_private_key(ec.SECP256R1())
    ecpub, ecsig = eck.public_key(), eck.sign(msg, ec.ECDSA(hashes.SHA256()))
    rate(
        "ECDSA P-256 sign (cryptography)",
        lambda: eck.sign(msg, ec.ECDSA(hashes.SHA256())),
        n,
        (sm2_sign, "SM2 sign"),
    )
    rate(
        "ECDSA P-256 verify (cryptography)",
        lambda: ecpub.verify(ecsig, msg, ec.ECDSA(hashes.SHA256())),
        n,
        (sm2_verify, "SM2 verify"),
    )

    print("\n-- a score sheet signed with SM2 on the software SKF token --")
    tmp = Path(tempfile.mkdtemp(prefix="bench-sm2-"))
    holder = sm2_holder()
    try:
        lib = softskf.build(tmp / "lib")
    except softskf.SoftSkfError as exc:
        print(f"software SKF token unavailable: {exc.message_en}")
        return
    os.environ["SOFTSKF_ROOT"] = str(tmp / "tokens")
    softskf.provision(
        tmp / "tokens",
        "BENCH",
        key=holder.key,
        sign_cert_der=holder.der(holder.sign_cert),
        pin="123456",
    )
    rate(
        "open the SKF key (connect, PIN, certificate)",
        lambda: open_skf(str(lib), "123456").close(),
        args.rounds,
    )
    token = open_skf(str(lib), "123456")
    skf_sign = rate(
        "raw SKF_ECCSignData through ctypes (+ check)",
        lambda: token.sign(msg),
        args.rounds * 5,
        (sm2_sign, "SM2 sign in-process"),
    )
    cms_ms = rate(
        "sheet: CMS (CAdES-B), SM2 on the SKF token",
        lambda: cms.sign_detached(msg, token),
        args.rounds,
        (skf_sign, "raw SKF sign"),
    )
    pdf = report_pdf()
    pdf_ms = rate(
        "sheet: PAdES B-B, SM2 on the SKF token",
        lambda: pades.sign_pdf(pdf, token),
        args.rounds,
        (skf_sign, "raw SKF sign"),
    )
    print(f"target < 300 ms per sheet: CMS {cms_ms * 1000:.1f} ms, PAdES {pdf_ms * 1000:.1f} ms")

    print(f"\n-- verifying {args.sheets} SM2 sheets (trust list, SM2 CRL cached, hard-fail) --")
    corpus = []
    for i in range(args.sheets):
        d = canonical_bytes(sheet("expert-sm2", i))
        corpus.append((d, cms.sign_detached(d, token)))
    token.close()
    now = datetime.now(UTC)
    crl = sm2_x509.build_crl(
        issuer_cert=holder.ca_cert,
        issuer_key=holder.ca_key,
        revoked=[],
        this_update=now - timedelta(minutes=5),
        next_update=now + timedelta(days=1),
    ).public_bytes(serialization.Encoding.DER)
    tl = TrustList(
        operator="bench",
        sequence_number=1,
        issued_at=now,
        next_update=now + timedelta(days=1),
        cas=(
            TrustedCa(
                name="SM2 bench CA",
                certificates=(holder.ca_cert,),
                status=CaStatus.GRANTED,
                status_since=now - timedelta(days=1),
                services=frozenset({Service.AUTH, Service.SIGN}),
                identity_rule=IdentityRule(IdentityRuleKind.SUBJECT_SERIAL_NUMBER),
            ),
        ),
    )
    checker = TrustListChecker(tl, crls=[crl], mode="hard-fail")

    async def verify_all() -> int:
        ok = 0
        for d, sig in corpus:
            ok += (await cms.async_verify_detached(d, sig, checker)).valid
        return ok

    t0 = time.perf_counter()
    ok = asyncio.run(verify_all())
    per = (time.perf_counter() - t0) / len(corpus)
    assert ok == len(corpus), f"only {ok}/{len(corpus)} valid"
    label = "verify one SM2 sheet (CMS, chain cached, CRL)"
    print(f"{label:<52} {per * 1000:8.3f} ms/op  {1 / per:9.1f} ops/s")
    print(f"ratio to the bare SM2 verify above: {per / sm2_verify:.1f}x (target within 10x)")


if __name__ == "__main__":
    main()
