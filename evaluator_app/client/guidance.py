"""What to do now and what comes next, for the person at the screen, by phase and role.

One line on every step (and F1 says more): the expert, the leader, the supervisor and the
centre read what is theirs to do in this phase, or what they are waiting for, and what follows.
Widgets render it; the words live here, beside the rules they describe.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaluator_app.client.explain import Explanation

# the steps of the expert's window, in the order of its list: a step's number is its place
# there, so a line that names a step ("第 6 步") names it by this and never by a typed digit
EXPERT_STEPS = (
    "declaration",
    "election",
    "gates",
    "documents",
    "scoring",
    "review",
    "summary",
    "report",
)
# the step a phase opens on in the expert's window
PHASE_STEP = {
    "declarations": "declaration",
    "leader_election": "election",
    "preliminary_review": "gates",
    "detailed_scoring": "scoring",
    "summary": "summary",
    "report_signing": "report",
    "closed": "report",
}


def step_number(step: str) -> int:
    """The number the expert's window shows beside ``step`` (1 for the declaration)."""
    return EXPERT_STEPS.index(step) + 1


# the expert's own signed step in each phase: an outbox route delivered means it is done
STEP_ROUTE = {
    "declarations": "declarations",
    "leader_election": "leader-votes",
    "preliminary_review": "gate-votes",
    "detailed_scoring": "sheets",
}


@dataclass(frozen=True)
class Guidance:
    now: Explanation
    next: Explanation
    help: Explanation  # the longer text for F1

    def line(self, language: str) -> str:
        """Now, then next on a line of its own: wrapped at a large text size, a run of Chinese
        breaks between any two characters, so one line split "下一步" itself."""
        if language == "en":
            return f"Now: {self.now.en}\nNext: {self.next.en}"
        return f"现在：{self.now.zh}\n下一步：{self.next.zh}"


def _g(
    now_zh: str, now_en: str, next_zh: str, next_en: str, help_zh: str, help_en: str
) -> Guidance:
    return Guidance(
        Explanation(now_zh, now_en), Explanation(next_zh, next_en), Explanation(help_zh, help_en)
    )


def expert_guidance(
    phase: str,
    *,
    paused: bool = False,
    leader: bool = False,
    done: bool = False,
    scored: tuple[int, int] | None = None,
    on: str | None = None,
    recused: bool = False,
) -> Guidance:
    """``done``: this expert's signed step of the phase was received; ``scored``: cells scored
    and cells to score in the grid; ``on``: the step shown (one of EXPERT_STEPS), whose own
    number the line names first when it is one of the phase's steps; ``recused``: this expert
    recused and takes no further part, whatever the phase."""
    if recused:
        return _g(
            "您已申请回避，不再参加本项目的评审；交易中心将安排替补专家。",
            "You have recused yourself and take no further part; the centre seats a substitute.",
            "无需其他操作，可以退出。",
            "Nothing more to do: you may quit.",
            "您签名的回避申请已送达场地，并记入评标报告的回避情况。",
            "Your signed recusal reached the venue and is listed in the report's recusals.",
        )
    if paused:
        return _g(
            "评标已暂停，请等待监督人员恢复；已录入的评分都已保存。",
            "The session is paused: wait for the supervisor to resume; your scores are saved.",
            "恢复后从暂停处继续。",
            "Carry on where you stopped once it resumes.",
            "暂停期间不能签名或提交。暂停原因见窗口上方的提示。",
            "Nothing can be signed or sent while paused; the reason is shown at the top.",
        )
    if phase in ("preparing", "check_in"):
        return _g(
            "等待交易中心开始评标（签到中）。",
            "Wait for the trading centre to open the session (check-in).",
            "阅读并签署承诺书。",
            "Read and sign the declaration.",
            f"交易中心开放承诺书后，第 {step_number('declaration')} 步即可签署。"
            "招投标文件在后台下载并核验。",
            f"Step {step_number('declaration')} opens when the centre opens declarations; "
            "documents download meanwhile.",
        )
    if phase == "declarations":
        if done:
            return _g(
                "您已签署承诺书；等待其他专家签署。",
                "Your declaration is signed; waiting for the other experts.",
                "推选评标委员会组长。",
                "Elect the committee's leader.",
                "全体专家签署承诺书后，场地自动进入组长推选。",
                "The venue moves to the leader election once every expert has declared.",
            )
        return _g(
            "阅读承诺书，确认与投标人无利害关系后签名；如有利害关系，申请回避并写明理由。",
            "Read the declaration and sign it, or recuse yourself with a written reason.",
            "推选评标委员会组长。",
            "Elect the committee's leader.",
            "签名需要您的 USB Key 或证书文件的口令。申请回避后，交易中心会安排替补专家。",
            "Signing asks for your USB key's PIN or certificate password; a recusal is replaced.",
        )
    if phase == "leader_election":
        return _g(
            "您已投票；等待其他专家投票。" if done else "在名单中选择一位专家作为组长并签名投票。",
            "Your vote is in; waiting for the others."
            if done
            else "Choose a member as leader and sign your vote.",
            "初步评审（资格审查，逐项通过或不通过）。",
            "Preliminary review: pass or fail each qualification item.",
            "得票最多者当选组长；票数相同则重新投票。",
            "The member with most votes leads; a tie means a new round.",
        )
    if phase == "preliminary_review":
        if done and leader:
            now = (
                "您的初步评审表已提交；全体提交后，请您进入详细评审。",
                "Your review is in; once all are in, move the session on to detailed scoring.",
            )
        elif done:
            now = (
                "您的初步评审表已提交；等待其他专家和组长。",
                "Your review is in; waiting for the others and the leader.",
            )
        else:
            now = (
                "对每位投标人的每个资格项选择通过或不通过（不通过须写明理由），然后签名。",
                "Pass or fail each bidder on each item (a fail needs a reason), then sign.",
            )
        return _g(
            *now,
            "详细评审（逐项打分）。",
            "Detailed scoring.",
            "多数专家判定不通过的投标人被否决，不再参与详细评审。",
            "A bidder failed by the majority is rejected and not scored.",
        )
    if phase == "detailed_scoring":
        if done:
            return _g(
                "您的评分表已签名并被场地接收；等待其他专家。",
                "Your signed sheet was received; waiting for the other experts.",
                "汇总：场地计算各投标人得分和排名。",
                "Summary: the venue computes the scores and the ranking.",
                "组长可在汇总阶段退回评分表，届时请修改后重新签名。",
                "The leader may return your sheet from the summary; then revise and sign again.",
            )
        return _g(
            *_scoring_now(scored, on),
            "汇总：场地计算得分和排名。",
            "Summary: the venue computes the scores and the ranking.",
            "每次按键都已保存在本机；分值不符合评分规则时，格子下方会写明原因。"
            "与其他专家差异过大的评分需要书面说明。",
            "Every key is saved on this computer; a score the rules refuse says why under its "
            "cell. A score far from the others' needs a written explanation.",
        )
    if phase == "summary":
        return _g(
            "请查看汇总结果；如需修改评分，退回相应评分表，否则进入评标报告签署。"
            if leader
            else "场地已汇总；等待组长确认或退回评分表。",
            "Check the summary: return a sheet if it needs revising, else open report signing."
            if leader
            else "The summary is computed; waiting for the leader.",
            "签署评标报告。",
            "Sign the evaluation report.",
            "汇总结果由场地按评标办法从签名的评分表计算，任何人可离线复算。",
            "The venue computes the summary from the signed sheets; anyone can recompute it.",
        )
    if phase == "report_signing":
        return _g(
            "您已签署评标报告；等待其他成员。"
            if done
            else "阅读评标报告后签名；如不同意，写明理由记录不同意见。",
            "You have signed the report; waiting for the others."
            if done
            else "Read the report and sign it, or record your dissent with reasons.",
            "评标结束，交易中心存档。",
            "The session closes and the centre archives it.",
            "成员依次签名，每个签名都不改变已签署的内容；签字栏显示签名人、CA、证书序列号和时间。",
            "Members sign in turn; each signature leaves the earlier ones intact and visible.",
        )
    return _g(
        "评标已结束。",
        "The session is closed.",
        "无。",
        "Nothing.",
        "评标报告与全部签名材料由交易中心存档，可离线验证。",
        "The report and every signed item are archived by the centre, verifiable offline.",
    )


def _scoring_now(scored: tuple[int, int] | None, on: str | None) -> tuple[str, str]:
    """Detailed scoring, said from the step shown: the documents, the grid or the review."""
    count = f"（已评 {scored[0]}/{scored[1]}）" if scored else ""
    count_en = f" ({scored[0]}/{scored[1]} scored)" if scored else ""
    docs, grid, review = (step_number(s) for s in ("documents", "scoring", "review"))
    if on == "review":
        return (
            f"在第 {review} 步生成评分表，核对后签名{count}；要修改评分，回到第 {grid} 步。",
            f"In step {review}, prepare your score sheet, check it and sign it{count_en}; "
            f"to change a score, go back to step {grid}.",
        )
    if on == "documents":
        return (
            f"在第 {docs} 步查阅投标文件，在第 {grid} 步逐项打分{count}；"
            f"全部评完后到第 {review} 步核对并签名。",
            f"Read the bids in step {docs} and score every item in step {grid}{count_en}; "
            f"then review and sign in step {review}.",
        )
    return (
        f"在第 {grid} 步逐项打分{count}，对照第 {docs} 步的投标文件；"
        f"全部评完后到第 {review} 步核对并签名。",
        f"Score every item in step {grid}{count_en} against the bids in step {docs}; then "
        f"review and sign in step {review}.",
    )


def supervisor_guidance(phase: str, *, paused: bool = False) -> Guidance:
    if paused:
        return _g(
            "评标已暂停；处理完情况后恢复评标（须写明理由）。",
            "The session is paused: resume it (with a reason) once the matter is dealt with.",
            "专家从暂停处继续。",
            "The experts carry on where they stopped.",
            "暂停和恢复都记录在审计日志中。",
            "Pausing and resuming are both recorded in the audit log.",
        )
    if phase in ("preparing", "check_in"):
        return _g(
            "核对到场专家，全部到位后开始承诺书签署。",
            "Check the experts in; open the declarations when all are seated.",
            "专家签署承诺书。",
            "The experts sign their declarations.",
            "专家表格显示每位专家是否在线、是否在评标窗口。",
            "The table shows each expert's presence and focus.",
        )
    if phase in ("summary", "report_signing", "closed"):
        return _g(
            "查看汇总结果与评标报告签署进度；可签署见证记录。",
            "Follow the summary and the report's signatures; sign witness notes as needed.",
            "评标结束后交易中心存档。" if phase != "closed" else "无。",
            "The centre archives the session." if phase != "closed" else "Nothing.",
            "汇总阶段起可以看到评分结果。",
            "Scores become visible from the summary on.",
        )
    return _g(
        "关注专家在线状态与警报，必要时暂停评标或广播通知；记录见证。",
        "Watch presence and alerts; pause or broadcast when needed; record witness notes.",
        "汇总阶段后可查看评分结果。",
        "Scores become visible from the summary on.",
        "监督人员看不到汇总前的评分。每条警报需要确认。",
        "Supervisors see no scores before the summary; every alert needs acknowledging.",
    )
