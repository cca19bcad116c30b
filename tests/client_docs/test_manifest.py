"""verify_manifest against the real demo PKI: only the centre's intact manifest for this session."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime

import pytest

from evaluator_app.client.errors import ManifestRefused
from evaluator_app.client.manifest import check_manifest, verify_manifest
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import sign_detached
from evaluator_app.protocol.artefacts import ManifestEntry
from tests.client_docs.support import DocSession, manifest_bytes, now
from tests.venue.harness import VenueHarness

ENTRY = ManifestEntry("bid-B1", "ab" * 32, 1234, "投标文件 B1", "B1")


async def signed(h: VenueHarness, person: str, content: bytes) -> bytes:
    return await asyncio.to_thread(sign_detached, content, h.signer(person))


async def verify(h: VenueHarness, content: bytes, signature: bytes, session: str = "S1", **kw):  # type: ignore[no-untyped-def]
    return await verify_manifest(
        content,
        signature,
        h.venue.trust_list,
        session,
        datetime.now(UTC),
        h.venue.revocation,
        **kw,
    )


async def test_the_published_manifest_verifies(docs: DocSession) -> None:
    h = docs.h
    listing = await docs.expert.get("/sessions/S1/documents")
    content, signature = (
        base64.b64decode(listing["manifest"]["content"]),
        base64.b64decode(listing["manifest"]["signature"]),
    )
    assert content == docs.content
    manifest = await verify(h, content, signature, signers={h.person_id("centre-1")})
    assert manifest.session_id == "S1"
    assert {e.doc_id: e for e in manifest.documents} == docs.entries
    checked = await check_manifest(
        content, signature, h.venue.trust_list, "S1", None, h.venue.revocation
    )
    assert checked.signer.person_id == h.person_id("centre-1")


async def refused(
    h: VenueHarness, code: str, content: bytes, signature: bytes, session: str = "S1", **kw
) -> ManifestRefused:  # type: ignore[no-untyped-def]
    with pytest.raises(ManifestRefused) as info:
        await verify(h, content, signature, session, **kw)
    assert info.value.code == code, info.value.message_en
    assert (
        info.value.message_en and info.value.message_zh != info.value.message_en
    )  # both languages
    return info.value


async def test_refusals(harness: VenueHarness) -> None:
    h = harness
    good = manifest_bytes("S1", [ENTRY])
    signature = await signed(h, "centre-1", good)
    assert (await verify(h, good, signature)).documents == (ENTRY,)

    # one byte of the content changed after signing (a bigger size)
    await refused(h, "bad_signature", good.replace(b'"size":1234', b'"size":1235'), signature)
    # a valid signature, but over another manifest
    await refused(
        h,
        "bad_signature",
        good,
        await signed(
            h,
            "centre-1",
            manifest_bytes("S1", [ENTRY, ManifestEntry("tender", "cd" * 32, 9, "招标文件")]),
        ),
    )
    await refused(h, "bad_signature", good, b"not a CMS signature")
    # the centre's genuine manifest of another session
    other = manifest_bytes("S2", [ENTRY])
    await refused(h, "wrong_session", other, await signed(h, "centre-1", other))
    # the same data, signed, but not in canonical form: two byte strings must not mean one manifest
    loose = json.dumps(json.loads(good), indent=1, ensure_ascii=False).encode()
    await refused(h, "not_canonical", loose, await signed(h, "centre-1", loose))
    # another artefact kind (a signed score sheet is not a manifest)
    sheet = artefact_bytes("score_sheet", 1, {"session_id": "S1", "documents": [], "at": now()})
    await refused(h, "wrong_kind", sheet, await signed(h, "centre-1", sheet))
    # unsorted or duplicate entries
    dup = artefact_bytes(
        "document_manifest",
        1,
        {
            "session_id": "S1",
            "at": now(),
            "documents": [
                {"doc_id": "b", "sha256": "ab" * 32, "size": 1, "title": "t", "bidder_id": None},
                {"doc_id": "a", "sha256": "ab" * 32, "size": 1, "title": "t", "bidder_id": None},
            ],
        },
    )
    await refused(h, "malformed", dup, await signed(h, "centre-1", dup))
    bad_hash = manifest_bytes("S1", [ManifestEntry("x", "XYZ", 1, "t")])
    await refused(h, "malformed", bad_hash, await signed(h, "centre-1", bad_hash))
    await refused(h, "malformed", b"\xff not json", signature)


@pytest.mark.parametrize(
    ("person", "reason"),
    [
        ("expert-revoked", "revoked"),
        ("expert-rogue", "issuer-not-recognised"),
        ("expert-expired", "expired"),
        ("expert-old", "ca-withdrawn"),
    ],
)
async def test_a_signer_the_trust_list_refuses(
    harness: VenueHarness, person: str, reason: str
) -> None:
    good = manifest_bytes("S1", [ENTRY])
    error = await refused(harness, "certificate_refused", good, await signed(harness, person, good))
    assert reason in error.reasons


async def test_a_valid_signer_who_is_not_centre_staff(harness: VenueHarness) -> None:
    h = harness
    good = manifest_bytes("S1", [ENTRY])
    by_expert = await signed(h, "expert-sd-1", good)
    await verify(h, good, by_expert)  # a recognised certificate: only the allow-list tells
    await refused(h, "not_centre", good, by_expert, signers={h.person_id("centre-1")})
