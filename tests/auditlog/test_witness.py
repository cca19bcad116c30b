"""Witnesses countersign the main venue's tree heads (issue 12, item 2), with the demo's keys:
济南 (jinan) signs its heads, 淄博 (zibo) countersigns them; the trust list names both keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

import pytest

from evaluator_app.auditlog import merkle
from evaluator_app.auditlog.errors import LogError
from evaluator_app.auditlog.tree_head import SignedTreeHead, TreeHead
from evaluator_app.auditlog.witness import check_witnesses, witness_head
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.trust_list import TrustList, load_trust_list
from tests.pki_fixtures import build_demo_pki
from tests.signing.pki_helpers import TinyPki

AT = "2026-12-02T01:00:00.000000Z"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoPki, TrustList]]:
    demo = build_demo_pki(tmp_path_factory, name="witness-pki")
    yield demo, load_trust_list(demo.trust_list, demo.trust_list_signer.cert)


def _leaves(n: int, tag: str = "") -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(f"{tag}{i}".encode()).digest()) for i in range(n)]


def _head(demo: DemoPki, leaves: list[bytes]) -> SignedTreeHead:
    """A head of 济南's log signed with 济南's own key (the one the trust list names)."""
    venue = demo.venue("jinan")
    head = TreeHead("jinan", len(leaves), merkle.root(leaves).hex(), AT).content()
    return SignedTreeHead(head, sign_detached(head, open_pkcs12(venue.p12, venue.password)))


def _zibo(demo: DemoPki):  # type: ignore[no-untyped-def]
    return open_pkcs12(demo.venue("zibo").p12, demo.venue("zibo").password)


async def test_a_witness_countersigns_a_head_that_extends_the_last(world) -> None:  # type: ignore[no-untyped-def]
    demo, trust = world
    leaves = _leaves(40)
    first, second = _head(demo, leaves[:10]), _head(demo, leaves)
    zibo = _zibo(demo)
    c1 = await witness_head(first, [], None, "zibo", zibo, trust, AT)
    proof = merkle.consistency_proof(10, leaves)
    c2 = await witness_head(second, proof, first.head, "zibo", zibo, trust, AT)
    assert await check_witnesses([c1, c2], leaves, trust, "jinan", ["zibo"]) == ([], {"zibo": 40})
    # the plan names the centre too: without its cosignature the log is not witnessed
    missing, seen = await check_witnesses([c1], leaves, trust, "jinan", ["zibo", "centre"])
    assert [p.en for p in missing] == ["witness centre has countersigned no head of this log"]
    assert "见证方 centre 未对本日志的任何树头签名" in missing[0].zh and seen == {"zibo": 10}
    # the head it should have countersigned, signed at 01:00 UTC: read in Beijing time
    missing, _ = await check_witnesses([c1], leaves, trust, "jinan", ["centre"], second.head)
    assert missing[0].zh.endswith("（最新树头：40 条记录，2026-12-02 09:00:00（北京时间）签署）")
    assert missing[0].en.endswith(
        "(the last head: 40 entries, signed at 2026-12-02 09:00:00 (Beijing time))"
    )


async def test_a_witness_refuses_a_head_that_does_not_extend_what_it_saw(world) -> None:  # type: ignore[no-untyped-def]
    demo, trust = world
    leaves = _leaves(40)
    first = _head(demo, leaves[:10])
    rewritten = _leaves(10, "forged") + leaves[10:]
    forged = _head(demo, rewritten)  # the venue's own key, over a rewritten past
    zibo = _zibo(demo)
    proof = merkle.consistency_proof(10, rewritten)
    with pytest.raises(LogError, match="no proof that the head of 40 entries extends"):
        await witness_head(forged, proof, first.head, "zibo", zibo, trust, AT)
    shorter = _head(demo, leaves[:5])
    with pytest.raises(LogError, match="does not extend the one of 10"):
        await witness_head(shorter, [], first.head, "zibo", zibo, trust, AT)


async def test_a_head_signed_by_another_key_is_not_countersigned(world, tmp_path) -> None:  # type: ignore[no-untyped-def]
    demo, trust = world
    forger = TinyPki(tmp_path).person("伪造者")
    leaves = _leaves(5)
    head = TreeHead("jinan", 5, merkle.root(leaves).hex(), AT).content()
    signed = SignedTreeHead(head, sign_detached(head, open_pkcs12(forger.p12, forger.password)))
    with pytest.raises(LogError) as info:
        await witness_head(signed, [], None, "zibo", _zibo(demo), trust, AT)
    assert "a key the trust list does not recognise for jinan" in info.value.message_en


async def test_a_split_view_is_reported_with_both_signatures(world) -> None:  # type: ignore[no-untyped-def]
    """The venue shows zibo one log and the centre another, both of 20 entries."""
    demo, trust = world
    honest, other = _leaves(20), _leaves(20, "other")
    seen_a = await witness_head(_head(demo, honest), [], None, "zibo", _zibo(demo), trust, AT)
    centre = demo.party("centre")  # the centre's own key, listed in the trust list
    centre_key = open_pkcs12(centre.p12, centre.password)
    seen_b = await witness_head(_head(demo, other), [], None, "centre", centre_key, trust, AT)
    problems, _ = await check_witnesses([seen_a, seen_b], honest, trust, "jinan", [])
    assert len(problems) == 1
    text = problems[0].en
    assert text.startswith("split view: jinan signed different heads of 20 entries")
    assert "zibo countersigned root" in text and "centre countersigned root" in text
    assert text.count("venue signature") == 2 and text.count("cosignature") == 2
    assert "分叉视图" in problems[0].zh
    # one view that is not the log's is a split view too (the log shown to the verifier)
    alone, _ = await check_witnesses([seen_b], honest, trust, "jinan", [])
    assert [p.en.split(":")[0] for p in alone] == ["split view"]


async def test_a_cosignature_above_the_log_shows_truncation(world) -> None:  # type: ignore[no-untyped-def]
    demo, trust = world
    leaves = _leaves(30)
    seen = await witness_head(_head(demo, leaves), [], None, "zibo", _zibo(demo), trust, AT)
    problems, _ = await check_witnesses([seen], leaves[:12], trust, "jinan", [])
    assert problems[0].en == (
        "log truncated: zibo countersigned a head of 30 entries; the log ends at 12"
    )
