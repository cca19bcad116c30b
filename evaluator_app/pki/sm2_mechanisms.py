"""SM2 through a vendor's PKCS#11 module: which mechanism codes to use, and the known ones.

PKCS#11 (up to 3.1) defines no SM2 mechanism; a vendor whose module signs SM2 defines its own
codes above CKM_VENDOR_DEFINED (0x80000000). Two kinds exist:

- one signs e = SM3(Z ‖ M) that the caller computed, as CKM_ECDSA signs a hash. We prefer it:
  the app computes Z with the signer ID it signs under (GM/T 0009 default "1234567812345678"),
  whatever the module assumes;
- one hashes the message itself, Z included, with the module's own default signer ID: used
  only when the app signs under the GM/T 0009 default.

The codes are settings (:class:`Sm2Mechanisms`), because no registry assigns them. The table
below lists only codes we can cite; docs/guomi.md renders it (a test keeps both equal).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from evaluator_app.pki.errors import CredentialError

VENDOR_DEFINED = 0x80000000


class Sm2Input(Enum):
    DIGEST = "digest"  # e = SM3(Z ‖ M), computed here
    MESSAGE = "message"  # the message; SM3 and Z (default signer ID) inside the module


@dataclass(frozen=True)
class Sm2Mechanisms:
    """The vendor codes configured for SM2 on a PKCS#11 module (None: not configured)."""

    sign_digest: int | None = None
    sign_message: int | None = None

    @property
    def configured(self) -> bool:
        return self.sign_digest is not None or self.sign_message is not None

    @classmethod
    def from_settings(cls, sign_digest: str, sign_message: str) -> Sm2Mechanisms:
        return cls(parse_code(sign_digest), parse_code(sign_message))


def parse_code(text: str) -> int | None:
    """ "0x80008104" (or decimal) → the code; "" → None. A code below the vendor range is
    refused: a standard mechanism is never SM2."""
    text = text.strip()
    if not text:
        return None
    try:
        code = int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        code = -1
    if not VENDOR_DEFINED <= code <= 0xFFFFFFFF:
        raise CredentialError(
            f"{text!r} is not a vendor mechanism code (0x80000000 to 0xFFFFFFFF, e.g. 0x80008104)",
            f"“{text}”不是厂商机制代码（应在 0x80000000 至 0xFFFFFFFF 之间，如 0x80008104）",
        )
    return code


def describe_code(code: int) -> str:
    return f"0x{code:08X}"


@dataclass(frozen=True)
class KnownMechanism:
    vendor: str
    module: str  # how xipki recognises the module (file name or manufacturer)
    name: str  # the vendor's constant name
    code: int
    takes: Sm2Input
    note: str = ""


# Source of every row: xipki/ipkcs11wrapper, commit 2b086bd8a1d1a7f1091fd7adbabeaeb5f6118d54,
# src/main/resources/unfiltered/org/xipki/pkcs11/wrapper/vendor.conf (Apache-2.0), with its use
# of the codes in xipki's SM2 signer (CKM_VENDOR_SM2 is given SM3(Z ‖ M), CKM_VENDOR_SM2_SM3
# the message). All three are HSM vendors: no USB-key vendor's PKCS#11 SM2 code is published in
# a source we could cite; ask the vendor for its code.
SOURCE = (
    "xipki/ipkcs11wrapper 2b086bd8a1d1a7f1091fd7adbabeaeb5f6118d54 "
    "src/main/resources/unfiltered/org/xipki/pkcs11/wrapper/vendor.conf"
)
KNOWN: tuple[KnownMechanism, ...] = (
    KnownMechanism(
        "TASS 江南天安 HSM",
        "module file name contains “tass”",
        "CKM_VENDOR_SM2",
        0x80008000,
        Sm2Input.DIGEST,
        "signature in X9.62 (DER) form (xipki: SM2_SIGNATURE_X962)",
    ),
    KnownMechanism(
        "TASS 江南天安 HSM",
        "module file name contains “tass”",
        "CKM_TA_SM3_SM2",
        0x80008100,
        Sm2Input.MESSAGE,
    ),
    KnownMechanism(
        "SANSEC 三未信安 HSM",
        "module file name contains “upkcs11”",
        "CKM_SA_SM2_SIGN",
        0x80008104,
        Sm2Input.DIGEST,
        "xipki marks this vendor's behaviours “TODO: verify”",
    ),
    KnownMechanism(
        "SANSEC 三未信安 HSM",
        "module file name contains “upkcs11”",
        "CKM_SA_SM3_SM2",
        0x80008100,
        Sm2Input.MESSAGE,
    ),
    KnownMechanism(
        "SafeNet / Thales Luna HSM",
        "manufacturer “safenet”, description “chrystoki”",
        "CKM_LU_SM2DSA",
        0x80000B21,
        Sm2Input.DIGEST,
    ),
    KnownMechanism(
        "SafeNet / Thales Luna HSM",
        "manufacturer “safenet”, description “chrystoki”",
        "CKM_LU_SM3_SM2DSA",
        0x80000B22,
        Sm2Input.MESSAGE,
        "listed by xipki but not mapped to its SM2-with-SM3 mechanism",
    ),
)
