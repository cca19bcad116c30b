"""A loopback TCP relay that can misbehave, to show that a network drop mid-upload loses nothing
and doubles nothing (the self-test, and the client tests). TLS passes through untouched, so the
client still sees the venue's own certificate.

``hold``: bytes from the venue are kept back (the venue answered, the client has not heard);
``cut()`` aborts every connection without delivering them; ``down``: new connections are closed
at once (the network is out).
"""

from __future__ import annotations

import asyncio
import contextlib


class CuttableRelay:
    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = 0
        self.hold = False
        self.down = False
        self.held = 0  # bytes kept back
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> CuttableRelay:
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
        for pump in (self._pump(reader, up_writer, False), self._pump(up_reader, writer, True)):
            task = asyncio.create_task(pump)
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, from_venue: bool
    ) -> None:
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
