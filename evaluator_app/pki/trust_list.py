"""The signed trust list of recognised CAs (CA互认), modelled on ETSI TS 119 612.

Per CA: its certificates, status (granted, or withdrawn from a date), the services it is
recognised for, where its revocation data lives, and the identity rule telling which
certificate field carries the holder's unique identifier. The body is canonical JSON
(RFC 8785) signed with the centre's trust-list key (ECDSA-SHA256, detached); the app pins
that key, so a list signed by anyone else is refused.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from evaluator_app.core.canonical import artefact, canonical_bytes
from evaluator_app.pki.errors import TrustListError
from evaluator_app.pki.sig_check import SignatureChecker
from evaluator_app.pki.trust_parties import TrustedParty, parties_from_config, party_from_json
from evaluator_app.pki.trusted_ca import (
    SM2_DEFAULT_ID,
    CaStatus,
    IdentityRule,
    IdentityRuleKind,
    Service,
    TrustedCa,
    public_key_info,
)
from evaluator_app.pki.x509_build import load_cert

log = logging.getLogger(__name__)

BODY_KIND = "trust-list"
FILE_KIND = "signed-trust-list"
SIG_ALG = "ecdsa-with-SHA256"


@dataclass(frozen=True)
class TrustList:
    operator: str
    sequence_number: int
    issued_at: datetime
    next_update: datetime
    cas: tuple[TrustedCa, ...]
    signer_cert: x509.Certificate | None = field(default=None, compare=False)
    # the venues and the centre by their own keys: tree heads, receipts, cosignatures
    parties: tuple[TrustedParty, ...] = ()

    def ca(self, name: str) -> TrustedCa:
        for entry in self.cas:
            if entry.name == name:
                return entry
        raise KeyError(name)

    def issuer_of(self, cert: x509.Certificate) -> TrustedCa | None:
        """The CA entry whose certificate issued ``cert`` (directly), if any."""
        return next((entry for entry in self.cas if entry.is_issuer_of(cert)), None)

    def party_certificates(self, party_id: str) -> tuple[x509.Certificate, ...]:
        return next((p.certificates for p in self.parties if p.id == party_id), ())

    def all_certificates(self) -> list[x509.Certificate]:
        return [c for entry in self.cas for c in entry.certificates]

    def roots(self) -> list[x509.Certificate]:
        return [c for c in self.all_certificates() if c.subject == c.issuer]

    def intermediates(self) -> list[x509.Certificate]:
        return [c for c in self.all_certificates() if c.subject != c.issuer]

    def signature_checker(self) -> SignatureChecker:
        """Checks signatures with each SM2 CA key's signer ID (default for any other key).

        Built once per list (the list is frozen; finding the SM2 keys was a sixth of a path
        validation)."""
        known = self.__dict__.get("_signature_checker")
        if isinstance(known, SignatureChecker):
            return known
        ids = {
            public_key_info(c).dump(): entry.sm2_signer_id.encode("utf-8")
            for entry in self.cas
            if entry.uses_sm2
            for c in entry.certificates
        }
        checker = SignatureChecker(ids)
        object.__setattr__(self, "_signature_checker", checker)  # not a field: eq unchanged
        return checker

    def body(self) -> dict[str, Any]:
        return artefact(
            BODY_KIND,
            1,
            {
                "operator": self.operator,
                "sequence_number": self.sequence_number,
                "issued_at": self.issued_at,
                "next_update": self.next_update,
                "cas": [entry.to_json() for entry in self.cas],
                # only when named, so that lists without parties keep their bodies
                **({"parties": [p.to_json() for p in self.parties]} if self.parties else {}),
            },
        )


# ---------------------------------------------------------------- parsing


def _dt(value: Any, what: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise TrustListError(
            f"{what}: bad date {value!r}", f"{what}：日期格式错误 {value!r}"
        ) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def _ca_from_json(raw: Mapping[str, Any]) -> TrustedCa:
    rule = raw["identity_rule"]
    kind = IdentityRuleKind(rule["kind"])
    if kind is not IdentityRuleKind.SUBJECT_SERIAL_NUMBER and not rule.get("oid"):
        raise TrustListError(
            f"CA {raw['name']}: identity rule {kind.value} needs an oid",
            f"CA {raw['name']}：身份规则 {kind.value} 缺少 OID",
        )
    return TrustedCa(
        name=raw["name"],
        certificates=tuple(
            x509.load_der_x509_certificate(base64.b64decode(c)) for c in raw["certificates"]
        ),
        status=CaStatus(raw["status"]),
        status_since=_dt(raw["status_since"], "status_since"),
        services=frozenset(Service(s) for s in raw["services"]),
        identity_rule=IdentityRule(kind, rule.get("oid")),
        crl_urls=tuple(raw.get("crl_urls", ())),
        ocsp_urls=tuple(raw.get("ocsp_urls", ())),
        sm2_signer_id=_signer_id(raw),
    )


def _signer_id(raw: Mapping[str, Any]) -> str:
    value = raw.get("sm2_signer_id", SM2_DEFAULT_ID)
    if not isinstance(value, str) or not value or len(value.encode("utf-8")) >= 8192:
        raise TrustListError(
            f"CA {raw['name']}: sm2_signer_id must be a non-empty string",
            f"CA {raw['name']}：sm2_signer_id 必须是非空字符串",
        )
    return value


def parse_body(body: Mapping[str, Any], signer_cert: x509.Certificate | None = None) -> TrustList:
    schema = body.get("schema", {})
    if schema.get("kind") != BODY_KIND or schema.get("version") != 1:
        raise TrustListError(
            f"not a trust list (schema {schema!r})", f"不是信任列表（schema {schema!r}）"
        )
    try:
        return TrustList(
            operator=body["operator"],
            sequence_number=int(body["sequence_number"]),
            issued_at=_dt(body["issued_at"], "issued_at"),
            next_update=_dt(body["next_update"], "next_update"),
            cas=tuple(_ca_from_json(c) for c in body["cas"]),
            signer_cert=signer_cert,
            parties=tuple(party_from_json(p) for p in body.get("parties", ())),
        )
    except (KeyError, ValueError, TypeError) as exc:
        raise TrustListError(
            f"malformed trust list: {exc!r}", f"信任列表格式错误：{exc!r}"
        ) from exc


# ---------------------------------------------------------------- signing and loading


def sign_trust_list(
    tl: TrustList, key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
) -> bytes:
    """The signed file: {schema, trust_list: body, signature: {algorithm, value,
    signer_certificate}}."""
    body = tl.body()
    signature = key.sign(canonical_bytes(body), ec.ECDSA(hashes.SHA256()))
    doc = {
        "schema": {"kind": FILE_KIND, "version": 1},
        "trust_list": body,
        "signature": {
            "algorithm": SIG_ALG,
            "value": base64.b64encode(signature).decode("ascii"),
            "signer_certificate": base64.b64encode(
                cert.public_bytes(serialization.Encoding.DER)
            ).decode("ascii"),
        },
    }
    return json.dumps(json.loads(canonical_bytes(doc)), ensure_ascii=False, indent=2).encode(
        "utf-8"
    )


def _public_key_of(pinned: x509.Certificate | ec.EllipticCurvePublicKey | Path | str) -> Any:
    if isinstance(pinned, (str, Path)):
        pinned = load_cert(Path(pinned))
    if isinstance(pinned, x509.Certificate):
        return pinned.public_key()
    return pinned


def read_unverified(path: Path | str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(body, signature block or None) without any check: for ``show`` and for load."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TrustListError(
            f"cannot read trust list {path}: {exc}", f"无法读取信任列表 {path}：{exc}"
        ) from exc
    if isinstance(doc, dict) and "trust_list" in doc:
        return doc["trust_list"], doc.get("signature")
    return doc, None  # a bare body: unsigned


def load_trust_list(
    path: Path | str,
    pinned: x509.Certificate | ec.EllipticCurvePublicKey | Path | str,
    now: datetime | None = None,
) -> TrustList:
    """Load and check a signed trust list; refuse unsigned, tampered, wrong-key or stale lists."""
    now = now or datetime.now(UTC)
    body, sig = read_unverified(path)
    if not sig or not sig.get("value"):
        raise TrustListError("the trust list is not signed", "信任列表未签名，拒绝使用")
    if sig.get("algorithm") != SIG_ALG:
        raise TrustListError(
            f"unsupported trust list signature algorithm {sig.get('algorithm')!r}",
            f"不支持的信任列表签名算法 {sig.get('algorithm')!r}",
        )
    pinned_key = _public_key_of(pinned)
    signer_cert = None
    if sig.get("signer_certificate"):
        signer_cert = x509.load_der_x509_certificate(base64.b64decode(sig["signer_certificate"]))
        if signer_cert.public_key() != pinned_key:
            raise TrustListError(
                "the trust list is signed by a key other than the pinned trust-list key",
                "信任列表不是由预置的交易中心信任列表密钥签名的",
            )
    try:
        pinned_key.verify(
            base64.b64decode(sig["value"]), canonical_bytes(body), ec.ECDSA(hashes.SHA256())
        )
    except (InvalidSignature, ValueError) as exc:
        raise TrustListError(
            "the trust list signature does not verify (tampered, or wrong key)",
            "信任列表签名验证失败（内容被篡改或签名密钥不符）",
        ) from exc
    tl = parse_body(body, signer_cert)
    if now < tl.issued_at:
        raise TrustListError(
            f"the trust list is issued in the future ({tl.issued_at:%Y-%m-%d %H:%M} UTC)",
            f"信任列表签发时间在未来（{tl.issued_at:%Y-%m-%d %H:%M} UTC）",
        )
    if now >= tl.next_update:
        raise TrustListError(
            f"the trust list is out of date (next update was due {tl.next_update:%Y-%m-%d %H:%M} "
            "UTC)",
            f"信任列表已过期（应于 {tl.next_update:%Y-%m-%d %H:%M} UTC 前更新）",
        )
    log.debug("trust list #%d loaded with %d CAs", tl.sequence_number, len(tl.cas))
    return tl


def trust_list_from_config(
    config: Mapping[str, Any], base_dir: Path, issued_at: datetime | None = None
) -> TrustList:
    """Build a TrustList from a config whose CA ``certificates`` are PEM/DER file paths.

    Config: {operator, sequence_number, issued_at?, next_update? | validity_days?, cas: [
    {name, certificates: [path...], status, status_since, services, identity_rule, crl_urls,
    ocsp_urls}]}
    """
    issued = issued_at or (
        _dt(config["issued_at"], "issued_at") if config.get("issued_at") else datetime.now(UTC)
    )
    if config.get("next_update"):
        next_update = _dt(config["next_update"], "next_update")
    else:
        next_update = issued + timedelta(days=int(config.get("validity_days", 30)))
    cas = []
    for raw in config["cas"]:
        certs = [load_cert(base_dir / p) for p in raw["certificates"]]
        der = [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in certs]
        cas.append(
            _ca_from_json(
                {
                    **raw,
                    "certificates": der,
                    "status_since": raw.get("status_since", issued.isoformat()),
                }
            )
        )
    return TrustList(
        operator=config.get("operator", "trust list operator"),
        sequence_number=int(config.get("sequence_number", 1)),
        issued_at=issued.replace(microsecond=0),
        next_update=next_update.replace(microsecond=0),
        cas=tuple(cas),
        parties=tuple(parties_from_config(config.get("parties", ()), base_dir)),
    )


def describe(tl: TrustList) -> Sequence[str]:
    """Human-readable lines for ``trust-list show``."""
    lines = [
        f"operator 运营方: {tl.operator}",
        f"sequence 序号: {tl.sequence_number}",
        f"issued 签发: {tl.issued_at.isoformat()}  next update "
        f"下次更新: {tl.next_update.isoformat()}",
    ]
    for entry in tl.cas:
        status = entry.status.value
        if entry.withdrawn_at:
            status += f" since {entry.withdrawn_at.isoformat()}"
        rule = entry.identity_rule.kind.value + (
            f" {entry.identity_rule.oid}" if entry.identity_rule.oid else ""
        )
        lines.append(
            f"- {entry.name}: {status}; "
            f"services {','.join(sorted(s.value for s in entry.services))}"
        )
        lines.append(
            f"    identity rule 身份规则: {rule}; {len(entry.certificates)} certificate(s)"
        )
        for url in entry.crl_urls + entry.ocsp_urls:
            lines.append(f"    {url}")
    for party in tl.parties:
        keys = len(party.certificates)
        lines.append(f"- {party.id} ({party.name}): {party.role.value}, {keys} key(s) 密钥")
    return lines
