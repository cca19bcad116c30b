"""What archive verification reports: one check per item, in English and Chinese."""

from __future__ import annotations

from dataclasses import dataclass, field

from evaluator_app.archive.labels import check_name_zh


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    detail_zh: str = ""
    name_zh: str = ""  # what was checked, in words (labels.check_name_zh)


@dataclass(frozen=True)
class ArchiveReport:
    path: str
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)


def check(name: str, ok: bool, detail: str, detail_zh: str = "") -> Check:
    return Check(name, ok, detail, detail_zh or detail, check_name_zh(name))
