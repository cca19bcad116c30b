"""PKCS#11 token credential (USB key): the private key never leaves the token.

Hashing happens here and the token only performs the raw operation (CKM_ECDSA / CKM_RSA_PKCS):
the least common denominator every Chinese CA's USB key and SoftHSM2 support. SM2 has no
standard PKCS#11 mechanism: it signs through the vendor codes configured (sm2_mechanisms.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asn1crypto import algos as asn1_algos
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from evaluator_app.pki import sm2
from evaluator_app.pki.credentials._p11util import (
    DEFAULT_TIMEOUT,
    TOKEN_CALL_LOCK,
    USER_PIN_LOCKED,
    Watchdog,
    load_module,
)
from evaluator_app.pki.credentials.base import Signer, check_hash, digest
from evaluator_app.pki.errors import (
    CredentialError,
    MechanismUnsupportedError,
    PinLockedError,
    TokenNotFoundError,
)
from evaluator_app.pki.sm2_mechanisms import Sm2Mechanisms, describe_code

logger = logging.getLogger(__name__)
T = TypeVar("T")


def _locked(work: Callable[..., T], *args: Any) -> T:
    with TOKEN_CALL_LOCK:  # see _p11util: no slot enumeration overlaps a login
        return work(*args)


def find_token(lib: Any, token_label: str | None = None, slot: int | None = None) -> Any:
    """The token with this label (or in this slot); raises TokenNotFoundError."""
    for s in lib.get_slots(token_present=True):
        if slot is not None and s.slot_id != slot:
            continue
        tok = s.get_token()
        if token_label is None or tok.label == token_label:
            return tok
    want = f"label {token_label!r}" if token_label is not None else f"slot {slot}"
    raise TokenNotFoundError(f"no token with {want}", f"未找到 USB Key（{want}）")


class Pkcs11Signer(Signer):
    """A logged-in session on a token, bound to one private key and its certificate."""

    def __init__(
        self,
        module_path: str,
        pin: str,
        token_label: str | None = None,
        slot: int | None = None,
        key_label: str | None = None,
        key_id: bytes | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        sm2_mechanisms: Sm2Mechanisms | None = None,
        signer_id: bytes = sm2.DEFAULT_ID,
    ) -> None:
        self._lib = load_module(module_path)
        self._label = token_label
        self._slot = slot
        self.sm2_mechanisms = sm2_mechanisms or Sm2Mechanisms()
        self.signer_id = signer_id
        self._sm2_mechanism: int | None = None  # the one chosen at login, for an SM2 key
        self._dog = Watchdog(token_label or str(slot), timeout)
        self._session: Any = None
        self._key: Any = None
        try:
            self._dog.run(
                lambda: _locked(self._open, pin, key_label, key_id), "login", flags=self._flags
            )
        except BaseException:
            self._dog.shutdown()
            raise

    # --- runs on the watchdog thread ---
    def _open(self, pin: str, key_label: str | None, key_id: bytes | None) -> None:
        tok = find_token(self._lib, self._label, self._slot)
        self._label = tok.label
        if int(tok.flags) & USER_PIN_LOCKED:
            # Do not even try: each attempt on a locked key may count against the SO PIN.
            raise PinLockedError(
                "the token PIN is locked", "USB Key 的 PIN 已被锁定，请联系 CA 解锁"
            )
        self._session = tok.open(user_pin=pin, attribute_mapper=attribute_mapper())
        try:
            self._bind_key(tok.label, key_label, key_id)
            if self.key_algorithm == "sm2":
                self._sm2_mechanism = self._choose_sm2(tok)
        except BaseException:
            # Logged in but unusable: log out, or the next open of this token is refused.
            session, self._session = self._session, None
            try:
                session.close()
            except Exception as exc:
                logger.debug("closing after a failed login: %s", exc)
            raise

    def _bind_key(self, token_label: str, key_label: str | None, key_id: bytes | None) -> None:
        from pkcs11 import Attribute, ObjectClass

        query: dict[Any, Any] = {Attribute.CLASS: ObjectClass.PRIVATE_KEY, Attribute.SIGN: True}
        if key_label is not None:
            query[Attribute.LABEL] = key_label
        if key_id is not None:
            query[Attribute.ID] = key_id
        keys = list(self._session.get_objects(query))
        if not keys:
            raise CredentialError("no signing key on the token", "USB Key 中没有签名私钥")
        if len(keys) > 1 and key_label is None and key_id is None:
            raise CredentialError(
                "several keys on the token: choose one by label", "USB Key 中有多个私钥，请指定"
            )
        self._key = keys[0]
        kid = self._key[Attribute.ID]
        found = [
            (bytes(o[Attribute.ID]), asn1_x509.Certificate.load(bytes(o[Attribute.VALUE])))
            for o in self._session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE})
        ]
        certs = [c for _, c in found]
        mine = [c for i, c in found if i == bytes(kid)]
        if not mine:
            raise CredentialError(
                "no certificate matches the token key", "USB Key 中没有与私钥对应的证书"
            )
        self._cert = mine[0]
        self._chain = tuple(c for c in certs if c.dump() != self._cert.dump())
        logger.debug("logged in to token %s as %s", token_label, self._cert.subject.human_friendly)

    def _choose_sm2(self, tok: Any) -> int:
        """The vendor code this token signs SM2 with; refused in words before any signature."""
        mech = self.sm2_mechanisms
        if not mech.configured:
            raise MechanismUnsupportedError(
                "this USB key holds an SM2 certificate: its PKCS#11 module needs the vendor's "
                "SM2 mechanism code in the settings (known codes: docs/guomi.md), or use the "
                "key's SKF library",
                "该 USB Key 中是 SM2 证书：请在设置中填写厂商的 SM2 机制代码（已知代码见 "
                "docs/guomi.md），或改用该 USB Key 的 SKF 接口库",
            )
        offered = {int(m) for m in tok.slot.get_mechanisms()}
        usable = mech.sign_digest if mech.sign_digest in offered else None
        if usable is None and mech.sign_message in offered:
            if self.signer_id != sm2.DEFAULT_ID:
                raise MechanismUnsupportedError(
                    "the SM2 mechanism that hashes inside the module uses the default signer "
                    "ID, and this signature needs another: configure the digest mechanism",
                    "在模块内计算杂凑的 SM2 机制只能使用默认签名者标识，而本次签名使用其他"
                    "标识：请配置“签名 SM3 杂凑值”的机制代码",
                )
            usable = mech.sign_message
        if usable is None:
            codes = ", ".join(
                describe_code(c) for c in (mech.sign_digest, mech.sign_message) if c is not None
            )
            raise MechanismUnsupportedError(
                f"the USB key's PKCS#11 module does not offer the SM2 mechanism {codes} "
                "configured: check the code with the vendor",
                f"USB Key 的 PKCS#11 模块不支持所配置的 SM2 机制 {codes}，请向厂商核实机制代码",
            )
        logger.info("SM2 on token %s through vendor mechanism %s", tok.label, describe_code(usable))
        return usable

    def _flags(self) -> int:
        try:
            return int(find_token(self._lib, self._label, self._slot).flags)
        except Exception:
            return 0

    # --- public ---
    @property
    def token_label(self) -> str | None:
        return self._label

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert

    @property
    def chain(self) -> tuple[asn1_x509.Certificate, ...]:
        return self._chain

    def sign(self, data: bytes, hash_alg: str = "sha256") -> bytes:
        if self.key_algorithm == "sm2":
            if check_hash(hash_alg) != "sm3":
                raise CredentialError(
                    f"an SM2 key signs with SM3, not {hash_alg}",
                    f"SM2 密钥只能与 SM3 一起使用，不能用 {hash_alg}",
                )
            if self._sm2_mechanism == self.sm2_mechanisms.sign_message:
                return self._sign_sm2(data, sm2.message_digest(self._public, data))
            e = sm2.message_digest(self._public, data, self.signer_id)
            return self._sign_sm2(e, e)
        return self.sign_digest(digest(data, hash_alg), hash_alg)

    def sign_digest(self, digest_value: bytes, hash_alg: str = "sha256") -> bytes:
        from pkcs11 import Mechanism

        h = check_hash(hash_alg)
        if self._key is None:
            raise CredentialError("the token session is closed", "USB Key 会话已关闭")
        key = self._key
        if self.key_algorithm == "sm2":
            if self._sm2_mechanism != self.sm2_mechanisms.sign_digest:
                raise MechanismUnsupportedError(
                    "this token's SM2 mechanism hashes the message itself: it cannot sign a digest",
                    "该 USB Key 的 SM2 机制自行计算杂凑，不能直接签名杂凑值",
                )
            return self._sign_sm2(digest_value, digest_value)
        if self.key_algorithm == "ec":
            raw = self._dog.run(
                lambda: key.sign(digest_value, mechanism=Mechanism.ECDSA), "signing"
            )
            half = len(raw) // 2
            return encode_dss_signature(
                int.from_bytes(raw[:half], "big"), int.from_bytes(raw[half:], "big")
            )
        info = asn1_algos.DigestInfo(
            {"digest_algorithm": {"algorithm": h}, "digest": digest_value}
        ).dump()
        return self._dog.run(lambda: key.sign(info, mechanism=Mechanism.RSA_PKCS), "signing")

    @property
    def _public(self) -> sm2.PublicKey:
        return sm2.PublicKey.from_spki(self._cert.public_key)

    def _sign_sm2(self, given: bytes, e: bytes) -> bytes:
        """Sign ``given`` (e, or the message) with the vendor code; the answer (r ‖ s or DER,
        vendors differ) must verify over e under the certificate's key, or it is refused."""
        if self._key is None:
            raise CredentialError("the token session is closed", "USB Key 会话已关闭")
        key, code = self._key, self._sm2_mechanism
        assert code is not None  # chosen at login for every SM2 key
        raw = self._dog.run(lambda: key.sign(given, mechanism=_vendor_mechanism(code)), "signing")
        for der in _sm2_candidates(bytes(raw)):
            if sm2.verify_digest(self._public, e, der):
                return der
        raise CredentialError(
            f"the USB key returned no valid SM2 signature with mechanism {describe_code(code)}: "
            "check the SM2 mechanism code with the vendor",
            f"USB Key 使用机制 {describe_code(code)} 未返回有效的 SM2 签名，请向厂商核实机制代码",
        )

    def close(self) -> None:
        session, self._session, self._key = self._session, None, None
        if session is not None and not self._dog.dead:
            try:
                self._dog.run(session.close, "logout")
            except CredentialError as exc:  # already gone: nothing left to release
                logger.debug("closing token session: %s", exc)
        self._dog.shutdown()


def _member(enum_type: Any, code: int) -> Any:
    """python-pkcs11 takes and gives only members of its enums (Mechanism, KeyType), which
    have no vendor codes: a pseudo-member carrying the code (what the enum module itself does
    for flag values), so a vendor's SM2 mechanism and key type pass through."""
    try:
        return enum_type(code)
    except ValueError:
        member = int.__new__(enum_type, code)
        member._name_ = f"VENDOR_{code:08X}"
        member._value_ = code
        return member


def _vendor_mechanism(code: int) -> Any:
    from pkcs11 import Mechanism

    return _member(Mechanism, code)


def attribute_mapper() -> Any:
    """python-pkcs11's attribute mapping, except that a vendor key type (an SM2 key is
    CKK_VENDOR_DEFINED + n) reads as a pseudo-member instead of failing."""
    from pkcs11 import Attribute, KeyType
    from pkcs11.attributes import AttributeMapper, handle_ulong

    mapper = AttributeMapper()
    pack, unpack = handle_ulong
    mapper.register_handler(
        Attribute.KEY_TYPE, lambda v: pack(int(v)), lambda v: _member(KeyType, unpack(v))
    )
    return mapper


def _sm2_candidates(raw: bytes) -> list[bytes]:
    """The DER signature(s) a vendor's answer may mean: r ‖ s (64 bytes) or DER already."""
    out = []
    if len(raw) == 64:
        out.append(sm2.rs_to_der(raw))
    try:
        sm2.der_to_rs(raw)
        out.append(raw)
    except sm2.SM2Error:
        pass
    return out


def open_token(
    module_path: str,
    pin: str,
    token_label: str | None = None,
    slot: int | None = None,
    key_label: str | None = None,
    key_id: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    sm2_mechanisms: Sm2Mechanisms | None = None,
) -> Pkcs11Signer:
    """Log in to a token. Raises WrongPinError, PinLockedError, TokenNotFoundError,
    MechanismUnsupportedError (an SM2 key without a usable vendor code), ..."""
    return Pkcs11Signer(
        module_path, pin, token_label, slot, key_label, key_id, timeout, sm2_mechanisms
    )
