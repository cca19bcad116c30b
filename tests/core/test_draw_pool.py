"""The pool snapshot: canonical lines, its hash, and every fault named by line and field."""

from __future__ import annotations

import json

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator_app.core.draw.model import Status
from evaluator_app.core.draw.pool import fast_canonical, parse_snapshot, snapshot_bytes
from evaluator_app.core.errors import DrawError
from tests.core.draw_builders import expert

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
values = st.recursive(
    st.none() | texts | st.integers(-(2**53) + 1, 2**53 - 1),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=10,
)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.text("abcdefghij_", min_size=1, max_size=8), values, max_size=8))
def test_fast_canonical_writes_the_bytes_of_rfc8785(obj):
    assert fast_canonical(obj).encode("utf-8") == rfc8785.dumps(obj)


def test_round_trip_and_hash_of_the_exact_bytes():
    experts = [
        expert("E02", city="济南", status=Status.SUSPENDED, suspended_until="2026-05-01"),
        expert("E01"),
    ]
    data = snapshot_bytes("2026-04-10", experts)
    snap = parse_snapshot(data)
    assert [e.id for e in snap.experts] == ["E01", "E02"]
    assert snap.experts[1].city == "济南" and snap.as_of == "2026-04-10"
    assert parse_snapshot(data).sha256 == snap.sha256
    assert parse_snapshot(data.replace("济南".encode(), "淄博".encode())).sha256 != snap.sha256


def _line(data: bytes, n: int, change) -> bytes:  # type: ignore[no-untyped-def]
    lines = data.decode().split("\n")
    obj = json.loads(lines[n - 1])
    change(obj)
    lines[n - 1] = fast_canonical(obj)
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    ("change", "where", "zh"),
    [
        (lambda o: o.update(status="sleeping"), "line 3 field 'status'", "在库"),
        (
            lambda o: o.update(suspended_until=None, status="suspended"),
            "line 3 field 'suspended_until'",
            "截止",
        ),
        (lambda o: o.update(last_drawn="2026-02-30"), "line 3 field 'last_drawn'", "日期"),
        (lambda o: o.update(specialties=["B", "A"]), "line 3 field 'specialties'", "排序"),
        (lambda o: o.update(identity="XYZ"), "line 3 field 'identity'", "十六进制"),
        (lambda o: o.update(phone="123"), "line 3 field 'phone'", "未知"),
        (lambda o: o.pop("city"), "line 3 field 'city'", "缺少"),
        (lambda o: o.update(id="E01"), "line 3 field 'id'", "唯一"),
    ],
)
def test_a_bad_line_is_named_by_line_and_field(change, where, zh):  # type: ignore[no-untyped-def]
    data = snapshot_bytes("2026-04-10", [expert("E01"), expert("E02")])
    with pytest.raises(DrawError) as error:
        parse_snapshot(_line(data, 3, change))
    assert error.value.where == f"pool.jsonl {where}"
    assert zh in error.value.message_zh


def test_a_line_not_in_canonical_form_is_refused():
    data = snapshot_bytes("2026-04-10", [expert("E01")]).decode()
    spaced = data.replace('"city":', '"city": ')
    with pytest.raises(DrawError) as error:
        parse_snapshot(spaced.encode())
    assert error.value.where == "pool.jsonl line 2" and "RFC 8785" in error.value.message_en
    with pytest.raises(DrawError) as error:
        parse_snapshot(data.replace('"count":1', '"count":2').encode())
    assert error.value.where == "pool.jsonl line 1 field 'count'"
