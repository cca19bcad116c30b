"""Every refusal in words a person understands, in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass

from evaluator_app.client.errors import ClientError, VenueRefused
from evaluator_app.pki.errors import PinLockedError, PkiError, WrongPasswordError, WrongPinError


@dataclass(frozen=True)
class Explanation:
    zh: str
    en: str

    def text(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def explain(error: BaseException) -> Explanation:
    if isinstance(error, WrongPinError):
        hint_zh = {"low": "（剩余尝试次数不多）", "final": "（这是最后一次机会，再错将锁定）"}.get(
            error.tries_left or "", ""
        )
        hint_en = {
            "low": " (few tries left)",
            "final": " (final try: one more mistake locks the key)",
        }.get(error.tries_left or "", "")
        if error.remaining is not None:  # an SKF key reports the exact count
            hint_zh = f"，还剩 {error.remaining} 次机会"
            hint_en = f" ({error.remaining} tries left before the key locks)"
        return Explanation(f"PIN 码不正确{hint_zh}", f"wrong PIN{hint_en}")
    if isinstance(error, PinLockedError):
        return Explanation(
            "USB Key 的 PIN 码已锁定，请联系证书颁发机构解锁",
            "the USB key's PIN is locked: ask your CA to unlock it",
        )
    if isinstance(error, WrongPasswordError):
        return Explanation("证书文件密码不正确", "wrong password for the certificate file")
    if isinstance(error, VenueRefused):
        reasons = error.details.get("reasons") if isinstance(error.details, dict) else None
        zh, en = error.message_zh or error.message_en, error.message_en
        if reasons and isinstance(reasons, list) and all(isinstance(r, dict) for r in reasons):
            zh = "证书未被场地接受：" + "；".join(str(r.get("zh", "")) for r in reasons)
            en = "the venue refused the certificate: " + "; ".join(
                str(r.get("en", "")) for r in reasons
            )
        return Explanation(zh, en)
    if isinstance(error, ClientError):
        return Explanation(error.message_zh, error.message_en)
    if isinstance(error, PkiError):
        return Explanation(error.message_zh, error.message_en)
    if isinstance(error, OSError):
        return Explanation(
            f"无法读取文件：{error.strerror or error}",
            f"cannot read the file: {error.strerror or error}",
        )
    return Explanation(
        "发生了意外错误，操作未完成；请重试或联系技术人员",
        "unexpected error: the operation was not completed; try again or call the technician",
    )
