"""``async_slot``: a coroutine method as a Qt slot, without importing asyncio or qasync when the
module loads — the login window paints before the event-loop machinery is imported.

It runs the coroutine as a task on the running (qasync) loop, passes only the arguments the
coroutine takes (Qt adds ``checked`` to clicked, an index to activated...), and logs a failure
rather than losing it.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any

logger = logging.getLogger(__name__)

# The loop keeps only weak references to tasks and Qt drops the slot's return value: hold each
# running action here so it cannot be garbage-collected half way.
_running: set[Any] = set()


def async_slot(method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    parameters = list(inspect.signature(method).parameters.values())
    takes_all = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters)
    positional = len(
        [
            p
            for p in parameters
            if p.kind
            in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        ]
    )

    @functools.wraps(method)
    def slot(*args: Any) -> Any:
        import asyncio

        task = asyncio.ensure_future(method(*(args if takes_all else args[:positional])))
        _running.add(task)
        task.add_done_callback(_report)
        return task

    return slot


def _report(task: Any) -> None:
    _running.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("an action failed", exc_info=task.exception())
