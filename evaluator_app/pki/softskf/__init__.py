"""The software SKF token (softskf.c): build it, and put keys and certificates on it.

For the tests and the demo only — what SoftHSM2 is for PKCS#11, since no open-source SKF
token exists. Its C source ships in the package so that the demo can build it where gcc and
OpenSSL 3's headers are present (``libssl-dev`` on Debian); :func:`build` says plainly when
they are not.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from evaluator_app.pki import sm2
from evaluator_app.pki.errors import CredentialError

logger = logging.getLogger(__name__)

SOURCE = Path(__file__).with_name("softskf.c")
LIBRARY_NAME = "libsoftskf.so"
DEFAULT_APPLICATION = "EVALUATOR"
DEFAULT_CONTAINER = "SM2"


class SoftSkfError(CredentialError):
    """The software SKF token cannot be built or provisioned here."""


def compiler() -> str | None:
    """The C compiler to use, or None (then the software token is unavailable)."""
    if sys.platform == "win32":
        return None  # the demo's token is built with gcc on Linux only
    return os.environ.get("CC") or shutil.which("gcc") or shutil.which("cc")


def build(out_dir: Path, timeout: float = 120.0) -> Path:
    """Compile softskf.c into ``out_dir`` (reused while newer than the source)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lib = out_dir / LIBRARY_NAME
    if lib.exists() and lib.stat().st_mtime >= SOURCE.stat().st_mtime:
        return lib
    cc = compiler()
    if cc is None:
        raise SoftSkfError(
            "no C compiler: the software SKF token cannot be built (install gcc and libssl-dev)",
            "没有 C 编译器，无法构建软件 SKF 令牌（请安装 gcc 和 libssl-dev）",
        )
    tmp = out_dir / f".{LIBRARY_NAME}.{os.getpid()}"
    cmd = [cc, "-shared", "-fPIC", "-O2", "-Wall", "-fvisibility=hidden", "-o", str(tmp)]
    cmd += [str(SOURCE), "-lcrypto", "-ldl", "-lpthread"]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SoftSkfError(
            f"building the software SKF token failed: {exc}", "构建软件 SKF 令牌失败"
        ) from exc
    if run.returncode != 0:
        tmp.unlink(missing_ok=True)
        first = (run.stderr.strip().splitlines() or ["?"])[0]
        raise SoftSkfError(
            f"building the software SKF token failed (OpenSSL 3 headers missing?): {first}",
            "构建软件 SKF 令牌失败（是否缺少 OpenSSL 3 开发文件 libssl-dev？）",
        )
    tmp.replace(lib)  # atomic: a concurrent build never leaves a half-written library
    logger.info("built the software SKF token %s", lib)
    return lib


@dataclass(frozen=True)
class Device:
    """One provisioned software key: ``root`` is the token directory the library reads."""

    root: Path
    name: str

    @property
    def path(self) -> Path:
        return self.root / self.name

    def application(self, name: str = DEFAULT_APPLICATION) -> Path:
        return self.path / name

    def unplug(self) -> None:
        (self.path / "device").rename(self.path / "device.unplugged")

    def plug(self) -> None:
        (self.path / "device.unplugged").rename(self.path / "device")

    def set_behaviour(self, *, sign_delay_ms: int = 0, hang: bool = False) -> None:
        (self.path / "behaviour").write_text(
            f"sign_delay_ms={sign_delay_ms}\nhang={1 if hang else 0}\n", encoding="ascii"
        )

    def pin_remaining(self, application: str = DEFAULT_APPLICATION) -> int:
        app = self.application(application)
        f = app / "pin_remaining"
        return int(f.read_text()) if f.exists() else int((app / "pin_max").read_text())


def provision(
    root: Path,
    name: str,
    *,
    key: sm2.PrivateKey,
    sign_cert_der: bytes,
    pin: str,
    enc_cert_der: bytes | None = None,
    label: str | None = None,
    serial: str | None = None,
    application: str = DEFAULT_APPLICATION,
    container: str = DEFAULT_CONTAINER,
    pin_max: int = 6,
) -> Device:
    """A software key holding ``key`` with its signing (and encryption) certificate."""
    from evaluator_app.pki.credentials.sm2_file import plain_pkcs8_pem

    dev = Device(root, name)
    con = dev.application(application) / container
    con.mkdir(parents=True, exist_ok=True)
    for d in (root, dev.path, dev.application(application), con):
        d.chmod(0o700)
    info = f"label={label or name}\nserial={serial or name}\nmanufacturer=softskf\n"
    (dev.path / "device").write_text(info, encoding="utf-8")
    app = dev.application(application)
    (app / "pin").write_text(pin + "\n", encoding="utf-8")
    (app / "pin_max").write_text(f"{pin_max}\n", encoding="ascii")
    (app / "pin_remaining").write_text(f"{pin_max}\n", encoding="ascii")
    keyfile = con / "sign.pem"
    keyfile.write_bytes(plain_pkcs8_pem(key))
    keyfile.chmod(0o600)
    (con / "sign.der").write_bytes(sign_cert_der)
    if enc_cert_der is not None:
        (con / "enc.der").write_bytes(enc_cert_der)
    return dev
