"""What a venue connection is doing, as the UI shows it, and how long it waits between tries.

A venue entry may list several addresses (the workers of one venue); when the connection moved
to another of them, :func:`failover_note` says so: that it moved, that the login was kept (every
worker shares one database, so the token stays valid) and, once the venue has sent everything
that was missed, how many events were replayed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from evaluator_app.client.explain import Explanation

Status = Literal["connecting", "online", "offline", "login_required", "stopped"]
Transport = Literal["none", "websocket", "polling"]


@dataclass(frozen=True)
class ConnectionState:
    """What the UI shows, always."""

    status: Status
    transport: Transport = "none"
    failures: int = 0  # consecutive failed attempts
    next_retry_at: float | None = None  # epoch seconds, while offline
    retry_in: float | None = None  # seconds from the moment the state was set
    error: str = ""
    error_zh: str = ""
    last_seq: int = 0  # as of this state change; VenueConnection.last_seq is always current
    venue_url: str = ""  # the address in use (a venue entry may list several)
    failovers: int = 0  # times the connection moved to another of the venue's addresses
    replayed: int = 0  # events missed while away, replayed when the stream resumed
    caught_up: bool = False  # online, and every missed event has been delivered (``replayed``)


def backoff(failures: int, rng: random.Random, initial: float = 0.5, cap: float = 30.0) -> float:
    """Exponential, capped, jittered into [d/2, d]: clients cut off together do not return
    together."""
    delay = min(cap, initial * 2 ** max(0, failures - 1))
    return delay * rng.uniform(0.5, 1.0)


def failover_note(state: ConnectionState) -> Explanation | None:
    """A sentence about the move to another address, or None if the client never moved."""
    if state.failovers == 0 or not state.venue_url:
        return None
    url = state.venue_url
    if state.status == "online":
        if not state.caught_up:
            return Explanation(
                f"已改连场地的另一地址 {url}，登录保持有效，正在补收断线期间的消息…",
                f"Moved to the venue's other address {url}; still logged in; "
                "fetching what was missed…",
            )
        return Explanation(
            f"已改连场地的另一地址 {url}，登录保持有效，已补收断线期间的 {state.replayed} 条消息",
            f"Moved to the venue's other address {url}; still logged in; "
            f"{state.replayed} missed event(s) replayed",
        )
    if state.status in ("offline", "connecting"):
        return Explanation(
            f"正在改连场地的另一地址 {url}（登录保持有效）",
            f"Trying the venue's other address {url} (the login is kept)",
        )
    return None
