"""ctypes binding of the SKF interface (GM/T 0016-2012) that USB-key vendors ship.

Only the calls the application makes are bound. ``ULONG`` is 32 bits on every platform (the
standard's typedef, whatever C's ``unsigned long`` is), structures are packed to 1 byte as in
the vendors' headers, and on Windows the functions are ``__stdcall`` (``WinDLL``).
"""

from __future__ import annotations

import ctypes
import enum
import logging
import sys
import threading
from typing import Any

from evaluator_app.pki.errors import (
    CredentialError,
    PinLockedError,
    TokenNotFoundError,
    TokenRemovedError,
    WrongPinError,
)

logger = logging.getLogger(__name__)

ULONG = ctypes.c_uint32
BOOL = ctypes.c_int32
HANDLE = ctypes.c_void_p
USER_TYPE = 1
CONTAINER_ECC = 2


class Sar(enum.IntEnum):
    """SKF return codes (GM/T 0016-2012 appendix A) the application tells apart."""

    OK = 0x00000000
    FAIL = 0x0A000001
    NOTSUPPORTYET = 0x0A000003
    INVALIDHANDLE = 0x0A000005
    INVALIDPARAM = 0x0A000006
    TIMEOUT = 0x0A00000F
    INDATALEN = 0x0A000010
    KEYNOTFOUND = 0x0A00001B
    CERTNOTFOUND = 0x0A00001C
    BUFFER_TOO_SMALL = 0x0A000020
    DEVICE_REMOVED = 0x0A000023
    PIN_INCORRECT = 0x0A000024
    PIN_LOCKED = 0x0A000025
    PIN_INVALID = 0x0A000026
    PIN_LEN_RANGE = 0x0A000027
    USER_TYPE_INVALID = 0x0A00002A
    APPLICATION_NAME_INVALID = 0x0A00002B
    USER_NOT_LOGGED_IN = 0x0A00002D
    APPLICATION_NOT_EXISTS = 0x0A00002E
    FILE_NOT_EXIST = 0x0A000031


class Version(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("major", ctypes.c_uint8), ("minor", ctypes.c_uint8)]


class DevInfo(ctypes.Structure):
    _pack_ = 1
    _fields_ = [
        ("Version", Version),
        ("Manufacturer", ctypes.c_char * 64),
        ("Issuer", ctypes.c_char * 64),
        ("Label", ctypes.c_char * 32),
        ("SerialNumber", ctypes.c_char * 32),
        ("HWVersion", Version),
        ("FirmwareVersion", Version),
        ("AlgSymCap", ULONG),
        ("AlgAsymCap", ULONG),
        ("AlgHashCap", ULONG),
        ("DevAuthAlgId", ULONG),
        ("TotalSpace", ULONG),
        ("FreeSpace", ULONG),
        ("MaxECCBufferSize", ULONG),
        ("MaxBufferSize", ULONG),
        ("Reserved", ctypes.c_uint8 * 64),
    ]


class EccPublicKeyBlob(ctypes.Structure):
    _pack_ = 1
    _fields_ = [
        ("BitLen", ULONG),
        ("XCoordinate", ctypes.c_uint8 * 64),
        ("YCoordinate", ctypes.c_uint8 * 64),
    ]


class EccSignatureBlob(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("r", ctypes.c_uint8 * 64), ("s", ctypes.c_uint8 * 64)]


_P = ctypes.POINTER
_SIGNATURES: dict[str, list[Any]] = {
    "SKF_EnumDev": [BOOL, ctypes.c_char_p, _P(ULONG)],
    "SKF_ConnectDev": [ctypes.c_char_p, _P(HANDLE)],
    "SKF_DisConnectDev": [HANDLE],
    "SKF_GetDevState": [ctypes.c_char_p, _P(ULONG)],
    "SKF_GetDevInfo": [HANDLE, _P(DevInfo)],
    "SKF_EnumApplication": [HANDLE, ctypes.c_char_p, _P(ULONG)],
    "SKF_OpenApplication": [HANDLE, ctypes.c_char_p, _P(HANDLE)],
    "SKF_CloseApplication": [HANDLE],
    "SKF_GetPINInfo": [HANDLE, ULONG, _P(ULONG), _P(ULONG), _P(BOOL)],
    "SKF_VerifyPIN": [HANDLE, ULONG, ctypes.c_char_p, _P(ULONG)],
    "SKF_ClearSecureState": [HANDLE],
    "SKF_EnumContainer": [HANDLE, ctypes.c_char_p, _P(ULONG)],
    "SKF_OpenContainer": [HANDLE, ctypes.c_char_p, _P(HANDLE)],
    "SKF_CloseContainer": [HANDLE],
    "SKF_GetContainerType": [HANDLE, _P(ULONG)],
    "SKF_ExportCertificate": [HANDLE, BOOL, ctypes.c_char_p, _P(ULONG)],
    "SKF_ExportPublicKey": [HANDLE, BOOL, ctypes.c_char_p, _P(ULONG)],
    "SKF_ECCSignData": [HANDLE, ctypes.c_char_p, ULONG, _P(EccSignatureBlob)],
}
# Not every vendor library has these; they are looked up when used.
OPTIONAL = frozenset({"SKF_GetDevState", "SKF_GetPINInfo", "SKF_GetContainerType"})

_cache: dict[str, SkfLibrary] = {}
_cache_lock = threading.Lock()


class SkfLibrary:
    """One vendor SKF library, loaded once per process, with typed functions."""

    def __init__(self, path: str) -> None:
        # WinDLL exists only on Windows (and mypy checks for the platform it runs on)
        # mypy: WinDLL exists only on Windows
        loader = ctypes.WinDLL if sys.platform == "win32" else ctypes.CDLL  # type: ignore[attr-defined]
        try:
            self.dll = loader(path)
        except OSError as exc:
            raise CredentialError(
                f"cannot load SKF library {path}: {exc}", f"无法加载 USB Key 驱动（SKF）{path}"
            ) from exc
        self.path = path
        self._fns: dict[str, Any] = {}
        for name, argtypes in _SIGNATURES.items():
            fn = getattr(self.dll, name, None)
            if fn is None:
                if name in OPTIONAL:
                    continue
                raise CredentialError(
                    f"{path} is not an SKF library: {name} is missing",
                    f"{path} 不是 SKF 驱动（缺少 {name}）",
                )
            fn.argtypes = argtypes
            fn.restype = ULONG
            self._fns[name] = fn
        # The token's state is per process; one call at a time, as for PKCS#11.
        self.lock = threading.RLock()

    def has(self, name: str) -> bool:
        return name in self._fns

    def call(self, name: str, *args: Any) -> int:
        with self.lock:
            rv = int(self._fns[name](*args))
        if rv != Sar.OK:
            logger.debug("%s -> 0x%08X", name, rv)
        return rv

    def check(self, name: str, *args: Any, what: str = "") -> None:
        rv = self.call(name, *args)
        if rv != Sar.OK:
            raise error_for(rv, what or name)

    def names(self, fn: str, *lead: Any) -> list[bytes]:
        """A multi-string list (devices, applications, containers), raw: the same bytes go back
        to the library. Size first, then data."""
        size = ULONG(0)
        self.check(fn, *lead, None, ctypes.byref(size))
        if size.value <= 2:
            return []
        buf = ctypes.create_string_buffer(size.value)
        self.check(fn, *lead, buf, ctypes.byref(size))
        raw = buf.raw[: size.value]
        return [n for n in raw.split(b"\0") if n]

    def blob(self, fn: str, *lead: Any) -> bytes | None:
        """A variable-length output (certificate, public key); None when there is none."""
        size = ULONG(0)
        rv = self.call(fn, *lead, None, ctypes.byref(size))
        if rv in (Sar.CERTNOTFOUND, Sar.KEYNOTFOUND, Sar.FILE_NOT_EXIST) or (
            rv == Sar.OK and size.value == 0
        ):
            return None
        if rv != Sar.OK:
            raise error_for(rv, fn)
        buf = ctypes.create_string_buffer(size.value)
        self.check(fn, *lead, buf, ctypes.byref(size))
        return buf.raw[: size.value]


def text(raw: bytes) -> str:
    """A name or label from the key: UTF-8 where it is, else GBK (Windows vendors' encoding)."""
    raw = raw.split(b"\0", 1)[0]
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return raw.decode("gbk", "replace").strip()


def load_library(path: str) -> SkfLibrary:
    with _cache_lock:
        lib = _cache.get(path)
        if lib is None:
            lib = _cache[path] = SkfLibrary(path)
        return lib


def tries_hint(remaining: int | None) -> str | None:
    if remaining is None:
        return None
    if remaining <= 1:
        return "final"
    return "low" if remaining <= 3 else None


def wrong_pin(remaining: int | None) -> WrongPinError:
    if remaining is None:
        return WrongPinError("wrong PIN", "USB Key 的 PIN 错误")
    return WrongPinError(
        f"wrong PIN ({remaining} tries left before the key locks)",
        f"USB Key 的 PIN 错误，还剩 {remaining} 次机会",
        tries_left=tries_hint(remaining),
        remaining=remaining,
    )


def error_for(code: int, what: str) -> CredentialError:
    """A typed error for an SKF return code (never a bare number to the user)."""
    if code == Sar.PIN_LOCKED:
        return PinLockedError("the key's PIN is locked", "USB Key 的 PIN 已被锁定，请联系 CA 解锁")
    if code in (Sar.PIN_INCORRECT, Sar.PIN_INVALID, Sar.PIN_LEN_RANGE):
        return wrong_pin(None)
    if code in (Sar.DEVICE_REMOVED, Sar.INVALIDHANDLE):
        return TokenRemovedError(
            f"the key was removed during {what}", "USB Key 已拔出或连接中断，请重新插入后再试"
        )
    if code == Sar.TIMEOUT:
        return TokenRemovedError(f"the key timed out during {what}", "USB Key 无响应")
    if code in (Sar.APPLICATION_NOT_EXISTS, Sar.APPLICATION_NAME_INVALID, Sar.FILE_NOT_EXIST):
        return TokenNotFoundError(
            f"{what}: no such application or container", "USB Key 中没有该应用或容器"
        )
    if code == Sar.USER_NOT_LOGGED_IN:
        return CredentialError("the key needs the PIN first", "请先输入 USB Key 的 PIN")
    try:
        name = Sar(code).name
    except ValueError:
        name = f"0x{code:08X}"
    return CredentialError(f"{what} failed: SKF {name}", f"USB Key 操作失败（SKF {name}）")
