"""A real SoftHSM2 token standing in for the experts' USB keys."""

from __future__ import annotations

import time

import pytest

from evaluator_app.pki import cms, softhsm
from evaluator_app.pki.credentials import list_tokens, open_token
from evaluator_app.pki.credentials._p11util import USER_PIN_LOCKED, map_error
from evaluator_app.pki.errors import (
    CredentialError,
    PinLockedError,
    TokenNotFoundError,
    TokenRemovedError,
    WrongPinError,
)
from evaluator_app.pki.signature_verify import Trust
from tests.signing.conftest import PIN


def test_list_tokens_shows_label_serial_and_certificate(token, alice):
    infos = {t.label: t for t in list_tokens(token.module)}
    info = infos[token.label]
    assert info.serial and info.slot >= 0
    assert not info.pin_locked and info.tries_left_hint is None
    assert [c.subject for c in info.certificates] == [
        "Common Name: alice, Organization: Test CA Co, Country: CN"
    ]
    assert "" not in infos  # SoftHSM's spare empty slot is not a token


def test_token_round_trip_key_stays_on_token(token, checker):
    from pkcs11 import Attribute, ObjectClass

    with open_token(token.module, PIN, token_label=token.label) as signer:
        sig = cms.sign_detached(b"score sheet bytes", signer)
        # The key object is sensitive and not extractable: only its handle is in this process.
        key = signer._key
        assert key[Attribute.SENSITIVE] and not key[Attribute.EXTRACTABLE]
        assert key.object_class is ObjectClass.PRIVATE_KEY
    v = cms.verify_detached(b"score sheet bytes", sig, checker)
    assert v.valid, v.reasons
    assert v.trust is Trust.TRUSTED


def test_wrong_pin_is_typed_with_hint(token):
    with pytest.raises(WrongPinError) as info:
        open_token(token.module, "000000", token_label=token.label)
    # SoftHSM raises CKF_USER_PIN_COUNT_LOW after a failure: we pass it on as a hint.
    assert info.value.tries_left == "low"
    assert "PIN" in str(info.value)
    assert {t.label: t for t in list_tokens(token.module)}[token.label].pin_count_low
    # The right PIN still works and clears the flag.
    open_token(token.module, PIN, token_label=token.label).close()
    assert not {t.label: t for t in list_tokens(token.module)}[token.label].pin_count_low


def test_softhsm_never_locks_after_many_wrong_pins(token):
    """Finding: SoftHSM 2.6 has no retry counter; a real USB key would lock (3-10 tries)."""
    for _ in range(12):
        with pytest.raises(WrongPinError):
            open_token(token.module, "999999", token_label=token.label)
    open_token(token.module, PIN, token_label=token.label).close()


def test_locked_pin_reported_by_token_is_refused_before_login(token):
    softhsm.set_token_flags(token, set_bits=USER_PIN_LOCKED)
    info = {t.label: t for t in list_tokens(token.module)}[token.label]
    assert info.pin_locked
    with pytest.raises(PinLockedError):
        open_token(token.module, PIN, token_label=token.label)


def test_ckr_pin_locked_maps_to_pin_locked_error():
    from pkcs11 import exceptions as e

    assert isinstance(map_error(e.PinLocked()), PinLockedError)
    assert isinstance(map_error(e.PinIncorrect(), flags=0x20000), WrongPinError)
    assert map_error(e.PinIncorrect(), flags=0x20000).tries_left == "final"
    assert isinstance(map_error(e.DeviceRemoved()), TokenRemovedError)
    assert isinstance(map_error(e.TokenNotPresent()), TokenRemovedError)
    assert type(map_error(e.MechanismInvalid())) is CredentialError


def test_unknown_token_label(token):
    with pytest.raises(TokenNotFoundError):
        open_token(token.module, PIN, token_label="no-such-key")


def test_token_removed_while_signing(token):
    signer = open_token(token.module, PIN, token_label=token.label)
    cms.sign_detached(b"first", signer)
    assert softhsm.remove_token_files(token) == 1
    t0 = time.monotonic()
    with pytest.raises(TokenRemovedError):
        cms.sign_detached(b"second", signer)
    assert time.monotonic() - t0 < 5
    signer.close()  # closing a vanished token is quiet
    with pytest.raises((TokenNotFoundError, TokenRemovedError)):
        open_token(token.module, PIN, token_label=token.label)


def test_hung_token_times_out(token):
    signer = open_token(token.module, PIN, token_label=token.label, timeout=0.3)
    try:
        with pytest.raises(TokenRemovedError):
            signer._dog.run(lambda: time.sleep(2), "signing")
        with pytest.raises(TokenRemovedError):
            signer.sign(b"after the hang")
    finally:
        signer.close()


def test_second_login_on_same_token_is_refused(token):
    with (
        open_token(token.module, PIN, token_label=token.label),
        pytest.raises(CredentialError, match="already open"),
    ):
        open_token(token.module, "wrong-pin", token_label=token.label)


def test_final_try_flag_becomes_hint(token):
    from evaluator_app.pki.credentials._p11util import USER_PIN_FINAL_TRY

    softhsm.set_token_flags(token, set_bits=USER_PIN_FINAL_TRY)
    assert {t.label: t for t in list_tokens(token.module)}[token.label].pin_final_try
    with pytest.raises(WrongPinError) as info:
        open_token(token.module, "000000", token_label=token.label)
    assert info.value.tries_left == "final"
    assert "最后一次" in info.value.message_zh


def test_token_removed_during_pades_signing(token):
    from evaluator_app.pki import pades
    from tests.signing.test_pades import report_pdf

    signer = open_token(token.module, PIN, token_label=token.label)
    softhsm.remove_token_files(token)
    with pytest.raises(TokenRemovedError):
        pades.sign_pdf(report_pdf(), signer)
    signer.close()


def test_openssl_verifies_token_cms(token, pki, openssl, tmp_path):
    import subprocess

    f = tmp_path / "sheet.json"
    f.write_bytes(b'{"score":"77.25"}')
    with open_token(token.module, PIN, token_label=token.label) as signer:
        p7s = cms.sign_file(f, signer)
    res = subprocess.run(
        [
            openssl,
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(p7s),
            "-content",
            str(f),
            "-CAfile",
            str(pki.root_pem),
            "-purpose",
            "any",
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert res.returncode == 0, res.stderr


def test_token_without_key_is_refused_and_logged_out(hsm_dir):
    empty = softhsm.create_token(hsm_dir, "empty-key", PIN, "12345678")
    try:
        for _ in range(2):  # the second try must not find the token still logged in
            with pytest.raises(CredentialError, match="no signing key"):
                open_token(empty.module, PIN, token_label=empty.label)
    finally:
        softhsm.remove_token_files(empty)


def test_missing_module_and_vanished_slot(token):
    with pytest.raises(CredentialError, match="PKCS#11 module"):
        list_tokens("/nonexistent/libnothing.so")
    with pytest.raises(TokenNotFoundError):
        open_token(token.module, PIN, slot=987654321)
