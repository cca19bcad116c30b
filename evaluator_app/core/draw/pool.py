"""The pool snapshot: one canonical JSON line per expert, hashed as it is written.

The snapshot is JSON Lines: a header line ``{"as_of", "count", "schema"}`` and then one line per
expert in pool-number order, each the RFC 8785 form of its object. Its SHA-256 over the exact
bytes is the pool hash every later step of a draw binds. A line is what the rules need (number,
specialties, city, employer, status, dates drawn, declared relations) and ``identity``, a hash of
the expert's name, person id and a per-expert salt, so the snapshot does not list the pool's
personal data: the drawn experts' name, person id and salt are in the record, and anyone can
check them against their line.

Why not ``rfc8785.dumps`` per line: it is pure Python and a provincial pool has 100,000 lines.
For the values a line holds (ASCII keys; strings, integers, null and lists) the standard
library's ``json.dumps`` with sorted keys, no spaces and no ASCII escaping writes the same bytes
as RFC 8785; the tests compare both on generated lines.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from evaluator_app.core.draw.model import PoolExpert, Status
from evaluator_app.core.errors import DrawError

SNAPSHOT_KIND = "draw_pool"
SNAPSHOT_NAME = "pool.jsonl"
FIELDS = (
    "city",
    "employer",
    "id",
    "identity",
    "last_drawn",
    "related_experts",
    "related_orgs",
    "specialties",
    "status",
    "suspended_until",
)
_FIELD_SET = frozenset(FIELDS)
_HEX = frozenset("0123456789abcdef")


def fast_canonical(obj: Any) -> str:
    """RFC 8785 text of ``obj`` for ASCII keys and str/int/None/list values (see module doc)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def identity_hash(name: str, person_id: str, salt: str) -> str:
    """SHA-256 of the canonical JSON {"name", "person_id", "salt"}."""
    text = fast_canonical({"name": name, "person_id": person_id, "salt": salt})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def expert_object(e: PoolExpert) -> dict[str, Any]:
    return {
        "city": e.city,
        "employer": e.employer,
        "id": e.id,
        "identity": e.identity,
        "last_drawn": e.last_drawn,
        "related_experts": list(e.related_experts),
        "related_orgs": list(e.related_orgs),
        "specialties": list(e.specialties),
        "status": e.status.value,
        "suspended_until": e.suspended_until,
    }


def snapshot_bytes(as_of: str, experts: Iterable[PoolExpert]) -> bytes:
    """The snapshot of ``experts`` (sorted by pool number here) as of an ISO date."""
    ordered = sorted(experts, key=lambda e: e.id)
    header = {
        "as_of": as_of,
        "count": len(ordered),
        "schema": {"kind": SNAPSHOT_KIND, "version": 1},
    }
    lines = [fast_canonical(header)]
    lines += [fast_canonical(expert_object(e)) for e in ordered]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    parse_snapshot(data)  # never write what the verifier would refuse
    return data


@dataclass(frozen=True)
class Snapshot:
    as_of: str
    experts: tuple[PoolExpert, ...]
    sha256: str

    def by_id(self) -> dict[str, PoolExpert]:
        return {e.id: e for e in self.experts}


def _bad(line: int, field: str, en: str, zh: str) -> DrawError:
    where = f"{SNAPSHOT_NAME} line {line}" + (f" field '{field}'" if field else "")
    return DrawError(where, en, zh)


def _date(value: Any, line: int, field: str, nullable: bool = True) -> str | None:
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise _bad(line, field, "expected a date YYYY-MM-DD", "应为日期 YYYY-MM-DD")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _bad(
            line, field, f"{value!r} is not a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD"
        ) from None
    if len(value) != 10:
        raise _bad(line, field, f"{value!r} is not a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")
    return value


def _texts(value: Any, line: int, field: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _bad(line, field, "expected a list of non-empty texts", "应为非空文本的列表")
    if value != sorted(set(value)):
        raise _bad(line, field, "must be sorted and without repeats", "须排序且不重复")
    return tuple(value)


def _text(value: Any, line: int, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(line, field, "expected a non-empty text", "应为非空文本")
    return value


def _expert(obj: Any, line: int) -> PoolExpert:
    if not isinstance(obj, dict):
        raise _bad(line, "", "expected a JSON object", "应为 JSON 对象")
    if obj.keys() != _FIELD_SET:
        extra = sorted(obj.keys() - _FIELD_SET)
        missing = sorted(_FIELD_SET - obj.keys())
        field = (extra or missing)[0]
        raise _bad(
            line,
            field,
            "unknown field" if extra else "missing field",
            "未知字段" if extra else "缺少字段",
        )
    try:
        status = Status(obj["status"])
    except ValueError:
        raise _bad(
            line, "status", "must be active, suspended or retired", "应为在库、暂停或退出"
        ) from None
    suspended_until = _date(obj["suspended_until"], line, "suspended_until")
    if status is Status.SUSPENDED and suspended_until is None:
        raise _bad(line, "suspended_until", "a suspension needs its last day", "暂停须注明截止日期")
    identity = obj["identity"]
    if not isinstance(identity, str) or len(identity) != 64 or not _HEX.issuperset(identity):
        raise _bad(line, "identity", "expected 64 lowercase hex digits", "应为 64 位小写十六进制")
    specialties = _texts(obj["specialties"], line, "specialties")
    if not specialties:
        raise _bad(
            line, "specialties", "an expert needs at least one specialty", "至少一个评标专业"
        )
    return PoolExpert(
        _text(obj["id"], line, "id"),
        specialties,
        _text(obj["city"], line, "city"),
        _text(obj["employer"], line, "employer"),
        status,
        suspended_until,
        _date(obj["last_drawn"], line, "last_drawn"),
        _texts(obj["related_orgs"], line, "related_orgs"),
        _texts(obj["related_experts"], line, "related_experts"),
        identity,
    )


def parse_snapshot(data: bytes) -> Snapshot:
    """Read and check a snapshot; the first fault is named by line and field."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DrawError(
            SNAPSHOT_NAME, f"not UTF-8 at byte {exc.start}", "不是 UTF-8 文本"
        ) from None
    if not text.endswith("\n"):
        raise DrawError(
            SNAPSHOT_NAME, "the last line must end with a newline", "最后一行须以换行结束"
        )
    lines = text[:-1].split("\n")
    try:
        header = json.loads(lines[0])
    except json.JSONDecodeError:
        raise _bad(1, "", "not JSON", "不是 JSON") from None
    if not isinstance(header, dict) or header.get("schema") != {
        "kind": SNAPSHOT_KIND,
        "version": 1,
    }:
        raise _bad(1, "schema", "not a pool snapshot", "不是专家库快照")
    as_of = _date(header.get("as_of"), 1, "as_of", nullable=False)
    if fast_canonical(header) != lines[0] or set(header) != {"as_of", "count", "schema"}:
        raise _bad(1, "", "not in canonical form (RFC 8785)", "不是规范化 JSON（RFC 8785）")
    count = header.get("count")
    if not isinstance(count, int) or count != len(lines) - 1:
        raise _bad(
            1, "count", f"says {count}, the file has {len(lines) - 1} experts", "人数与内容不符"
        )
    experts = []
    previous = ""
    loads, dumps = json.loads, fast_canonical
    for number, line in enumerate(lines[1:], start=2):
        try:
            obj = loads(line)
        except json.JSONDecodeError as exc:
            raise _bad(number, "", f"not JSON: {exc.msg}", "不是 JSON") from None
        expert = _expert(obj, number)
        if dumps(obj) != line:
            raise _bad(
                number, "", "not in canonical form (RFC 8785)", "不是规范化 JSON（RFC 8785）"
            )
        if expert.id <= previous:
            raise _bad(
                number, "id", "pool numbers must be unique and in order", "专家编号须唯一且按序排列"
            )
        previous = expert.id
        experts.append(expert)
    assert as_of is not None
    return Snapshot(as_of, tuple(experts), sha)
