"""One way to run async work from a widget, in the spirit of Anki's ``CollectionOp``.

``run(widget, coroutine)`` (or a method decorated with ``@op``) runs the coroutine as a task on
the window's (qasync) loop and:

- holds the task until it ends (the loop keeps only weak references; Qt drops a slot's result),
  and lets a window cancel its own operations when it closes (``cancel_all``);
- shows progress in the window's status bar when the work takes longer than ``PROGRESS_AFTER``
  (not while a dialog of ours waits for the person);
- shows a failure in words where the person looks: the nearest widget up the parent chain that
  has ``show_failure(text)`` (a step page's message line, a window's banner) — never a traceback
  or raw exception text; an unexpected error says that nothing was completed;
- logs the failure once (an expected refusal without traceback, anything else with it), so the
  loop never reports "Task exception was never retrieved";
- ignores a second click on the same action (same method, same arguments) of the same widget
  while the first one runs.

asyncio is imported on first use, not at module load: the login window paints before the event
loop machinery is imported.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtWidgets import QLabel, QMainWindow, QProgressBar, QWidget

from evaluator_app.ui.alive import alive

logger = logging.getLogger(__name__)
T = TypeVar("T")

PROGRESS_AFTER_MS = 300
_running: dict[Any, tuple[QWidget, str]] = {}  # task -> (widget, action key)
_waiting_for_person = [0]  # dialogs of ours now open: no progress shown meanwhile


def words_for(error: BaseException, language: str) -> str:
    """A failure as a person reads it (Chinese or English), never the exception's own text."""
    from evaluator_app.client.explain import explain

    return explain(error).text(language)


def _language_of(widget: QWidget) -> str:
    node: QObject | None = widget
    while node is not None:
        language = getattr(node, "language", None)
        if isinstance(language, str):
            return language
        node = node.parent()
    return "zh_CN"


def _show_failure(widget: QWidget, text: str) -> None:
    node: QObject | None = widget
    while node is not None:
        show = getattr(node, "show_failure", None)
        if callable(show) and alive(node):
            show(text)
            return
        node = node.parent()
    window = widget.window()
    if isinstance(window, QMainWindow) and alive(window):
        window.statusBar().showMessage(text, 30_000)


class _Progress:
    """The busy line in a main window's status bar, shared by that window's operations."""

    def __init__(self, window: QMainWindow):
        self.count = 0
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # indeterminate
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        window.statusBar().addPermanentWidget(self.label)
        window.statusBar().addPermanentWidget(self.bar)
        self.hide()

    def show(self, text: str) -> None:
        self.count += 1
        self.label.setText(text)
        self.label.show()
        self.bar.show()

    def done(self) -> None:
        self.count = max(0, self.count - 1)
        if self.count == 0:
            self.hide()

    def hide(self) -> None:
        self.label.hide()
        self.bar.hide()


def _progress_of(widget: QWidget) -> _Progress | None:
    window = widget.window()
    if not isinstance(window, QMainWindow) or not alive(window):
        return None
    progress = getattr(window, "_ops_progress", None)
    if progress is None:
        progress = _Progress(window)
        # mypy: the progress line is cached on the window object itself
        window._ops_progress = progress  # type: ignore[attr-defined]
    return progress


def _expected(error: BaseException) -> bool:
    """A refusal or failure the person can act on (wrong PIN, venue said no, offline...)."""
    from evaluator_app.client.errors import ClientError
    from evaluator_app.pki.errors import PkiError

    return isinstance(error, ClientError | PkiError | OSError)


def run(
    widget: QWidget,
    work: Awaitable[T],
    *,
    label: str = "",
    key: str = "",
    on_success: Callable[[T], None] | None = None,
) -> Any:
    """Run ``work`` for ``widget``; returns the task, or None when the same action still runs."""
    import asyncio

    if key and any(w is widget and k == key for w, k in _running.values()):
        logger.debug("%s: %s still running; click ignored", type(widget).__name__, key)
        if inspect.iscoroutine(work):
            work.close()
        return None
    task = asyncio.ensure_future(work)
    _running[task] = (widget, key)
    shown: list[_Progress] = []

    def show_progress() -> None:
        if task.done() or _waiting_for_person[0] or not alive(widget):
            return
        progress = _progress_of(widget)
        if progress is not None:
            progress.show(label or QCoreApplication.translate("ops", "Working…"))
            shown.append(progress)

    timer = QTimer(widget)  # owned by the widget: never collected by Python mid-event
    timer.setSingleShot(True)
    timer.timeout.connect(show_progress)
    timer.start(PROGRESS_AFTER_MS)

    def finished(done: asyncio.Future[T]) -> None:
        _running.pop(done, None)
        if alive(timer):
            timer.stop()
            timer.deleteLater()
        for progress in shown:
            if alive(progress.label):
                progress.done()
        if done.cancelled():
            return
        error = done.exception()
        name = f"{type(widget).__name__}.{key or 'operation'}"
        if error is None:
            if on_success is not None and alive(widget):
                on_success(done.result())
            return
        if _expected(error):
            logger.info("%s failed: %s", name, error)
        else:
            logger.error("%s failed", name, exc_info=error)
        if alive(widget):
            _show_failure(widget, words_for(error, _language_of(widget)))

    task.add_done_callback(finished)
    return task


def op(method: Callable[..., Coroutine[Any, Any, Any]]) -> Callable[..., Any]:
    """A widget's coroutine method as a Qt slot run through :func:`run`.

    Only the arguments the coroutine takes are passed (Qt adds ``checked`` to clicked, an index
    to activated...). A second call with the same arguments while one runs is ignored (a double
    click); a call with other arguments (another file to check) runs beside it.
    """
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
    def slot(self: QWidget, *args: Any) -> Any:
        call_args = args if takes_all else args[: positional - 1]
        key = method.__name__ + (repr(call_args) if call_args else "")
        return run(self, method(self, *call_args), key=key)

    return slot


def running(widget: QWidget | None = None) -> list[Any]:
    """The operations still running (of ``widget``'s window, when given)."""
    if widget is None:
        return list(_running)
    window = widget.window()
    return [t for t, (w, _k) in _running.items() if alive(w) and w.window() is window]


async def cancel_all(window: QWidget) -> None:
    """Cancel the operations of ``window`` and wait until they have stopped."""
    import asyncio

    tasks = [t for t, (w, _k) in list(_running.items()) if not alive(w) or w.window() is window]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def ask(dialog: Any) -> int:
    """Open ``dialog`` window-modal with ``open()`` and wait for its result without a nested loop.

    Returns the dialog's result code (``QDialog.DialogCode``); a cancelled operation rejects the
    dialog. The dialog is deleted afterwards.
    """
    import asyncio

    from PySide6.QtCore import Qt  # the namespace's hundred enums: not before the first paint

    answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not answer.done():
            answer.set_result(int(code))

    dialog.finished.connect(finished)
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    _waiting_for_person[0] += 1
    dialog.open()
    try:
        return await answer
    except asyncio.CancelledError:
        if alive(dialog):
            dialog.reject()
        raise
    finally:
        _waiting_for_person[0] -= 1
        if alive(dialog):
            dialog.deleteLater()
