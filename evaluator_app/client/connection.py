"""Keeping an expert (or supervisor) connected to the venue: events, presence, reconnection.

The connection holds no signer: the token is reused until the venue says it is no longer
valid; then the state becomes ``login_required`` and the UI asks for the PIN and calls
:meth:`VenueConnection.login`. Events arrive over the WebSocket; after every drop the connection
comes back by itself and resumes with ``since=<last seq seen>``, so each event reaches
``on_event`` once, in order. A socket that was working and closed is a drop: reconnected at
once, shown as "reconnecting"; only a venue that cannot be reached waits, with jittered
exponential back-off, and any answer the venue gives to another request of the client ends the
wait (it is reachable). If the WebSocket keeps failing while plain HTTPS works (a proxy that
refuses upgrades), events are polled instead for a while.
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
from typing import Any

import aiohttp

from evaluator_app.client.connection_state import ConnectionState, Status, Transport, backoff
from evaluator_app.client.errors import ClientError, LoginRequired, VenueRefused, VenueUnreachable
from evaluator_app.client.heartbeats import Heartbeats, PresenceValue
from evaluator_app.client.venue_client import SILENCE_LIMIT, WS_CLOSED, VenueClient
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.protocol import API_PREFIX
from evaluator_app.protocol.messages import LoginResult

logger = logging.getLogger(__name__)
__all__ = ["ConnectionState", "VenueConnection", "backoff"]  # the states live in connection_state

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
        stable_after: float = 5.0,  # a socket open this long worked: its drop reconnects at once
        poll_interval: float = 2.0,
        ws_failures_before_polling: int = 3,
        polling_period: float = 60.0,  # how long to poll before trying the WebSocket again
        silence_limit: float = SILENCE_LIMIT,  # no frame at all this long: the line is dead
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.time,
    ):
        self.client = client
        self.session_id = session_id
        self._on_event = on_event
        self._on_state = on_state
        self.heartbeats = Heartbeats(session_id, heartbeat_interval)
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
        self.silence_limit = silence_limit
        self._rng = rng or random.Random()
        self._clock = clock
        self._last_seq = since
        self._state = ConnectionState("stopped", last_seq=since)
        self._wake = asyncio.Event()  # login done, or "retry now"
        self._login_required = False
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None  # the loop start() ran on
        self._stopped = False
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._opened_at: float | None = None  # when this attempt's socket opened (monotonic)
        self._answered = False  # the venue answered a request while this waited to retry
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
        self.client.answer_listeners.add(self._venue_answered)

    def _venue_answered(self) -> None:
        """The client's request was answered: the venue is reachable, whatever the back-off."""
        if self._state.status == "offline" and not self._login_required:
            self._answered = True
            self._wake.set()

    def _ended(self, task: asyncio.Task[None]) -> None:
        """The connection's task must never die quietly: say so, and start it again."""
        if self._stopped or task is not self._task:
            return  # stopped on purpose
        error = None if task.cancelled() else task.exception()
        logger.error("the venue connection's task died (%r); restarting it", error or "cancelled")
        self.restarts += 1
        self._show(
            "connecting",
            failures=max(1, self._state.failures),
            error=f"connection task failed: {error!r}",
            error_zh="连接中断，正在重新连接",
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
        self.client.answer_listeners.discard(self._venue_answered)
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._set(ConnectionState("stopped", last_seq=self._last_seq))

    def set_presence(self, presence: PresenceValue, items_scored: int) -> None:
        """Sent at once if the presence or the count changed (at most one beat a second)."""
        self.heartbeats.set_presence(presence, items_scored)

    def stop_heartbeats(self) -> None:
        """No more heartbeats for this session (the expert recused or was replaced): the venue
        must not watch her presence nor alarm on her silence. The event stream goes on."""
        self.heartbeats.stop()

    @property
    def beating(self) -> bool:
        return self.heartbeats.beating

    @property
    def presence(self) -> PresenceValue:
        return self.heartbeats.presence

    @property
    def beats_sent(self) -> int:
        return self.heartbeats.sent

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

    def _show(self, status: Status, **fields: Any) -> None:
        """The state now: ``fields`` of ConnectionState, with the seq and address as they are."""
        where = {"venue_url": self.client.base_url, "failovers": self.client.failovers}
        self._set(ConnectionState(status, last_seq=self._last_seq, **{**where, **fields}))

    async def _run(self) -> None:
        failures = ws_failures = 0
        while True:
            if self._login_required:
                self._show(
                    "login_required", error="log in again", error_zh="登录已失效，请重新输入PIN登录"
                )
                self._wake.clear()
                await self._wake.wait()
                failures = 0
                continue
            url = self.client.base_url  # the address this attempt uses
            self._show("connecting", failures=failures)
            error: ClientError
            self._opened_at = None
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
                await self._websocket()
                ws_failures = 0
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
            dropped = self._worked()
            if dropped:  # however it ended: a working line dropped, the venue is not unreachable
                ws_failures = failures = 0
            failures += 1
            # the venue's next address, same token
            if self.client.fail_over(error.message_en, failed=url):
                error = VenueUnreachable(
                    f"{error.message_en}; trying {self.client.base_url}",
                    f"{error.message_zh}；正在改连 {self.client.base_url}",
                )
            if dropped:  # at once ("重新连接中"); a socket that keeps dropping waits stable_after
                zh = error.message_zh
                self._show("connecting", failures=failures, error=error.message_en, error_zh=zh)
                continue
            await self._wait(failures, error)
            if self._answered:  # reachable after all: start the back-off again
                self._answered, failures = False, 0

    def _worked(self) -> bool:
        """Whether this attempt's socket was open for ``stable_after`` (it worked, then ended)."""
        opened = self._opened_at
        return opened is not None and time.monotonic() - opened >= self.stable_after

    async def _wait(self, failures: int, error: ClientError) -> None:
        delay = backoff(failures, self._rng, self.backoff_initial, self.backoff_max)
        self._show(
            "offline",
            failures=failures,
            next_retry_at=self._clock() + delay,
            retry_in=delay,
            error=error.message_en,
            error_zh=error.message_zh,
        )
        self._wake.clear()
        self._answered = False
        # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancellation that comes
        # as the wait ends, and a loop that swallowed one never stops
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(delay):
                await self._wake.wait()

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
        self._show("online", transport=transport, replayed=replayed, caught_up=caught_up)

    async def _websocket(self) -> None:
        """One WebSocket session until it closes (``_opened_at`` says when it opened).

        Two tasks share the socket: reading events, and keeping the line heard: a ping every
        ``heartbeat_interval`` (and for experts the heartbeat). When either ends, the socket is
        closed and the loop reconnects: a dead heartbeat task must never leave the window
        saying "connected" while the supervisor's board goes offline.
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
                self._opened_at = time.monotonic()
                self._ws = ws
                self._online("websocket")
                loop = self._loop or asyncio.get_running_loop()
                tasks = {
                    loop.create_task(self._read(ws), name="venue-events"),
                    loop.create_task(
                        self.heartbeats.run(ws, self._expert), name="venue-heartbeats"
                    ),
                }
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
            message = await ws.receive(timeout=self.silence_limit)
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

    def _expert(self) -> bool:
        role = self.client.login_result.role.value if self.client.login_result else None
        return role == "expert"  # the venue takes experts' heartbeats only

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
