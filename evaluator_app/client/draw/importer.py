"""Reading the departments' and cities' expert lists (CSV or XLSX) into pool rows.

Headers may be Chinese or English (``姓名`` or ``name``). Every bad row is named by its line
and field; a file with any bad row changes nothing. A ``certificate`` column (a PEM or DER
file, relative to the list) gives the expert's identity through the trust list's identity rule
of the certificate's CA, and must agree with ``person_id`` when both are given.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from cryptography import x509

from evaluator_app.client.errors import ClientError
from evaluator_app.core.draw.model import Status
from evaluator_app.pki.errors import PkiError
from evaluator_app.pki.identity import identify
from evaluator_app.pki.trust_list import TrustList

COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("编号", "专家编号", "id"),
    "name": ("姓名", "name"),
    "person_id": ("身份标识", "证件号码", "person_id"),
    "specialties": ("评标专业", "专业", "specialties"),
    "city": ("城市", "所在城市", "city"),
    "employer": ("工作单位", "单位", "employer"),
    "status": ("状态", "status"),
    "suspended_until": ("暂停至", "suspended_until"),
    "related_orgs": ("申报关系单位", "related_orgs"),
    "related_experts": ("申报关系专家", "related_experts"),
    "drawn": ("抽取日期", "drawn"),
    "certificate": ("证书", "certificate"),
}
REQUIRED = ("id", "name", "specialties", "city", "employer")
FIELD_ZH = {key: names[0] for key, names in COLUMNS.items()}
STATUS_WORDS = {
    "": Status.ACTIVE,
    "在库": Status.ACTIVE,
    "active": Status.ACTIVE,
    "暂停": Status.SUSPENDED,
    "suspended": Status.SUSPENDED,
    "退出": Status.RETIRED,
    "已退出": Status.RETIRED,
    "retired": Status.RETIRED,
}
_SPLIT = re.compile(r"[;；,，、\s]+")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")
_SPECIALTY = re.compile(r"^[A-Z][0-9]{2,8}$")


@dataclass(frozen=True)
class ExpertRow:
    line: int
    id: str
    name: str
    person_id: str
    specialties: tuple[str, ...]
    city: str
    employer: str
    status: Status
    suspended_until: str | None
    related_orgs: tuple[str, ...]
    related_experts: tuple[str, ...]
    drawn: tuple[str, ...]
    ca: str = ""


@dataclass(frozen=True)
class ImportProblem:
    line: int
    field: str
    en: str
    zh: str

    def text(self, language: str = "zh_CN") -> str:
        if language == "en":
            return f"line {self.line} field '{self.field}': {self.en}"
        return f"第 {self.line} 行「{FIELD_ZH.get(self.field, self.field)}」：{self.zh}"


class ImportRefusedError(ClientError):
    """A list with bad rows: every one of them, and nothing imported."""

    def __init__(self, path: str, problems: list[ImportProblem]):
        self.path, self.problems = path, tuple(problems)
        super().__init__(
            f"{path}: {len(problems)} problem(s); first: {problems[0].text('en')}",
            f"{path}：{len(problems)} 处错误，未导入；第一处：{problems[0].text()}",
        )


def _read_rows(path: Path) -> list[tuple[int, list[str]]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:
            sheet = book.worksheets[0]
            return [
                (n, ["" if v is None else _cell(v) for v in row])
                for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
            ]
        finally:
            book.close()
    text = path.read_bytes().decode("utf-8-sig")
    return list(enumerate(csv.reader(io.StringIO(text)), start=1))


def _cell(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(cells: list[str]) -> tuple[dict[str, int], list[ImportProblem]]:
    index: dict[str, int] = {}
    problems = []
    for i, cell in enumerate(cells):
        name = cell.strip().lower()
        key = next((k for k, names in COLUMNS.items() if name in (n.lower() for n in names)), None)
        if key is None:
            if name:
                problems.append(ImportProblem(1, cell, "unknown column", "无法识别的列名"))
            continue
        index[key] = i
    for key in REQUIRED:
        if key not in index:
            problems.append(ImportProblem(1, key, "required column missing", "缺少必需的列"))
    return index, problems


def _date(text: str) -> str | None:
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


class _Row:
    def __init__(self, line: int, cells: list[str], index: dict[str, int]):
        self.line, self.cells, self.index = line, cells, index
        self.problems: list[ImportProblem] = []

    def get(self, key: str) -> str:
        i = self.index.get(key)
        return self.cells[i].strip() if i is not None and i < len(self.cells) else ""

    def bad(self, key: str, en: str, zh: str) -> None:
        self.problems.append(ImportProblem(self.line, key, en, zh))

    def items(self, key: str) -> tuple[str, ...]:
        return tuple(sorted({p for p in _SPLIT.split(self.get(key)) if p}))


def _row(row: _Row, base: Path, trust: TrustList | None) -> ExpertRow | None:
    for key in REQUIRED:
        if not row.get(key):
            row.bad(key, "must not be empty", "不能为空")
    pool_id = row.get("id")
    if pool_id and not _ID.match(pool_id):
        row.bad(
            "id",
            f"{pool_id!r}: letters, digits, '.', '_' or '-'",
            "编号只能含字母、数字、点、下划线或连字符",
        )
    specialties = row.items("specialties")
    for code in specialties:
        if not _SPECIALTY.match(code):
            row.bad(
                "specialties",
                f"{code!r} is not a specialty code (e.g. A010101)",
                f"{code} 不是评标专业代码（如 A010101）",
            )
    status = STATUS_WORDS.get(row.get("status").lower())
    if status is None:
        row.bad(
            "status",
            f"{row.get('status')!r}: 在库/暂停/退出 or active/suspended/retired",
            "状态应为 在库、暂停 或 退出",
        )
    until = None
    if row.get("suspended_until"):
        until = _date(row.get("suspended_until"))
        if until is None:
            row.bad("suspended_until", "not a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")
    if status is Status.SUSPENDED and until is None and not row.get("suspended_until"):
        row.bad("suspended_until", "a suspension needs its last day", "暂停须注明截止日期")
    drawn = []
    for text in row.items("drawn"):
        day = _date(text)
        if day is None:
            row.bad("drawn", f"{text!r} is not a date YYYY-MM-DD", "日期格式应为 YYYY-MM-DD")
        else:
            drawn.append(day)
    person_id, ca = row.get("person_id"), ""
    if row.get("certificate"):
        person_id, ca = _identity(row, base / row.get("certificate"), person_id, trust)
    elif not person_id:
        row.bad("person_id", "give the person id or a certificate", "须填写身份标识或提供证书")
    if row.problems:
        return None
    assert status is not None
    return ExpertRow(
        row.line,
        pool_id,
        row.get("name"),
        person_id,
        specialties,
        row.get("city"),
        row.get("employer"),
        status,
        until,
        row.items("related_orgs"),
        row.items("related_experts"),
        tuple(sorted(drawn)),
        ca,
    )


def _identity(row: _Row, path: Path, given: str, trust: TrustList | None) -> tuple[str, str]:
    if trust is None:
        row.bad(
            "certificate",
            "no trust list to read the certificate's identity",
            "没有信任列表，无法读取证书身份",
        )
        return given, ""
    try:
        data = path.read_bytes()
        cert = (
            x509.load_pem_x509_certificate(data)
            if b"-----BEGIN" in data
            else x509.load_der_x509_certificate(data)
        )
        identity = identify(cert, trust)
    except OSError:
        row.bad("certificate", f"cannot read {path.name}", f"无法读取证书文件 {path.name}")
        return given, ""
    except ValueError:
        row.bad("certificate", f"{path.name} is not a certificate", f"{path.name} 不是证书")
        return given, ""
    except PkiError as exc:
        row.bad("certificate", exc.message_en, exc.message_zh)
        return given, ""
    if given and given != identity.person_id:
        row.bad(
            "person_id",
            f"the certificate says {identity.person_id}",
            f"与证书中的身份标识 {identity.person_id} 不符",
        )
    if identity.name and identity.name != row.get("name"):
        row.bad(
            "name", f"the certificate names {identity.name}", f"与证书中的姓名 {identity.name} 不符"
        )
    return identity.person_id, identity.ca_name


def read_expert_list(path: Path, trust: TrustList | None = None) -> list[ExpertRow]:
    """Every row of ``path``; raises :class:`ImportRefusedError` listing every bad row."""
    try:
        rows = _read_rows(path)
    except (OSError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise ImportRefusedError(
            str(path), [ImportProblem(0, "", f"cannot read the file: {exc}", "无法读取该文件")]
        ) from None
    rows = [(n, cells) for n, cells in rows if any(c.strip() for c in cells)]
    if not rows:
        raise ImportRefusedError(str(path), [ImportProblem(1, "", "the file is empty", "文件为空")])
    index, problems = _header(rows[0][1])
    if problems:
        raise ImportRefusedError(str(path), problems)
    out: list[ExpertRow] = []
    seen: dict[str, int] = {}
    for line, cells in rows[1:]:
        row = _Row(line, cells, index)
        expert = _row(row, path.parent, trust)
        problems += row.problems
        if expert is None:
            continue
        if expert.id in seen:
            problems.append(
                ImportProblem(
                    line,
                    "id",
                    f"{expert.id} also on line {seen[expert.id]}",
                    f"编号 {expert.id} 与第 {seen[expert.id]} 行重复",
                )
            )
            continue
        seen[expert.id] = line
        out.append(expert)
    if problems:
        raise ImportRefusedError(str(path), problems)
    return out
