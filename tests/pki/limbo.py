"""x509-limbo cases run through the project's path validation and through pyca's verifier.

``python -m tests.pki.limbo FIRST`` runs pyca's verifier (``cryptography.x509.verification``)
on the cases from index FIRST on and prints one line per case, ``index verdict``: pyca can
spend minutes on a pathological chain, so the test runs it in a child it can stop and
restart after the slow case (:func:`pyca_verdicts`).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import selectors
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

LIMBO = Path(__file__).resolve().parent.parent / "data" / "x509-limbo" / "limbo.json"
PYCA_SECONDS_PER_CASE = 5.0

_KU = {
    "digitalSignature": "digital_signature",
    "contentCommitment": "non_repudiation",
    "keyEncipherment": "key_encipherment",
    "dataEncipherment": "data_encipherment",
    "keyAgreement": "key_agreement",
    "keyCertSign": "key_cert_sign",
    "cRLSign": "crl_sign",
}
_EKU = {
    "serverAuth": "1.3.6.1.5.5.7.3.1",
    "clientAuth": "1.3.6.1.5.5.7.3.2",
    "codeSigning": "1.3.6.1.5.5.7.3.3",
    "emailProtection": "1.3.6.1.5.5.7.3.4",
    "timeStamping": "1.3.6.1.5.5.7.3.8",
    "OCSPSigning": "1.3.6.1.5.5.7.3.9",
}


def cases() -> list[dict[str, Any]]:
    return list(json.loads(LIMBO.read_text(encoding="utf-8"))["testcases"])


def _moment(case: dict[str, Any]) -> datetime:
    if case["validation_time"]:
        return datetime.fromisoformat(case["validation_time"])
    return datetime.now(UTC)


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    why: str = ""


def project_verdict(case: dict[str, Any]) -> Verdict:
    """The project's answer: pki.validation.validate_path with the case's policy."""
    from cryptography import x509

    from evaluator_app.pki.cert_parse import MalformedCertificateError, parse_pem_or_der
    from evaluator_app.pki.path_checks import PathPolicy
    from evaluator_app.pki.validation import RevocationPolicy, validate_path

    def pool(pems: list[str], anchor: bool) -> list[Any]:
        out = []
        for pem in pems:
            try:
                out.append(parse_pem_or_der(pem.encode(), anchor=anchor))
            except MalformedCertificateError:
                continue  # a bad certificate in a pool is not a verdict: it just cannot be used
        return out

    try:
        leaf = parse_pem_or_der(case["peer_certificate"].encode())
    except MalformedCertificateError as exc:
        return Verdict(False, exc.reason.message_en)
    server = case["validation_kind"] == "SERVER"
    ekus = [_EKU[e] for e in case["extended_key_usage"]]
    eku = ekus[0] if ekus else _EKU["serverAuth" if server else "clientAuth"]
    name = case["expected_peer_name"] or {}
    policy = PathPolicy(
        "server" if server else "client",
        frozenset(_KU[k] for k in case["key_usage"]),
        eku,
        peer_name=name.get("value") if server else None,
        max_intermediates=8 if case["max_chain_depth"] is None else case["max_chain_depth"],
        web_pki=server,
    )
    crls = [x509.load_pem_x509_crl(c.encode()).public_bytes(_der()) for c in case["crls"]]
    revocation = RevocationPolicy.offline(crls) if crls else None
    checked = asyncio.run(
        validate_path(
            leaf,
            pool(case["trusted_certs"], True),
            pool(case["untrusted_intermediates"], False),
            _moment(case),
            policy,
            revocation,
        )
    )
    if checked.reasons:
        return Verdict(False, checked.reasons[0].message_en)
    return Verdict(True)


def _der() -> Any:
    from cryptography.hazmat.primitives import serialization

    return serialization.Encoding.DER


def pyca_verdict(case: dict[str, Any]) -> bool:
    """pyca's answer, as its own harness for x509-limbo asks it (CRLs are not supported)."""
    from cryptography import x509
    from cryptography.x509.verification import PolicyBuilder, Store

    try:
        roots = [x509.load_pem_x509_certificate(c.encode()) for c in case["trusted_certs"]]
        chain = [
            x509.load_pem_x509_certificate(c.encode()) for c in case["untrusted_intermediates"]
        ]
        leaf = x509.load_pem_x509_certificate(case["peer_certificate"].encode())
        builder = PolicyBuilder().store(Store(roots)).time(_moment(case))
        if case["max_chain_depth"] is not None:
            builder = builder.max_chain_depth(case["max_chain_depth"])
        if case["validation_kind"] == "SERVER":
            peer = case["expected_peer_name"]
            subject: x509.GeneralName = (
                x509.DNSName(peer["value"])
                if peer["kind"] == "DNS"
                else x509.IPAddress(ipaddress.ip_address(peer["value"]))
            )
            builder.build_server_verifier(subject).verify(leaf, chain)  # type: ignore[arg-type]
        else:
            builder.build_client_verifier().verify(leaf, chain)
    except Exception:
        return False
    return True


def pyca_verdicts(count: int) -> tuple[list[bool], list[int]]:
    """pyca's verdict per case, from child processes; (verdicts, cases it gave up on)."""
    verdicts: dict[int, bool] = {}
    gave_up: list[int] = []
    first = 0
    while first < count:
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.pki.limbo", str(first)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
        )
        assert child.stdout is not None
        out = child.stdout
        deadline = time.monotonic() + 30 + PYCA_SECONDS_PER_CASE  # the first includes start-up
        sel = selectors.DefaultSelector()
        sel.register(out, selectors.EVENT_READ)
        while first < count:
            ready = sel.select(max(0.0, deadline - time.monotonic()))
            if not ready:
                child.kill()
                child.wait()
                gave_up.append(first)
                verdicts[first] = False
                first += 1
                break
            line = out.readline()
            if not line:
                child.wait()
                break
            index, verdict = line.split()
            verdicts[int(index)] = verdict == "SUCCESS"
            first = int(index) + 1
            deadline = time.monotonic() + PYCA_SECONDS_PER_CASE
        sel.close()
        out.close()
        if child.poll() is None:
            child.kill()
            child.wait()
    return [verdicts[i] for i in range(count)], gave_up


def main(argv: list[str]) -> int:
    first = int(argv[1]) if len(argv) > 1 else 0
    for index, case in enumerate(cases()):
        if index < first:
            continue
        verdict = "SUCCESS" if pyca_verdict(case) else "FAILURE"
        print(index, verdict, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
