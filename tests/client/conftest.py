"""Client tests run against the real venue of tests/venue (real TLS, demo-PKI signatures)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from evaluator_app.client.venue_client import VenueClient
from evaluator_app.venue.app import build_venue
from tests.venue.conftest import harness, venue_pki  # noqa: F401
from tests.venue.harness import VenueHarness


class CutProxy:
    """A TCP relay on loopback between client and venue that the test can make misbehave.

    ``hold``: bytes from the venue are kept back, not forwarded (the venue has answered, the
    client has not heard); ``cut()`` then aborts every connection without delivering them.
    ``down``: new connections are closed at once (the network is out).
    TLS passes through untouched, so the client still sees the venue's own certificate.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.hold = False
        self.down = False
        self.held = 0  # bytes kept back
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> CutProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._writers |= {writer, up_writer}
        for task in (self._pump(reader, up_writer, False), self._pump(up_reader, writer, True)):
            t = asyncio.create_task(task)
            self._tasks.add(t)
            t.add_done_callback(self._tasks.discard)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, from_venue: bool) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await source.read(65536):
                if from_venue and self.hold:
                    self.held += len(data)
                    continue
                sink.write(data)
                await sink.drain()
        with contextlib.suppress(Exception):
            sink.close()

    def cut(self) -> None:
        """Every connection through the proxy dies now, held bytes undelivered."""
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


@pytest.fixture
async def proxy(harness: VenueHarness) -> AsyncIterator[CutProxy]:  # noqa: F811
    p = await CutProxy(harness.port).start()
    yield p
    await p.close()


@pytest.fixture
async def clients() -> AsyncIterator[list[VenueClient]]:
    """Clients the test makes itself (not the harness's): they outlive a venue restart."""
    made: list[VenueClient] = []
    yield made
    for client in made:
        await client.close()


async def login(h: VenueHarness, made: list[VenueClient], person_key: str, base_url: str | None = None, workstation_id: str | None = None) -> VenueClient:
    role = h.demo.person(person_key).role
    default = "ws-centre" if role == "centre" else f"ws-{person_key}"
    client = VenueClient(base_url or h.base_url, h.client_ssl, workstation_id or default)
    made.append(client)
    await client.login(h.signer(person_key))
    return client


async def start_again(h: VenueHarness) -> None:
    """After ``h.stop()``: a new venue serves the same port and database (a restarted process)."""
    h.venue = build_venue(h.config)
    await h.start()


async def eventually(check: Callable[[], Awaitable[Any]] | Callable[[], Any], timeout: float = 10.0, what: str = "") -> Any:
    """Poll ``check`` until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.05)
