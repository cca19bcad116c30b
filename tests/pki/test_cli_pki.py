"""Exit codes of ``evaluator pki``, ``trust-list`` and ``cert`` (run in-process)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from evaluator_app.cli.main import main
from evaluator_app.pki.demo_pki import DemoPki, load_demo_pki
from tests.pki_fixtures import free_port


def _check(demo: DemoPki, person: str, *extra: str) -> int:
    p = demo.person(person)
    return main(
        [
            "cert",
            "check",
            str(p.cert),
            "--trust-list",
            str(demo.trust_list),
            "--pinned",
            str(demo.trust_list_signer.cert),
            "--crl",
            str(demo.ca(p.ca).crl),
            "--crl",
            str(demo.ca(p.ca).root_crl),
            *extra,
        ]
    )


def test_pki_demo_writes_a_loadable_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            ["pki", "demo", "--out", str(tmp_path / "d"), "--services-url", "http://127.0.0.1:9999"]
        )
        == 0
    )
    demo = load_demo_pki(tmp_path / "d")
    assert (
        demo.services_url == "http://127.0.0.1:9999"
        and "trust-list.json" in capsys.readouterr().out
    )


@pytest.mark.parametrize(
    ("person", "purpose", "code"),
    [
        ("expert-sd-1", "auth", 0),
        ("expert-dual-nca", "sign", 0),
        ("expert-revoked", "sign", 1),
        ("expert-expired", "auth", 1),
        ("expert-wrong-ku", "sign", 1),
        ("expert-rogue", "auth", 1),
    ],
)
def test_cert_check_exit_codes(
    demo_pki: DemoPki, capsys: pytest.CaptureFixture[str], person: str, purpose: str, code: int
) -> None:
    assert _check(demo_pki, person, "--purpose", purpose) == code
    out = capsys.readouterr().out
    assert ("VALID" in out) if code == 0 else ("INVALID" in out)


def test_cert_check_reason_and_at(demo_pki: DemoPki, capsys: pytest.CaptureFixture[str]) -> None:
    assert _check(demo_pki, "expert-old", "--purpose", "sign") == 1
    assert "[ca-withdrawn]" in capsys.readouterr().out
    at = (demo_pki.ca("oldca").withdrawn_at - timedelta(days=5)).isoformat()  # type: ignore[operator]
    assert _check(demo_pki, "expert-old", "--purpose", "sign", "--at", at) == 0


def test_cert_check_usage_errors(demo_pki: DemoPki, tmp_path: Path) -> None:
    cert = str(demo_pki.person("expert-sd-1").cert)
    assert main(["cert", "check", cert]) == 2  # no trust list
    assert (
        main(
            [
                "cert",
                "check",
                cert,
                "--trust-list",
                str(tmp_path / "missing.json"),
                "--pinned",
                str(demo_pki.trust_list_signer.cert),
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "cert",
                "check",
                cert,
                "--demo",
                str(demo_pki.root),
                "--crl",
                str(demo_pki.ca("sdca").crl),
                "--crl",
                str(demo_pki.ca("sdca").root_crl),
            ]
        )
        == 0
    )


def test_trust_list_build_show_verify(
    demo_pki: DemoPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tl.json"
    signer = demo_pki.trust_list_signer
    config = tmp_path / "config.json"
    raw = json.loads(demo_pki.trust_list_config.read_text(encoding="utf-8"))
    for ca in (*raw["cas"], *raw["parties"]):  # make paths absolute: the config moved
        ca["certificates"] = [str(demo_pki.root / p) for p in ca["certificates"]]
    config.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    assert (
        main(
            [
                "trust-list",
                "build",
                "--config",
                str(config),
                "--key",
                str(signer.key),
                "--cert",
                str(signer.cert),
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert main(["trust-list", "verify", str(out), "--pinned", str(signer.cert)]) == 0
    assert main(["trust-list", "show", str(out)]) == 0
    assert demo_pki.ca("nca").name in capsys.readouterr().out
    doc = json.loads(out.read_text(encoding="utf-8"))
    doc["trust_list"]["sequence_number"] = 99
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert main(["trust-list", "verify", str(out), "--pinned", str(signer.cert)]) == 1
    assert "篡改" in capsys.readouterr().err
    assert (
        main(["trust-list", "verify", str(out), "--pinned", str(demo_pki.venue("jinan").cert)]) == 1
    )


def test_pki_serve_runs_until_stopped(demo_pki: DemoPki) -> None:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "evaluator_app",
            "pki",
            "serve",
            "--dir",
            str(demo_pki.root),
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1) as resp:
                    assert resp.read() == b"ok"
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise
                time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(10)
