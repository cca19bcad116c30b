"""Listing the tokens (USB keys) a PKCS#11 module sees, without logging in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from asn1crypto import x509 as asn1_x509

from evaluator_app.pki.credentials._p11util import (
    TOKEN_CALL_LOCK,
    USER_PIN_COUNT_LOW,
    USER_PIN_FINAL_TRY,
    USER_PIN_LOCKED,
    Watchdog,
    load_module,
    tries_left_hint,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")
_TOKEN_INITIALIZED = 0x00000400


@dataclass(frozen=True)
class TokenCertificate:
    label: str
    key_id: bytes
    subject: str
    der: bytes


@dataclass(frozen=True)
class TokenInfo:
    slot: int
    label: str
    serial: str
    manufacturer: str
    model: str
    flags: int
    certificates: tuple[TokenCertificate, ...]

    @property
    def pin_locked(self) -> bool:
        return bool(self.flags & USER_PIN_LOCKED)

    @property
    def pin_count_low(self) -> bool:
        return bool(self.flags & USER_PIN_COUNT_LOW)

    @property
    def pin_final_try(self) -> bool:
        return bool(self.flags & USER_PIN_FINAL_TRY)

    @property
    def tries_left_hint(self) -> str | None:
        return tries_left_hint(self.flags)


def list_tokens(module_path: str, timeout: float = 10.0) -> list[TokenInfo]:
    """Every present token with its public certificates and PIN state flags."""
    lib = load_module(module_path)
    dog = Watchdog("list", timeout)
    try:
        return dog.run(lambda: _locked(_list, lib), "listing tokens")
    finally:
        dog.shutdown()


def _locked(work: Callable[..., T], *args: Any) -> T:
    # held in the worker thread itself, so even a call the caller gave up on never overlaps the next
    with TOKEN_CALL_LOCK:
        return work(*args)


def _list(lib: Any) -> list[TokenInfo]:  # lib: a pkcs11.lib
    from pkcs11 import Attribute, ObjectClass, PKCS11Error

    out: list[TokenInfo] = []
    for slot in lib.get_slots(token_present=True):
        try:
            tok = slot.get_token()
        except PKCS11Error as exc:  # a slot may lose its token between the two calls
            logger.info("slot %s: %s", slot.slot_id, exc)
            continue
        if not int(tok.flags) & _TOKEN_INITIALIZED:
            continue  # an empty slot (SoftHSM always offers one), not a key
        certs: list[TokenCertificate] = []
        try:
            with tok.open() as session:
                for obj in session.get_objects({Attribute.CLASS: ObjectClass.CERTIFICATE}):
                    der = bytes(obj[Attribute.VALUE])
                    c = asn1_x509.Certificate.load(der)
                    certs.append(
                        TokenCertificate(
                            str(obj[Attribute.LABEL]),
                            bytes(obj[Attribute.ID]),
                            c.subject.human_friendly,
                            der,
                        )
                    )
        except PKCS11Error as exc:
            logger.info("token %s: cannot read certificates: %s", tok.label, exc)
        serial = tok.serial
        out.append(
            TokenInfo(
                slot=int(slot.slot_id),
                label=tok.label,
                serial=serial.decode("ascii", "replace").strip()
                if isinstance(serial, bytes)
                else str(serial),
                manufacturer=tok.manufacturer_id,
                model=tok.model,
                flags=int(tok.flags),
                certificates=tuple(certs),
            )
        )
    return out
