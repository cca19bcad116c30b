"""SM2/SM3 primitives (pki/sm2.py over gmssl_pyx) cross-checked against independent ones:
the pure-Python snowland-smx (pysmx) and OpenSSL 3's command line."""

from __future__ import annotations

import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from evaluator_app.pki import sm2
from evaluator_app.pki.credentials import sm2_file
from evaluator_app.pki.errors import CredentialError, WrongPasswordError

pysmx_sm2 = pytest.importorskip("pysmx.SM2")
pysmx_sm3 = pytest.importorskip("pysmx.SM3")

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl not installed")

# GB/T 32905-2016 appendix A
SM3_VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]


@pytest.mark.parametrize(("message", "expected"), SM3_VECTORS)
def test_sm3_vectors(message: bytes, expected: str) -> None:
    assert sm2.sm3(message).hex() == expected
    assert pysmx_sm3.digest(message).hex() == expected


def test_sm3_agrees_with_pysmx_on_many_lengths() -> None:
    for n in (0, 1, 55, 56, 63, 64, 65, 1000):
        data = bytes(range(256)) * 4
        assert sm2.sm3(data[:n]) == pysmx_sm3.digest(data[:n])


def _pysmx_public(key: sm2.PrivateKey) -> str:
    return pysmx_sm2.kG(int.from_bytes(key.secret, "big"), pysmx_sm2.sm2_G, 64)


def test_public_key_derivation_matches_pysmx() -> None:
    key = sm2.PrivateKey.generate()
    assert sm2.PrivateKey.from_secret(key.secret).public == key.public
    assert _pysmx_public(key) == key.public.raw.hex()


def test_z_value_matches_pysmx_for_default_and_other_ids() -> None:
    key = sm2.PrivateKey.generate()
    for uid in (sm2.DEFAULT_ID, b"ALICE123@YAHOO.COM", b""):
        ours = sm2.z_value(key.public, uid)
        theirs = pysmx_sm2.get_za(uid, key.public.raw.hex(), 64)
        assert ours.hex() == theirs


def test_ours_signs_pysmx_verifies_with_the_default_id() -> None:
    key = sm2.PrivateKey.generate()
    message = "评标 score sheet".encode()
    r, s = sm2.der_to_rs(key.sign(message))
    rs = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    pub = key.public.raw.hex()
    assert pysmx_sm2.Verify(rs, message, pub, 64, uid=sm2.DEFAULT_ID)
    assert not pysmx_sm2.Verify(rs, message + b"!", pub, 64, uid=sm2.DEFAULT_ID)
    assert not pysmx_sm2.Verify(rs, message, pub, 64, uid=b"1234567812345679")


def test_pysmx_signs_ours_verifies() -> None:
    key = sm2.PrivateKey.generate()
    message = b"declaration"
    k = "%064x" % (secrets.randbelow(sm2.N - 1) + 1)
    rs = pysmx_sm2.Sign(message, key.secret.hex(), k, 64, uid=sm2.DEFAULT_ID)
    der = sm2.rs_to_der(rs)
    assert sm2.verify(key.public, message, der)
    assert not sm2.verify(key.public, message, der, signer_id=b"other id")
    assert not sm2.verify(key.public, b"other", der)


def test_sign_digest_equals_sign_over_z_and_message() -> None:
    key = sm2.PrivateKey.generate()
    e = sm2.message_digest(key.public, b"m")
    assert sm2.verify(key.public, b"m", key.sign_digest(e))
    assert sm2.verify_digest(key.public, e, key.sign(b"m"))


def test_signatures_differ_each_time() -> None:
    # a fresh nonce per signature (a repeated k would give the key away)
    key = sm2.PrivateKey.generate()
    assert len({key.sign(b"same") for _ in range(8)}) == 8


def test_malformed_signature_and_point_are_refused() -> None:
    key = sm2.PrivateKey.generate()
    good = key.sign(b"x")
    assert not sm2.verify(key.public, b"x", good + b"\x00")  # trailing garbage: not DER
    assert not sm2.verify(key.public, b"x", b"\x30\x00")
    assert not sm2.verify(key.public, b"x", sm2.rs_to_der(bytes(64)))  # r = s = 0
    with pytest.raises(sm2.SM2Error):
        sm2.PublicKey(b"\x01" * 64)
    with pytest.raises(sm2.SM2Error):
        sm2.rs_to_der(b"\x01" * 63)


def test_rs_and_der_round_trip() -> None:
    rs = (5).to_bytes(32, "big") + (2**255).to_bytes(32, "big")
    r, s = sm2.der_to_rs(sm2.rs_to_der(rs))
    assert (r, s) == (5, 2**255)


@needs_openssl
def test_openssl_verifies_ours_and_we_verify_openssl(tmp_path: Path) -> None:
    key_pem = tmp_path / "k.pem"
    subprocess.run([OPENSSL, "genpkey", "-algorithm", "SM2", "-out", str(key_pem)], check=True)
    key, _ = sm2_file.read_key_file(key_pem.read_bytes(), b"")
    msg = tmp_path / "m"
    msg.write_bytes(b"signed with the GM/T 0009 default ID")
    pub = tmp_path / "pub.pem"
    subprocess.run([OPENSSL, "pkey", "-in", str(key_pem), "-pubout", "-out", str(pub)], check=True)
    ours = tmp_path / "ours.sig"
    ours.write_bytes(key.sign(msg.read_bytes()))
    distid = f"distid:{sm2.DEFAULT_ID.decode()}"
    run = subprocess.run(
        [OPENSSL, "pkeyutl", "-verify", "-in", str(msg), "-sigfile", str(ours), "-pubin",
         "-inkey", str(pub), "-rawin", "-digest", "sm3", "-pkeyopt", distid],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Signature Verified Successfully" in run.stdout
    theirs = tmp_path / "theirs.sig"
    subprocess.run(
        [OPENSSL, "pkeyutl", "-sign", "-in", str(msg), "-inkey", str(key_pem), "-rawin",
         "-digest", "sm3", "-pkeyopt", distid, "-out", str(theirs)],
        check=True,
    )  # fmt: skip
    assert sm2.verify(key.public, msg.read_bytes(), theirs.read_bytes())
    assert not sm2.verify(key.public, msg.read_bytes() + b".", theirs.read_bytes())


@needs_openssl
def test_key_files_openssl_reads_ours_and_we_read_openssls(tmp_path: Path) -> None:
    key = sm2.PrivateKey.generate()
    ours = tmp_path / "ours.pem"
    ours.write_bytes(sm2_file.write_key_file(key, [], b"pw", iterations=2048))
    out = subprocess.run(
        [OPENSSL, "pkey", "-in", str(ours), "-passin", "pass:pw", "-pubout", "-outform", "DER"],
        capture_output=True, check=True,
    )  # fmt: skip
    assert out.stdout.endswith(key.public.point)
    plain = tmp_path / "plain.pem"
    subprocess.run([OPENSSL, "genpkey", "-algorithm", "SM2", "-out", str(plain)], check=True)
    enc = tmp_path / "enc.pem"
    subprocess.run(
        [OPENSSL, "pkcs8", "-topk8", "-in", str(plain), "-v2", "aes-128-cbc", "-passout",
         "pass:密码", "-out", str(enc)],
        check=True,
    )  # fmt: skip
    k1, _ = sm2_file.read_key_file(plain.read_bytes(), b"")
    k2, _ = sm2_file.read_key_file(enc.read_bytes(), "密码".encode())
    assert k1.public == k2.public
    with pytest.raises(WrongPasswordError):
        sm2_file.read_key_file(enc.read_bytes(), b"wrong")


def test_a_non_sm2_key_file_is_refused_clearly() -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(CredentialError) as err:
        sm2_file.read_key_file(pem, b"")
    assert "SM2" in err.value.message_zh
    with pytest.raises(CredentialError):
        sm2_file.read_key_file(b"not a key", b"")
