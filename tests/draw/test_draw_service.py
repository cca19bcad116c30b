"""The centre's draw service end to end: import, draw, seal, open, decline, replacements."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from evaluator_app.client.draw.importer import ImportRefusedError, read_expert_list
from evaluator_app.client.draw.pool_list import HEADER, list_row, write_expert_list
from evaluator_app.client.draw.sealing import SealError
from evaluator_app.client.draw.service import DrawService
from evaluator_app.core.draw.model import Cause, Need, Rule, Rules
from evaluator_app.demo.pool import synthetic_pool
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.trust_list import load_trust_list
from tests.draw.conftest import make_request, signer


def write_list(path: Path, entries, extra_rows=()):  # type: ignore[no-untyped-def]
    rows = [list_row(e.expert, e.name, e.person.person_id) for e in entries]
    return write_expert_list(path, [*rows, *extra_rows])


def test_every_bad_row_is_named_and_nothing_is_stored(tmp_path: Path):
    path = tmp_path / "list.csv"
    bad = [
        ["E9", "王五", "1", "A010101", "济南", "单位", "睡觉", "", "", ""],
        ["E8", "", "2", "bad code", "济南", "单位", "在库", "", "", "2026-13-01"],
    ]
    write_list(path, synthetic_pool(3), bad)
    with pytest.raises(ImportRefusedError) as error:
        read_expert_list(path)
    texts = [p.text() for p in error.value.problems]
    assert "第 5 行「状态」：状态应为 在库、暂停 或 退出" in texts
    assert any(t.startswith("第 6 行「姓名」") for t in texts)
    assert any(t.startswith("第 6 行「评标专业」") for t in texts)
    assert any(t.startswith("第 6 行「抽取日期」") for t in texts)
    assert error.value.problems[0].text("en").startswith("line 5 field 'status'")


def test_an_xlsx_list_reads_like_csv(tmp_path: Path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    sheet.append(
        ["E1", "张三", "370000", "A010101;A010103", "济南", "单位甲", "在库", None, None, None]
    )
    sheet.append(
        ["E2", "李四", "370001", "A010101", "淄博", "单位乙", "暂停", "2026-05-01", None, None]
    )
    book.save(tmp_path / "list.xlsx")
    rows = read_expert_list(tmp_path / "list.xlsx")
    assert [(r.id, r.specialties, r.status.value) for r in rows] == [
        ("E1", ("A010101", "A010103"), "active"),
        ("E2", ("A010101",), "suspended"),
    ]
    book = Workbook()
    book.active.append(["编号", "姓名"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(ImportRefusedError) as error:
        read_expert_list(tmp_path / "bad.xlsx")
    assert {p.field for p in error.value.problems} == {"specialties", "city", "employer"}


async def test_draw_seal_open_decline_and_replace(tmp_path: Path, draw_pki: DemoPki):
    trust = load_trust_list(draw_pki.trust_list, draw_pki.trust_list_signer.load_cert())
    service = DrawService(tmp_path / "centre", trust)
    try:
        entries = synthetic_pool(250, seed=11, specialties=3, cities=("济南", "淄博", "泰安"))
        write_list(tmp_path / "list.csv", entries)
        summary = await service.import_list(tmp_path / "list.csv")
        assert summary.added == 250
        service.sealing.create("demo-seal-password")
        request = make_request(draw_pki, needs=(Need("A010101", 3, 1), Need("A010103", 2, 0)))
        request = replace(request, rules=Rules(recent_days=30, min_other_city=1))
        signers = [signer(draw_pki, "centre-1"), signer(draw_pki, "supervisor-jinan")]
        drawn = await service.run(request, signers)
        assert drawn.drawn == 5 and drawn.reserves == 1
        assert drawn.excluded.get(Rule.SUSPENDED, 0) + drawn.excluded.get(Rule.RETIRED, 0) > 0
        sealed = service.store.sealed_draw(request.draw_id) or b""
        assert b"person_id" not in sealed and json.loads(sealed)["alg"].startswith("ECDH-ES")
        with pytest.raises(SealError):
            await service.open(request.draw_id, "wrong password")
        draw = await service.open(request.draw_id, "demo-seal-password")
        sitting = [m for m in draw.committee if not m.left]
        assert len(sitting) == 5
        leaving = next(
            m for m in sitting if m.specialty == "A010101"
        )  # declines: the reserve of the same specialty takes the seat
        draw = await service.respond(draw, leaving.pool_id, False, "出差在外", signers[0])
        reserve = draw.state.main.result.needs[0].reserves[0]
        outcome = await service.replace(
            draw, leaving.pool_id, Cause.DECLINED, "出差在外", signers, "2026-04-10"
        )
        assert outcome.supplementary_draw == "" and outcome.replacement is not None
        assert outcome.replacement.pool_id == reserve
        # the next departure finds no reserve: a supplementary draw over the pool as it is now
        second = next(m for m in outcome.draw.committee if not m.left and m.specialty == "A010101")
        outcome = await service.replace(
            outcome.draw, second.pool_id, Cause.NO_SHOW, "未到场", signers, "2026-04-18"
        )
        assert outcome.supplementary_draw == f"{request.draw_id}-S1"
        assert outcome.replacement is not None and outcome.replacement.specialty == "A010101"
        report = await service.verify_files(outcome.draw.files)
        assert report.ok, report.mismatch
        left = {m.pool_id: m.left for m in report.committee if m.left}
        assert left == {leaving.pool_id: "declined", second.pool_id: "no_show"}
        steps = [s[2] for s in service.store.steps(request.draw_id)]
        assert steps[:2] == ["request.json", "commit-0.json"] and "opened" in steps
    finally:
        service.close()
