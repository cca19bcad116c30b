"""Strict decoding of wire messages: every unexpected shape is refused and named."""

from __future__ import annotations

import base64
from decimal import Decimal

import pytest

from evaluator_app.protocol.artefacts import ScoreSheet, SheetScore
from evaluator_app.protocol.messages import CreateSession, Heartbeat, Presence, SignedUpload
from evaluator_app.protocol.schema import MAX_TEXT, SchemaError, decode, encode

SHEET = {
    "session_id": "S1",
    "lot_id": "lot-1",
    "expert_id": "E1",
    "phase": "detailed_scoring",
    "version": 1,
    "scores": [{"bidder_id": "B1", "item_id": "t1", "score": "12.5", "comment": "好"}],
    "explanations": [],
    "at": "2026-11-26T09:00:00Z",
}


def test_round_trip_keeps_decimals_exact():
    sheet = decode(ScoreSheet, SHEET)
    assert sheet.scores == (SheetScore("B1", "t1", Decimal("12.5"), "好"),)
    # a sheet not yet bound to its PDF encodes the binding empty (issue 12 item 6)
    assert encode(sheet) == {**SHEET, "pdf_sha256": ""}


@pytest.mark.parametrize(
    "change, field, words",
    [
        (lambda d: d.update(extra=1), "$.extra", "unknown field"),
        (lambda d: d.pop("lot_id"), "$.lot_id", "is required"),
        (lambda d: d.update(version="1"), "$.version", "whole number"),
        (lambda d: d.update(version=True), "$.version", "whole number"),
        (lambda d: d["scores"][0].update(score=12.5), "$.scores[0].score", "written as a string"),
        (lambda d: d["scores"][0].update(score="1e3"), "$.scores[0].score", "written as a string"),
        (lambda d: d["scores"][0].update(score="NaN"), "$.scores[0].score", "written as a string"),
        (lambda d: d.update(scores={"a": 1}), "$.scores", "must be a list"),
        (
            lambda d: d["scores"][0].update(comment="x" * (MAX_TEXT + 1)),
            "$.scores[0].comment",
            "longer than",
        ),
        (lambda d: d.update(expert_id=None), "$.expert_id", "must be a text"),
    ],
)
def test_bad_shapes_are_refused_with_the_field(change, field, words):
    data = {**SHEET, "scores": [dict(SHEET["scores"][0])]}
    change(data)
    with pytest.raises(SchemaError) as info:
        decode(ScoreSheet, data)
    assert info.value.field == field and words in info.value.detail


def test_enums_base64_and_optional():
    assert decode(Heartbeat, {"session_id": "S1", "presence": "idle"}).presence is Presence.IDLE
    with pytest.raises(SchemaError, match="must be one of: focused, idle, away, offline"):
        decode(Heartbeat, {"session_id": "S1", "presence": "asleep"})
    upload = decode(
        SignedUpload,
        {"idempotency_key": "k", "content": base64.b64encode(b"{}").decode(), "signature": "AAEC"},
    )
    assert upload.content == b"{}" and upload.signature == b"\x00\x01\x02" and upload.pdf is None
    with pytest.raises(SchemaError, match="not valid base64"):
        decode(SignedUpload, {"idempotency_key": "k", "content": "!!", "signature": "AA=="})


def test_not_an_object():
    with pytest.raises(SchemaError, match="must be a JSON object"):
        decode(CreateSession, [1, 2])


def test_encode_refuses_float():
    with pytest.raises(TypeError):
        encode({"x": 1.5})
