"""Reusable demo-PKI helpers for any test directory (tests/pki/conftest.py wires them up).

from tests.pki_fixtures import build_demo_pki, ServicesThread, free_port
"""

from __future__ import annotations

import asyncio
import socket
import threading
from pathlib import Path

import pytest
from aiohttp import web

from evaluator_app.pki.demo_pki import DemoPki, create_demo_pki
from evaluator_app.pki.services import make_pki_services_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_demo_pki(
    tmp_path_factory: pytest.TempPathFactory,
    services_url: str | None = None,
    name: str = "demo-pki",
) -> DemoPki:
    """A fresh demo PKI in a temporary directory; services_url defaults to an unused port."""
    out: Path = tmp_path_factory.mktemp(name)
    url = services_url or f"http://127.0.0.1:{free_port()}"
    return create_demo_pki(out, services_url=url)


class ServicesThread:
    """Runs the CRL/OCSP/TSA app on 127.0.0.1:port in a thread with its own event loop,
    so both sync tests and tests with their own loop can reach it."""

    def __init__(self, demo: DemoPki, port: int) -> None:
        self.demo, self.port = demo, port
        self.url = f"http://127.0.0.1:{port}"
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pki-services", daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(make_pki_services_app(self.demo))
        self._loop.run_until_complete(self._runner.setup())
        self._loop.run_until_complete(web.TCPSite(self._runner, "127.0.0.1", self.port).start())
        self._ready.set()
        self._loop.run_forever()
        # a TLS or HTTP handshake still open when the run ends: cancel and finish it here, or it
        # is destroyed pending at the session's end ("Task was destroyed but it is pending!")
        pending = asyncio.all_tasks(self._loop)
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._runner.cleanup())
        self._loop.close()

    def start(self) -> ServicesThread:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("PKI services did not start")
        return self

    def stop(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
