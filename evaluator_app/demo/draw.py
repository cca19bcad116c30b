"""The demo's committee, drawn: a provincial pool of some 200 experts in eight cities, generated at
run time, and a request that only the demo's five experts can meet.

The draw is real — two parties commit, the pool is fixed, they reveal, the record verifies — and
it is the request and the pool that make its result the demo's people: for the three requested
specialties every other expert is excluded by a rule the record names (a bidder's or the
tenderer's employee, a declared relation with a bidder, suspended, retired, drawn within the
last 30 days — 黄磊 among them). The seed decides the order, and so nothing the demo depends on.
When 孙丽 recuses in the self-test there is no reserve for 建筑电气 (the record says so), and a
supplementary draw (补充抽取) finds 王芳, who joined the pool after the first draw (新入库).
"""

from __future__ import annotations

import json
import random
import secrets
from datetime import date, timedelta
from pathlib import Path

from evaluator_app.client.draw.pool_list import list_row, write_expert_list
from evaluator_app.client.draw.service import DrawService, OpenDraw, session_bundle
from evaluator_app.core.draw.geography import DISTANCES
from evaluator_app.core.draw.model import (
    Cause,
    DrawRequest,
    Need,
    Party,
    PoolExpert,
    Rules,
    Status,
    VenueSeats,
)
from evaluator_app.core.draw.pool import identity_hash
from evaluator_app.core.draw.record import Person
from evaluator_app.demo.pool import CITIES, SPECIALTIES, PoolEntry, employers_of
from evaluator_app.demo.world import DemoWorld
from evaluator_app.drawcheck.verify import Member
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.trust_list import load_trust_list

DRAW_ID = "JN-2026-0418-D1"
NEEDS = (Need("A010101", 2, 0), Need("A010102", 1, 1), Need("A010103", 2, 0))
TENDERER = "济南市历城区教育和体育局"
# demo person -> (pool number, specialties, drawn days ago or None)
PEOPLE: dict[str, tuple[str, tuple[str, ...], int | None]] = {
    "expert-sd-1": ("E100001", ("A010101",), None),
    "expert-sd-2": ("E100002", ("A010101", "A010501"), 200),
    "expert-dual-sd": ("E100003", ("A010102",), None),
    "expert-nca-1": ("E100004", ("A010103",), 95),
    "expert-nca-2": ("E100005", ("A010103", "A010104"), None),
    "expert-nca-3": ("E100006", ("A010103",), 10),  # 黄磊: drawn 10 days ago, excluded
}
LATER: dict[str, tuple[str, tuple[str, ...], int | None]] = {
    "expert-sd-3": ("E100007", ("A010102",), None)
}  # 王芳 joins the pool later
GENERATED = 193


def folder(world: DemoWorld) -> Path:
    """The centre's draw data where 陈静's 专家抽取 tab reads it (the app's data folder, then the
    centre workspace's ``centre/draw``), so her tab shows the demo's pool and draw."""
    return world.root / "people" / "centre-1" / "centre" / "draw"


def seal_password(world: DemoWorld) -> str:
    path = folder(world) / "demo-seal-password.txt"  # a demo's secret, shown to whoever runs it
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12), "utf-8")
    return path.read_text("utf-8").strip()


def _roster(world: DemoWorld) -> list[dict[str, str]]:
    people: list[dict[str, str]] = json.loads(
        (world.root / "venue-jinan" / "roster.json").read_text("utf-8")
    )["people"]
    return people


def _entry(pool_id: str, name: str, person_id: str, specialties, city, employer, **kw) -> PoolEntry:
    salt = secrets.token_hex(16)
    expert = PoolExpert(
        pool_id,
        tuple(sorted(specialties)),
        city,
        employer,
        kw.get("status", Status.ACTIVE),
        kw.get("until"),
        kw.get("last"),
        tuple(kw.get("orgs", ())),
        (),
        identity_hash(name, person_id, salt),
    )
    return PoolEntry(expert, Person(pool_id, name, person_id, salt), name)


def demo_people(
    pki: DemoPki,
    roster: list[dict[str, str]],
    which: dict[str, tuple[str, tuple[str, ...], int | None]],
    today: date,
) -> list[PoolEntry]:
    """The demo PKI's experts as pool entries, with the employer and city from the venue roster."""
    by_id = {p["person_id"]: p for p in roster}
    out = []
    for key, (pool_id, specialties, days) in which.items():
        person = pki.person(key)
        row = by_id[person.person_id]
        last = (today - timedelta(days=days)).isoformat() if days is not None else None
        out.append(
            _entry(
                pool_id,
                person.name,
                person.person_id,
                specialties,
                row["city"],
                row["organisation"],
                last=last,
            )
        )
    return out


def demo_pool(
    pki: DemoPki, roster: list[dict[str, str]], bidders: list[str], today: date
) -> list[PoolEntry]:
    """The pool of the first draw: the demo's experts and 193 generated ones."""
    rng = random.Random(20260418)
    wanted = {n.specialty for n in NEEDS}
    others = [code for code, _ in SPECIALTIES if code not in wanted]
    rules = ["bidder", "tenderer", "relation", "suspended", "retired", "recent"]
    entries = demo_people(pki, roster, PEOPLE, today)
    for n in range(1, GENERATED + 1):
        city = CITIES[n % len(CITIES)]
        codes = rng.sample(others, rng.choice((1, 2)))
        kw: dict[str, object] = {}
        employer = rng.choice(employers_of(city, 12))
        if n % 4 == 0:  # a quarter could serve this tender: each is kept out by a rule
            codes.append(sorted(wanted)[n % 3])
            rule = rules[(n // 4) % len(rules)]
            if rule == "bidder":
                employer = bidders[n % len(bidders)]
            elif rule == "tenderer":
                employer = TENDERER
            elif rule == "relation":
                kw["orgs"] = (bidders[(n + 1) % len(bidders)],)
            elif rule == "suspended":
                kw.update(status=Status.SUSPENDED, until=(today + timedelta(days=60)).isoformat())
            elif rule == "retired":
                kw["status"] = Status.RETIRED
            else:
                kw["last"] = (today - timedelta(days=rng.randrange(1, 30))).isoformat()
        name = rng.choice("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗") + rng.choice(
            "建国志强海燕秀英明华立新"
        )
        person_id = f"37{rng.randrange(10**15, 10**16)}"
        entries.append(_entry(f"E{n:06d}", name, person_id, codes, city, employer, **kw))
    return entries


def write_xlsx(path: Path, entries: list[PoolEntry]) -> Path:
    """The list as a department would send it (the import reads it like any other)."""
    rows = [list_row(e.expert, e.name, e.person.person_id) for e in entries]
    return write_expert_list(path, rows)


def demo_request(world: DemoWorld, project: dict, today: date) -> DrawRequest:
    lot = next(lot for lot in project["lots"] if lot["id"] == "lot-1")
    centre, official = world.pki.person("centre-1"), world.pki.person("supervisor-jinan")
    return DrawRequest(
        DRAW_ID,
        project["project"]["id"],
        project["project"]["name"],
        TENDERER,
        "济南",
        tuple(b["organisation"] for b in lot["bidders"]),
        today.isoformat(),
        today.isoformat(),
        NEEDS,
        Rules(recent_days=30, min_other_city=2, one_per_employer=True, related_experts=True),
        (
            VenueSeats("jinan", "济南", ("A01", "A02", "A03", "A04")),
            VenueSeats("zibo", "淄博", ("B01", "B02")),
        ),
        DISTANCES,
        (
            Party("centre", centre.person_id, centre.name),
            Party("supervisor", official.person_id, official.name),
        ),
    )


def service(world: DemoWorld, venue: object | None = None) -> DrawService:
    trust = load_trust_list(world.pki.trust_list, world.pki.trust_list_signer.load_cert())
    return DrawService(
        folder(world), trust, tsa_url=f"http://127.0.0.1:{world.services_port}/tsa", venue=venue
    )


def _signers(world: DemoWorld):
    from evaluator_app.pki.credentials import open_key_file

    return [
        open_key_file(world.pki.person(k).p12, world.pki.person(k).password)
        for k in ("centre-1", "supervisor-jinan")
    ]


async def draw_committee(world: DemoWorld, project: dict, venue: object | None = None) -> OpenDraw:
    """The demo's draw (made once per demo folder) opened for the session."""
    drawing = service(world, venue)
    try:
        if drawing.store.sealed_draw(DRAW_ID) is None:
            today = date.today()
            if drawing.store.count() == 0:
                bidders = [
                    b["organisation"]
                    for b in next(lot for lot in project["lots"] if lot["id"] == "lot-1")["bidders"]
                ]
                path = write_xlsx(
                    world.root / "pool" / "省综合评标专家库.xlsx",
                    demo_pool(world.pki, _roster(world), bidders, today),
                )
                await drawing.import_list(path)
            if not drawing.sealing.exists:
                drawing.sealing.create(seal_password(world))
            signers = _signers(world)
            try:
                await drawing.run(demo_request(world, project, today), signers)
            finally:
                for s in signers:
                    s.close()
            later_list(world, today)  # after the draw: 王芳 joins the pool only now
        return await drawing.open(DRAW_ID, seal_password(world))
    finally:
        drawing.close()


def later_list(world: DemoWorld, today: date) -> Path:
    """``pool/新入库专家.xlsx``: who joined the pool after the draw (王芳), for the centre to import
    before a supplementary draw (the 专家抽取 tab's 导入专家名单…, or the self-test)."""
    return write_xlsx(
        world.root / "pool" / "新入库专家.xlsx",
        demo_people(world.pki, _roster(world), LATER, today),
    )


async def replace_recused(
    world: DemoWorld, key: str, reason: str, venue: object | None = None
) -> tuple[OpenDraw, Member]:
    """The recused expert's seat: no reserve is left, so 王芳 (just imported) is drawn for it."""
    drawing = service(world, venue)
    signers = _signers(world)
    try:
        today = date.today()
        await drawing.import_list(later_list(world, today))
        draw = await drawing.open(DRAW_ID, seal_password(world))
        person_id = world.pki.person(key).person_id
        leaving = next(m for m in draw.committee if m.person_id == person_id and not m.left)
        outcome = await drawing.replace(
            draw, leaving.pool_id, Cause.RECUSED, reason, signers, today.isoformat()
        )
        if outcome.replacement is None:
            raise RuntimeError("the supplementary draw found nobody")
        return outcome.draw, outcome.replacement
    finally:
        for s in signers:
            s.close()
        drawing.close()


__all__ = ["draw_committee", "replace_recused", "session_bundle"]
