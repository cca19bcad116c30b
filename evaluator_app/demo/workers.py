"""Several venue workers for the demo (``--workers N`` with a PostgreSQL store), kept running.

Each worker is ``evaluator venue serve --config venue.toml --port P`` in its own process, as
systemd runs them in production; like systemd with ``Restart=always``, the pool starts again a
worker that exits (or is killed). ``workers.json`` in the demo folder names the current
process of each worker, so that a fault test can kill one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import ssl
import subprocess
import sys
from pathlib import Path

import aiohttp

logger = logging.getLogger(__name__)


def serve_command(config: Path, port: int, proxy_port: int | None = None) -> list[str]:
    head = (
        [sys.executable]
        if getattr(sys, "frozen", False)
        else [sys.executable, "-m", "evaluator_app"]
    )
    plain = [] if proxy_port is None else ["--proxy-port", str(proxy_port)]
    return [*head, "venue", "serve", "--config", str(config), "--port", str(port), *plain]


async def wait_answering(
    url: str,
    ssl_context: ssl.SSLContext,
    seconds: float = 60,
    proc: subprocess.Popen[bytes] | None = None,
) -> None:
    """Until ``url``/api/v1/health answers 200. :class:`TimeoutError` after ``seconds``;
    :class:`ChildProcessError` as soon as ``proc`` (the worker or proxy behind ``url``) exits."""
    async with aiohttp.ClientSession() as session:
        for _ in range(round(seconds * 10)):
            if proc is not None and proc.poll() is not None:
                raise ChildProcessError(f"{url}: the process exited ({proc.returncode})")
            try:
                async with session.get(f"{url}/api/v1/health", ssl=ssl_context) as answer:
                    if answer.status == 200:
                        return
            except (aiohttp.ClientError, OSError):
                pass
            await asyncio.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {seconds:.0f} s")


def die_with_parent() -> None:
    """In a child, before it runs (Linux): SIGTERM when the demo that started it dies, so a
    demo killed by a signal leaves no worker and no person's app behind (systemd does this for
    its units)."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG


class WorkerPool:
    def __init__(self, config: Path, ports: list[int], folder: Path):
        self.config, self.ports, self.folder = config, ports, folder
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * len(ports)
        self.restarts = 0
        self._task: asyncio.Task[None] | None = None

    def _start(self, i: int) -> None:
        with (self.folder / f"worker-{i}.log").open("ab") as log:
            self.procs[i] = subprocess.Popen(
                serve_command(self.config, self.ports[i]),
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_parent if sys.platform == "linux" else None,
            )
        self._write_pids()

    def _write_pids(self) -> None:
        pids = [p.pid if p else None for p in self.procs]
        tmp = self.folder / "workers.json.tmp"
        tmp.write_text(json.dumps({"ports": self.ports, "pids": pids}), "utf-8")
        tmp.replace(self.folder / "workers.json")

    async def start(self, ready: object) -> WorkerPool:
        """Start every worker, wait until each answers (``ready(port)`` is awaited), supervise."""
        for i in range(len(self.ports)):
            self._start(i)
        for port in self.ports:
            await ready(port)  # type: ignore[operator]
        self._task = asyncio.create_task(self._supervise(), name="demo-workers")
        return self

    async def _supervise(self) -> None:
        while True:
            await asyncio.sleep(0.2)
            for i, proc in enumerate(self.procs):
                if proc is not None and proc.poll() is not None:
                    logger.warning("worker %d exited (%s); starting it again", i, proc.returncode)
                    self.restarts += 1
                    self._start(i)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            if proc is not None:
                try:
                    await asyncio.to_thread(proc.wait, 15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    await asyncio.to_thread(proc.wait, 5)
