"""`evaluator verify --explain`: the printed openssl commands are run, and they agree with the
application on a good SM2 signature, on altered content and on an altered signature value."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

from evaluator_app.cli.main import main
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.sm2_file import Sm2FileSigner
from tests.skf_fixtures import Sm2Holder, sm2_holder

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")


@pytest.fixture(scope="module")
def holder() -> Sm2Holder:
    return sm2_holder()


def _signed(tmp_path: Path, holder: Sm2Holder) -> tuple[Path, Path]:
    def a(c):  # type: ignore[no-untyped-def]
        return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

    signer = Sm2FileSigner(holder.key, a(holder.sign_cert), (a(holder.ca_cert),))
    data = tmp_path / "sheet.json"
    data.write_bytes('{"bidder":"B2","score":"90.63","专家":"王芳"}'.encode())
    (tmp_path / "sheet.json.p7s").write_bytes(sign_detached(data.read_bytes(), signer))
    root = tmp_path / "ca.pem"
    root.write_bytes(holder.ca_cert.public_bytes(serialization.Encoding.PEM))
    return data, root


def _explain(data: Path, root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = main(["verify", "--explain", "--revocation", "off", "--root", str(root), str(data)])
    return rc, capsys.readouterr().out


def _run(script: str, cwd: Path) -> str:
    commands = "\n".join(
        line for line in script.splitlines() if line.strip() and not line.startswith("#")
    )
    run = subprocess.run(
        ["bash", "-c", commands], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    return run.stdout + run.stderr


def _digests_agree(out: str) -> bool:
    attr = re.search(r"HEX DUMP\]:([0-9A-F]{64})", out)
    file_digest = re.search(r"^([0-9a-f]{64}) \*", out, re.M)
    assert attr and file_digest, out
    return attr.group(1).lower() == file_digest.group(1)


def test_good_signature_every_command_agrees(
    tmp_path: Path, holder: Sm2Holder, capsys: pytest.CaptureFixture[str]
) -> None:
    data, root = _signed(tmp_path, holder)
    rc, out = _explain(data, root, capsys)
    assert rc == 0 and re.search(r"sheet\.json: VALID", out), out
    assert "distid:1234567812345678" in out and "dgst -sm3" in out and "-strparse" in out
    result = _run(out, tmp_path)
    assert "Verified OK" in result
    assert _digests_agree(result)
    assert "link-1.pem: OK" in result and "ca-1.pem: OK" in result


def test_altered_content_digests_differ_and_the_app_refuses(
    tmp_path: Path, holder: Sm2Holder, capsys: pytest.CaptureFixture[str]
) -> None:
    data, root = _signed(tmp_path, holder)
    data.write_bytes(data.read_bytes().replace(b"90.63", b"99.63"))
    rc, out = _explain(data, root, capsys)
    assert rc == 1 and re.search(r"sheet\.json: INVALID", out), out
    result = _run(out, tmp_path)
    assert "Verified OK" in result  # the attributes are still signed...
    assert not _digests_agree(result)  # ...but they name another content


def test_altered_signature_value_fails_in_openssl_and_in_the_app(
    tmp_path: Path, holder: Sm2Holder, capsys: pytest.CaptureFixture[str]
) -> None:
    data, root = _signed(tmp_path, holder)
    p7s = tmp_path / "sheet.json.p7s"
    raw = bytearray(p7s.read_bytes())
    raw[-3] ^= 0x01  # the last bytes of the file are the SM2 signature's s
    p7s.write_bytes(bytes(raw))
    rc, out = _explain(data, root, capsys)
    assert rc == 1 and re.search(r"sheet\.json: INVALID", out), out
    result = _run(out, tmp_path)
    assert "Verified OK" not in result and "Verification failure" in result
    assert _digests_agree(result)


def test_explain_refuses_a_non_sm2_signature(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from datetime import UTC, datetime, timedelta

    from cryptography.hazmat.primitives.asymmetric import ec

    from evaluator_app.pki import x509_build as xb
    from evaluator_app.pki.credentials.pkcs12 import Pkcs12Signer

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    cert = xb.build_cert(
        subject=xb.make_name("ECDSA signer"),
        public_key=key.public_key(),
        issuer_cert=None,
        issuer_key=key,
        not_before=now - timedelta(days=1),
        not_after=now + timedelta(days=1),
    )
    data = tmp_path / "f.json"
    data.write_bytes(b"{}")
    (tmp_path / "f.json.p7s").write_bytes(sign_detached(b"{}", Pkcs12Signer(key, cert)))
    main(["verify", "--explain", "--revocation", "off", str(data)])
    assert "--explain 只用于 SM2 签名" in capsys.readouterr().err
