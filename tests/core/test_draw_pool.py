"""The pool snapshot: its lines, its hash, and every fault named by line and field."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.core.draw.model import Status
from evaluator_app.core.draw.pool import FIELDS, fast_canonical, parse_snapshot, snapshot_bytes
from evaluator_app.core.errors import DrawError
from tests.core.draw_builders import expert

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
values = st.recursive(
    st.none() | texts | st.integers(-(2**53) + 1, 2**53 - 1),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text("abc", min_size=1), inner),
    max_leaves=10,
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text("abcdefghij_", min_size=1, max_size=8), values, max_size=8))
def test_fast_canonical_writes_the_bytes_of_rfc8785(obj):  # type: ignore[no-untyped-def]
    assert fast_canonical(obj).encode("utf-8") == rfc8785.dumps(obj)


def test_round_trip_and_hash_of_the_exact_bytes():
    experts = [
        expert("E02", city="济南", status=Status.SUSPENDED, suspended_until="2026-05-01"),
        expert("E01", specialties=("A", "B"), related_orgs=("甲", "乙")),
    ]
    data = snapshot_bytes("2026-04-10", experts)
    snap = parse_snapshot(data)
    assert list(snap) == ["E01", "E02"] and len(snap) == 2
    assert snap["E02"].city == "济南" and snap["E02"].suspended_until == "2026-05-01"
    assert snap["E01"].specialties == ("A", "B") and snap["E01"].related_orgs == ("甲", "乙")
    assert snap["E01"].last_drawn is None and snap.as_of == "2026-04-10"
    assert parse_snapshot(data.replace("济南".encode(), "淄博".encode())).sha256 != snap.sha256


def _field(data: bytes, entry: int, name: str, value: str) -> bytes:
    lines = data.decode().split("\n")
    number = FIELDS.index(name) + 1
    cells = lines[number].split("\t")
    cells[entry] = value  # cells[0] is the field's name
    lines[number] = "\t".join(cells)
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("field", "value", "zh"),
    [
        ("status", "sleeping", "在库"),
        ("suspended_until", "2026-02-30", "日期"),
        ("last_drawn", "yesterday", "日期"),
        ("specialties", "", "至少"),
        ("specialties", "A;;B", "空项"),
        ("related_orgs", "甲;", "空项"),
        ("identity", "XYZ", "十六进制"),
        ("city", "", "不能为空"),
        ("id", "E 2", "编号"),
        ("id", "E01", "唯一"),
    ],
)
def test_a_bad_entry_is_named_by_line_field_and_entry(field, value, zh):  # type: ignore[no-untyped-def]
    data = snapshot_bytes("2026-04-10", [expert("E01"), expert("E02"), expert("E04")])
    with pytest.raises(DrawError) as error:
        parse_snapshot(_field(data, 2, field, value))
    who = {"E 2": "", "E01": " (E01)"}[value] if field == "id" else " (E02)"
    line = FIELDS.index(field) + 2
    assert error.value.where == f"pool.tsv line {line} field '{field}' entry 2{who}"
    assert zh in error.value.message_zh


def test_a_suspension_without_its_end_and_a_short_line():
    data = snapshot_bytes("2026-04-10", [expert("E01"), expert("E02")])
    with pytest.raises(DrawError) as error:
        parse_snapshot(_field(data, 1, "status", "suspended"))
    assert error.value.where == "pool.tsv line 7 field 'suspended_until' entry 1 (E01)"
    lines = data.decode().split("\n")
    lines[4] = lines[4].rsplit("\t", 1)[0]
    with pytest.raises(DrawError) as error:
        parse_snapshot("\n".join(lines).encode())
    assert error.value.where == "pool.tsv line 5 field 'employer'"
    assert "条目数" in error.value.message_zh
    with pytest.raises(DrawError) as error:
        parse_snapshot(data.replace(b"\t2\n", b"\t3\n", 1))
    assert error.value.where.startswith("pool.tsv line 2 field 'id'")


def test_a_value_that_would_break_the_line_is_refused_when_written():
    with pytest.raises(DrawError) as error:
        snapshot_bytes("2026-04-10", [expert("E01", employer="甲\t乙")])
    assert error.value.where == "expert E01 field 'employer'"


def test_an_empty_pool_reads_back():
    snap = parse_snapshot(snapshot_bytes("2026-04-10", []))
    assert len(snap) == 0 and snap.experts == []
