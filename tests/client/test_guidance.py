"""The "now / next" line names steps by the numbers the expert's window shows (EXPERT_STEPS),
and on each of the phase's own steps it speaks from that step: the line on 第 6 步 核对签名 said
"在第 5 步逐项打分", and the steps' numbers were typed digits that went stale when 招投标文件
was inserted as step 4 (the print hint sent people to step 7 for the report, which is step 8)."""

from __future__ import annotations

import re

from evaluator_app.client.guidance import EXPERT_STEPS, PHASE_STEP, expert_guidance, step_number

PHASES = ["preparing", "check_in", *PHASE_STEP]
# every way a line names a step, and the step it means
NAMED = {
    r"第 (\d+) 步逐项打分": "scoring",
    r"回到第 (\d+) 步": "scoring",
    r"对照第 (\d+) 步的投标文件": "documents",
    r"在第 (\d+) 步查阅投标文件": "documents",
    r"在第 (\d+) 步生成评分表": "review",
    r"到第 (\d+) 步核对并签名": "review",
    r"第 (\d+) 步即可签署": "declaration",
    r"score every item in step (\d+)": "scoring",
    r"go back to step (\d+)": "scoring",
    r"against the bids in step (\d+)": "documents",
    r"read the bids in step (\d+)": "documents",
    r"in step (\d+), prepare": "review",
    r"review and sign in step (\d+)": "review",
    r"step (\d+) opens": "declaration",
}


def _numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"第 (\d+) 步|step (\d+)", text, re.I) for n in n if n]


def test_every_step_named_in_a_line_is_the_step_its_words_describe() -> None:
    for phase in PHASES:
        for on in (*EXPERT_STEPS, "warnings", None):
            for leader in (False, True):
                g = expert_guidance(phase, leader=leader, scored=(3, 21), on=on)
                for text in (g.now.zh, g.next.zh, g.help.zh, g.now.en, g.next.en, g.help.en):
                    named = [
                        (int(n), step)
                        for pattern, step in NAMED.items()
                        for n in re.findall(pattern, text, re.I)
                    ]
                    assert len(named) == len(_numbers(text)), (phase, on, text)  # none unread
                    for number, step in named:
                        assert number == step_number(step), (phase, on, text)


def test_on_each_step_of_detailed_scoring_the_line_starts_from_that_step() -> None:
    for on in ("documents", "scoring", "review"):
        g = expert_guidance("detailed_scoring", scored=(3, 21), on=on)
        assert _numbers(g.now.zh)[0] == step_number(on) == _numbers(g.now.en)[0], g.now
        assert "已评 3/21" in g.now.zh and "3/21 scored" in g.now.en
    assert (step_number("documents"), step_number("scoring"), step_number("review")) == (4, 5, 6)
    assert step_number("report") == len(EXPERT_STEPS) == 8
    # on a step outside the phase's work: where that work is, the grid first
    assert _numbers(expert_guidance("detailed_scoring", on="declaration").now.zh)[0] == 5


def test_a_recused_expert_is_told_she_takes_no_further_part_in_any_phase() -> None:
    for phase in ("declarations", "leader_election", "detailed_scoring"):
        line = expert_guidance(phase, done=True, recused=True).line("zh_CN")
        assert line.startswith("现在：您已申请回避，不再参加本项目的评审"), line
        assert "推选" not in line and "等待其他专家" not in line
