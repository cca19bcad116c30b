"""``evaluator demo --headless --selftest``: one whole session with no screen.

Every expert logs in and declares (one recuses and is replaced), the leader is elected, gate
votes reject a bidder, the experts score (one deviation explained), sign and upload; the
supervisor pauses and resumes; the network to one expert is cut mid-upload and restored; the
centre aggregates; every member signs the report; the archive is exported and verified offline.
Each step checks what it should have done; the first that did not stops the run.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from pathlib import Path

from evaluator_app.archive.verify import averify_archive
from evaluator_app.client.draw.carry import carry_replacement
from evaluator_app.client.errors import VenueRefused
from evaluator_app.demo import actors
from evaluator_app.demo import draw as demo_draw
from evaluator_app.demo.actors import SESSION, Actor
from evaluator_app.demo.proxy import CuttableRelay
from evaluator_app.demo.selftest_checks import (
    SelfTestFailed,
    check,
    cut_mid_upload,
    download,
    every_receipt_held_once,
    until_witnessed,
    warnings_done,
)
from evaluator_app.demo.services import RunningServices
from evaluator_app.demo.world import SEATS, DemoWorld
from evaluator_app.drawcheck.section import SECTION as DRAW_SECTION
from evaluator_app.pki.pades import async_sign_pdf
from evaluator_app.protocol.artefacts import WarningDecision
from evaluator_app.protocol.draw import DrawAttach
from evaluator_app.protocol.messages import MemberInput, Role
from evaluator_app.protocol.schema import B64
from evaluator_app.reports.signature_stamp import stamped

logger = logging.getLogger(__name__)
PLAYS = {
    "expert-sd-1": "E1",
    "expert-sd-2": "E2",
    "expert-nca-1": "E3",
    "expert-nca-2": "E4",
    "expert-sd-3": "E5",
}


def _algorithms(world: DemoWorld, people: dict[str, Actor]) -> str:
    """Who signs with what: the committee mixes SM2 (SDCA) and ECDSA (NCA) certificates."""
    by: dict[str, list[str]] = {"SM2": [], "ECDSA": []}
    for actor in people.values():
        p = actor.person
        tag = "（SKF USB Key）" if p.skf_library else ""
        by[p.key_algorithm].append(p.name + tag)
    return f"SM2: {' '.join(by['SM2'])}; ECDSA: {' '.join(by['ECDSA'])}"


async def run_selftest(
    world: DemoWorld, services: RunningServices, say: Callable[[str], None] = print
) -> tuple[str, Path]:
    """Returns (ranking line, archive path); raises SelfTestFailed naming the step that failed."""
    relay = await CuttableRelay(world.venue_port).start()
    # several workers: the line we can cut leads to the first; the client may move to the others
    cut_line = " ".join([relay.url, *world.venue_url.split()[1:]])
    people: dict[str, Actor] = {}
    try:
        centre = people["centre"] = await Actor(world, "centre-1").login()
        lot = await actors.create_session(world, centre)
        supervisor = people["sup"] = await Actor(world, "supervisor-jinan").login()
        for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-dual-sd", "expert-sd-3"]:
            people[key] = await Actor(world, key).login()
        people["expert-nca-2"] = await Actor(
            world, "expert-nca-2", cut_line
        ).login()  # Zibo, through a line we can cut
        experts = {k: people[k] for k in PLAYS}
        say("1/10 登录与签到 everyone logged in by signature; " + _algorithms(world, people))

        for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1", "expert-nca-2"]:
            await people[key].send(
                "declarations", "declaration", actors.declaration(people[key], lot)
            )
        await people["expert-dual-sd"].send(
            "declarations",
            "declaration",
            actors.declaration(people["expert-dual-sd"], lot, True, "三年内曾在投标人B3任职"),
        )
        # the venue seats nobody the draw did not draw: 王芳 only after the supplementary draw
        substitute_id = people["expert-sd-3"].person_id
        try:
            await centre.client.post(
                f"/sessions/{SESSION}/members",
                MemberInput(substitute_id, Role.EXPERT, *SEATS["expert-sd-3"]),
            )
            check(False, "the venue should refuse a substitute nobody drew")
        except VenueRefused as exc:
            check(exc.code == "not_drawn", f"a substitute nobody drew: {exc.code} {exc}")
        # her seat is drawn again by the same rules (no reserve left: a supplementary draw); the
        # grown record goes to the session, which seats 王芳 where the record says
        drawn, substitute = await demo_draw.replace_recused(
            world, "expert-dual-sd", "三年内曾在投标人B3任职", venue=centre.client
        )
        check(
            substitute.person_id == substitute_id
            and (substitute.venue, substitute.seat) == SEATS["expert-sd-3"],
            f"the supplementary draw should seat 王芳 at jinan/A04: {substitute}",
        )
        # drawn for A04: the venue seats her nowhere else, even with the record attached
        await centre.client.request(
            "PUT", f"/sessions/{SESSION}/draw", DrawAttach(B64(demo_draw.session_bundle(drawn)))
        )
        try:
            await centre.client.post(
                f"/sessions/{SESSION}/members",
                MemberInput(substitute_id, Role.EXPERT, "zibo", "B09"),
            )
            check(False, "the venue should refuse a seat the draw did not give")
        except VenueRefused as exc:
            check(exc.code == "not_drawn_seat", f"a seat the draw did not give: {exc.code} {exc}")
        leaving = people["expert-dual-sd"].person_id
        carried = await carry_replacement(centre.client, drawn, leaving, substitute)
        check(
            [(c.session_id, c.seated) for c in carried] == [(SESSION, True)],
            f"the record should reach {SESSION} and seat 王芳: {carried}",
        )
        await people["expert-sd-3"].send(
            "declarations", "declaration", actors.declaration(people["expert-sd-3"], lot)
        )
        view = await centre.client.get(f"/sessions/{SESSION}")
        check(
            view["phase"] == "leader_election",
            f"declarations should lead to the leader election, phase is {view['phase']}",
        )
        check(
            any(m["status"] == "replaced" for m in view["members"]),
            "the recused expert should be replaced",
        )
        say("2/10 承诺书 declarations signed; 孙丽 recused and was replaced by 王芳")

        for actor in experts.values():
            await actor.send(
                "leader-votes", "leader_vote", actors.leader_vote(actor, people["expert-sd-1"])
            )
        view = await centre.client.get(f"/sessions/{SESSION}")
        check(
            view["leader_id"] == people["expert-sd-1"].person_id
            and view["phase"] == "preliminary_review",
            "leader election failed",
        )
        say("3/10 组长 leader elected: 张伟")

        for key, actor in experts.items():
            await actor.send("gate-votes", "gate_votes", actors.gate_votes(actor, lot, PLAYS[key]))
        gates = await centre.client.get(f"/sessions/{SESSION}/gates")
        check(
            [r["bidder"] for r in gates["rejected"]] == ["B4", "B5"],
            f"gate votes should reject B4 (bond) and B5 (ceiling): {gates['rejected']}",
        )
        await people["expert-sd-1"].client.post(
            f"/sessions/{SESSION}/phase", {"target": "detailed_scoring"}
        )
        say("4/10 初步评审 preliminary review: B4 rejected by majority, B5 above the ceiling")

        found = await warnings_done(centre)
        kinds = {(w["kind"], tuple(w["bidders"])) for w in found["warnings"]}
        check(
            ("shared_passage", ("B4", "B5")) in kinds
            and ("document_metadata", ("B4", "B5")) in kinds,
            f"the planted B4/B5 collusion should be found: {sorted(kinds)}",
        )
        check(
            all(set(w["bidders"]) <= {"B4", "B5"} for w in found["warnings"]),
            f"no warning on the clean bids: {sorted(kinds)}",
        )
        passage = next(w for w in found["warnings"] if w["kind"] == "shared_passage")
        leader = people["expert-sd-1"]
        # the report waits until the committee has decided every warning (it goes into it)
        for warning in found["warnings"]:
            first = warning["id"] == passage["id"]
            await leader.send(
                "warning-decisions",
                "warning_decision",
                WarningDecision(
                    SESSION,
                    leader.person_id,
                    warning["id"],
                    "confirmed" if first else "noted",
                    "B4、B5 投标文件施工方案段落雷同且由同一人编制，"
                    "委员会认定存在串通投标嫌疑，报交易中心处理"
                    if first
                    else "与 B4、B5 段落雷同预警为同一事实，一并报交易中心处理",
                    actors.now(),
                ),
            )
        say(
            f"5/10 围标串标预警 {len(found['warnings'])} warnings, all between B4 and B5 "
            f"(shared passage p.{passage['passages'][0]['a']['page']}"
            f"/p.{passage['passages'][0]['b']['page']}, same author); "
            "the leader signed the committee's decisions"
        )

        await supervisor.client.post(f"/sessions/{SESSION}/pause", {"reason": "淄博分会场网络检查"})
        try:
            await actors.send_sheet(
                people["expert-sd-1"], lot, actors.score_sheet(people["expert-sd-1"], lot, "E1")
            )
            raise SelfTestFailed("a sheet was accepted while the session was paused")
        except VenueRefused as exc:
            check(exc.code == "paused", f"expected a 'paused' refusal, got {exc.code}")
        await supervisor.client.post(f"/sessions/{SESSION}/resume", {"reason": "网络恢复"})
        say("6/10 暂停 supervisor paused (a sheet was refused) and resumed")

        for key in ["expert-sd-1", "expert-sd-2", "expert-nca-1"]:
            await actors.send_sheet(
                experts[key], lot, actors.score_sheet(experts[key], lot, PLAYS[key])
            )
        try:
            await actors.send_sheet(
                experts["expert-sd-3"],
                lot,
                actors.score_sheet(experts["expert-sd-3"], lot, "E5", explain=False),
            )
            raise SelfTestFailed("an unexplained deviation was accepted")
        except VenueRefused as exc:
            check(
                exc.code == "deviation_unexplained",
                f"expected deviation_unexplained, got {exc.code}",
            )
        await actors.send_sheet(
            experts["expert-sd-3"], lot, actors.score_sheet(experts["expert-sd-3"], lot, "E5")
        )
        say("7/10 评分 sheets signed (CMS + PAdES); E5's deviation on B2 had to be explained first")

        moved = await cut_mid_upload(services, relay, experts["expert-nca-2"], lot)
        summary = await centre.client.get(f"/sessions/{SESSION}/summary")
        ranking = " ".join(
            f"{e['position']}.{e['bidder_id']} {e['final']}" for e in summary["ranking"]["entries"]
        )
        check(
            [e["bidder_id"] for e in summary["ranking"]["entries"]] == ["B2", "B1", "B3"],
            f"unexpected ranking {ranking}",
        )
        how = "the client moved to another worker" if moved else "retried"
        say(
            f"8/10 汇总 the network to 杨帆 (Zibo) was cut mid-upload ({how}): one sheet, "
            f"same receipt; ranking {ranking}"
        )

        await people["expert-sd-1"].client.post(
            f"/sessions/{SESSION}/phase", {"target": "report_signing"}
        )
        for actor in experts.values():
            report = await actor.client.get(f"/sessions/{SESSION}/report")
            pdf = base64.b64decode(report["pdf"])
            with actor.signer() as signer:  # each into their own field of the signature table
                signed = await async_sign_pdf(
                    pdf, signer, stamped(pdf, actor.person_id, signer.certificate)
                )
            await actor.client.post(
                f"/sessions/{SESSION}/report/signatures",
                {"base_revision": report["revision"], "pdf": base64.b64encode(signed).decode()},
            )
        view = await centre.client.get(f"/sessions/{SESSION}")
        check(
            view["phase"] == "closed",
            f"the session should close after every signature, phase {view['phase']}",
        )
        say("9/10 评标报告 every member signed the report in turn; session closed")

        witnessed = await until_witnessed(world, services)
        archive = world.root / f"{SESSION}.zip"
        archive.write_bytes(await download(centre, f"/sessions/{SESSION}/archive"))
        report = await averify_archive(archive, world.pki.trust_list_signer.load_cert())
        failed = [f"{c.name}: {c.detail}" for c in report.checks if not c.ok]
        check(report.ok, f"the archive did not verify: {failed}")
        drawn_checks = [c for c in report.checks if c.name == DRAW_SECTION]
        check(
            bool(drawn_checks) and "一致" in drawn_checks[-1].detail_zh,
            "the archive's 专家抽取记录 should recompute and give the session's committee",
        )
        log_check = next(c for c in report.checks if c.name == "audit chain")
        check(
            "witnessed by" in log_check.detail
            and all(f"{w} up to entry" in log_check.detail for w in world.witness_ports),
            f"the archive's log should carry the cosigned heads of {list(world.witness_ports)}:"
            f" {log_check.detail}",
        )
        say(
            f"10/10 存档 archive exported and verified offline: {len(report.checks)} checks passed "
            "(专家抽取记录 recomputed, committee as drawn; log witnessed by "
            + ", ".join(f"{w} up to entry {n}" for w, n in sorted(witnessed.items()))
            + ", as the plan requires)"
        )
        say(await every_receipt_held_once(services, list(people.values())))
        return ranking, archive
    finally:
        for actor in people.values():
            await actor.close()
        await relay.close()
