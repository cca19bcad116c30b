"""Certificate validation speed (a script, not a test).

    python benchmarks/bench_validation.py [--rounds 200]

Models the 08:30 login storm at a venue: every expert's certificate validated for auth
against the demo trust list, (a) with the CAs' CRLs supplied (offline), (b) through the local
OCSP responder with the in-memory revocation cache warm, (c) the same with the cache cold, and
(d, e) (a) and (b) through pki.validation_cache as the venue does, warm: the target is < 3 ms.
Each row prints a bare ECDSA P-256 verify measured beside it, and (d, e) the uncached figure.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def _bare_verify_ms() -> float:
    """One bare ECDSA P-256 verify (cryptography), the baseline: a path of two certificates
    needs two signature checks and a CRL check one more."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    data = b"x" * 300
    sig = key.sign(data, ec.ECDSA(hashes.SHA256()))
    pub, n = key.public_key(), 3000
    t0 = time.perf_counter()
    for _ in range(n):
        pub.verify(sig, data, ec.ECDSA(hashes.SHA256()))
    return (time.perf_counter() - t0) / n * 1000


async def _bench(label: str, fn, rounds: int, against: float | None = None, warm: int = 1) -> float:  # type: ignore[no-untyped-def]
    for _ in range(warm):  # once per certificate for the cached rows: "warm" means every one
        await fn()
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        await fn()
        samples.append(time.perf_counter() - t0)
    mean = statistics.fmean(samples)
    bare = _bare_verify_ms()  # beside each figure: the load may have changed meanwhile
    versus = f"; uncached {against * 1000:.2f} ms: {against / mean:.0f}x faster" if against else ""
    print(
        f"{label:<40} {mean * 1000:8.2f} ms/op  {1 / mean:8.1f} ops/s   "
        f"bare ECDSA verify {bare:.3f} ms: {mean * 1000 / bare:.1f}x{versus}"
    )
    return mean


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=200)
    args = ap.parse_args()

    from evaluator_app.pki.demo_pki import create_demo_pki
    from evaluator_app.pki.revocation import RevocationCache
    from evaluator_app.pki.trust_list import load_trust_list
    from evaluator_app.pki.validation import RevocationPolicy, avalidate_certificate
    from evaluator_app.pki.validation_cache import ValidationCache
    from tests.pki_fixtures import ServicesThread, free_port

    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        demo = create_demo_pki(Path(tmp), services_url=f"http://127.0.0.1:{port}")
        services = ServicesThread(demo, port).start()
        try:
            tl = load_trust_list(demo.trust_list, demo.trust_list_signer.cert)
            certs = [
                p.load_cert() for p in demo.find_people(status="valid") if p.ca in ("sdca", "nca")
            ]
            # every CA's CRL, the roots' too: each certificate of the path is checked for revocation
            crls = [crl.read_bytes() for crl in sorted(Path(tmp).glob("ca/*.crl"))]
            offline = RevocationPolicy.offline(crls=crls)
            warm = RevocationPolicy(cache=RevocationCache())
            counter = iter(range(10**9))

            validations = ValidationCache()

            async def run(policy_factory, validate=avalidate_certificate) -> None:  # type: ignore[no-untyped-def]
                cert = certs[next(counter) % len(certs)]
                result = await validate(cert, "auth", tl, revocation=policy_factory())
                assert result.ok, result.reasons

            async def all_benches() -> None:
                offline_ms = await _bench(
                    "auth, CRLs supplied (offline)", lambda: run(lambda: offline), args.rounds
                )
                warm_ms = await _bench(
                    "auth, OCSP, cache warm", lambda: run(lambda: warm), args.rounds
                )
                await _bench(
                    "auth, OCSP, cache cold (HTTP each time)",
                    lambda: run(lambda: RevocationPolicy(cache=RevocationCache())),
                    args.rounds // 4 or 1,
                )
                cached = validations.validate
                await _bench(
                    "(a) + validation cache warm",
                    lambda: run(lambda: offline, cached),
                    args.rounds,
                    offline_ms,
                    len(certs),
                )
                await _bench(
                    "(b) + validation cache warm",
                    lambda: run(lambda: warm, cached),
                    args.rounds,
                    warm_ms,
                    len(certs),
                )
                print(f"target: < 3 ms a certificate with the cache warm ({validations.hits} hits)")

            asyncio.run(all_benches())
            print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        finally:
            services.stop()


if __name__ == "__main__":
    main()
