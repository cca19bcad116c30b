"""Typed reasons why a certificate or a signature is refused, with Chinese and English messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ReasonCode(str, enum.Enum):
    EXPIRED = "expired"
    NOT_YET_VALID = "not-yet-valid"
    REVOKED = "revoked"
    ISSUER_NOT_RECOGNISED = "issuer-not-recognised"
    SERVICE_NOT_RECOGNISED = "service-not-recognised"
    CA_WITHDRAWN = "ca-withdrawn"
    WRONG_KEY_USAGE = "wrong-key-usage"
    BROKEN_CHAIN = "broken-chain"
    BAD_SIGNATURE = "bad-signature"
    REVOCATION_UNKNOWN = "revocation-unknown"
    IDENTITY_MISSING = "identity-missing"
    NOT_CHECKED = "not-checked"  # no trust anchors were given: the certificate was not judged
    OTHER = "other"


_PURPOSE_ZH = {"auth": "身份认证", "sign": "电子签名", "timestamp": "时间戳"}


def _d(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M UTC") if when else "?"


@dataclass(frozen=True)
class Reason:
    """One refusal. ``when`` is the date the reason refers to (expiry, revocation, withdrawal)."""

    code: ReasonCode
    when: datetime | None = None
    detail: str = ""
    purpose: str | None = None

    @property
    def message_en(self) -> str:
        c, w = self.code, _d(self.when)
        text = {
            ReasonCode.EXPIRED: f"the certificate expired on {w}",
            ReasonCode.NOT_YET_VALID: f"the certificate is not valid before {w}",
            ReasonCode.REVOKED: f"the certificate was revoked on {w}"
            if self.when
            else "the certificate was revoked",
            ReasonCode.ISSUER_NOT_RECOGNISED: "the issuing CA is not on the trust list (not mutually recognised)",
            ReasonCode.SERVICE_NOT_RECOGNISED: f"the issuing CA is not recognised for {self.purpose}",
            ReasonCode.CA_WITHDRAWN: f"the issuing CA's recognition was withdrawn on {w}",
            ReasonCode.WRONG_KEY_USAGE: f"the certificate's key usage does not allow {self.purpose}",
            ReasonCode.BROKEN_CHAIN: "no certificate chain to a recognised CA could be built",
            ReasonCode.BAD_SIGNATURE: "a signature in the certificate chain does not verify",
            ReasonCode.REVOCATION_UNKNOWN: "the revocation status could not be determined (CRL/OCSP unavailable)",
            ReasonCode.IDENTITY_MISSING: "the certificate lacks the holder identifier required by its CA's identity rule",
            ReasonCode.NOT_CHECKED: "no trust anchors given: certificate not checked",
            ReasonCode.OTHER: "the certificate is not valid",
        }[c]
        # certvalidator's English detail is kept in .detail; shown only when nothing better exists
        return f"{text} ({self.detail})" if self.detail and c is ReasonCode.OTHER else text

    @property
    def message_zh(self) -> str:
        c, w = self.code, _d(self.when)
        purpose = _PURPOSE_ZH.get(self.purpose or "", self.purpose or "")
        return {
            ReasonCode.EXPIRED: f"证书已于 {w} 过期",
            ReasonCode.NOT_YET_VALID: f"证书在 {w} 之前尚未生效",
            ReasonCode.REVOKED: f"证书已于 {w} 被吊销" if self.when else "证书已被吊销",
            ReasonCode.ISSUER_NOT_RECOGNISED: "证书签发机构不在互认信任列表中",
            ReasonCode.SERVICE_NOT_RECOGNISED: f"证书签发机构未被认可用于{purpose}",
            ReasonCode.CA_WITHDRAWN: f"证书签发机构的互认资格已于 {w} 撤销",
            ReasonCode.WRONG_KEY_USAGE: f"证书密钥用法不允许用于{purpose}",
            ReasonCode.BROKEN_CHAIN: "无法构建到受认可 CA 的证书链",
            ReasonCode.BAD_SIGNATURE: "证书链中的签名验证失败",
            ReasonCode.REVOCATION_UNKNOWN: "无法确定证书吊销状态（CRL/OCSP 不可用）",
            ReasonCode.IDENTITY_MISSING: "证书缺少其签发机构身份规则要求的持有人唯一标识",
            ReasonCode.NOT_CHECKED: "未提供信任锚，证书未经验证",
            ReasonCode.OTHER: "证书无效",
        }[c]

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


class SignatureProblem(enum.StrEnum):
    """Why a signature (CMS or PAdES) is not valid, apart from its signer's certificate."""

    MALFORMED = "malformed"  # unreadable: not a CMS SignedData, several signers, corrupt
    SIGNER_CERTIFICATE_MISSING = "signer-certificate-missing"
    NOT_DETACHED = "not-detached"
    STRUCTURE_REFUSED = "structure-refused"
    CONTENT_MISMATCH = "content-mismatch"  # the bytes signed are not these bytes
    VALUE_INVALID = "value-invalid"
    PARTIAL_COVERAGE = "partial-coverage"  # a PAdES signature that misses part of its revision
    CHANGED_AFTER_SIGNING = "changed-after-signing"
    PERMISSIONS_BROKEN = "permissions-broken"
    DATA_ADDED = "data-added"  # after the last signature, as an incremental update
    DATA_APPENDED = "data-appended"  # after the last revision's %%EOF
    TIMESTAMP_NOT_COVERING = "timestamp-not-covering"
    TIMESTAMP_CERTIFICATE_MISSING = "timestamp-certificate-missing"
    TIMESTAMP_BROKEN = "timestamp-broken"
    TIMESTAMP_UNREADABLE = "timestamp-unreadable"
    TIMESTAMP_NOT_TRUSTED = "timestamp-not-trusted"  # ``certificate`` says why
    SIGNER_NOT_TRUSTED = "signer-not-trusted"  # ``certificate`` says why


TIMESTAMP_PROBLEMS = frozenset(p for p in SignatureProblem if p.name.startswith("TIMESTAMP_"))

_SIGNATURE_TEXT: dict[SignatureProblem, tuple[str, str]] = {
    SignatureProblem.MALFORMED: ("malformed signature", "签名格式损坏，无法读取"),
    SignatureProblem.SIGNER_CERTIFICATE_MISSING: (
        "signer certificate missing from the signature",
        "签名中缺少签名人证书",
    ),
    SignatureProblem.NOT_DETACHED: ("signature is not detached", "签名不是分离式签名"),
    SignatureProblem.STRUCTURE_REFUSED: ("signature structure refused", "签名结构不被接受"),
    SignatureProblem.CONTENT_MISMATCH: (
        "content does not match the signature (altered, or signature of another file)",
        "内容与签名不符（内容被改动，或签名属于其他文件）",
    ),
    SignatureProblem.VALUE_INVALID: ("signature value does not verify", "签名值验证失败"),
    SignatureProblem.PARTIAL_COVERAGE: (
        "signature does not cover its whole revision",
        "签名未覆盖其所在修订版本的全部内容",
    ),
    SignatureProblem.CHANGED_AFTER_SIGNING: (
        "document changed after this signature",
        "签名之后文档被修改",
    ),
    SignatureProblem.PERMISSIONS_BROKEN: (
        "changes after signing break the document's permissions",
        "签名之后的修改违反文档的修改权限",
    ),
    SignatureProblem.DATA_ADDED: (
        "data added after the last signature",
        "最后一个签名之后追加了内容",
    ),
    SignatureProblem.DATA_APPENDED: (
        "data appended after the last revision",
        "文档最后一个修订版本之后附加了数据",
    ),
    SignatureProblem.TIMESTAMP_NOT_COVERING: (
        "timestamp does not cover this signature",
        "时间戳不是对此签名加盖的",
    ),
    SignatureProblem.TIMESTAMP_CERTIFICATE_MISSING: (
        "timestamp token lacks the TSA certificate",
        "时间戳缺少时间戳服务证书",
    ),
    SignatureProblem.TIMESTAMP_BROKEN: ("timestamp token signature broken", "时间戳签名无效"),
    SignatureProblem.TIMESTAMP_UNREADABLE: ("timestamp token unreadable", "时间戳无法读取"),
    SignatureProblem.TIMESTAMP_NOT_TRUSTED: (
        "timestamp authority not trusted",
        "时间戳服务机构不受信任",
    ),
    SignatureProblem.SIGNER_NOT_TRUSTED: (
        "the signer's certificate is not valid",
        "签名人证书无效",
    ),
}


@dataclass(frozen=True)
class SignatureReason:
    """One objection to a signature. ``detail`` is the library's own words (English, for logs);
    ``certificate`` the typed reasons the signer's or the TSA's certificate was refused."""

    code: SignatureProblem
    detail: str = ""
    certificate: tuple[Reason, ...] = ()

    @property
    def message_en(self) -> str:
        text = _SIGNATURE_TEXT[self.code][0]
        if self.certificate:
            text += ": " + "; ".join(r.message_en for r in self.certificate)
        return f"{text} ({self.detail})" if self.detail else text

    @property
    def message_zh(self) -> str:
        text = _SIGNATURE_TEXT[self.code][1]
        if self.certificate:
            text += "：" + "；".join(r.message_zh for r in self.certificate)
        return text

    def __str__(self) -> str:
        return self.message_en
