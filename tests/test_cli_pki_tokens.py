"""`evaluator pki token-import` and `evaluator pki tokens` against a real SoftHSM2 token."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from evaluator_app.pki import softhsm
from evaluator_app.pki.demo_pki import create_demo_pki


@pytest.mark.skipif(
    not softhsm.softhsm_available(), reason="SoftHSM2 (softhsm2 package) is not installed"
)
def test_token_import_then_list(tmp_path):
    demo = create_demo_pki(tmp_path / "pki")
    (tmp_path / "pin").write_text("135790\n", "utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SOFTHSM2_CONF"}

    def run(*a):
        return subprocess.run(
            [sys.executable, "-m", "evaluator_app", "pki", *a],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )

    imported = run(
        "token-import",
        "--dir",
        str(demo.root),
        "--person",
        "expert-nca-1",
        "--token-dir",
        str(tmp_path / "hsm"),
        "--pin-file",
        str(tmp_path / "pin"),
    )
    assert imported.returncode == 0, imported.stderr
    conf = imported.stdout.split("SOFTHSM2_CONF=")[1].strip()
    env["SOFTHSM2_CONF"] = conf
    listed = run("tokens", "--module", softhsm.find_softhsm_module() or "")
    assert listed.returncode == 0, listed.stderr
    assert "'expert-nca-1'" in listed.stdout and "刘洋" in listed.stdout
    missing = run(
        "token-import",
        "--dir",
        str(demo.root),
        "--person",
        "nobody",
        "--token-dir",
        str(tmp_path / "h2"),
        "--pin-file",
        str(tmp_path / "pin"),
    )
    assert missing.returncode == 2 and "no such person" in missing.stderr
    # SDCA issues SM2 keys, which SoftHSM2 cannot hold: refused in words, and no token is made
    sm2 = run(
        "token-import",
        "--dir",
        str(demo.root),
        "--person",
        "expert-sd-1",
        "--token-dir",
        str(tmp_path / "h3"),
        "--pin-file",
        str(tmp_path / "pin"),
    )
    assert sm2.returncode == 2 and "SM2" in sm2.stderr and "Traceback" not in sm2.stderr
    assert not (tmp_path / "h3").exists()
