"""The pool snapshot: one line per field, one tab-separated entry per expert, hashed as written.

Format (UTF-8, every line ends with LF)::

    evaluator-draw-pool <TAB> 1 <TAB> as_of <TAB> count
    id <TAB> E000001 <TAB> E000002 …                  (strictly increasing)
    specialties <TAB> A010101;A010103 <TAB> …         (at least one)
    city · employer                                    (not empty)
    status                                             active, suspended or retired
    suspended_until · last_drawn                       YYYY-MM-DD or empty
    related_orgs · related_experts                     declared relations, may be empty
    identity                                           64 lowercase hex digits

— eleven lines, each field's line holding ``count`` entries in the same expert order. Lists
are ``;``-separated. ``identity`` is the SHA-256 of the canonical JSON ``{"name", "person_id",
"salt"}`` of the expert, so the snapshot does not list the pool's personal data: the drawn
experts' name, person id and salt are in the record, and anyone can check them against their
entry. No entry holds a TAB, CR or LF (nor a ``;`` inside a list item). The SHA-256 of the
file's bytes is the pool hash every later step binds.

Why by field: a provincial pool has 100,000 experts, and a draw and its verification read it
whole. One ``str.split`` per field (the standard library's C) reads it in a fraction of a
second, where one JSON object or one split per expert costs seconds in Python; only the experts
a draw meets become objects.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from evaluator_app.core.draw.model import PoolExpert, Status
from evaluator_app.core.errors import DrawError

SNAPSHOT_NAME = "pool.tsv"
MAGIC = "evaluator-draw-pool"
FIELDS = (
    "id",
    "specialties",
    "city",
    "employer",
    "status",
    "suspended_until",
    "last_drawn",
    "related_orgs",
    "related_experts",
    "identity",
)
_STATUSES = frozenset(s.value for s in Status)
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FORBIDDEN = re.compile(r"[\t\r\n]")


def fast_canonical(obj: Any) -> str:
    """RFC 8785 text of ``obj`` for ASCII keys and str/int/None/list/dict values: the standard
    library's ``json.dumps`` with sorted keys, no spaces and no ASCII escaping writes the same
    characters for these (the tests compare both on generated values)."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def identity_hash(name: str, person_id: str, salt: str) -> str:
    """SHA-256 of the canonical JSON {"name", "person_id", "salt"}."""
    text = fast_canonical({"name": name, "person_id": person_id, "salt": salt})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_LISTS = ("specialties", "related_orgs", "related_experts")


def _entries(e: PoolExpert) -> tuple[str, ...]:
    values = (
        e.id,
        ";".join(e.specialties),
        e.city,
        e.employer,
        e.status.value,
        e.suspended_until or "",
        e.last_drawn or "",
        ";".join(e.related_orgs),
        ";".join(e.related_experts),
        e.identity,
    )
    for name, value in zip(FIELDS, values, strict=True):
        if _FORBIDDEN.search(value):
            raise DrawError(
                f"expert {e.id} field '{name}'", "holds a tab or line break", "含制表符或换行"
            )
    for name in _LISTS:
        if any(";" in item or not item for item in getattr(e, name)):
            raise DrawError(
                f"expert {e.id} field '{name}'",
                "an item is empty or holds ';'",
                "列表项为空或含分号",
            )
    return values


def snapshot_bytes(as_of: str, experts: Iterable[PoolExpert]) -> bytes:
    """The snapshot of ``experts`` (sorted by pool number here) as of an ISO date."""
    ordered = sorted(experts, key=lambda e: e.id)
    rows = [_entries(e) for e in ordered]
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in FIELDS]
    lines = [f"{MAGIC}\t1\t{as_of}\t{len(ordered)}"]
    lines += ["\t".join((name, *column)) for name, column in zip(FIELDS, columns, strict=True)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    parse_snapshot(data)  # never write what the verifier would refuse
    return data


def _items(text: str) -> tuple[str, ...]:
    return tuple(text.split(";")) if text else ()


class Snapshot(Mapping[str, PoolExpert]):
    """The snapshot by field; ``snapshot[id]`` (or :meth:`at`) builds one expert on demand."""

    def __init__(self, as_of: str, sha256: str, raw: dict[str, str], count: int):
        self.as_of = as_of
        self.sha256 = sha256
        self.count = count
        self._raw = raw
        self._columns: dict[str, list[str]] = {}
        self._index: dict[str, int] | None = None
        self._cache: dict[int, PoolExpert] = {}
        self._known: dict[str, int] = {}  # pool number -> line of the experts built so far

    def column(self, name: str) -> list[str]:
        """One field of every expert, in pool-number order (split on first use)."""
        found = self._columns.get(name)
        if found is None:
            raw = self._raw[name]
            found = self._columns[name] = raw.split("\t") if self.count else []
        return found

    @property
    def ids(self) -> list[str]:
        return self.column("id")

    def index(self, pool_id: str) -> int:
        known = self._known.get(pool_id)
        if known is not None:
            return known
        if self._index is None:  # built once, only when asked for an expert not met yet
            self._index = dict(zip(self.ids, range(self.count), strict=True))
        return self._index[pool_id]

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __contains__(self, key: object) -> bool:
        try:
            self.index(key)  # type: ignore[arg-type]  # any key: a non-str one raises, caught below
        except (KeyError, TypeError):
            return False
        return True

    def __getitem__(self, pool_id: str) -> PoolExpert:
        return self.at(self.index(pool_id))

    def at(self, i: int) -> PoolExpert:
        cached = self._cache.get(i)
        if cached is not None:
            return cached
        c = self.column
        expert = PoolExpert(
            c("id")[i],
            _items(c("specialties")[i]),
            c("city")[i],
            c("employer")[i],
            Status(c("status")[i]),
            c("suspended_until")[i] or None,
            c("last_drawn")[i] or None,
            _items(c("related_orgs")[i]),
            _items(c("related_experts")[i]),
            c("identity")[i],
        )
        self._cache[i] = expert
        self._known[expert.id] = i
        return expert

    @property
    def experts(self) -> list[PoolExpert]:
        """Every expert as an object (for small pools; a draw reads the fields)."""
        return [self.at(i) for i in range(self.count)]

    def by_id(self) -> Snapshot:
        return self


def _bad(
    line: int, field: str, entry: int | None, en: str, zh: str, ids: list[str] | None = None
) -> DrawError:
    where = f"{SNAPSHOT_NAME} line {line}" + (f" field '{field}'" if field else "")
    if entry is not None:
        who = f" ({ids[entry]})" if ids is not None and entry < len(ids) else ""
        where += f" entry {entry + 1}{who}"
    return DrawError(where, en, zh)


def _is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_snapshot(data: bytes) -> Snapshot:
    """Read and check a snapshot; the first fault is named by line, field and entry."""
    sha = hashlib.sha256(data).hexdigest()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DrawError(
            SNAPSHOT_NAME, f"not UTF-8 at byte {exc.start}", "不是 UTF-8 文本"
        ) from None
    if not text.endswith("\n") or "\r" in text:
        raise DrawError(SNAPSHOT_NAME, "lines must end with LF only", "每行须以换行符（LF）结束")
    lines = text[:-1].split("\n")
    header = lines[0].split("\t")
    if len(header) != 4 or header[:2] != [MAGIC, "1"]:
        raise _bad(1, "", None, "not a pool snapshot", "不是专家库快照")
    if not _is_date(header[2]):
        raise _bad(1, "as_of", None, "not a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")
    if not header[3].isdigit():
        raise _bad(1, "count", None, "not a number", "不是数字")
    count = int(header[3])
    if len(lines) != len(FIELDS) + 1:
        raise DrawError(
            SNAPSHOT_NAME, f"expected {len(FIELDS) + 1} lines, found {len(lines)}", "行数不符"
        )
    raw: dict[str, str] = {}
    for number, (name, line) in enumerate(zip(FIELDS, lines[1:], strict=True), start=2):
        label, _, rest = line.partition("\t")
        if label != name:
            raise _bad(
                number,
                name,
                None,
                f"line {number} must be the {name} field",
                f"第 {number} 行应为 {name}",
            )
        found = rest.count("\t") + 1 if "\t" in line else 0
        if found != count:
            raise _bad(
                number, name, None, f"{found} entries for {count} experts", "条目数与人数不符"
            )
        raw[name] = rest
    snapshot = Snapshot(header[2], sha, raw, count)
    if count:
        _check(snapshot, raw)
    return snapshot


_ID_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-\t"
_HEX_BYTES = b"0123456789abcdef\t"


def _only(text: str, allowed: bytes) -> bool:
    """``text`` holds only ``allowed`` ASCII characters (bytes.translate deletes them in C)."""
    try:
        return not text.encode("ascii").translate(None, allowed)
    except UnicodeEncodeError:
        return False


def _line_of(name: str) -> int:
    return FIELDS.index(name) + 2


def _first_bad(snapshot: Snapshot, name: str, good: Any, en: str, zh: str) -> DrawError:
    """The slow path, only when a field is at fault: which entry."""
    column = snapshot.column(name)
    entry = next((i for i, value in enumerate(column) if not good(value)), None)
    return _bad(_line_of(name), name, entry, en, zh, snapshot.ids if name != "id" else None)


def _no_empty_items(raw: str, allow_empty_entry: bool) -> bool:
    if ";;" in raw or "\t;" in raw or ";\t" in raw or raw.startswith(";") or raw.endswith(";"):
        return False
    return allow_empty_entry or not (
        "\t\t" in raw or raw.startswith("\t") or raw.endswith("\t") or not raw
    )


def _check(snapshot: Snapshot, raw: dict[str, str]) -> None:
    """Every field, with C-level string operations; the entry at fault is found afterwards."""
    count = snapshot.count
    ids = snapshot.ids
    if not _only(raw["id"], _ID_BYTES) or max(map(len, ids)) > 32 or "" in ids:
        raise _first_bad(
            snapshot,
            "id",
            lambda v: bool(_ID.fullmatch(v)),
            "letters, digits, '.', '_' or '-' (at most 32)",
            "编号格式无效",
        )
    if not all(map(operator.lt, ids, itertools.islice(ids, 1, None))):
        entry = next(i for i, (a, b) in enumerate(itertools.pairwise(ids), start=1) if b <= a)
        raise _bad(
            _line_of("id"),
            "id",
            entry,
            "pool numbers must be unique and in order",
            "专家编号须唯一且按序排列",
            ids,
        )
    if not _no_empty_items(raw["specialties"], allow_empty_entry=False):
        raise _first_bad(
            snapshot,
            "specialties",
            lambda v: bool(v) and "" not in v.split(";"),
            "at least one specialty, no empty item",
            "至少一个评标专业，且不能有空项",
        )
    for name in ("city", "employer"):
        value = raw[name]
        if not value or "\t\t" in value or value.startswith("\t") or value.endswith("\t"):
            raise _first_bad(snapshot, name, bool, "must not be empty", "不能为空")
    for name in ("related_orgs", "related_experts"):
        if not _no_empty_items(raw[name], allow_empty_entry=True):
            raise _first_bad(
                snapshot,
                name,
                lambda v: not v or "" not in v.split(";"),
                "an empty list item",
                "列表中有空项",
            )
    status = snapshot.column("status")
    if not _STATUSES.issuperset(status):
        raise _first_bad(
            snapshot,
            "status",
            _STATUSES.__contains__,
            "must be active, suspended or retired",
            "应为在库、暂停或退出",
        )
    for name in ("suspended_until", "last_drawn"):
        values = set(snapshot.column(name))
        values.discard("")
        if not all(map(_is_date, values)):
            raise _first_bad(
                snapshot,
                name,
                lambda v: not v or _is_date(v),
                "not a date YYYY-MM-DD",
                "日期格式应为 YYYY-MM-DD",
            )
    if "suspended" in raw["status"]:
        until = snapshot.column("suspended_until")
        missing = [i for i, s in enumerate(status) if s == "suspended" and not until[i]]
        if missing:
            raise _bad(
                _line_of("suspended_until"),
                "suspended_until",
                missing[0],
                "a suspension needs its last day",
                "暂停须注明截止日期",
                ids,
            )
    identities = raw["identity"]
    if (
        len(identities) != 65 * count - 1
        or identities[64::65] != "\t" * (count - 1)
        or not _only(identities, _HEX_BYTES)
    ):
        raise _first_bad(
            snapshot,
            "identity",
            lambda v: len(v) == 64 and _only(v, _HEX_BYTES[:-1]),
            "expected 64 lowercase hex digits",
            "应为 64 位小写十六进制",
        )
