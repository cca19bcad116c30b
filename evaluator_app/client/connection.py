"""Keeping an expert (or supervisor) connected to the venue: events, presence, reconnection.

The connection holds no signer: the token is reused until the venue says it is no longer
valid; then the state becomes ``login_required`` and the UI asks for the PIN and calls
:meth:`VenueConnection.login`. Events arrive over the WebSocket; after every drop the connection
comes back by itself with jittered exponential back-off and resumes with ``since=<last seq
seen>``, so each event reaches ``on_event`` once, in order. If the WebSocket keeps failing while
plain HTTPS works (a proxy that refuses upgrades), events are polled instead for a while.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Literal

import aiohttp

from evaluator_app.client.connection_state import ConnectionState, Transport, backoff
from evaluator_app.client.errors import ClientError, LoginRequired, VenueRefused, VenueUnreachable
from evaluator_app.client.venue_client import SILENCE_LIMIT, WS_CLOSED, VenueClient
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.messages import LoginResult

logger = logging.getLogger(__name__)
__all__ = ["ConnectionState", "VenueConnection", "backoff"]  # the states live in connection_state

PresenceValue = Literal["focused", "idle", "away"]
EventCallback = Callable[[dict[str, Any]], "Awaitable[None] | None"]


class _WebSocketFailed(ClientError):
    """HTTPS works but the WebSocket does not (counts towards the polling fallback)."""


class VenueConnection:
    def __init__(
        self,
        client: VenueClient,
        on_event: EventCallback,
        *,
        session_id: str | None = None,  # heartbeats are for this session (experts only)
        since: int = 0,  # the last seq the caller has persisted
        on_state: Callable[[ConnectionState], None] | None = None,
        heartbeat_interval: float = 5.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        stable_after: float = 5.0,  # a socket open this long resets the back-off
        poll_interval: float = 2.0,
        ws_failures_before_polling: int = 3,
        polling_period: float = 60.0,  # how long to poll before trying the WebSocket again
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.client = client
        self.session_id = session_id
        self._on_event = on_event
        self._on_state = on_state
        self.heartbeat_interval = heartbeat_interval
        self.backoff_initial, self.backoff_max, self.stable_after = (
            backoff_initial,
            backoff_max,
            stable_after,
        )
        self.poll_interval, self.ws_failures_before_polling, self.polling_period = (
            poll_interval,
            ws_failures_before_polling,
            polling_period,
        )
        self._rng = rng or random.Random()
        self._clock = clock
        self._last_seq = since
        self._state = ConnectionState("stopped", last_seq=since)
        self._presence: PresenceValue = "focused"
        self._items_scored = 0
        self._beat_now = asyncio.Event()
        self._beating = True  # False once the expert left the committee (recused, replaced)
        self._wake = asyncio.Event()  # login done, or "retry now"
        self._login_required = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop start() ran on
        self._stopped = False
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self.beats_sent = 0  # heartbeats written to the socket (tests, diagnostics)
        self.restarts = 0  # times the task died and was started again

    # -- what the UI reads and calls --------------------------------------------------
    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def start(self) -> None:
        self._stopped = False
        if self._task is None or self._task.done():
            # the loop, held: Qt may step these tasks while no asyncio loop is "running"
            # (qasync between run_until_complete calls), where asyncio.create_task fails
            try:
                self._loop = asyncio.get_running_loop()
            except RuntimeError:  # a Qt slot between qasync's runs: the loop it set
                self._loop = asyncio.get_event_loop()
            self._task = self._loop.create_task(self._run(), name="venue-connection")
            self._task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        """The connection's task must never die quietly: say so, and start it again."""
        if self._stopped or task is not self._task:
            return  # stopped on purpose
        error = None if task.cancelled() else task.exception()
        logger.error("the venue connection's task died (%r); restarting it", error or "cancelled")
        self.restarts += 1
        self._set(
            ConnectionState(
                "connecting",
                failures=max(1, self._state.failures),
                error=f"connection task failed: {error!r}",
                error_zh="连接中断，正在重新连接",
                last_seq=self._last_seq,
            )
        )
        assert self._loop is not None
        self._loop.call_later(self.backoff_initial, self._restart)

    def _restart(self) -> None:
        if not self._stopped:
            self.start()

    @property
    def alive(self) -> bool:
        """Whether the connection's task is running (for the UI's watchdog and tests)."""
        return self._task is not None and not self._task.done()

    async def stop(self) -> None:
        self._stopped = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._set(ConnectionState("stopped", last_seq=self._last_seq))

    def set_presence(self, presence: PresenceValue, items_scored: int) -> None:
        """A presence change is sent at once; a new count of scored items goes with the next
        regular heartbeat (every ``heartbeat_interval``), not one event per keystroke."""
        if presence != self._presence:
            self._beat_now.set()
        self._presence, self._items_scored = presence, items_scored

    def stop_heartbeats(self) -> None:
        """No more heartbeats for this session (the expert recused or was replaced): the venue
        must not watch her presence nor alarm on her silence. The event stream goes on."""
        if self._beating:
            self._beating = False
            self._beat_now.set()  # the heartbeat task sees it at once

    @property
    def beating(self) -> bool:
        return self._beating

    async def login(self, signer: Signer) -> LoginResult:
        """After ``login_required``: log in again (the UI asked for the PIN) and reconnect."""
        result = await self.client.login(signer)
        self._login_required = False
        self._wake.set()
        return result

    def reconnect_now(self) -> None:
        """Skip the rest of the back-off wait (a "retry now" button, or the network came back)."""
        self._wake.set()

    # -- the loop ---------------------------------------------------------------------
    def _set(self, state: ConnectionState) -> None:
        if state == self._state:
            return
        self._state = state
        logger.info("venue connection: %s", state)
        if self._on_state is not None:
            try:
                self._on_state(state)
            except Exception:
                logger.exception("on_state callback failed")

    async def _run(self) -> None:
        failures = ws_failures = 0
        while True:
            if self._login_required:
                self._set(
                    ConnectionState(
                        "login_required",
                        error="log in again",
                        error_zh="登录已失效，请重新输入PIN登录",
                        last_seq=self._last_seq,
                    )
                )
                self._wake.clear()
                await self._wake.wait()
                failures = 0
                continue
            url = self.client.base_url  # the address this attempt uses
            self._set(
                ConnectionState(
                    "connecting",
                    failures=failures,
                    last_seq=self._last_seq,
                    venue_url=self.client.base_url,
                    failovers=self.client.failovers,
                )
            )
            error: ClientError
            try:
                await self.client.get(
                    "/me"
                )  # a token the venue no longer accepts shows here as 401
                if ws_failures >= self.ws_failures_before_polling:
                    await self._poll(self.polling_period)
                    ws_failures = (
                        self.ws_failures_before_polling - 1
                    )  # one more WebSocket failure: back to polling
                    failures = 0
                    continue
                lasted = await self._websocket()
                ws_failures = 0
                failures = 0 if lasted >= self.stable_after else failures
                error = VenueUnreachable("the event stream closed", "与场地的实时连接已断开")
            except (LoginRequired, VenueRefused) as exc:
                if isinstance(exc, LoginRequired) or exc.status == 401:
                    self._login_required = True
                    continue
                error = exc
            except _WebSocketFailed as exc:
                ws_failures += 1
                error = exc
            except ClientError as exc:  # unreachable, or wrong venue: keep trying, show why
                error = exc
            failures += 1
            # the venue's next address, same token
            if self.client.fail_over(error.message_en, failed=url):
                error = VenueUnreachable(
                    f"{error.message_en}; trying {self.client.base_url}",
                    f"{error.message_zh}；正在改连 {self.client.base_url}",
                )
            await self._wait(failures, error)

    async def _wait(self, failures: int, error: ClientError) -> None:
        delay = backoff(failures, self._rng, self.backoff_initial, self.backoff_max)
        self._set(
            ConnectionState(
                "offline",
                "none",
                failures,
                self._clock() + delay,
                delay,
                error.message_en,
                error.message_zh,
                self._last_seq,
                self.client.base_url,
                self.client.failovers,
            )
        )
        self._wake.clear()
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), delay)

    async def _deliver(self, event: dict[str, Any]) -> None:
        seq = int(event["seq"])
        if seq <= self._last_seq:
            return  # seen before (a replay overlapping what arrived live): never twice
        self._last_seq = seq
        try:
            result = self._on_event(event)
            if inspect.isawaitable(result):
                await result
        except Exception:  # one bad handler must not cost the stream
            logger.exception("on_event callback failed for event %d", seq)

    def _online(self, transport: Transport, replayed: int = 0, caught_up: bool = False) -> None:
        self._set(
            ConnectionState(
                "online",
                transport,
                last_seq=self._last_seq,
                venue_url=self.client.base_url,
                failovers=self.client.failovers,
                replayed=replayed,
                caught_up=caught_up,
            )
        )

    async def _websocket(self) -> float:
        """One WebSocket session until it closes; returns how long it was open (seconds).

        Two tasks share the socket: reading events, and (for experts) sending heartbeats. When
        either ends, the socket is closed and the loop reconnects: a dead heartbeat task must
        never leave the window saying "connected" while the supervisor's board goes offline.
        """
        client = self.client
        url = f"{client.base_url}{API_PREFIX}/ws?since={self._last_seq}&caught_up=1"
        # VenueClient.events() hides the moment the socket opens (needed for "online" and for
        # heartbeats): the socket is opened here with the client's own session and headers.
        # No aiohttp heartbeat (see VenueClient.events): silence past SILENCE_LIMIT is a drop.
        try:
            async with client._session.ws_connect(
                url, headers=client._headers(), ssl=client.ssl_context, heartbeat=None
            ) as ws:
                opened = time.monotonic()
                self._ws = ws
                self._online("websocket")
                loop = self._loop or asyncio.get_running_loop()
                tasks = {loop.create_task(self._read(ws), name="venue-events")}
                if self._sends_heartbeats():
                    tasks.add(loop.create_task(self._heartbeats(ws), name="venue-heartbeats"))
                try:
                    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    self._ws = None
                    for task in tasks:
                        task.cancel()
                    await asyncio.gather(*tasks, return_exceptions=True)
                for task in done:
                    if task.cancelled():
                        continue
                    error = task.exception()
                    if task.get_name() == "venue-heartbeats":
                        logger.warning("heartbeats stopped (%r): reconnecting", error)
                        raise VenueUnreachable(
                            f"heartbeats stopped: {error!r}", "心跳中断，正在重新连接"
                        )
                    if error is not None:
                        raise error
                return time.monotonic() - opened
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 401:
                raise LoginRequired(
                    "the venue no longer accepts this login", "登录已失效，请重新登录"
                ) from exc
            raise _WebSocketFailed(
                f"WebSocket refused: {exc.status} {exc.message}", "实时连接被拒绝，改用轮询"
            ) from exc
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise VenueUnreachable(f"event stream lost: {exc}", "与场地的实时连接已断开") from exc

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            message = await ws.receive(timeout=SILENCE_LIMIT)
            if message.type == aiohttp.WSMsgType.TEXT:
                data = json.loads(message.data)
                if data.get("type") == "event":
                    await self._deliver(data)
                elif data.get("type") == "caught_up":  # the backlog is delivered
                    self._online("websocket", int(data.get("replayed", 0)), True)
                elif data.get("type") == "error":
                    logger.warning("venue: %s", data.get("message"))
            elif message.type in WS_CLOSED:
                return

    def _sends_heartbeats(self) -> bool:
        role = self.client.login_result.role.value if self.client.login_result else None
        # the venue takes experts' only, and only while they sit on the committee
        return self.session_id is not None and role == "expert" and self._beating

    async def _heartbeats(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while not ws.closed and self._beating:
            self._beat_now.clear()
            beat = {
                "type": "heartbeat",
                "session_id": self.session_id,
                "presence": self._presence,
                "items_scored": self._items_scored,
            }
            await ws.send_str(json.dumps(beat))
            self.beats_sent += 1
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._beat_now.wait(), self.heartbeat_interval)
        if not ws.closed:  # stopped on purpose: the socket stays open for the events
            await asyncio.get_running_loop().create_future()  # until the reader ends
        raise VenueUnreachable("the socket closed under the heartbeats", "实时连接已断开")

    async def _poll(self, period: float) -> None:
        """The fallback: GET /events?since=N every ``poll_interval`` for ``period`` seconds."""
        self._online("polling")
        until = time.monotonic() + period
        floor = self._last_seq  # the page's last_seq also covers events we may not see
        replayed, caught_up = 0, False
        while time.monotonic() < until:
            page = await self.client.get(f"/events?since={max(floor, self._last_seq)}")
            for event in page["events"]:
                await self._deliver({"type": "event", **event})
            floor = max(floor, int(page["last_seq"]))
            if not caught_up:  # the backlog is delivered once a page comes back empty
                replayed += len(page["events"])
                caught_up = not page["events"]
                if caught_up:
                    self._online("polling", replayed, True)
            if not page["events"]:
                await asyncio.sleep(self.poll_interval)
