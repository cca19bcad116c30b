"""Writes ``venue/api/openapi.json`` from the route table and the protocol dataclasses.

    python -m tests.venue.openapi_gen          # rewrite the spec
    python -m tests.venue.openapi_gen --check  # exit 1 if the committed spec differs

The request/response schemas come from the frozen dataclasses (``x-dataclass`` names each one);
what the route table cannot say (summaries, which body, which answer) is in
``tests/venue/openapi_ops.py``.
``tests/venue/test_openapi.py`` checks the committed file against ``ROUTES`` and the dataclasses
on its own, so a hand edit is caught as surely as a forgotten regeneration.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import sys
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from evaluator_app.protocol import (
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    artefacts,
    draw,
    messages,
)
from evaluator_app.protocol.schema import B64, MAX_TEXT
from tests.venue.openapi_ops import NUMBERS, OBJ, OPS, Op, P

SPEC_PATH = Path(__file__).resolve().parents[2] / "evaluator_app" / "venue" / "api" / "openapi.json"
DECIMAL_PATTERN = r"^-?\d{1,15}(\.\d{1,6})?$"

# classes with a component schema: request/response bodies and the signed artefacts' contents
SCHEMA_CLASSES: list[type] = [
    messages.LoginChallenge,
    messages.LoginRequest,
    messages.LoginStatement,
    messages.LoginResult,
    messages.EnrolRequest,
    messages.MemberInput,
    messages.DocumentInput,
    messages.BillLineInput,
    messages.BidPackageInput,
    messages.CreateSession,
    messages.MemberView,
    messages.Progress,
    messages.SessionView,
    messages.PhaseChange,
    messages.PauseRequest,
    messages.Broadcast,
    messages.MarkAbsent,
    messages.SignedUpload,
    messages.SignedHead,
    messages.CosignatureUpload,
    messages.Receipt,
    messages.SignedReceipt,
    messages.DraftPut,
    messages.DraftView,
    messages.Heartbeat,
    messages.Event,
    messages.EventPage,
    messages.ErrorBody,
    artefacts.Declaration,
    artefacts.LeaderVote,
    artefacts.GateVoteEntry,
    artefacts.GateVotes,
    artefacts.SheetScore,
    artefacts.SheetExplanation,
    artefacts.ScoreSheet,
    artefacts.WitnessNote,
    artefacts.ManifestEntry,
    artefacts.DocumentManifest,
    artefacts.ReportDissent,
    draw.DrawStepLog,
    draw.DrawAttach,
]
ENUMS: list[type[enum.Enum]] = [messages.Role, messages.Presence]

ERRORS = {
    "400": ("BadRequest", "Malformed or wrongly typed body, unknown field, wrong Content-Type"),
    "401": ("Unauthorized", "No token, unknown or expired token, stale or foreign login statement"),
    "403": ("Forbidden", "The caller's role or person may not do this"),
    "404": ("NotFound", "No such thing, or not visible to the caller (existence is not leaked)"),
    "409": ("Conflict", "Wrong phase, already submitted, idempotency key reused"),
    "413": ("TooLarge", "The body is larger than the venue's limit"),
    "416": ("RangeNotSatisfiable", "The requested byte range lies outside the document"),
    "422": ("Refused", "Well-formed but refused: signature, certificate, content rules"),
    "503": ("StoreUnavailable", "The store failed; retry later"),
}


def schema_of(hint: Any) -> dict[str, Any]:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        real = [a for a in get_args(hint) if a is not type(None)]
        inner = schema_of(real[0])
        if "$ref" in inner:
            return {"oneOf": [inner, {"type": "null"}]}
        return {**inner, "type": [inner["type"], "null"]}
    if origin is tuple:
        return {"type": "array", "items": schema_of(get_args(hint)[0])}
    if origin is dict:
        return {"type": "object", "additionalProperties": schema_of(get_args(hint)[1])}
    if hint is Any:
        return {}
    if dataclasses.is_dataclass(hint) or (isinstance(hint, type) and issubclass(hint, enum.Enum)):
        return {"$ref": f"#/components/schemas/{hint.__name__}"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is Decimal:
        return {
            "type": "string",
            "pattern": DECIMAL_PATTERN,
            "description": "a decimal written as a string",
        }
    if hint is B64:
        return {"type": "string", "contentEncoding": "base64"}
    if hint is str:
        return {"type": "string", "maxLength": MAX_TEXT}
    raise TypeError(f"no schema for {hint!r}")


def dataclass_schema(cls: type) -> dict[str, Any]:
    hints = get_type_hints(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    required = [
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    schema: dict[str, Any] = {
        "type": "object",
        "x-dataclass": cls.__name__,
        "additionalProperties": False,
        "properties": {f.name: schema_of(hints[f.name]) for f in fields},
    }
    if required:
        schema["required"] = required
    if cls.__doc__ and not cls.__doc__.startswith(cls.__name__ + "("):
        schema["description"] = " ".join(cls.__doc__.split())
    return schema


def _body_schema(spec: str | dict[str, Any]) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{spec}"} if isinstance(spec, str) else spec


def operation(method: str, path: str, op: Op) -> dict[str, Any]:
    name = (
        path.removeprefix(P)
        .strip("/")
        .replace("/", "_")
        .replace("{", "")
        .replace("}", "")
        .replace("-", "_")
        .replace(".", "_")
    )
    result: dict[str, Any] = {
        "operationId": f"{method.lower()}_{name or 'root'}",
        "summary": op.summary,
        "description": f"Allowed: {op.roles}.",
        "tags": [path.removeprefix(P).strip("/").split("/")[0]],
    }
    params = [
        {"name": n, "in": "path", "required": True, "schema": {"type": "string"}}
        for n in _path_params(path)
    ]
    for q in op.query:
        params.append(
            {
                "name": q,
                "in": "query",
                "required": False,
                "schema": {"type": "integer", "minimum": 0} if q in NUMBERS else {"type": "string"},
            }
        )
    if method == "POST":  # venue/replay.py: a retried POST is applied once
        params.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,100}$"},
            }
        )
    if "documents/{doc}" in path:
        params += [
            {"name": h, "in": "header", "required": False, "schema": {"type": "string"}}
            for h in ("Range", "If-Range", "If-None-Match")
        ]
    if params:
        result["parameters"] = params
    if op.body == "binary":
        result["requestBody"] = {
            "required": True,
            "content": {
                "application/octet-stream": {
                    "schema": {"type": "string", "contentMediaType": "application/octet-stream"}
                }
            },
        }
    elif op.body is not None:
        result["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _body_schema(op.body)}},
        }
    responses: dict[str, Any] = {}
    if op.binary_answer:
        content = {
            "application/pdf": {"schema": {"type": "string", "contentMediaType": "application/pdf"}}
        }
        responses["200"] = {"description": "The whole document", "content": content}
        responses["206"] = {"description": "The requested range", "content": content}
        responses["304"] = {"description": "Not modified (If-None-Match)"}
    elif op.media:
        responses["200"] = {
            "description": "Done",
            "content": {op.media: {"schema": {"type": "string", "contentMediaType": op.media}}},
        }
    elif op.status == 101:
        responses["101"] = {"description": "Switching to the WebSocket protocol"}
    else:
        responses[str(op.status)] = {
            "description": "Done",
            "content": {"application/json": {"schema": _body_schema(op.answer or OBJ)}},
        }
    for code, (ref, _) in ERRORS.items():
        if code == "401" and op.public and path != f"{P}/login":
            continue
        if code == "413" and op.body is None:
            continue
        if code == "416" and not op.binary_answer:
            continue
        responses[code] = {"$ref": f"#/components/responses/{ref}"}
    result["responses"] = responses
    result["security"] = [] if op.public else [{"bearer": []}]
    return result


def _path_params(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{") and part.endswith("}")]


def build() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for (method, path), op in OPS.items():
        paths.setdefault(path, {})[method.lower()] = operation(method, path, op)
    schemas: dict[str, Any] = {cls.__name__: dataclass_schema(cls) for cls in SCHEMA_CLASSES}
    for e in ENUMS:
        schemas[e.__name__] = {"type": "string", "enum": [m.value for m in e]}
    schemas["Error"] = {
        "type": "object",
        "additionalProperties": False,
        "required": ["error"],
        "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}},
    }
    responses = {
        ref: {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for ref, text in ERRORS.values()
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Evaluator venue API (远程异地评标 场地服务)",
            "version": f"{PROTOCOL_VERSION}.0.0",
            "description": (
                f"HTTPS only. Every request and answer carries the {PROTOCOL_HEADER} header "
                "(protocol "
                f"version {PROTOCOL_VERSION}). Bodies are decoded strictly: unknown fields, wrong "
                "types, floats "
                "where decimals are expected and oversize strings are refused with a 400. Every "
                "error is "
                '{"error": {"code", "message", "message_zh", "details"}}. Signed uploads carry the '
                "canonical "
                "JSON of an artefact (schemas Declaration, LeaderVote, GateVotes, ScoreSheet, "
                "WitnessNote, "
                "DocumentManifest, each with a schema stamp {kind, version}) and a detached CMS "
                "signature."
            ),
        },
        "servers": [
            {
                "url": "https://{host}:{port}",
                "variables": {"host": {"default": "127.0.0.1"}, "port": {"default": "8443"}},
            }
        ],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": responses,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token from POST /api/v1/login",
                }
            },
        },
        "security": [{"bearer": []}],
    }


def render() -> str:
    return json.dumps(build(), ensure_ascii=False, indent=1) + "\n"


if __name__ == "__main__":
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if SPEC_PATH.read_text("utf-8") == text else 1)
    SPEC_PATH.write_text(text, "utf-8")
    print(f"wrote {SPEC_PATH}")
