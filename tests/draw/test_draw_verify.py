"""The offline verifier recomputes a real draw exactly and names the first thing that differs."""

from __future__ import annotations

import asyncio
import json

import pytest

from evaluator_app.core.canonical import canonical_bytes
from evaluator_app.core.draw.pool import FIELDS
from evaluator_app.drawcheck.verify import verify_bundle
from tests.draw.conftest import MadeDraw

D = "draw/JN-2026-0418-D1/"


def verify(files, judge):  # type: ignore[no-untyped-def]
    return asyncio.run(verify_bundle(files, judge))


def test_a_real_draw_recomputes_exactly(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    report = verify(made_draw.files, judge)
    assert report.ok, report.mismatch
    assert len([m for m in report.committee if not m.left]) == 5
    record = json.loads(made_draw.files[D + "record.json"])
    assert record["excluded"], "a pool of 300 has experts excluded by rule"
    rules = set(record["excluded"])
    assert {"suspended", "recently_drawn"} <= rules
    names = {m.name for m in report.committee}
    assert all(names)
    seats = {(m.venue, m.seat) for m in report.committee}
    assert len(seats) == 5


def _edit_json(files, name, change):  # type: ignore[no-untyped-def]
    files = dict(files)
    obj = json.loads(files[D + name])
    change(obj)
    files[D + name] = canonical_bytes(obj)
    return files


def test_an_altered_record_names_the_field(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    def swap(obj):  # type: ignore[no-untyped-def]
        need = obj["needs"][0]
        need["principals"][0], need["reserves"][0] = need["reserves"][0], need["principals"][0]

    report = verify(_edit_json(made_draw.files, "record.json", swap), judge)
    assert not report.ok
    assert report.mismatch.name == D + "record.json field 'needs[0].principals[0]'"
    assert "recomputed" in report.mismatch.detail and "复算" in report.mismatch.detail_zh


def _pool_field(files, name, entry, value):  # type: ignore[no-untyped-def]
    files = dict(files)
    lines = files[D + "pool.tsv"].decode().split("\n")
    number = FIELDS.index(name) + 1
    cells = lines[number].split("\t")
    cells[entry] = value
    lines[number] = "\t".join(cells)
    files[D + "pool.tsv"] = "\n".join(lines).encode()
    return files


def test_an_altered_pool_line_breaks_the_freeze(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    report = verify(_pool_field(made_draw.files, "status", 6, "retired"), judge)
    assert report.mismatch.name == D + "freeze.json field 'pool_sha256'"


def test_a_bad_pool_entry_is_named(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    report = verify(_pool_field(made_draw.files, "status", 10, "xactive"), judge)
    assert report.mismatch.name == D + "pool.tsv line 6 field 'status' entry 10 (E000010)"


def test_a_secret_that_does_not_open_its_commitment(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    files = _edit_json(made_draw.files, "reveal-1.json", lambda o: o.update(secret="00" * 32))
    report = verify(files, judge)
    assert report.mismatch.name == D + "reveal-1.json field 'secret'"


def test_a_signature_over_other_content_or_by_someone_else(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    files = dict(made_draw.files)
    files[D + "record.json.1.p7s"] = files[D + "record.json.0.p7s"]  # the centre signed twice
    report = verify(files, judge)
    assert report.mismatch.name == D + "record.json.1.p7s"
    assert "expected" in report.mismatch.detail
    files = dict(made_draw.files)
    files[D + "commit-0.json.p7s"] = files[D + "commit-1.json.p7s"]
    assert verify(files, judge).mismatch.name == D + "commit-0.json.p7s"
    files = dict(made_draw.files)
    del files[D + "freeze.json.p7s"]
    assert verify(files, judge).mismatch.name == D + "freeze.json.p7s"


def test_a_drawn_name_that_is_not_the_snapshot_identity(made_draw: MadeDraw, judge):  # type: ignore[no-untyped-def]
    def rename(obj):  # type: ignore[no-untyped-def]
        obj["people"][0]["name"] = "冒名"

    report = verify(_edit_json(made_draw.files, "record.json", rename), judge)
    assert report.mismatch.name == D + "record.json field 'people[0]'"


@pytest.mark.parametrize("missing", ["request.json", "reveal-0.json", "pool.tsv"])
def test_a_missing_step_is_named(made_draw: MadeDraw, judge, missing):  # type: ignore[no-untyped-def]
    files = dict(made_draw.files)
    del files[D + missing]
    assert verify(files, judge).mismatch.name == D + missing
