"""Phases and roles in words, for the explanations client services give (Chinese and English)."""

from __future__ import annotations

from evaluator_app.client.explain import Explanation

PHASES: dict[str, Explanation] = {
    "preparing": Explanation("准备中", "preparing"),
    "check_in": Explanation("签到", "check-in"),
    "declarations": Explanation("签署承诺书", "declarations"),
    "leader_election": Explanation("推选组长", "leader election"),
    "preliminary_review": Explanation("初步评审", "preliminary review"),
    "detailed_scoring": Explanation("详细评审", "detailed scoring"),
    "summary": Explanation("汇总", "summary"),
    "report_signing": Explanation("签署评标报告", "report signing"),
    "closed": Explanation("已结束", "closed"),
    "paused": Explanation("已暂停", "paused"),
}

ROLES: dict[str, Explanation] = {
    "expert": Explanation("评标专家", "expert"),
    "leader": Explanation("评标委员会组长", "committee leader"),
    "supervisor": Explanation("监督人员", "supervisor"),
    "centre": Explanation("交易中心", "trading centre"),
    "system": Explanation("系统自动", "the venue, automatically"),
}


def phase_words(phase: str) -> Explanation:
    return PHASES.get(phase, Explanation(phase, phase))
