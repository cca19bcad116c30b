"""Typed reasons why a certificate or a signature is refused, with Chinese and English messages."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class ReasonCode(enum.StrEnum):
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
    MALFORMED = "malformed"
    CA_REVOKED = "ca-revoked"
    NOT_A_CA = "not-a-ca"
    PATH_LENGTH = "path-length"
    NAME_CONSTRAINTS = "name-constraints"
    UNKNOWN_CRITICAL_EXTENSION = "unknown-critical-extension"
    END_ENTITY_IS_CA = "end-entity-is-ca"
    UNSUPPORTED_KEY = "unsupported-key"
    SM2_UNAVAILABLE = "sm2-unavailable"  # no SM2 library on this machine (e.g. Linux aarch64)
    PROFILE = "profile"
    NAME_MISMATCH = "name-mismatch"
    TOO_COMPLEX = "too-complex"
    OTHER = "other"


_PURPOSE_ZH = {
    "auth": "身份认证",
    "sign": "电子签名",
    "timestamp": "时间戳",
    "server": "服务器认证",
    "client": "客户端认证",
}

# code -> (English, Chinese); {w} is the date, {p} the purpose, {d} the detail. A second pair
# is used when there is no detail to show.
_TEXT: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.EXPIRED: ("the certificate expired on {w}", "证书已于 {w} 过期"),
    ReasonCode.NOT_YET_VALID: (
        "the certificate is not valid before {w}",
        "证书在 {w} 之前尚未生效",
    ),
    ReasonCode.REVOKED: ("the certificate was revoked on {w}", "证书已于 {w} 被吊销"),
    ReasonCode.ISSUER_NOT_RECOGNISED: (
        "the issuing CA is not on the trust list (not mutually recognised)",
        "证书签发机构不在互认信任列表中",
    ),
    ReasonCode.SERVICE_NOT_RECOGNISED: (
        "the issuing CA is not recognised for {p}",
        "证书签发机构未被认可用于{pz}",
    ),
    ReasonCode.CA_WITHDRAWN: (
        "the issuing CA's recognition was withdrawn on {w}",
        "证书签发机构的互认资格已于 {w} 撤销",
    ),
    ReasonCode.WRONG_KEY_USAGE: (
        "the certificate's key usage does not allow {p}",
        "证书密钥用法不允许用于{pz}",
    ),
    ReasonCode.BROKEN_CHAIN: (
        "no certificate chain to a recognised CA could be built",
        "无法构建到受认可 CA 的证书链",
    ),
    ReasonCode.BAD_SIGNATURE: (
        "a signature in the certificate chain does not verify",
        "证书链中的签名验证失败",
    ),
    ReasonCode.SM2_UNAVAILABLE: (
        "SM2 is not available on this computer (gmssl-pyx is not installed): SM2 certificates "
        "and signatures cannot be checked here",
        "本机不支持 SM2 算法（未安装 gmssl-pyx），无法在本机验证 SM2 证书和签名",
    ),
    ReasonCode.IDENTITY_MISSING: (
        "the certificate lacks the holder identifier required by its CA's identity rule",
        "证书缺少其签发机构身份规则要求的持有人唯一标识",
    ),
    ReasonCode.NOT_CHECKED: (
        "no trust anchors given: certificate not checked",
        "未提供信任锚，证书未经验证",
    ),
    ReasonCode.PATH_LENGTH: (
        "the chain is longer than a CA's path length constraint allows",
        "证书链长度超过 CA 的路径长度约束",
    ),
    ReasonCode.END_ENTITY_IS_CA: (
        "a CA certificate (cA=TRUE or keyCertSign) cannot be used for {p}",
        "CA 证书（cA=TRUE 或含证书签发用途）不能用于{pz}",
    ),
}
_DETAILED: dict[ReasonCode, tuple[str, str, str, str]] = {
    ReasonCode.REVOCATION_UNKNOWN: (
        "revocation unknown for {d}",
        "无法确定 {d} 的吊销状态",
        "the revocation status could not be determined (CRL/OCSP unavailable)",
        "无法确定证书吊销状态（CRL/OCSP 不可用）",
    ),
    ReasonCode.MALFORMED: (
        "malformed certificate: {d}",
        "证书格式错误：{d}",
        "malformed certificate",
        "证书格式错误",
    ),
    ReasonCode.CA_REVOKED: (
        "issuing CA revoked at {w}: {d}",
        "签发 CA 已于 {w} 被吊销：{d}",
        "issuing CA revoked at {w}",
        "签发 CA 已于 {w} 被吊销",
    ),
    ReasonCode.NOT_A_CA: (
        "{d} is not a CA certificate but issued one in the chain",
        "{d} 不是 CA 证书，却在证书链中签发了证书",
        "a certificate in the chain that issued another is not a CA",
        "证书链中签发证书的不是 CA 证书",
    ),
    ReasonCode.NAME_CONSTRAINTS: (
        "a name is outside the name constraints of a CA: {d}",
        "名称超出 CA 的名称约束：{d}",
        "a name is outside the name constraints of a CA",
        "名称超出 CA 的名称约束",
    ),
    ReasonCode.UNKNOWN_CRITICAL_EXTENSION: (
        "unknown critical extension {d}",
        "无法识别的关键扩展 {d}",
        "unknown critical extension",
        "无法识别的关键扩展",
    ),
    ReasonCode.UNSUPPORTED_KEY: (
        "key or signature algorithm not accepted: {d}",
        "不接受的密钥或签名算法：{d}",
        "key or signature algorithm not accepted",
        "不接受的密钥或签名算法",
    ),
    ReasonCode.PROFILE: (
        "the certificate breaks the RFC 5280 profile: {d}",
        "证书不符合 RFC 5280 规范：{d}",
        "the certificate breaks the RFC 5280 profile",
        "证书不符合 RFC 5280 规范",
    ),
    ReasonCode.NAME_MISMATCH: (
        "the certificate is not for {d}",
        "证书不属于 {d}",
        "the certificate is not for this host",
        "证书不属于该主机",
    ),
    ReasonCode.TOO_COMPLEX: (
        "validation gave up, too much work: {d}",
        "验证工作量过大，已放弃：{d}",
        "validation gave up, too much work",
        "验证工作量过大，已放弃",
    ),
    ReasonCode.OTHER: (
        "the certificate is not valid ({d})",
        "证书无效（{d}）",
        "the certificate is not valid",
        "证书无效",
    ),
}


def _d(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if when else "?"


@dataclass(frozen=True)
class Reason:
    """One refusal. ``when`` is the date the reason refers to (expiry, revocation, withdrawal).

    ``detail`` names what the reason is about: an extension's OID, the CA whose status is
    unknown, the host name, what failed to parse.
    """

    code: ReasonCode
    when: datetime | None = None
    detail: str = ""
    purpose: str | None = None

    def _texts(self) -> tuple[str, str]:
        if self.code is ReasonCode.REVOKED and self.when is None:
            return "the certificate was revoked", "证书已被吊销"
        if self.code in _TEXT:
            return _TEXT[self.code]
        en, zh, bare_en, bare_zh = _DETAILED[self.code]
        return (en, zh) if self.detail else (bare_en, bare_zh)

    def _fill(self, template: str) -> str:
        purpose = self.purpose or ""
        return template.format(
            w=_d(self.when), p=purpose, pz=_PURPOSE_ZH.get(purpose, purpose), d=self.detail
        )

    @property
    def message_en(self) -> str:
        return self._fill(self._texts()[0])

    @property
    def message_zh(self) -> str:
        return self._fill(self._texts()[1])

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
    SM2_UNAVAILABLE = "sm2-unavailable"  # an SM2 signature, and no SM2 library on this machine


TIMESTAMP_PROBLEMS = frozenset(p for p in SignatureProblem if p.name.startswith("TIMESTAMP_"))

_SIGNATURE_TEXT: dict[SignatureProblem, tuple[str, str]] = {
    SignatureProblem.MALFORMED: ("malformed signature", "签名格式损坏，无法读取"),
    SignatureProblem.SM2_UNAVAILABLE: (
        "an SM2 signature, and SM2 is not available on this computer (gmssl-pyx is not "
        "installed): it cannot be checked here",
        "这是 SM2 签名，而本机不支持 SM2 算法（未安装 gmssl-pyx），无法在本机验证",
    ),
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
