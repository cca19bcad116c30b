"""A demo PKI, a generated pool and a whole draw made with real signatures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest

from evaluator_app.client.draw.ceremony import Ceremony
from evaluator_app.core.draw.geography import DISTANCES
from evaluator_app.core.draw.model import (
    DrawRequest,
    Need,
    Party,
    Rules,
    VenueSeats,
)
from evaluator_app.core.draw.pool import snapshot_bytes
from evaluator_app.core.draw.record import Person
from evaluator_app.demo.pool import PoolEntry, synthetic_pool
from evaluator_app.drawcheck.signers import SignatureJudge
from evaluator_app.pki.credentials import Signer, open_key_file
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.trust_list import load_trust_list
from tests.pki_fixtures import build_demo_pki


@pytest.fixture(scope="session")
def draw_pki(tmp_path_factory: pytest.TempPathFactory) -> DemoPki:
    return build_demo_pki(tmp_path_factory, name="draw-pki")


def signer(pki: DemoPki, key: str) -> Signer:
    person = pki.person(key)
    return open_key_file(person.p12, person.password)


@pytest.fixture(scope="session")
def judge(draw_pki: DemoPki) -> SignatureJudge:
    return SignatureJudge(
        load_trust_list(draw_pki.trust_list, draw_pki.trust_list_signer.load_cert())
    )


def parties(pki: DemoPki) -> tuple[Party, ...]:
    centre, supervisor = pki.person("centre-1"), pki.person("supervisor-jinan")
    return (
        Party("centre", centre.person_id, centre.name),
        Party("supervisor", supervisor.person_id, supervisor.name),
    )


def make_request(pki: DemoPki, draw_id: str = "JN-2026-0418-D1", **kw) -> DrawRequest:  # type: ignore[no-untyped-def]
    base = DrawRequest(
        draw_id,
        "JN-2026-0418",
        "教学楼改扩建工程",
        "济南市历城区教育和体育局",
        "济南",
        ("山东鲁泰建设集团有限公司", "淄博华信建工有限公司"),
        "2026-04-10",
        "2026-04-18",
        (Need("A010101", 3, 2), Need("A010103", 2, 1)),
        Rules(recent_days=30, min_other_city=2),
        (
            VenueSeats("jinan", "济南", ("A01", "A02", "A03", "A04")),
            VenueSeats("zibo", "淄博", ("B01", "B02", "B03")),
        ),
        DISTANCES,
        parties(pki),
    )
    from dataclasses import replace

    return replace(base, **kw)


def people_of(entries: list[PoolEntry]):  # type: ignore[no-untyped-def]
    by_id = {e.expert.id: e.person for e in entries}

    def people(ids: list[str]) -> dict[str, Person]:
        return {i: by_id[i] for i in ids}

    return people


async def make_draw(pki: DemoPki, entries: list[PoolEntry], request: DrawRequest) -> Ceremony:
    centre, supervisor = signer(pki, "centre-1"), signer(pki, "supervisor-jinan")
    ceremony = Ceremony(request)
    await ceremony.sign_request(centre)
    await ceremony.commit(0, centre)
    await ceremony.commit(1, supervisor)
    await ceremony.freeze(snapshot_bytes("2026-04-10", [e.expert for e in entries]), centre)
    await ceremony.reveal(0, centre)
    await ceremony.reveal(1, supervisor)
    ceremony.compute(people_of(entries))
    await ceremony.sign_record(0, centre)
    await ceremony.sign_record(1, supervisor)
    return ceremony


@dataclass(frozen=True)
class MadeDraw:
    files: dict[str, bytes]
    entries: list[PoolEntry]
    request: DrawRequest


@pytest.fixture(scope="session")
def made_draw(draw_pki: DemoPki) -> MadeDraw:
    entries = synthetic_pool(300, seed=7, specialties=4, cities=("济南", "淄博", "泰安", "青岛"))
    request = make_request(draw_pki)
    ceremony = asyncio.run(make_draw(draw_pki, entries, request))
    return MadeDraw(dict(ceremony.files), entries, request)
