"""Shared PKCS#11 plumbing: loading a module, mapping errors, a watchdog against hangs."""

from __future__ import annotations

import concurrent.futures as cf
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from evaluator_app.pki.errors import (
    CredentialError,
    PinLockedError,
    TokenNotFoundError,
    TokenRemovedError,
    WrongPinError,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")

# CKF_USER_PIN_* token flags (PKCS#11 v2.40 §3.2).
USER_PIN_COUNT_LOW = 0x00010000
USER_PIN_FINAL_TRY = 0x00020000
USER_PIN_LOCKED = 0x00040000

DEFAULT_TIMEOUT = 30.0

_lib_lock = threading.Lock()


def load_module(module_path: str) -> Any:
    """The (process-wide, cached) python-pkcs11 library object for a module path."""
    import pkcs11

    with _lib_lock:
        try:
            return pkcs11.lib(module_path)
        except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
            raise CredentialError(
                f"cannot load PKCS#11 module {module_path}: {exc}",
                f"无法加载 USB Key 驱动 {module_path}",
            ) from exc


def tries_left_hint(flags: int) -> str | None:
    """What the token admits about remaining PIN tries: 'final', 'low' or None."""
    if flags & USER_PIN_FINAL_TRY:
        return "final"
    if flags & USER_PIN_COUNT_LOW:
        return "low"
    return None


def map_error(
    exc: BaseException, *, flags: int = 0, what: str = "token operation"
) -> CredentialError:
    """Turn a python-pkcs11 exception into our typed error (never let a raw one out)."""
    from pkcs11 import exceptions as e

    if isinstance(exc, CredentialError):
        return exc
    if isinstance(exc, e.PinLocked):
        return PinLockedError("the token PIN is locked", "USB Key 的 PIN 已被锁定，请联系 CA 解锁")
    if isinstance(exc, (e.PinIncorrect, e.PinInvalid, e.PinLenRange)):
        hint = tries_left_hint(flags)
        zh = "USB Key 的 PIN 错误"
        en = "wrong PIN"
        if hint == "final":
            zh, en = zh + "，仅剩最后一次机会", en + " (one try left before the token locks)"
        elif hint == "low":
            zh, en = zh + "，剩余次数不多", en + " (few tries left)"
        return WrongPinError(en, zh, tries_left=hint)
    if isinstance(exc, (e.UserAlreadyLoggedIn, e.AnotherUserAlreadyLoggedIn)):
        # PKCS#11 login is per token and process: a second signer would skip the PIN check.
        return CredentialError(
            "the token is already open in this program: close the other signer first",
            "该 USB Key 已在本程序中打开，请先关闭后再试",
        )
    if isinstance(exc, (e.NoSuchToken, e.SlotIDInvalid)):
        return TokenNotFoundError(f"no such token: {exc}", "未找到 USB Key")
    removed = (
        e.DeviceRemoved,
        e.TokenNotPresent,
        e.SessionClosed,
        e.SessionHandleInvalid,
        e.DeviceError,
        e.ObjectHandleInvalid,
        e.KeyHandleInvalid,
        e.TokenNotRecognised,
    )
    if isinstance(exc, removed):
        return TokenRemovedError(
            f"token removed during {what}", "USB Key 已拔出或连接中断，请重新插入后再试"
        )
    if isinstance(exc, e.GeneralError):
        # SoftHSM answers CKR_GENERAL_ERROR when its token storage vanished underneath it.
        return TokenRemovedError(
            f"token failed during {what}: general error", "USB Key 工作异常，请重新插入后再试"
        )
    return CredentialError(
        f"{what} failed: {type(exc).__name__} {exc}", f"USB Key 操作失败：{type(exc).__name__}"
    )


# Listing tokens and logging in go through this lock: some PKCS#11 libraries (SoftHSM2 among
# them) crash when slots are enumerated from two threads at once.
TOKEN_CALL_LOCK = threading.RLock()


class Watchdog:
    """Runs token calls on one dedicated thread and gives up after a timeout.

    One thread because a PKCS#11 session must not be used concurrently; a timeout because a
    half-unplugged key can block C_Sign forever, and the app must stay responsive. A call
    that times out leaves its thread stuck; the watchdog is then dead and says so.
    """

    def __init__(self, name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self._pool = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"p11-{name}")
        self.timeout = timeout
        self.dead = False

    def run(self, fn: Callable[[], T], what: str, flags: Callable[[], int] | None = None) -> T:
        if self.dead:
            raise TokenRemovedError("token stopped answering earlier", "USB Key 无响应，请重新插入")
        fut = self._pool.submit(fn)
        try:
            return fut.result(timeout=self.timeout)
        except cf.TimeoutError as exc:
            self.dead = True
            logger.error("%s timed out after %.1fs", what, self.timeout)
            raise TokenRemovedError(
                f"token did not answer within {self.timeout:.0f}s", "USB Key 无响应"
            ) from exc
        except Exception as exc:
            f = 0
            if flags is not None:
                try:
                    f = flags()
                except Exception:
                    f = 0
            raise map_error(exc, flags=f, what=what) from exc

    def shutdown(self) -> None:
        self._pool.shutdown(wait=not self.dead, cancel_futures=True)
