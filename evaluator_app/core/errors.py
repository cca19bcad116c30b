"""The exception hierarchy of ``evaluator_app.core``."""

from __future__ import annotations


class CoreError(Exception):
    """Base of every error raised by the evaluation rules; ``message_en`` / ``message_zh``."""

    def __init__(self, message_en: str = "", message_zh: str | None = None) -> None:
        self.message_en = message_en
        self.message_zh = message_zh if message_zh is not None else message_en
        super().__init__(message_en)


class PlanError(CoreError):
    """A project file or plan is invalid; ``problems`` lists every field at fault."""

    def __init__(self, problems: list[PlanProblem]):
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in problems))


class PlanProblem:
    """One invalid field: its path in the project file, the value found and what is wrong."""

    __slots__ = ("field", "message", "value")

    def __init__(self, field: str, value: object, message: str):
        self.field = field
        self.value = value
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message} (value: {self.value!r})"

    def __repr__(self) -> str:
        return f"PlanProblem({self.field!r}, {self.value!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlanProblem) and (self.field, self.value, self.message) == (
            other.field,
            other.value,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class ScoreError(CoreError):
    """An entered score does not fit its item (out of range, off step, outside its grade band).

    ``code`` names the rule broken ("not_a_number", "not_finite", "out_of_range", "off_step",
    "outside_bands"); ``message_zh`` is the same message in Chinese for the expert's screen.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str = "invalid",
        item_id: str | None = None,
        value: object = None,
        message_zh: str | None = None,
    ):
        self.code = code
        self.item_id = item_id
        self.value = value
        super().__init__(message, message_zh)


class GateError(CoreError):
    """Gate votes are incomplete or inconsistent (missing vote, fail without reason, ...)."""


class AggregationError(CoreError):
    """Scores cannot be aggregated (missing sheet, unknown bidder or item, no experts)."""


class PriceError(CoreError):
    """Price scores cannot be computed (no valid bid, non-positive price or benchmark)."""


class PhaseError(CoreError):
    """An illegal session phase transition: names the phase, the target and the role."""

    def __init__(self, phase: str, target: str, role: str, why: str):
        self.phase = phase
        self.target = target
        self.role = role
        self.why = why
        super().__init__(f"cannot go from {phase} to {target} as {role}: {why}")


class CanonicalError(CoreError):
    """A value cannot be put in canonical JSON (a float, a non-string key, NaN, ...)."""


class DrawError(CoreError):
    """A draw request, pool snapshot or draw record is invalid, or the draw cannot be made.

    ``where`` names the place at fault ("pool.tsv line 12 field 'city'", "request.needs[1]");
    the message is given in English and Chinese.
    """

    def __init__(self, where: str, message_en: str, message_zh: str):
        self.where = where
        super().__init__(message_en, message_zh)

    def __str__(self) -> str:
        return f"{self.where}: {self.message_en}" if self.where else self.message_en
