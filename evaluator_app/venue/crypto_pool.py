"""The venue's signature work off its event loop: upload checks (the CMS, a score sheet's PDF)
and receipt signing, in processes.

On two cores the loop thread was the intake's limit (issue 17: receipt signing ~43 % of an upload,
the upload's CMS check 24-31 %). Each worker is a spawned process that opens the venue's signing
key from the same PKCS#12 file and password file the venue itself reads (nothing is written
anywhere), and checks CMS integrity; trust (path validation, its cache, revocation) stays in the
venue process, where the validation cache lives. A key that cannot cross processes (PKCS#11) keeps
the in-process path: :func:`venue_pool` gives no pool for a venue that is not configured with a
PKCS#12 file.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.signature_verify import SignatureVerdict
from evaluator_app.venue.errors import ConfigError

if TYPE_CHECKING:
    from evaluator_app.venue.sheet_pdf_read import SheetPdfRead

logger = logging.getLogger(__name__)
START_TIMEOUT = 120.0  # seconds for every worker to import pyHanko and open the key

# one per process: the signer opened by the initializer and a loop for pyHanko's async calls
_signer: Signer | None = None
_loop: asyncio.AbstractEventLoop | None = None
_started: Any = None  # a barrier of all the workers: each start-up task is held by its own


def _init_worker(p12: str, password_file: str, started: Any, venue_pid: int) -> None:
    global _signer, _loop, _started
    _die_with_the_venue(venue_pid)
    _started = started
    from evaluator_app.pki.credentials.pkcs12 import open_pkcs12

    _signer = open_pkcs12(Path(p12), Path(password_file).read_text("utf-8").strip())
    _loop = asyncio.new_event_loop()


def _die_with_the_venue(venue_pid: int) -> None:
    """A venue killed outright (SIGKILL) runs no cleanup: its workers get SIGTERM from the
    kernel instead of waiting forever on their queue (Linux; elsewhere cleanup only)."""
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
        if os.getppid() != venue_pid:  # the venue died before the line above
            os._exit(1)


def _ready() -> int:
    _started.wait(START_TIMEOUT)  # returns once every worker holds one start-up task
    return os.getpid()


def _sign(content: bytes, signing_time: datetime) -> bytes:
    from evaluator_app.pki.cms import async_sign_detached

    assert _signer is not None and _loop is not None, "worker not initialised"
    return _loop.run_until_complete(
        async_sign_detached(content, _signer, signing_time=signing_time)
    )


def _verify(content: bytes, signature: bytes) -> SignatureVerdict:
    from evaluator_app.pki.cms import async_verify_detached

    assert _loop is not None, "worker not initialised"
    return _loop.run_until_complete(async_verify_detached(content, signature, None))


def _read_sheet_pdf(pdf: bytes) -> Any:
    from evaluator_app.venue.sheet_pdf_read import read_sheet_pdf

    assert _loop is not None, "worker not initialised"
    return _loop.run_until_complete(read_sheet_pdf(pdf))


class CryptoPool:
    """``workers`` spawned processes holding the venue's key. Until they are up (or if they
    cannot start) :attr:`running` is false and the venue signs and checks on its loop."""

    def __init__(self, p12: Path, password_file: Path, workers: int) -> None:
        self._args = (str(p12), str(password_file))
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None
        self._starting: asyncio.Task[tuple[int, ...]] | None = None
        self.pids: tuple[int, ...] = ()  # the workers' process ids, once started

    @property
    def running(self) -> bool:
        return self._executor is not None

    def start_soon(self) -> None:
        """Start in the background: the venue serves at once, the workers take over when up."""
        self._starting = asyncio.get_running_loop().create_task(self._start_or_stay())

    async def _start_or_stay(self) -> tuple[int, ...]:
        try:
            return await self.start()
        except ConfigError as exc:
            logger.error("%s: signatures stay on the event loop", exc.message_en)
            return ()

    async def started(self) -> bool:
        """Wait for a :meth:`start_soon` to finish; whether the workers run."""
        if self._starting is not None:
            await asyncio.shield(self._starting)
        return self.running

    async def start(self) -> tuple[int, ...]:
        """Spawn every worker now (each opens the key), so no upload waits for a start-up;
        returns the workers' process ids. A key the workers cannot open is a ConfigError."""
        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(self.workers)
        executor = ProcessPoolExecutor(
            self.workers,
            mp_context=context,
            initializer=_init_worker,
            initargs=(*self._args, barrier, os.getpid()),
        )
        loop = asyncio.get_running_loop()
        try:
            # one task per worker at once: the pool spawns a process for each that finds none idle
            pids = await asyncio.gather(
                *(loop.run_in_executor(executor, _ready) for _ in range(self.workers))
            )
        except BaseException as exc:  # a broken start, or the venue stopping meanwhile
            barrier.abort()  # no worker waits out START_TIMEOUT
            await asyncio.shield(loop.run_in_executor(None, _shutdown, executor))
            if isinstance(exc, BrokenProcessPool | threading.BrokenBarrierError):
                raise ConfigError(
                    f"the venue's signature workers could not open its signing key {self._args[0]}",
                    f"签名工作进程无法打开场地签名密钥 {self._args[0]}",
                ) from None
            raise
        self._executor, self.pids = executor, tuple(sorted(set(pids)))
        logger.info("venue crypto pool: %d workers %s", self.workers, self.pids)
        return self.pids

    async def sign(self, content: bytes, signing_time: datetime) -> bytes:
        assert self._executor is not None, "pool not started"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _sign, content, signing_time)

    async def verify(self, content: bytes, signature: bytes) -> SignatureVerdict:
        assert self._executor is not None, "pool not started"
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _verify, content, signature)

    async def read_sheet_pdf(self, pdf: bytes) -> SheetPdfRead:
        assert self._executor is not None, "pool not started"
        loop = asyncio.get_running_loop()
        read: SheetPdfRead = await loop.run_in_executor(self._executor, _read_sheet_pdf, pdf)
        return read

    async def stop(self) -> None:
        """End a start in progress, wait for the work in hand, then end every worker (joined:
        none is left behind)."""
        if self._starting is not None and not self._starting.done():
            self._starting.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._starting
        executor, self._executor = self._executor, None
        if executor is not None:
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, _shutdown, executor)


def _shutdown(executor: ProcessPoolExecutor) -> None:
    executor.shutdown(wait=True, cancel_futures=True)


def default_workers() -> int:
    # every core of the machine, not the loop's affinity: the point is to use the other cores
    return os.cpu_count() or 1
