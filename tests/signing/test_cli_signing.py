"""`evaluator sign` / `evaluator verify` end to end on the demo PKI with its live TSA/CRL/OCSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from evaluator_app.cli.main import main
from evaluator_app.pki import softhsm
from evaluator_app.pki.demo_pki import DemoPki
from tests.pki_fixtures import ServicesThread, build_demo_pki, free_port
from tests.signing.conftest import PIN, SO_PIN
from tests.signing.test_pades import report_pdf


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoPki, ServicesThread]]:
    port = free_port()
    d = build_demo_pki(tmp_path_factory, services_url=f"http://127.0.0.1:{port}", name="sign-demo")
    services = ServicesThread(d, port).start()
    yield d, services
    services.stop()


def _pw(tmp: Path, name: str, secret: str) -> Path:
    f = tmp / name
    f.write_text(secret + "\n", encoding="utf-8")
    return f


def _trust(d: DemoPki) -> list[str]:
    return ["--trust-list", str(d.trust_list), "--pinned", str(d.trust_list_signer.cert)]


def _sign_p12(d: DemoPki, person: str, tmp: Path, target: Path, *extra: str) -> int:
    p = d.person(person)
    return main(
        [
            "sign",
            "--p12",
            str(p.p12),
            "--password-file",
            str(_pw(tmp, f"{person}.pw", p.password)),
            "--tsa",
            d.tsa.url or f"{d.services_url}/tsa",
            *extra,
            str(target),
        ]
    )


def test_cli_signs_and_verifies_sheet(demo, tmp_path, capsys):
    d, _ = demo
    sheet = tmp_path / "sheet.json"
    sheet.write_bytes(b'{"bidder-1":"87.50","schema":{"kind":"score_sheet","version":1}}')
    assert _sign_p12(d, "expert-sd-1", tmp_path, sheet) == 0
    assert (tmp_path / "sheet.json.p7s").is_file()
    capsys.readouterr()
    assert main(["verify", *_trust(d), str(sheet)]) == 0
    assert (
        main(["verify", *_trust(d), str(tmp_path / "sheet.json.p7s")]) == 0
    )  # naming the .p7s works too
    out = capsys.readouterr().out
    assert out.count("VALID") == 2 and "INVALID" not in out
    assert d.person("expert-sd-1").name in out and "timestamp=20" in out
    sheet.write_bytes(sheet.read_bytes().replace(b"87.50", b"97.50"))
    assert main(["verify", *_trust(d), str(sheet)]) == 1
    assert "INVALID" in capsys.readouterr().out


def test_cli_report_signed_in_turn(demo, tmp_path, capsys):
    d, _ = demo
    report = tmp_path / "report.pdf"
    report.write_bytes(report_pdf())
    assert _sign_p12(d, "expert-sd-1", tmp_path, report, "--out", str(report)) == 0
    assert _sign_p12(d, "expert-nca-1", tmp_path, report, "--out", str(report)) == 0
    capsys.readouterr()
    assert main(["verify", *_trust(d), str(report)]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "VALID" in line]
    assert len(lines) == 2 and all(line.split(": ", 1)[1].startswith("VALID") for line in lines)


def test_cli_default_pdf_output_name(demo, tmp_path):
    d, _ = demo
    report = tmp_path / "r.pdf"
    report.write_bytes(report_pdf())
    assert _sign_p12(d, "expert-sd-2", tmp_path, report) == 0
    assert (tmp_path / "r-signed.pdf").is_file()


def test_cli_revoked_signer_refused_online(demo, tmp_path, capsys):
    d, _ = demo
    f = tmp_path / "vote.json"
    f.write_bytes(b'{"vote":"pass"}')
    assert _sign_p12(d, "expert-revoked", tmp_path, f) == 0
    capsys.readouterr()
    assert main(["verify", *_trust(d), "--online", "--revocation", "require", str(f)]) == 1
    assert "revoked" in capsys.readouterr().out.lower()


def test_cli_rogue_ca_refused(demo, tmp_path, capsys):
    d, _ = demo
    f = tmp_path / "note.txt"
    f.write_text("witness note")
    assert _sign_p12(d, "expert-rogue", tmp_path, f) == 0
    assert main(["verify", *_trust(d), str(f)]) == 1


def test_cli_usage_errors(demo, tmp_path, capsys):
    d, _ = demo
    f = tmp_path / "x.txt"
    f.write_text("x")
    assert main(["verify", *_trust(d), str(tmp_path / "missing.txt")]) == 2
    assert main(["verify", "--trust-list", str(d.trust_list), str(f)]) == 2
    assert main(["verify", *_trust(d), str(f)]) == 1  # no signature: not valid
    assert main(["sign", str(f)]) == 2  # no credential
    p = d.person("expert-sd-1")
    assert (
        main(
            [
                "sign",
                "--p12",
                str(p.p12),
                "--password-file",
                str(_pw(tmp_path, "bad.pw", "nope")),
                str(f),
            ]
        )
        == 1
    )
    assert "password" in capsys.readouterr().err.lower()


def test_cli_sign_with_softhsm_token(demo, hsm_dir, tmp_path, capsys):
    d, _ = demo
    person = d.person("expert-nca-2")
    tok = softhsm.create_token(hsm_dir, "cli-key", PIN, SO_PIN)
    softhsm.import_identity(tok, person.load_key(), person.load_cert())
    try:
        f = tmp_path / "sheet.json"
        f.write_text('{"score":"88"}')
        base = ["sign", "--pkcs11-module", tok.module, "--token-label", tok.label]
        assert main([*base, "--pin-file", str(_pw(tmp_path, "bad.pin", "000000")), str(f)]) == 1
        assert "PIN" in capsys.readouterr().err
        assert (
            main(
                [
                    *base,
                    "--pin-file",
                    str(_pw(tmp_path, "pin", PIN)),
                    "--tsa",
                    f"{d.services_url}/tsa",
                    str(f),
                ]
            )
            == 0
        )
        assert main(["verify", *_trust(d), str(f)]) == 0
        assert person.name in capsys.readouterr().out
    finally:
        softhsm.remove_token_files(tok)


def test_cli_b_lt_verifies_offline_with_revocation_required(demo, tmp_path, capsys):
    d, _ = demo
    roots = [a for ca in d.cas for a in ("--root", str(ca.root_cert))]
    crls = [a for c in sorted((d.root / "ca").glob("*.crl")) for a in ("--crl", str(c))]
    lt, bt = tmp_path / "lt.pdf", tmp_path / "bt.pdf"
    lt.write_bytes(report_pdf())
    bt.write_bytes(report_pdf())
    assert _sign_p12(d, "expert-sd-3", tmp_path, lt, "--lt", *roots, *crls, "--out", str(lt)) == 0
    assert _sign_p12(d, "expert-sd-3", tmp_path, bt, "--out", str(bt)) == 0
    capsys.readouterr()
    # Offline (no --online): only the CRLs in the DSS can answer the revocation question.
    assert main(["verify", *_trust(d), "--revocation", "require", str(lt)]) == 0
    assert main(["verify", *_trust(d), "--revocation", "require", str(bt)]) == 1
    out = capsys.readouterr().out
    bt_line = next(line for line in out.splitlines() if "bt.pdf" in line)
    assert "INVALID" in bt_line and "trust=unknown" in bt_line, bt_line
