"""Bad requests cost nothing (issue 12, item 7), against a real venue over TLS.

The findings: unauthenticated ``/login`` read bodies up to 64 MiB (eight at once took the venue
from 148 to 716 MiB); a bearer token in ``?token=`` was accepted on every endpoint; an expert
marked absent, or one who had not signed the declaration, could download bid documents;
returning a sheet was not idempotent (a retry after a crash got 409: tested in the whole
session, ``test_session_flow``), and so were archives with two members of one name.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any

import pytest

from evaluator_app.protocol import API_PREFIX
from tests.venue.flow import declare
from tests.venue.harness import VenueHarness
from tests.venue.test_documents import BID, TENDER, create, documents, fetch, manifest_of


async def _raw(h: VenueHarness, head: bytes, body: bytes, wait: float = 10.0) -> bytes:
    """Send ``head`` and ``body`` and read the answer without sending anything more."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the venue's certificate is not what is tested here
    reader, writer = await asyncio.open_connection("127.0.0.1", h.port, ssl=context)
    try:
        writer.write(head + body)
        await writer.drain()
        async with asyncio.timeout(wait):
            return await reader.read(4096)
    finally:
        writer.close()
        await writer.wait_closed()


@pytest.mark.parametrize("path", ["/login", "/workstations/enrol"])
async def test_unauthenticated_bodies_are_refused_before_they_are_read(
    harness: VenueHarness, path: str
) -> None:
    h = harness
    # 64 MiB announced, 100 bytes sent: the venue answers at once, without waiting for the rest
    head = (
        f"POST {API_PREFIX}{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: 67108864\r\n\r\n"
    ).encode()
    answer = await _raw(h, head, b"{" + b" " * 99)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"too_large" in answer
    # chunked, no length announced: refused once the body passes the limit
    head = (
        f"POST {API_PREFIX}{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"4000\r\n" + b" " * 0x4000 + b"\r\n"
    answer = await _raw(h, head, b"1\r\n{\r\n" + chunk * 2)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


async def test_the_timestamp_authority_refuses_a_large_body_unread(harness: VenueHarness) -> None:
    """Anyone may ask the venue's TSA: a request is a hash and a nonce, a few hundred bytes."""
    head = (
        f"POST {API_PREFIX}/tsa HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/timestamp-query\r\nContent-Length: 67108864\r\n\r\n"
    ).encode()
    answer = await _raw(harness, head, b"0" * 100)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


async def test_a_token_in_the_url_is_not_a_login(harness: VenueHarness) -> None:
    h = harness
    expert = await h.login("expert-sd-1")
    async with expert._session.get(
        f"{h.base_url}{API_PREFIX}/me?token={expert.token}", ssl=h.client_ssl
    ) as response:
        assert response.status == 401 and (await response.json())["error"]["code"] == "no_token"
    async with expert._session.get(
        f"{h.base_url}{API_PREFIX}/ws?since=0&token={expert.token}", ssl=h.client_ssl
    ) as response:
        assert response.status == 401
    assert (await expert.get("/me"))["person_id"] == h.person_id("expert-sd-1")


@pytest.fixture
async def bids(harness: VenueHarness) -> tuple[VenueHarness, Any]:
    h = harness
    centre = await h.login("centre-1")
    for data in (TENDER, BID):
        await centre.put_blob(data)
    await create(h, centre, documents())
    content, signature = await centre.sign_artefact(
        "document_manifest", manifest_of(documents()), h.signer("centre-1")
    )
    await centre.upload("S1", "manifest", content, signature)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    return h, centre


async def test_bids_only_after_the_declaration_and_only_for_those_present(
    bids: tuple[VenueHarness, Any],
) -> None:
    h, _centre = bids
    expert = await h.login("expert-sd-1")
    status, _, body = await fetch(h, expert, "bid-B1")
    assert status == 403 and b"declaration_first" in body and "承诺书".encode() in body
    status, _, data = await fetch(h, expert, "tender")  # the tender is read before, to declare
    assert status == 200 and data == TENDER
    await declare(h, expert, "expert-sd-1")
    status, _, data = await fetch(h, expert, "bid-B1")
    assert status == 200 and data == BID
    # declared, then marked absent by the supervisor: no more bids
    other = await h.login("expert-sd-2")
    await declare(h, other, "expert-sd-2")
    supervisor = await h.login("supervisor-jinan")
    await supervisor.post(
        "/sessions/S1/absent", {"person_id": h.person_id("expert-sd-2"), "reason": "离席"}
    )
    status, _, body = await fetch(h, other, "bid-B1")
    assert status == 403 and b"not_present" in body
