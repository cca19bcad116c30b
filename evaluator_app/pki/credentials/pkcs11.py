"""PKCS#11 token credential (USB key): the private key never leaves the token.

Hashing happens here and the token only performs the raw operation (CKM_ECDSA / CKM_RSA_PKCS):
the least common denominator every Chinese CA's USB key and SoftHSM2 support.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from asn1crypto import algos as asn1_algos
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from evaluator_app.pki.credentials._p11util import (
    DEFAULT_TIMEOUT,
    TOKEN_CALL_LOCK,
    USER_PIN_LOCKED,
    Watchdog,
    load_module,
)
from evaluator_app.pki.credentials.base import Signer, check_hash, digest
from evaluator_app.pki.errors import CredentialError, PinLockedError, TokenNotFoundError

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
    ) -> None:
        self._lib = load_module(module_path)
        self._label = token_label
        self._slot = slot
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
        self._session = tok.open(user_pin=pin)
        try:
            self._bind_key(tok.label, key_label, key_id)
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
        return self.sign_digest(digest(data, hash_alg), hash_alg)

    def sign_digest(self, digest_value: bytes, hash_alg: str = "sha256") -> bytes:
        from pkcs11 import Mechanism

        h = check_hash(hash_alg)
        if self._key is None:
            raise CredentialError("the token session is closed", "USB Key 会话已关闭")
        key = self._key
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

    def close(self) -> None:
        session, self._session, self._key = self._session, None, None
        if session is not None and not self._dog.dead:
            try:
                self._dog.run(session.close, "logout")
            except CredentialError as exc:  # already gone: nothing left to release
                logger.debug("closing token session: %s", exc)
        self._dog.shutdown()


def open_token(
    module_path: str,
    pin: str,
    token_label: str | None = None,
    slot: int | None = None,
    key_label: str | None = None,
    key_id: bytes | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Pkcs11Signer:
    """Log in to a token. Raises WrongPinError, PinLockedError, TokenNotFoundError, ..."""
    return Pkcs11Signer(module_path, pin, token_label, slot, key_label, key_id, timeout)
