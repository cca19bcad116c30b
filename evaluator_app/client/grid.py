"""What the scoring grid shows about itself, computed here so the widget only renders it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from evaluator_app.client.explain import Explanation
from evaluator_app.core.plan import ScoredItem


@dataclass(frozen=True)
class GridProgress:
    done: int  # cells holding a valid score
    total: int  # cells to score: scored items × valid bidders
    invalid: int  # cells holding text the rules refuse

    def text(self, language: str) -> str:
        if language == "en":
            return f"Scored {self.done}/{self.total}" + (
                f" · {self.invalid} to correct" if self.invalid else ""
            )
        return f"已评 {self.done}/{self.total}" + (
            f" · {self.invalid} 项待更正" if self.invalid else ""
        )


def grid_progress(
    items: Sequence[ScoredItem],
    bidders: Iterable[str],
    typed: Mapping[tuple[str, str], str],
    validate: Callable[[str, str], Explanation | None],
) -> GridProgress:
    done = invalid = total = 0
    for bidder in bidders:
        for item in items:
            total += 1
            text = typed.get((bidder, item.id), "").strip()
            if not text:
                continue
            if validate(item.id, text) is None:
                done += 1
            else:
                invalid += 1
    return GridProgress(done, total, invalid)
