"""Idle and half-open connections are closed in bounded time and never block other clients.

The venue is served exactly as ``run_venue`` serves it (``app.start_server``), with its idle and
TLS-handshake timeouts shortened to one second for the test; the production values are
``app.IDLE_TIMEOUT``, ``app.TLS_HANDSHAKE_TIMEOUT`` and ``http.BODY_TIMEOUT_SECONDS``.
"""

from __future__ import annotations

import asyncio
import json
import ssl
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from evaluator_app.venue import app as venue_app
from evaluator_app.venue import http as venue_http
from tests.venue.harness import VenueHarness

BOUND = 6.0  # seconds within which the server must have closed a connection (timeouts are 1 s)


@pytest.fixture
async def quick(
    venue_pki: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[VenueHarness]:
    monkeypatch.setattr(venue_http, "BODY_TIMEOUT_SECONDS", 1.0)
    monkeypatch.setattr(venue_app, "LINGER_TIMEOUT", 1.0)
    h = await VenueHarness(venue_pki, tmp_path / "venue").start(
        idle_timeout=1.0, handshake_timeout=1.0
    )
    yield h
    await h.stop()


def _tls(h: VenueHarness) -> ssl.SSLContext:
    return h.client_ssl


async def closed_within(reader: asyncio.StreamReader, bound: float = BOUND) -> tuple[float, bytes]:
    """Read until the server closes; how long that took and what it sent."""
    start, received = time.monotonic(), b""
    try:
        async with asyncio.timeout(bound):
            while chunk := await reader.read(65536):
                received += chunk
    except (ConnectionResetError, ssl.SSLError, BrokenPipeError):
        pass
    return time.monotonic() - start, received


async def health(h: VenueHarness) -> float:
    start = time.monotonic()
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{h.base_url}/api/v1/health", ssl=h.client_ssl) as response,
    ):
        assert response.status == 200
    return time.monotonic() - start


async def test_tcp_without_tls_handshake_is_closed(quick: VenueHarness) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", quick.port)
    try:
        took, _ = await closed_within(reader)
        assert took < BOUND and reader.at_eof()
    finally:
        writer.close()


async def test_half_a_tls_handshake_is_closed(quick: VenueHarness) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", quick.port)
    try:
        writer.write(
            bytes.fromhex("16030100a5010000a10303")
        )  # the start of a ClientHello, then silence
        await writer.drain()
        took, _ = await closed_within(reader)
        assert took < BOUND and reader.at_eof()
    finally:
        writer.close()


@pytest.mark.parametrize(
    "sent",
    [b"", b"GET /api/v1/health HTTP/1.1\r\nHost: venue\r\nX-Slow: "],
    ids=["nothing", "half-headers"],
)
async def test_tls_connection_sending_nothing_or_half_a_request_is_closed(
    quick: VenueHarness, sent: bytes
) -> None:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", quick.port, ssl=_tls(quick), server_hostname="127.0.0.1"
    )
    try:
        writer.write(sent)
        await writer.drain()
        took, received = await closed_within(reader)
        assert took < BOUND and reader.at_eof() and received == b""
    finally:
        writer.close()


async def test_half_a_json_body_is_a_408_then_closed(quick: VenueHarness) -> None:
    before = await quick.venue.store.tx(lambda tx: tx.last_audit())
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", quick.port, ssl=_tls(quick), server_hostname="127.0.0.1"
    )
    try:
        body = b'{"statement": "AAAA", "signa'
        head = (
            "POST /api/v1/login HTTP/1.1\r\nHost: venue\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body) + 50}\r\n\r\n"
        )
        writer.write(head.encode() + body)
        await writer.drain()
        took, received = await closed_within(reader)
        assert took < BOUND and reader.at_eof()
        status_line, _, rest = received.partition(b"\r\n")
        assert status_line.split()[1] == b"408", received[:200]
        answer = json.loads(rest.partition(b"\r\n\r\n")[2])
        assert answer["error"]["code"] == "timeout" and set(answer["error"]) == {
            "code",
            "message",
            "message_zh",
            "details",
        }
    finally:
        writer.close()
    assert await quick.venue.store.tx(lambda tx: tx.last_audit()) == before


async def test_idle_sockets_do_not_block_other_clients(quick: VenueHarness) -> None:
    idle = [await asyncio.open_connection("127.0.0.1", quick.port) for _ in range(20)]
    idle += [
        await asyncio.open_connection(
            "127.0.0.1", quick.port, ssl=_tls(quick), server_hostname="127.0.0.1"
        )
        for _ in range(20)
    ]
    try:
        for _ in range(5):
            assert await health(quick) < 2.0
        closed = await asyncio.gather(*(closed_within(r) for r, _ in idle))
        assert all(took < BOUND for took, _ in closed)
        assert await health(quick) < 2.0
    finally:
        for _, w in idle:
            w.close()


def test_production_timeouts_are_bounded() -> None:
    assert 0 < venue_app.TLS_HANDSHAKE_TIMEOUT <= 30
    assert 0 < venue_app.IDLE_TIMEOUT <= 120
    assert 0 < venue_http.BODY_TIMEOUT_SECONDS <= 300
