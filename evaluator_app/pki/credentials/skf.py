"""SKF USB keys (GM/T 0016): the vendor's library by ctypes, device → application → container.

The key never leaves the device. Hashing happens here: e = SM3(Z ‖ M) with Z for the signer
ID, and the key signs e (``SKF_ECCSignData``), answering r ‖ s which becomes DER. Every call
runs on one watchdog thread with a timeout, so an unplugged or hung key gives a typed error,
never a frozen window (the same watchdog as the PKCS#11 backend).
"""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509

from evaluator_app.pki import sm2
from evaluator_app.pki.credentials import _skfapi as api
from evaluator_app.pki.credentials._p11util import DEFAULT_TIMEOUT, Watchdog
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.errors import CredentialError, PinLockedError, TokenNotFoundError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SkfContainer:
    application: str
    name: str
    sign_cert: bytes | None  # DER
    enc_cert: bytes | None
    raw_name: bytes = b""  # as the library spells it


@dataclass(frozen=True)
class SkfKeyInfo:
    """One plugged-in SKF key as listing shows it (no PIN needed)."""

    device: str
    label: str
    serial: str
    manufacturer: str
    pin_max: int | None
    pin_remaining: int | None
    containers: tuple[SkfContainer, ...]

    @property
    def pin_locked(self) -> bool:
        return self.pin_remaining == 0

    @property
    def tries_left_hint(self) -> str | None:
        return api.tries_hint(self.pin_remaining)


def _pin_info(lib: api.SkfLibrary, app: ctypes.c_void_p) -> tuple[int | None, int | None]:
    if not lib.has("SKF_GetPINInfo"):
        return None, None
    mx, left, dflt = api.ULONG(), api.ULONG(), api.BOOL()
    rv = lib.call(
        "SKF_GetPINInfo",
        app,
        api.USER_TYPE,
        ctypes.byref(mx),
        ctypes.byref(left),
        ctypes.byref(dflt),
    )
    return (int(mx.value), int(left.value)) if rv == api.Sar.OK else (None, None)


def _containers(lib: api.SkfLibrary, app: ctypes.c_void_p, app_name: str) -> list[SkfContainer]:
    out = []
    for name in lib.names("SKF_EnumContainer", app):
        con = ctypes.c_void_p()
        lib.check("SKF_OpenContainer", app, name, ctypes.byref(con))
        try:
            sign = lib.blob("SKF_ExportCertificate", con, 1)
            enc = lib.blob("SKF_ExportCertificate", con, 0)
        finally:
            lib.call("SKF_CloseContainer", con)
        out.append(SkfContainer(app_name, api.text(name), sign, enc, name))
    return out


def _describe(lib: api.SkfLibrary, name: bytes) -> SkfKeyInfo:
    dev = ctypes.c_void_p()
    lib.check("SKF_ConnectDev", name, ctypes.byref(dev), what="connecting")
    try:
        info = api.DevInfo()
        lib.check("SKF_GetDevInfo", dev, ctypes.byref(info))
        pin_max = pin_left = None
        containers: list[SkfContainer] = []
        for app_name in lib.names("SKF_EnumApplication", dev):
            app = ctypes.c_void_p()
            lib.check("SKF_OpenApplication", dev, app_name, ctypes.byref(app))
            try:
                if pin_max is None:
                    pin_max, pin_left = _pin_info(lib, app)
                containers += _containers(lib, app, api.text(app_name))
            finally:
                lib.call("SKF_CloseApplication", app)
    finally:
        lib.call("SKF_DisConnectDev", dev)
    return SkfKeyInfo(
        device=api.text(name),
        label=api.text(bytes(info.Label)),
        serial=api.text(bytes(info.SerialNumber)),
        manufacturer=api.text(bytes(info.Manufacturer)),
        pin_max=pin_max,
        pin_remaining=pin_left,
        containers=tuple(containers),
    )


def list_skf_keys(library: str, timeout: float = 10.0) -> list[SkfKeyInfo]:
    """Every plugged-in key with its certificates and PIN counter (hot-plug: call again)."""
    lib = api.load_library(library)
    dog = Watchdog("skf-list", timeout)

    def work() -> list[SkfKeyInfo]:
        out = []
        for name in lib.names("SKF_EnumDev", 1):
            try:
                out.append(_describe(lib, name))
            except CredentialError as exc:  # pulled out between listing and reading it
                logger.info("SKF key %s: %s", api.text(name), exc.message_en)
        return out

    try:
        return dog.run(work, "listing SKF keys")
    finally:
        dog.shutdown()


class SkfSigner(Signer):
    """A logged-in container on an SKF key: its signing certificate and SM2 signing key."""

    def __init__(
        self,
        library: str,
        pin: str,
        device: str | None = None,
        application: str | None = None,
        container: str | None = None,
        signer_id: bytes = sm2.DEFAULT_ID,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._lib = api.load_library(library)
        self.signer_id = signer_id
        self._dog = Watchdog(device or "skf", timeout)
        self._dev = ctypes.c_void_p()
        self._app = ctypes.c_void_p()
        self._con = ctypes.c_void_p()
        self.encryption_certificate: asn1_x509.Certificate | None = None
        self.device = self.application = self.container = ""
        try:
            self._dog.run(lambda: self._open(pin, device, application, container), "login")
        except BaseException:
            if not self._dog.dead:
                self._release()
            self._dog.shutdown()
            raise

    # --- on the watchdog thread ---
    def _open(
        self, pin: str, device: str | None, app_name: str | None, con_name: str | None
    ) -> None:
        lib = self._lib
        devices = lib.names("SKF_EnumDev", 1)
        if device is not None:
            devices = [d for d in devices if api.text(d) == device]
            if not devices:
                raise TokenNotFoundError(f"no SKF key {device!r}", f"未找到 USB Key {device}")
        if not devices:
            raise TokenNotFoundError("no SKF key plugged in", "未找到 USB Key")
        if len(devices) > 1:
            raise CredentialError(
                "several SKF keys are plugged in: choose one", "插入了多个 USB Key，请选择一个"
            )
        self.device = api.text(devices[0])
        lib.check("SKF_ConnectDev", devices[0], ctypes.byref(self._dev), what="connecting")
        apps = lib.names("SKF_EnumApplication", self._dev)
        if app_name is not None:
            apps = [a for a in apps if api.text(a) == app_name]
        if not apps:
            raise TokenNotFoundError("no such application on the key", "USB Key 中没有该应用")
        self.application = api.text(apps[0])
        lib.check("SKF_OpenApplication", self._dev, apps[0], ctypes.byref(self._app))
        _, left = _pin_info(lib, self._app)
        if left == 0:
            # Do not even try: a locked key may count further tries against the admin PIN.
            raise PinLockedError(
                "the key's PIN is locked", "USB Key 的 PIN 已被锁定，请联系 CA 解锁"
            )
        retry = api.ULONG()
        rv = lib.call(
            "SKF_VerifyPIN", self._app, api.USER_TYPE, pin.encode("gbk"), ctypes.byref(retry)
        )
        if rv == api.Sar.PIN_INCORRECT:
            raise api.wrong_pin(int(retry.value))
        if rv != api.Sar.OK:
            raise api.error_for(rv, "PIN check")
        self._bind(con_name)

    def _bind(self, con_name: str | None) -> None:
        lib = self._lib
        found = [c for c in _containers(lib, self._app, self.application) if c.sign_cert]
        sm2_ones = [c for c in found if _is_sm2(c.sign_cert)]
        if con_name is not None:
            sm2_ones = [c for c in sm2_ones if c.name == con_name]
        if not sm2_ones:
            raise CredentialError(
                "no SM2 signing certificate on the key", "USB Key 中没有 SM2 签名证书"
            )
        if len(sm2_ones) > 1:
            raise CredentialError(
                "several containers on the key: choose one", "USB Key 中有多个容器，请选择一个"
            )
        chosen = sm2_ones[0]
        self.container = chosen.name
        lib.check("SKF_OpenContainer", self._app, chosen.raw_name, ctypes.byref(self._con))
        assert chosen.sign_cert is not None
        self._cert = asn1_x509.Certificate.load(chosen.sign_cert)
        if chosen.enc_cert:
            self.encryption_certificate = asn1_x509.Certificate.load(chosen.enc_cert)
        self._public = sm2.PublicKey.from_spki(self._cert.public_key)
        blob = lib.blob("SKF_ExportPublicKey", self._con, 1)
        if blob is not None and len(blob) >= 132:
            pub = api.EccPublicKeyBlob.from_buffer_copy(blob[:132])
            raw = bytes(pub.XCoordinate)[32:] + bytes(pub.YCoordinate)[32:]
            if raw != self._public.raw:
                raise CredentialError(
                    "the key's signing certificate is not for its key",
                    "USB Key 中的签名证书与私钥不匹配",
                )
        logger.debug("SKF key %s/%s/%s open", self.device, self.application, self.container)

    def _sign_e(self, e: bytes) -> bytes:
        sig = api.EccSignatureBlob()
        self._lib.check("SKF_ECCSignData", self._con, e, len(e), ctypes.byref(sig), what="signing")
        return bytes(sig.r)[32:] + bytes(sig.s)[32:]

    def _release(self) -> None:
        lib = self._lib
        if self._con:
            lib.call("SKF_CloseContainer", self._con)
        if self._app:
            lib.call("SKF_ClearSecureState", self._app)
            lib.call("SKF_CloseApplication", self._app)
        if self._dev:
            lib.call("SKF_DisConnectDev", self._dev)
        self._con, self._app, self._dev = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()

    # --- public ---
    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert

    @property
    def chain(self) -> tuple[asn1_x509.Certificate, ...]:
        return ()  # SKF keys hold the holder's pair only; CA certificates come from the trust list

    def sign(self, data: bytes, hash_alg: str = "sm3") -> bytes:
        if hash_alg.lower().replace("-", "") != "sm3":
            raise CredentialError(
                f"an SM2 key signs with SM3, not {hash_alg}",
                f"SM2 密钥只能与 SM3 一起使用，不能用 {hash_alg}",
            )
        return self.sign_digest(sm2.message_digest(self._public, data, self.signer_id))

    def sign_digest(self, digest: bytes, hash_alg: str = "sm3") -> bytes:
        """``digest`` is e = SM3(Z ‖ M)."""
        if not self._con:
            raise CredentialError("the key was closed", "USB Key 已关闭")
        rs = self._dog.run(lambda: self._sign_e(digest), "signing")
        der = sm2.rs_to_der(rs)
        # A broken key must not hand out a signature nobody can verify.
        if not sm2.verify_digest(self._public, digest, der):
            raise CredentialError("the key returned an invalid signature", "USB Key 返回的签名无效")
        return der

    def close(self) -> None:
        if not self._dog.dead and (self._con or self._app or self._dev):
            try:
                self._dog.run(self._release, "logout")
            except CredentialError as exc:  # already gone: nothing left to release
                logger.debug("closing SKF key: %s", exc)
        self._dog.shutdown()


def _is_sm2(der: bytes | None) -> bool:
    if not der:
        return False
    try:
        return sm2.is_sm2_key(asn1_x509.Certificate.load(der).public_key)
    except ValueError:
        return False


def open_skf(
    library: str,
    pin: str,
    device: str | None = None,
    application: str | None = None,
    container: str | None = None,
    signer_id: bytes = sm2.DEFAULT_ID,
    timeout: float = DEFAULT_TIMEOUT,
) -> SkfSigner:
    """Log in to an SKF key. Raises WrongPinError (with ``remaining``), PinLockedError, ..."""
    return SkfSigner(library, pin, device, application, container, signer_id, timeout)
