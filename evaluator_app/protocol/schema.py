"""Strict decoding of JSON into frozen dataclasses, by their type hints.

Both ends use it: the venue on every request body, the client on every answer. It refuses
unknown fields, missing fields, wrong types, floats where a Decimal is expected and oversize
strings, and names the field at fault (``scores[3].score``).
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import enum
import re
import types
import typing
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any, TypeVar, cast, get_args, get_origin, get_type_hints

from evaluator_app.protocol.errors import ProtocolError

T = TypeVar("T")

MAX_TEXT = 20_000  # characters in any one string field (a reason, a comment, an explanation)
_DECIMAL_TEXT = re.compile(r"^-?\d{1,15}(\.\d{1,6})?$")


class SchemaError(ProtocolError):
    """A message does not match its schema; ``field`` is the path of the first fault and
    ``detail`` what is wrong with it."""

    def __init__(self, field: str, detail: str):
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}", f"字段 {field} 有误：{detail}")


class B64(bytes):
    """Bytes carried as base64 text on the wire (a certificate, a CMS signature, a PDF)."""


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def decode(cls: type[T], data: Any, path: str = "$") -> T:
    """Build a ``cls`` dataclass from decoded JSON, or raise :class:`SchemaError`."""
    if not isinstance(data, dict):
        raise SchemaError(path, "must be a JSON object")
    hints = _hints(cast(type, cls))  # cached per class: a class is hashable, whatever T says
    # T is any dataclass: the type system cannot say so, a non-dataclass raises TypeError here
    # mypy: T is untyped: a non-dataclass raises TypeError here
    fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise SchemaError(f"{path}.{unknown[0]}", "unknown field")
    values = {}
    for name, field in fields.items():
        if name not in data:
            if (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                raise SchemaError(f"{path}.{name}", "is required")
            continue
        values[name] = _value(hints[name], data[name], f"{path}.{name}")
    return cls(**values)


def _value(hint: Any, raw: Any, path: str) -> Any:
    origin = get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = get_args(hint)
        if raw is None and type(None) in options:
            return None
        real = [o for o in options if o is not type(None)]
        if len(real) == 1:
            return _value(real[0], raw, path)
        raise SchemaError(path, "ambiguous type in schema")
    if origin is tuple:
        item_type = get_args(hint)[0]
        if not isinstance(raw, list):
            raise SchemaError(path, "must be a list")
        return tuple(_value(item_type, item, f"{path}[{i}]") for i, item in enumerate(raw))
    if origin is dict:
        _key_type, item_type = get_args(hint)
        if not isinstance(raw, dict):
            raise SchemaError(path, "must be an object")
        return {str(k): _value(item_type, v, f"{path}.{k}") for k, v in raw.items()}
    if hint is Any:
        return raw
    if dataclasses.is_dataclass(hint):
        # is_dataclass also admits an instance, which a type hint never is
        # mypy: is_dataclass also admits an instance; a hint is always a type
        return decode(hint, raw, path)  # type: ignore[arg-type]
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(raw)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in hint)
            raise SchemaError(path, f"must be one of: {allowed}") from None
    if hint is bool:
        if not isinstance(raw, bool):
            raise SchemaError(path, "must be true or false")
        return raw
    if hint is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise SchemaError(path, "must be a whole number")
        return raw
    if hint is Decimal:
        # Decimals travel as strings so no JSON parser on the way turns them into floats.
        if not isinstance(raw, str) or not _DECIMAL_TEXT.match(raw):
            raise SchemaError(path, 'must be a decimal number written as a string, such as "12.5"')
        try:
            return Decimal(raw)
        except InvalidOperation:
            raise SchemaError(path, "is not a decimal number") from None
    if hint is B64:
        if not isinstance(raw, str):
            raise SchemaError(path, "must be base64 text")
        try:
            return B64(base64.b64decode(raw, validate=True))
        except (binascii.Error, ValueError):
            raise SchemaError(path, "is not valid base64") from None
    if hint is str:
        if not isinstance(raw, str):
            raise SchemaError(path, "must be a text")
        if len(raw) > MAX_TEXT:
            raise SchemaError(path, f"is longer than {MAX_TEXT} characters")
        return raw
    raise SchemaError(path, f"unsupported type {hint!r} in schema")


def encode(value: Any) -> Any:
    """A dataclass (or value) as plain JSON types: Decimal as text, bytes as base64."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, float):
        raise TypeError("floats are not allowed on the wire; use Decimal")
    return value
