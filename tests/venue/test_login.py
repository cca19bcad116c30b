"""Login by signature against a real venue over TLS: who gets in, and why others do not."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from evaluator_app.client.errors import VenueRefused, WrongVenue
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import sign_detached
from evaluator_app.protocol.messages import LoginChallenge, LoginResult


async def test_expert_logs_in_and_gets_a_token_bound_to_seat(harness):
    client = await harness.login("expert-sd-1")
    result = client.login_result
    assert result.person_id == "370000199001010011" and result.role.value == "expert"
    assert (result.workstation_id, result.seat) == ("ws-expert-sd-1", "A01")
    me = await client.get("/me")
    assert me["person_id"] == result.person_id and me["seat"] == "A01"


async def test_same_person_through_either_ca(harness):
    a = await harness.login("expert-dual-sd")
    b = await harness.login("expert-dual-nca")
    assert a.login_result.person_id == b.login_result.person_id


@pytest.mark.parametrize(
    "person, code, words",
    [
        ("expert-revoked", "certificate_refused", "revoked"),
        ("expert-expired", "certificate_refused", "expired"),
        ("expert-rogue", "certificate_refused", "issuer-not-recognised"),
        ("expert-wrong-ku", "certificate_refused", "wrong-key-usage"),
        ("expert-old", "certificate_refused", "ca-withdrawn"),
    ],
)
async def test_refused_certificates_say_why(harness, person, code, words):
    client = harness.new_client("ws-expert-sd-1")
    with pytest.raises(VenueRefused) as info:
        await client.login(harness.signer(person))
    error = info.value
    assert error.status == 401 and error.code == code
    assert words in [r["code"] for r in error.details["reasons"]], error.message_en
    assert error.message_zh.startswith("证书未通过验证")  # a person reads Chinese


async def test_expert_on_unregistered_workstation_is_refused(harness):
    client = harness.new_client("ws-laptop-at-home")
    with pytest.raises(VenueRefused) as info:
        await client.login(harness.signer("expert-sd-1"))
    assert info.value.status == 403 and info.value.code == "unregistered_workstation"
    assert "未登记" in info.value.message_zh


async def _statement(harness, client, **change):  # type: ignore[no-untyped-def]
    seen = await client.probe_peer_certificate()
    challenge = await client.post("/login/challenge", None, LoginChallenge)
    body = {
        "nonce": challenge.nonce,
        "venue_id": challenge.venue_id,
        "tls_cert_sha256": seen,
        "workstation_id": "ws-expert-sd-1",
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    body.update(change)
    content = artefact_bytes("login", 1, body)
    return {
        "statement": content,
        "signature": sign_detached(content, harness.signer("expert-sd-1")),
    }


async def test_replayed_login_is_refused(harness):
    client = harness.new_client("ws-expert-sd-1")
    signed = await _statement(harness, client)
    assert (await client.post("/login", signed, LoginResult)).person_id
    with pytest.raises(VenueRefused) as info:
        await client.post("/login", signed)
    assert info.value.code == "replayed"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"venue_id": "zibo"}, "foreign_venue"),
        ({"tls_cert_sha256": "00" * 32}, "foreign_venue"),
        (
            {"time": (datetime.now(UTC) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ")},
            "stale",
        ),
    ],
)
async def test_foreign_or_stale_statement_is_refused(harness, change, code):
    client = harness.new_client("ws-expert-sd-1")
    with pytest.raises(VenueRefused) as info:
        await client.post("/login", await _statement(harness, client, **change))
    assert info.value.status == 401 and info.value.code == code


async def test_tampered_statement_is_refused(harness):
    client = harness.new_client("ws-expert-sd-1")
    signed = await _statement(harness, client)
    data = json.loads(signed["statement"])
    data["workstation_id"] = "ws-expert-sd-2"
    signed["statement"] = artefact_bytes(
        "login", 1, {k: v for k, v in data.items() if k != "schema"}
    )
    with pytest.raises(VenueRefused) as info:
        await client.post("/login", signed)
    assert info.value.code == "bad_signature"


async def test_person_not_on_roster_is_refused(harness, venue_pki, tmp_path):
    # a second venue, whose roster is then emptied: reopening it strikes everyone off
    from evaluator_app.venue.app import build_venue
    from tests.venue.harness import VenueHarness

    other = VenueHarness(venue_pki, tmp_path / "other")
    (tmp_path / "other" / "roster.json").write_text('{"people": []}', "utf-8")
    await other.venue.store.close()
    other.venue = build_venue(other.config)
    await other.start()
    try:
        client = other.new_client("ws-expert-sd-1")
        with pytest.raises(VenueRefused) as info:
            await client.login(other.signer("expert-sd-1"))
        assert info.value.code == "not_on_roster"
    finally:
        await other.stop()


async def test_client_refuses_a_venue_with_an_untrusted_certificate(harness):
    from evaluator_app.client.venue_client import VenueClient, client_ssl_context

    rogue_root = str(harness.demo.ca("rogue").root_cert)
    client = VenueClient(harness.base_url, client_ssl_context([rogue_root]), "ws-expert-sd-1")
    harness.clients.append(client)
    with pytest.raises(WrongVenue):
        await client.login(harness.signer("expert-sd-1"))


async def test_no_token_and_bad_token(harness):
    client = harness.new_client("ws-expert-sd-1")
    with pytest.raises(VenueRefused) as info:
        await client.get("/sessions")
    assert info.value.status == 401 and info.value.code == "no_token"
    client.token = "forged"
    with pytest.raises(VenueRefused) as info:
        await client.get("/sessions")
    assert info.value.code == "bad_token"
