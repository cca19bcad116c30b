"""``evaluator draw import|run|verify`` on real files: exit codes and what they name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator_app.cli.main import main
from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.core.draw.request_json import request_body
from evaluator_app.demo.pool import synthetic_pool
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.protocol import draw as layout
from tests.draw.conftest import MadeDraw, make_request
from tests.draw.test_draw_service import write_list

D = "draw/JN-2026-0418-D1/"


def test_verify_a_record_exactly_then_tampered(
    made_draw: MadeDraw, draw_pki: DemoPki, tmp_path: Path, capsys
):  # type: ignore[no-untyped-def]
    files = {**made_draw.files, layout.TRUST_LIST: draw_pki.trust_list.read_bytes()}
    good = tmp_path / "good.draw.zip"
    good.write_bytes(layout.zip_bundle(files))
    pinned = str(draw_pki.trust_list_signer.cert)
    assert main(["draw", "verify", str(good), "--pinned", pinned]) == 0
    out = capsys.readouterr().out
    assert "RECOMPUTED EXACTLY" in out and "signed by the pinned key" in out
    record = json.loads(files[D + "record.json"])
    record["seed"] = "0" * 64
    bad = tmp_path / "bad.draw.zip"
    bad.write_bytes(layout.zip_bundle({**files, D + "record.json": canonical_bytes(record)}))
    assert main(["draw", "verify", str(bad), "--pinned", pinned]) == 1
    out = capsys.readouterr().out
    assert f"DIFFERS at {D}record.json field 'seed'" in out
    assert main(["draw", "verify", str(tmp_path / "missing.zip")]) == 2


def test_import_and_run_from_the_command_line(draw_pki: DemoPki, tmp_path: Path, capsys):  # type: ignore[no-untyped-def]
    write_list(
        tmp_path / "list.csv", synthetic_pool(120, seed=3, specialties=3, cities=("济南", "淄博"))
    )
    data = tmp_path / "centre"
    assert main(["draw", "import", str(tmp_path / "list.csv"), "--data-dir", str(data)]) == 0
    assert "120" in capsys.readouterr().out
    (tmp_path / "bad.csv").write_text("编号,姓名\nE1,张三\n", "utf-8")
    assert main(["draw", "import", str(tmp_path / "bad.csv"), "--data-dir", str(data)]) == 1
    assert "「评标专业」" in capsys.readouterr().out
    request = tmp_path / "request.json"
    request.write_text(
        json.dumps(request_body(make_request(draw_pki)), ensure_ascii=False), "utf-8"
    )
    args = ["draw", "run", str(request), "--data-dir", str(data)]
    for key in ("centre-1", "supervisor-jinan"):
        person = draw_pki.person(key)
        secret = tmp_path / f"{key}.txt"
        secret.write_text(person.password, "utf-8")
        args += ["--p12", str(person.p12), "--password-file", str(secret)]
    (tmp_path / "seal.txt").write_text("centre-seal-2026", "utf-8")
    out = tmp_path / "D1.draw.zip"
    args += [
        "--trust-list",
        str(draw_pki.trust_list),
        "--pinned",
        str(draw_pki.trust_list_signer.cert),
    ]
    args += ["--seal-password-file", str(tmp_path / "seal.txt"), "--out", str(out)]
    assert main(args) == 0
    assert "抽中 5 人" in capsys.readouterr().out
    assert main(["draw", "verify", str(out)]) == 0
    assert "signer NOT pinned" in capsys.readouterr().out
    assert main(args) == 1  # the same draw id twice
    assert "已存在" in capsys.readouterr().err


@pytest.mark.parametrize("field", ["needs", "parties"])
def test_a_bad_request_is_named(draw_pki: DemoPki, tmp_path: Path, capsys, field):  # type: ignore[no-untyped-def]
    body = request_body(make_request(draw_pki))
    body[field] = []
    path = tmp_path / "request.json"
    path.write_text(json.dumps(body, ensure_ascii=False), "utf-8")
    args = [
        "draw",
        "run",
        str(path),
        "--data-dir",
        str(tmp_path),
        "--p12",
        "x",
        "--password-file",
        "y",
    ]
    args += ["--trust-list", "t", "--pinned", "p", "--seal-password-file", "s", "--out", "o"]
    assert main(args) == 2
    assert f"request.{field}" in capsys.readouterr().err
