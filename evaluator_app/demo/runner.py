"""Running the demo: services in one loop, the session ready, until Ctrl+C (or the self-test)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from evaluator_app.demo import actors
from evaluator_app.demo.services import RunningServices, start_services
from evaluator_app.demo.world import DemoWorld, describe

logger = logging.getLogger(__name__)


def demo_dir(given: Path | None) -> Path:
    return given if given is not None else Path(tempfile.mkdtemp(prefix="evaluator-demo-"))


async def bring_up(world: DemoWorld) -> RunningServices:
    services = await start_services(world)
    centre = actors.Actor(world, "centre-1")
    try:
        await centre.login()
        await actors.create_session(world, centre)
    finally:
        await centre.close()
    return services


async def serve_until_interrupted(world: DemoWorld, say: Callable[[str], None] = print) -> None:
    services = await bring_up(world)
    for line in describe(world):
        say(line)
    say(f"评标会话 session {actors.SESSION} is open for declarations. Ctrl+C stops everything.")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Windows: no signal handlers there, KeyboardInterrupt does it
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await services.stop()
        say("演示服务已停止 demo services stopped")


async def selftest(world: DemoWorld, say: Callable[[str], None] = print) -> int:
    from evaluator_app.demo.selftest import run_selftest
    from evaluator_app.demo.selftest_checks import SelfTestFailed

    services = await start_services(world)
    try:
        ranking, archive = await run_selftest(world, services, say)
    except (
        SelfTestFailed,
        Exception,
    ) as exc:  # any failure is a failed self-test, said in one line
        say(f"自测失败 SELFTEST FAILED: {exc}")
        logger.debug("self-test failure", exc_info=True)
        return 1
    finally:
        await services.stop()
    say(f"自测通过 SELFTEST OK: ranking {ranking}; archive {archive}")
    return 0


class ServicesThread:
    """The services in a thread of their own, while the Qt launcher owns the main thread."""

    def __init__(self, world: DemoWorld):
        self.world = world
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="demo-services", daemon=True)
        self._stop: asyncio.Event | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        try:
            services = await bring_up(self.world)
        except BaseException as exc:  # reported to the launcher, which says it in words
            self.error = exc
            self.ready.set()
            return
        self.ready.set()
        await self._stop.wait()
        await services.stop()

    def start(self) -> ServicesThread:
        self.thread.start()
        self.ready.wait(120)
        return self

    def stop(self) -> None:
        if self._stop is not None:
            self.loop.call_soon_threadsafe(self._stop.set)
        self.thread.join(20)


def app_command(data_dir: Path) -> list[str]:
    """How to start the application as one demo person, from source or from the bundle."""
    if getattr(sys, "frozen", False):
        return [sys.executable, "app", "--data-dir", str(data_dir)]
    return [sys.executable, "-m", "evaluator_app", "app", "--data-dir", str(data_dir)]
