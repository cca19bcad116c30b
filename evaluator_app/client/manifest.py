"""The centre's signed document manifest, checked on the expert's machine before any download.

Why check here when the venue already did: the venue is a server the expert does not control;
the manifest's signature is what ties every document's SHA-256 and size to the centre, so a
tampered venue (or a man in the middle) cannot slip in another bid. Every refusal is a
ManifestRefused with a stable ``code`` and a message in both languages.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509

from evaluator_app.client.errors import ManifestRefused
from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.pki.cms import async_verify_detached
from evaluator_app.pki.identity import Identity
from evaluator_app.pki.trust_list import TrustList
from evaluator_app.pki.validation import RevocationPolicy, avalidate_certificate
from evaluator_app.protocol.artefacts import ARTEFACT_VERSION, DocumentManifest
from evaluator_app.protocol.schema import SchemaError, decode, encode

logger = logging.getLogger(__name__)

KIND = "document_manifest"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class VerifiedManifest:
    manifest: DocumentManifest
    signer: Identity
    ca_name: str | None


def parse_manifest(content: bytes) -> DocumentManifest:
    """Decode the canonical JSON of a document manifest, refusing any other form or kind."""
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise ManifestRefused(
            "malformed", "the manifest is not JSON", "文件清单不是有效的 JSON"
        ) from None
    if not isinstance(data, dict):
        raise ManifestRefused("malformed", "the manifest is not a JSON object", "文件清单格式错误")
    schema = data.pop("schema", None)
    if schema != {"kind": KIND, "version": ARTEFACT_VERSION}:
        raise ManifestRefused(
            "wrong_kind",
            f"not a document manifest (version {ARTEFACT_VERSION}): schema {schema!r}",
            "这不是文件清单（类型或版本不符）",
        )
    try:
        manifest = decode(DocumentManifest, data)
    except SchemaError as exc:
        raise ManifestRefused(
            "malformed",
            f"manifest field {exc.field}: {exc.detail}",
            f"文件清单字段 {exc.field} 有误：{exc.detail}",
        ) from None
    # what was signed must be the one canonical form: otherwise two byte strings mean one manifest
    if canonical_bytes({"schema": schema, **encode(manifest)}) != content:
        raise ManifestRefused(
            "not_canonical",
            "the manifest is not in canonical form (RFC 8785)",
            "文件清单不是规范化 JSON",
        )
    ids = [d.doc_id for d in manifest.documents]
    if ids != sorted(ids) or len(set(ids)) != len(ids):
        raise ManifestRefused(
            "malformed",
            "manifest entries must be unique and sorted by doc_id",
            "文件清单条目须唯一并按编号排序",
        )
    for entry in manifest.documents:
        if not entry.doc_id or not HEX64.match(entry.sha256) or entry.size < 0:
            raise ManifestRefused(
                "malformed",
                f"manifest entry {entry.doc_id!r}: bad id, SHA-256 or size",
                f"文件清单条目 {entry.doc_id} 有误",
            )
    return manifest


async def check_manifest(
    content: bytes,
    signature: bytes,
    trust_list: TrustList,
    expected_session_id: str,
    at: datetime | None = None,
    revocation: RevocationPolicy | None = None,
    *,
    signers: Collection[str] | None = None,
) -> VerifiedManifest:
    """Everything :func:`verify_manifest` checks, plus who signed (for the UI to show)."""
    manifest = parse_manifest(content)
    if manifest.session_id != expected_session_id:
        raise ManifestRefused(
            "wrong_session",
            f"the manifest is for session {manifest.session_id}, not {expected_session_id}",
            f"文件清单属于会话 {manifest.session_id}，不是本会话 {expected_session_id}",
        )
    verdict = await async_verify_detached(content, signature, None)
    if not verdict.integrity_ok or not verdict.certificate_der:
        raise ManifestRefused(
            "bad_signature",
            "the manifest's signature does not match it: " + "; ".join(verdict.reasons_en),
            "文件清单的签名与内容不符（清单被改动）",
            tuple(r.code.value for r in verdict.reasons),
        )
    cert = x509.load_der_x509_certificate(verdict.certificate_der)
    result = await avalidate_certificate(cert, "sign", trust_list, at, revocation)
    if not result.ok or result.identity is None:
        raise ManifestRefused(
            "certificate_refused",
            "the manifest's signer is refused: " + "; ".join(r.message_en for r in result.reasons),
            "文件清单签名人的证书未通过验证：" + "；".join(r.message_zh for r in result.reasons),
            tuple(r.code.value for r in result.reasons),
        )
    if signers is not None and result.identity.person_id not in signers:
        raise ManifestRefused(
            "not_centre",
            f"the manifest is signed by {result.identity.name}, who may not sign manifests",
            f"文件清单由 {result.identity.name} 签名，此人无权签发文件清单",
        )
    logger.info(
        "manifest of %s verified: %d documents, signed by %s (%s)",
        manifest.session_id,
        len(manifest.documents),
        result.identity.person_id,
        result.ca_name,
    )
    return VerifiedManifest(manifest, result.identity, result.ca_name)


async def verify_manifest(
    content: bytes,
    signature: bytes,
    trust_list: TrustList,
    expected_session_id: str,
    at: datetime | None = None,
    revocation: RevocationPolicy | None = None,
    *,
    signers: Collection[str] | None = None,
) -> DocumentManifest:
    """The manifest if the centre's CMS signature, its certificate (for 'sign', at ``at``, with
    ``revocation``), the canonical form, the kind and the session all hold; ManifestRefused if not.

    ``signers``: person ids allowed to sign manifests (the centre's staff), when the app knows them.
    """
    verified = await check_manifest(
        content, signature, trust_list, expected_session_id, at, revocation, signers=signers
    )
    return verified.manifest
