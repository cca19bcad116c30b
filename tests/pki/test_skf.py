"""The SKF backend through its real ctypes binding against the software SKF token (C)."""

from __future__ import annotations

import ctypes
import ctypes.util
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evaluator_app.pki import sm2, softskf
from evaluator_app.pki.credentials import _skfapi as api
from evaluator_app.pki.credentials.skf import list_skf_keys, open_skf
from evaluator_app.pki.errors import (
    CredentialError,
    PinLockedError,
    TokenNotFoundError,
    TokenRemovedError,
    WrongPinError,
)
from tests.skf_fixtures import Sm2Holder, build_softskf, set_root, sm2_holder

PIN = "123456"


@pytest.fixture(scope="module")
def skf_lib(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_softskf(tmp_path_factory)


@pytest.fixture(scope="module")
def holder() -> Sm2Holder:
    return sm2_holder()


@pytest.fixture
def token(skf_lib: Path, holder: Sm2Holder, tmp_path: Path) -> Iterator[softskf.Device]:
    root = tmp_path / "tokens"
    dev = softskf.provision(
        root,
        "SKF-KEY-1",
        key=holder.key,
        sign_cert_der=holder.der(holder.sign_cert),
        enc_cert_der=holder.der(holder.enc_cert),
        pin=PIN,
        label="王芳的 USB Key",
        serial="SN0001",
    )
    set_root(skf_lib, root)
    yield dev
    set_root(skf_lib, tmp_path / "nothing")  # no later test sees this one's keys


def _wait_for(path: Path, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never appeared")
        time.sleep(0.01)


def test_packed_structures_have_the_standard_sizes() -> None:
    # GM/T 0016 headers are #pragma pack(1); ULONG is 32 bits everywhere
    assert ctypes.sizeof(api.ULONG) == 4
    assert ctypes.sizeof(api.DevInfo) == 294
    assert ctypes.sizeof(api.EccPublicKeyBlob) == 132
    assert ctypes.sizeof(api.EccSignatureBlob) == 128


def test_listing_shows_the_key_its_pair_and_its_pin_counter(
    skf_lib: Path, token: softskf.Device, holder: Sm2Holder
) -> None:
    (key,) = list_skf_keys(str(skf_lib))
    assert (key.device, key.label, key.serial) == ("SKF-KEY-1", "王芳的 USB Key", "SN0001")
    assert (key.pin_max, key.pin_remaining, key.pin_locked) == (6, 6, False)
    (con,) = key.containers
    assert con.sign_cert == holder.der(holder.sign_cert)
    assert con.enc_cert == holder.der(holder.enc_cert)


def test_hot_plug_listing_follows_the_key(skf_lib: Path, token: softskf.Device) -> None:
    token.unplug()
    assert list_skf_keys(str(skf_lib)) == []
    with pytest.raises(TokenNotFoundError):
        open_skf(str(skf_lib), PIN)
    token.plug()
    assert [k.device for k in list_skf_keys(str(skf_lib))] == ["SKF-KEY-1"]


def test_signature_with_z_verifies_here_and_with_openssl(
    skf_lib: Path, token: softskf.Device, holder: Sm2Holder, tmp_path: Path
) -> None:
    message = "评标专家 score sheet".encode()
    with open_skf(str(skf_lib), PIN) as signer:
        assert signer.key_algorithm == "sm2" and signer.default_hash == "sm3"
        assert signer.certificate.dump() == holder.der(holder.sign_cert)
        assert signer.encryption_certificate is not None
        assert signer.encryption_certificate.dump() == holder.der(holder.enc_cert)
        der = signer.sign(message)
    assert sm2.verify(holder.key.public, message, der)
    assert not sm2.verify(holder.key.public, message + b"x", der)
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl not installed")
    cert = tmp_path / "sign.der"
    cert.write_bytes(holder.der(holder.sign_cert))
    pub = tmp_path / "pub.pem"
    subprocess.run(
        [
            openssl,
            "x509",
            "-inform",
            "DER",
            "-in",
            str(cert),
            "-pubkey",
            "-noout",
            "-out",
            str(pub),
        ],
        check=True,
    )
    (tmp_path / "m").write_bytes(message)
    (tmp_path / "sig").write_bytes(der)
    run = subprocess.run(
        [openssl, "pkeyutl", "-verify", "-pubin", "-inkey", str(pub), "-rawin", "-digest", "sm3",
         "-pkeyopt", f"distid:{sm2.DEFAULT_ID.decode()}", "-in", str(tmp_path / "m"),
         "-sigfile", str(tmp_path / "sig")],
        capture_output=True, text=True,
    )  # fmt: skip
    assert "Signature Verified Successfully" in run.stdout


def test_wrong_pin_reports_the_tries_left_then_locks(skf_lib: Path, token: softskf.Device) -> None:
    for left in (5, 4, 3, 2, 1):
        with pytest.raises(WrongPinError) as err:
            open_skf(str(skf_lib), "000000")
        assert err.value.remaining == left
        assert f"还剩 {left} 次" in err.value.message_zh
    assert err.value.tries_left == "final"
    with pytest.raises(PinLockedError):
        open_skf(str(skf_lib), "000000")
    assert token.pin_remaining() == 0
    # locked: even the right PIN is refused, and no further try is spent
    with pytest.raises(PinLockedError):
        open_skf(str(skf_lib), PIN)
    (key,) = list_skf_keys(str(skf_lib))
    assert key.pin_locked


def test_right_pin_resets_the_counter(skf_lib: Path, token: softskf.Device) -> None:
    with pytest.raises(WrongPinError):
        open_skf(str(skf_lib), "bad")
    assert token.pin_remaining() == 5
    open_skf(str(skf_lib), PIN).close()
    assert token.pin_remaining() == 6


def test_key_removed_mid_signature_is_a_typed_error(
    skf_lib: Path, token: softskf.Device, holder: Sm2Holder
) -> None:
    signer = open_skf(str(skf_lib), PIN, timeout=30)
    token.set_behaviour(hang=True)
    with ThreadPoolExecutor(1) as pool:
        fut = pool.submit(signer.sign, b"sheet")
        _wait_for(token.path / "signing")
        token.unplug()
        with pytest.raises(TokenRemovedError):
            fut.result(timeout=20)
    signer.close()
    token.plug()
    token.set_behaviour()
    with open_skf(str(skf_lib), PIN) as again:  # plugged back in: works again
        assert sm2.verify(holder.key.public, b"m", again.sign(b"m"))


def test_a_key_that_stops_answering_times_out(skf_lib: Path, token: softskf.Device) -> None:
    signer = open_skf(str(skf_lib), PIN, timeout=0.5)
    token.set_behaviour(hang=True)
    started = time.monotonic()
    with pytest.raises(TokenRemovedError) as err:
        signer.sign(b"sheet")
    assert time.monotonic() - started < 10
    assert "无响应" in err.value.message_zh
    with pytest.raises(TokenRemovedError):  # the stuck key is not used again
        signer.sign(b"again")
    signer.close()  # returns at once although the call is still stuck
    stuck = [t for t in threading.enumerate() if t.name.startswith("p11-")]
    token.unplug()  # releases the token's stuck call
    for t in stuck:
        t.join(timeout=10)


def test_no_key_and_bad_library_are_clear_errors(skf_lib: Path, tmp_path: Path) -> None:
    set_root(skf_lib, tmp_path / "empty")
    assert list_skf_keys(str(skf_lib)) == []
    with pytest.raises(TokenNotFoundError):
        open_skf(str(skf_lib), PIN)
    with pytest.raises(CredentialError) as err:
        open_skf(str(tmp_path / "missing.so"), PIN)
    assert "SKF" in err.value.message_zh
    libc = ctypes.util.find_library("c")
    if libc:
        with pytest.raises(CredentialError) as err:
            open_skf(libc, PIN)
        assert "不是 SKF 驱动" in err.value.message_zh


def test_a_container_without_an_sm2_certificate_is_refused(
    skf_lib: Path, token: softskf.Device
) -> None:
    (token.application() / softskf.DEFAULT_CONTAINER / "sign.der").unlink()
    with pytest.raises(CredentialError) as err:
        open_skf(str(skf_lib), PIN)
    assert "SM2 签名证书" in err.value.message_zh
