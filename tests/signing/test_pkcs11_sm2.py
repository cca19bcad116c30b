"""SM2 through a vendor's PKCS#11 mechanism code, as far as SoftHSM2 allows.

SoftHSM2 has no SM2 mechanism and no SM2 key type, so no SM2 signature can be made here. What is
tested: the codes in the settings reach the backend; an SM2 certificate without a configured
code, or with a code the module does not offer, is refused in words at login (and the token is
logged out again); a vendor code travels through python-pkcs11 to the module (which answers
CKR_MECHANISM_INVALID); a vendor key type is readable; and a mechanism that returns something
other than an SM2 signature by the certificate's key is refused, never handed out.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from evaluator_app.client.settings import AppSettings, load_settings, save_settings
from evaluator_app.pki import softhsm
from evaluator_app.pki.credentials import open_token
from evaluator_app.pki.credentials.pkcs11 import _vendor_mechanism, attribute_mapper
from evaluator_app.pki.errors import CredentialError, MechanismUnsupportedError, PkiError
from evaluator_app.pki.sm2_mechanisms import KNOWN, Sm2Mechanisms, parse_code
from tests.signing.conftest import PIN, SO_PIN
from tests.skf_fixtures import sm2_holder

CKM_ECDSA = 0x1041  # offered by SoftHSM2: a stand-in for a vendor code the module offers
SANSEC_SIGN = 0x80008104


@pytest.fixture()
def sm2_token(hsm_dir: Path) -> Iterator[softhsm.SoftHsmToken]:
    """A token holding an SM2 signing certificate; its key is P-256 (SoftHSM2 has no SM2 key),
    which only an honest check of the answer tells apart."""
    holder = sm2_holder()
    tok = softhsm.create_token(hsm_dir, "sm2-on-p11", PIN, SO_PIN)
    softhsm.import_identity(tok, ec.generate_private_key(ec.SECP256R1()), holder.sign_cert)
    yield tok
    softhsm.remove_token_files(tok)


def test_an_sm2_certificate_without_a_vendor_code_is_refused_at_login(sm2_token):
    for _ in range(2):  # logged out after the refusal: the second try gets the same answer
        with pytest.raises(MechanismUnsupportedError) as caught:
            open_token(sm2_token.module, PIN, token_label=sm2_token.label)
        assert "SM2 机制代码" in caught.value.message_zh
        assert "docs/guomi.md" in caught.value.message_en


def test_a_vendor_code_the_module_does_not_offer_is_refused_by_number(sm2_token):
    mechanisms = Sm2Mechanisms(sign_digest=SANSEC_SIGN)
    with pytest.raises(MechanismUnsupportedError) as caught:
        open_token(sm2_token.module, PIN, token_label=sm2_token.label, sm2_mechanisms=mechanisms)
    assert "0x80008104" in caught.value.message_en and "0x80008104" in caught.value.message_zh
    assert "不支持" in caught.value.message_zh


def test_the_vendor_code_travels_to_the_module(sm2_token):
    from pkcs11 import Mechanism
    from pkcs11.exceptions import MechanismInvalid

    vendor = _vendor_mechanism(SANSEC_SIGN)
    assert isinstance(vendor, Mechanism) and int(vendor) == SANSEC_SIGN
    mechanisms = Sm2Mechanisms(sign_digest=CKM_ECDSA)
    signer = open_token(
        sm2_token.module, PIN, token_label=sm2_token.label, sm2_mechanisms=mechanisms
    )
    # python-pkcs11 accepts the code and C_SignInit reaches SoftHSM2, which refuses it
    with signer, pytest.raises(MechanismInvalid):
        signer._key.sign(b"\x00" * 32, mechanism=vendor)


def test_an_answer_that_is_not_an_sm2_signature_by_the_certificate_key_is_refused(sm2_token):
    mechanisms = Sm2Mechanisms(sign_digest=CKM_ECDSA)
    with open_token(
        sm2_token.module, PIN, token_label=sm2_token.label, sm2_mechanisms=mechanisms
    ) as signer:
        assert signer.key_algorithm == "sm2" and signer.default_hash == "sm3"
        with pytest.raises(CredentialError) as caught:
            signer.sign(b"score sheet", "sm3")
        assert "0x00001041" in caught.value.message_en
        assert "未返回有效的 SM2 签名" in caught.value.message_zh
        with pytest.raises(CredentialError):
            signer.sign(b"score sheet", "sha256")  # SM2 is defined with SM3 only


def test_the_hash_in_the_module_mechanism_is_refused_for_another_signer_id(sm2_token):
    from evaluator_app.pki.credentials.pkcs11 import Pkcs11Signer

    with pytest.raises(MechanismUnsupportedError) as caught:
        Pkcs11Signer(
            sm2_token.module,
            PIN,
            token_label=sm2_token.label,
            sm2_mechanisms=Sm2Mechanisms(sign_message=CKM_ECDSA),
            signer_id=b"another-signer-id",
        )
    assert "默认签名者标识" in caught.value.message_zh


def test_an_ecdsa_token_ignores_the_sm2_codes(token, checker):
    from evaluator_app.pki import cms

    mechanisms = Sm2Mechanisms(sign_digest=SANSEC_SIGN)
    with open_token(token.module, PIN, token_label=token.label, sm2_mechanisms=mechanisms) as s:
        assert cms.verify_detached(b"x", cms.sign_detached(b"x", s), checker).valid


def test_a_vendor_key_type_is_readable():
    from pkcs11 import Attribute

    mapper = attribute_mapper()
    packed = mapper.pack_attribute(Attribute.KEY_TYPE, 0x80000004)  # CKK_VENDOR_SM2 of TASS
    assert int(mapper.unpack_attributes(Attribute.KEY_TYPE, packed)) == 0x80000004


@pytest.mark.parametrize(
    ("text", "code"), [("", None), ("0x80008104", 0x80008104), (" 2147516676 ", 0x80008104)]
)
def test_codes_are_read_in_hex_or_decimal(text, code):
    assert parse_code(text) == code


@pytest.mark.parametrize("text", ["0x1041", "zz", "0x1_0000_0000", "-1"])
def test_a_code_outside_the_vendor_range_is_refused_in_words(text):
    with pytest.raises(PkiError) as caught:
        parse_code(text)
    assert "厂商机制代码" in caught.value.message_zh and "vendor" in caught.value.message_en


def test_the_codes_are_settings_and_a_bad_one_is_not_used(tmp_path):
    save_settings(tmp_path, AppSettings(pkcs11_sm2_sign_digest="0x80008104"))
    assert load_settings(tmp_path).pkcs11_sm2_sign_digest == "0x80008104"
    save_settings(tmp_path, AppSettings(pkcs11_sm2_sign_digest="banana"))
    assert load_settings(tmp_path).pkcs11_sm2_sign_digest == ""


def test_the_known_codes_are_vendor_codes_with_a_source():
    assert KNOWN and all(parse_code(f"0x{k.code:08X}") == k.code for k in KNOWN)
