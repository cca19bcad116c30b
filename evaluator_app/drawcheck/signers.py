"""Who signed a draw artefact: intact CMS, a certificate the trust list accepts, its person id.

Judged offline like every archive signature: against the trust list the bundle or archive
carries, at the time a TSA vouched for (else the signing time the signer claimed), with the
CRLs carried (hard-fail when there are some, soft-fail when there are none).
"""

from __future__ import annotations

import base64
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509

from evaluator_app.pki.cms import async_verify_detached
from evaluator_app.pki.errors import TrustListError
from evaluator_app.pki.identity import identify
from evaluator_app.pki.trust_list import TrustList, load_trust_list, read_unverified
from evaluator_app.pki.validation import RevocationPolicy, avalidate_certificate


@dataclass(frozen=True)
class Signed:
    person_id: str | None  # None when the signature is not accepted
    name: str
    at: datetime | None
    problem_en: str = ""
    problem_zh: str = ""


class SignatureJudge:
    def __init__(self, trust: TrustList, crls: list[bytes] | tuple[bytes, ...] = ()):
        self.trust = trust
        self.crls = tuple(crls)

    async def judge(self, content: bytes, signature: bytes | None) -> Signed:
        if signature is None:
            return Signed(None, "", None, "signature missing", "缺少签名")
        verdict = await async_verify_detached(content, signature, None)
        if not verdict.integrity_ok:
            why = "; ".join(r.message_en for r in verdict.reasons)
            why_zh = "；".join(r.message_zh for r in verdict.reasons)
            return Signed(
                None, "", None, f"signature does not match: {why}", f"签名与内容不符：{why_zh}"
            )
        cert = x509.load_der_x509_certificate(verdict.certificate_der)
        at = verdict.timestamp_time or verdict.signing_time or datetime.now(UTC)
        mode = "hard-fail" if self.crls else "soft-fail"
        result = await avalidate_certificate(
            cert,
            "sign",
            self.trust,
            at,
            # mypy: mode is one of the two literals, inferred as str
            RevocationPolicy(mode=mode, crls=self.crls, fetch=False),  # type: ignore[arg-type]
        )
        if not result.ok:
            return Signed(
                None,
                "",
                at,
                "; ".join(r.message_en for r in result.reasons),
                "；".join(r.message_zh for r in result.reasons),
            )
        identity = identify(cert, self.trust)
        return Signed(identity.person_id, identity.name, at)


def trust_from_bytes(
    data: bytes, pinned: x509.Certificate | None, at: datetime
) -> tuple[TrustList, str]:
    """The trust list a bundle carries, checked (pinned signer, or the one it names); and how."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "trust-list.json"
        path.write_bytes(data)
        _body, sig = read_unverified(path)
        embedded = (
            x509.load_der_x509_certificate(base64.b64decode(sig["signer_certificate"]))
            if sig
            else None
        )
        signer = pinned or embedded
        if signer is None:
            raise TrustListError("the trust list is not signed", "信任列表未签名")
        trust = load_trust_list(path, signer, at)
    how = "signed by the pinned key" if pinned else "signer NOT pinned (compare its fingerprint)"
    return trust, how
