"""Typed reasons why a certificate is refused, each with a Chinese and an English message."""

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
            ReasonCode.REVOKED: f"the certificate was revoked on {w}",
            ReasonCode.ISSUER_NOT_RECOGNISED: "the issuing CA is not on the trust list (not mutually recognised)",
            ReasonCode.SERVICE_NOT_RECOGNISED: f"the issuing CA is not recognised for {self.purpose}",
            ReasonCode.CA_WITHDRAWN: f"the issuing CA's recognition was withdrawn on {w}",
            ReasonCode.WRONG_KEY_USAGE: f"the certificate's key usage does not allow {self.purpose}",
            ReasonCode.BROKEN_CHAIN: "no certificate chain to a recognised CA could be built",
            ReasonCode.BAD_SIGNATURE: "a signature in the certificate chain does not verify",
            ReasonCode.REVOCATION_UNKNOWN: "the revocation status could not be determined (CRL/OCSP unavailable)",
            ReasonCode.IDENTITY_MISSING: "the certificate lacks the holder identifier required by its CA's identity rule",
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
            ReasonCode.REVOKED: f"证书已于 {w} 被吊销",
            ReasonCode.ISSUER_NOT_RECOGNISED: "证书签发机构不在互认信任列表中",
            ReasonCode.SERVICE_NOT_RECOGNISED: f"证书签发机构未被认可用于{purpose}",
            ReasonCode.CA_WITHDRAWN: f"证书签发机构的互认资格已于 {w} 撤销",
            ReasonCode.WRONG_KEY_USAGE: f"证书密钥用法不允许用于{purpose}",
            ReasonCode.BROKEN_CHAIN: "无法构建到受认可 CA 的证书链",
            ReasonCode.BAD_SIGNATURE: "证书链中的签名验证失败",
            ReasonCode.REVOCATION_UNKNOWN: "无法确定证书吊销状态（CRL/OCSP 不可用）",
            ReasonCode.IDENTITY_MISSING: "证书缺少其签发机构身份规则要求的持有人唯一标识",
            ReasonCode.OTHER: "证书无效",
        }[c]

    def __str__(self) -> str:
        return f"{self.message_zh} / {self.message_en}"
