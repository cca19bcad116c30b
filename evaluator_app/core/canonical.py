"""Canonical JSON (RFC 8785, JCS) of every artefact that gets signed.

Why strings for numbers: RFC 8785 serialises numbers as IEEE-754 doubles, which would
silently change a score such as 0.1 + 0.2. Every Decimal is therefore written as a JSON
string holding its exact decimal text, and a float anywhere is refused.
Every artefact carries ``schema`` = {"kind": ..., "version": N} so that a verifier years
later knows how to read it.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import enum
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import rfc8785

from evaluator_app.core.errors import CanonicalError

SCHEMA_KEY = "schema"


def to_json_value(value: Any, path: str = "$") -> Any:
    """Turn a value into plain JSON types, with Decimals as exact strings; refuse floats."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise CanonicalError(
            f"{path}: float {value!r} is not allowed in a signed artefact; use Decimal"
        )
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise CanonicalError(f"{path}: {value} is not a finite number")
        return format(value, "f")
    if isinstance(value, enum.Enum):
        return to_json_value(value.value, path)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise CanonicalError(f"{path}: datetime without time zone")
        return value.astimezone(_dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, _dt.date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_json_value(getattr(value, f.name), f"{path}.{f.name}")
            for f in dataclasses.fields(value)
        }
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise CanonicalError(f"{path}: key {key!r} is not a string")
            out[key] = to_json_value(item, f"{path}.{key}")
        return out
    if isinstance(value, (list, tuple)):
        return [to_json_value(item, f"{path}[{i}]") for i, item in enumerate(value)]
    raise CanonicalError(f"{path}: cannot put {type(value).__name__} in a signed artefact")


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 bytes of ``value`` (after :func:`to_json_value`)."""
    return rfc8785.dumps(to_json_value(value))


def artefact(kind: str, version: int, body: Mapping[str, Any]) -> dict[str, Any]:
    """An artefact dict with its schema stamp; ``body`` may not carry its own ``schema``."""
    if SCHEMA_KEY in body:
        raise CanonicalError(f"the body of a {kind} artefact may not contain '{SCHEMA_KEY}'")
    if not kind or version < 1:
        raise CanonicalError("an artefact needs a kind and a version >= 1")
    return {SCHEMA_KEY: {"kind": kind, "version": version}, **body}


def artefact_bytes(kind: str, version: int, body: Mapping[str, Any]) -> bytes:
    """Canonical bytes of a schema-stamped artefact: exactly what gets signed."""
    return canonical_bytes(artefact(kind, version, body))
