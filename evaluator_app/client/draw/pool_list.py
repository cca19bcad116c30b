"""An expert list written in the layout the import reads (编号, 姓名, 身份标识, …): what a
department sends to the centre, produced from pool entries by the demo and the tests."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from evaluator_app.client.draw.importer import COLUMNS
from evaluator_app.core.draw.model import PoolExpert, Status

FIELDS = (
    "id",
    "name",
    "person_id",
    "specialties",
    "city",
    "employer",
    "status",
    "suspended_until",
    "related_orgs",
    "drawn",
)
HEADER = tuple(COLUMNS[field][0] for field in FIELDS)  # the Chinese column names
STATUS_ZH = {Status.ACTIVE: "在库", Status.SUSPENDED: "暂停", Status.RETIRED: "退出"}


def list_row(expert: PoolExpert, name: str, person_id: str) -> list[str]:
    """One expert's line, in :data:`HEADER`'s order."""
    return [
        expert.id,
        name,
        person_id,
        "、".join(expert.specialties),
        expert.city,
        expert.employer,
        STATUS_ZH[expert.status],
        expert.suspended_until or "",
        "、".join(expert.related_orgs),
        expert.last_drawn or "",
    ]


def write_expert_list(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    """The header and ``rows`` as .xlsx or .csv (UTF-8 with BOM, as spreadsheets write it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None  # a new workbook has its first sheet
        sheet.append(list(HEADER))
        for row in rows:
            sheet.append(list(row))
        book.save(path)
        return path
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        out.writerows(rows)
    return path
