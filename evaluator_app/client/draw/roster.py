"""The committee a draw gives, as the new-session wizard's assignments (instead of typing it)."""

from __future__ import annotations

from collections.abc import Sequence

from evaluator_app.client.centre_plan import Assignment, Person
from evaluator_app.client.explain import Explanation
from evaluator_app.drawcheck.verify import Member


def assignments_from_draw(
    committee: Sequence[Member], roster: Sequence[Person]
) -> tuple[tuple[Assignment, ...], list[Explanation]]:
    """One assignment per seated expert; a drawn expert the venue's roster lacks is a problem."""
    if not any(p.role == "expert" for p in roster):
        # the roster comes with the project file: without it every drawn expert would be "missing"
        return (), [
            Explanation(
                "请先在「新建会话」中选择项目文件：抽取结果要与其中的场地名册对照。",
                "Choose the project file in New session first: the draw is matched against "
                "its venue roster.",
            )
        ]
    people = {p.person_id: p for p in roster}
    out, problems = [], []
    for member in committee:
        if member.left:
            continue
        person = people.get(member.person_id)
        if person is None or person.role != "expert":
            problems.append(
                Explanation(
                    f"抽中的 {member.name} 不在场地名册中（{member.person_id}）",
                    f"{member.name}, drawn, is not an expert on the venue's roster "
                    f"({member.person_id})",
                )
            )
            continue
        out.append(Assignment(person, member.venue, member.seat))
    return tuple(out), problems


def drawn_seats(committee: Sequence[Member]) -> tuple[tuple[str, str, str], ...]:
    return tuple((m.person_id, m.venue, m.seat) for m in committee if not m.left)
