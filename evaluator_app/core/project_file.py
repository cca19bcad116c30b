"""Load and save the project file (documented in docs/project-file.md).

Every mistake is collected, not just the first: the centre fixes a plan in one pass.
Each :class:`PlanProblem` names the field by its path (``plans[0].groups[1].items[2].max``)
and the value found. Numbers may be JSON strings or JSON numbers; JSON numbers are read as
Decimal, never through float.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from evaluator_app.core.errors import PlanError, PlanProblem
from evaluator_app.core.plan import Lot, Plan, Project
from evaluator_app.core.plan_reader import PlanReader
from evaluator_app.core.plan_writer import dump_plan

FILE_FORMAT = "evaluator-project"
FILE_VERSION = 1

T = TypeVar("T")


class _Reader(PlanReader):
    """Reads the top level (project, lots, bidders) on top of the plan reader."""

    def __init__(self) -> None:
        super().__init__()
        self.declared_plans: set[object] = set()  # the plan ids the file declares

    def project(self, data: Any) -> Project | None:
        if not isinstance(data, dict):
            self.problem("$", data, "the project file must be a JSON object")
            return None
        self.known_keys("$", data, {"format", "version", "project", "plans", "lots"})
        if data.get("format") != FILE_FORMAT:
            self.problem("format", data.get("format"), f"must be {FILE_FORMAT!r}")
        if data.get("version") != FILE_VERSION:
            self.problem("version", data.get("version"), f"must be {FILE_VERSION}")
        head = self.obj("project", data.get("project"))
        self.known_keys("project", head, {"id", "name", "tenderer", "agency"})
        plans = {}
        raw_plans = data.get("plans")
        # a lot naming a plan that exists but is invalid gets no second, misleading message
        self.declared_plans = (
            {p.get("id") for p in raw_plans if isinstance(p, dict)}
            if isinstance(raw_plans, list)
            else set()
        )
        for path, raw in self.each("plans", raw_plans, min_count=1):
            plan = self.plan(path, raw)
            if plan is not None:
                if plan.id in plans:
                    self.problem(f"{path}.id", plan.id, "duplicate plan id")
                plans[plan.id] = plan
        lots: list[Lot] = []
        for path, raw in self.each("lots", data.get("lots"), min_count=1):
            lot = self.lot(path, raw, plans)
            if lot is not None:
                if any(other.id == lot.id for other in lots):
                    self.problem(f"{path}.id", lot.id, "duplicate lot id")
                lots.append(lot)
        project = Project(
            id=self.ident("project.id", head.get("id")),
            name=self.text("project.name", head.get("name")),
            tenderer=self.text("project.tenderer", head.get("tenderer", ""), required=False),
            agency=self.text("project.agency", head.get("agency", ""), required=False),
            lots=tuple(lots),
        )
        return project

    def lot(self, path: str, raw: Any, plans: dict[str, Plan]) -> Lot | None:
        data = self.obj(path, raw)
        self.known_keys(path, data, {"id", "name", "plan", "ceiling_price", "bidders"})
        plan_id = data.get("plan")
        plan = plans.get(plan_id) if isinstance(plan_id, str) else None
        if plan is None and plan_id not in self.declared_plans:
            self.problem(f"{path}.plan", plan_id, "names no plan of this file")
        ceiling = None
        if data.get("ceiling_price") is not None:
            ceiling = self.amount(f"{path}.ceiling_price", data["ceiling_price"], positive=True)
        bidders = []
        seen: set[str] = set()
        for bpath, braw in self.each(f"{path}.bidders", data.get("bidders"), min_count=1):
            bidder = self.bidder(bpath, braw)
            if bidder.id in seen:
                self.problem(f"{bpath}.id", bidder.id, "duplicate bidder id")
            seen.add(bidder.id)
            bidders.append(bidder)
        lot_id = self.ident(f"{path}.id", data.get("id"))
        name = self.text(f"{path}.name", data.get("name"))
        if plan is None:
            return None
        return Lot(id=lot_id, name=name, bidders=tuple(bidders), plan=plan, ceiling_price=ceiling)


def _dec(value: Decimal) -> str:
    return format(value, "f")


def _dump(project: Project) -> dict[str, Any]:
    plans: dict[str, Plan] = {}
    for lot in project.lots:
        plans.setdefault(lot.plan.id, lot.plan)
    lots = []
    for lot in project.lots:
        entry: dict[str, Any] = {"id": lot.id, "name": lot.name, "plan": lot.plan.id}
        if lot.ceiling_price is not None:
            entry["ceiling_price"] = _dec(lot.ceiling_price)
        entry["bidders"] = [
            {
                "id": b.id,
                "name": b.name,
                "price": _dec(b.price),
                "organisation": b.organisation,
                "city": b.city,
            }
            for b in lot.bidders
        ]
        lots.append(entry)
    return {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "project": {
            "id": project.id,
            "name": project.name,
            "tenderer": project.tenderer,
            "agency": project.agency,
        },
        "plans": [dump_plan(plan) for plan in plans.values()],
        "lots": lots,
    }


def _parse(read: Callable[[_Reader], T | None]) -> T:
    reader = _Reader()
    result = read(reader)
    if reader.problems or result is None:
        raise PlanError(reader.problems or [PlanProblem("$", None, "nothing could be read")])
    return result


def project_from_dict(data: Any) -> Project:
    """Validate a decoded project file; raise :class:`PlanError` listing every problem."""
    return _parse(lambda r: r.project(data))


def plan_from_dict(data: Any) -> Plan:
    """Validate one plan on its own (as found under ``plans[]``)."""
    return _parse(lambda r: r.plan("plan", data))


def loads_project(text: str | bytes) -> Project:
    try:
        data = json.loads(text, parse_float=Decimal)
    except (ValueError, InvalidOperation) as exc:  # JSONDecodeError is a ValueError
        raise PlanError([PlanProblem("$", None, f"not valid JSON: {exc}")]) from exc
    return project_from_dict(data)


def project_to_dict(project: Project) -> dict[str, Any]:
    return _dump(project)


def dumps_project(project: Project) -> str:
    """The project file text; loading it gives back an equal :class:`Project`."""
    return json.dumps(_dump(project), ensure_ascii=False, indent=2) + "\n"
