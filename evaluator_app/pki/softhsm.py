"""SoftHSM2 helper: a throwaway software token holding a person's key and certificate.

Used by tests, benchmarks and the demo to stand in for the experts' USB keys. SoftHSM reads
its configuration (``SOFTHSM2_CONF``) once, when the PKCS#11 library is initialised in a
process, so one process should keep one token directory holding all its tokens; adding a
token later is seen after :func:`refresh_library` (which closes every open session).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from evaluator_app.pki.errors import CredentialError

logger = logging.getLogger(__name__)

_MODULE_CANDIDATES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/opt/homebrew/lib/softhsm/libsofthsm2.so",
)


@dataclass(frozen=True)
class SoftHsmToken:
    """A SoftHSM2 token created by :func:`create_token` (the PINs are test secrets)."""

    module: str
    conf: Path
    token_root: Path
    label: str
    pin: str
    so_pin: str


def find_softhsm_module() -> str | None:
    """Path of libsofthsm2.so, or None when SoftHSM2 is not installed."""
    env = os.environ.get("SOFTHSM2_MODULE")
    for path in ((env,) if env else ()) + _MODULE_CANDIDATES:
        if path and Path(path).is_file():
            return path
    return None


def softhsm_available() -> bool:
    return find_softhsm_module() is not None and shutil.which("softhsm2-util") is not None


def write_conf(directory: Path) -> Path:
    """Write a softhsm2.conf with its token store under ``directory``; point the env at it."""
    directory = Path(directory)
    tokens = directory / "tokens"
    tokens.mkdir(parents=True, exist_ok=True)
    conf = directory / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n"
        "slots.removable = false\n",
        encoding="utf-8",
    )
    os.environ["SOFTHSM2_CONF"] = str(conf)
    return conf


def create_token(directory: Path, label: str, pin: str, so_pin: str) -> SoftHsmToken:
    """Initialise a new token named ``label`` in the store under ``directory``."""
    module = find_softhsm_module()
    if module is None or shutil.which("softhsm2-util") is None:
        raise CredentialError("SoftHSM2 is not installed", "未安装 SoftHSM2")
    conf = Path(directory) / "softhsm2.conf"
    if not conf.exists():
        conf = write_conf(Path(directory))
    os.environ["SOFTHSM2_CONF"] = str(conf)
    env = dict(os.environ, SOFTHSM2_CONF=str(conf))
    cmd = [
        "softhsm2-util",
        "--init-token",
        "--free",
        "--label",
        label,
        "--pin",
        pin,
        "--so-pin",
        so_pin,
    ]
    res = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=30, check=False)
    if res.returncode != 0:
        raise CredentialError(f"softhsm2-util failed: {res.stderr.strip() or res.stdout.strip()}")
    refresh_library(module)
    return SoftHsmToken(module, conf, Path(directory) / "tokens", label, pin, so_pin)


def refresh_library(module: str) -> None:
    """Make an already loaded SoftHSM see tokens created since (closes all its sessions)."""
    import pkcs11

    lib = pkcs11.lib(module)
    lib.reinitialize()


def import_identity(
    token: SoftHsmToken,
    private_key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    certificate: x509.Certificate,
    key_label: str = "signing",
    key_id: bytes = b"\x01",
    chain: tuple[x509.Certificate, ...] = (),
) -> None:
    """Store the key (sensitive, not extractable) and its certificate(s) on the token."""
    import pkcs11
    from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass

    lib = pkcs11.lib(token.module)
    tok = lib.get_token(token_label=token.label)
    with tok.open(rw=True, user_pin=token.pin) as session:
        common = {
            Attribute.TOKEN: True,
            Attribute.LABEL: key_label,
            Attribute.ID: key_id,
        }
        if isinstance(private_key, ec.EllipticCurvePrivateKey):
            pub = private_key.public_key()
            params = _ec_params_der(private_key.curve)
            point = pub.public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
            nbytes = (private_key.curve.key_size + 7) // 8
            priv_template = {
                Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: params,
                Attribute.VALUE: private_key.private_numbers().private_value.to_bytes(
                    nbytes, "big"
                ),
            }
            from asn1crypto.core import OctetString

            pub_template = {
                Attribute.CLASS: ObjectClass.PUBLIC_KEY,
                Attribute.KEY_TYPE: KeyType.EC,
                Attribute.EC_PARAMS: params,
                Attribute.EC_POINT: OctetString(point).dump(),
            }
        elif isinstance(private_key, rsa.RSAPrivateKey):
            n = private_key.private_numbers()
            pn = n.public_numbers

            def b(i: int) -> bytes:
                return i.to_bytes((i.bit_length() + 7) // 8, "big")

            priv_template = {
                Attribute.CLASS: ObjectClass.PRIVATE_KEY,
                Attribute.KEY_TYPE: KeyType.RSA,
                Attribute.MODULUS: b(pn.n),
                Attribute.PUBLIC_EXPONENT: b(pn.e),
                Attribute.PRIVATE_EXPONENT: b(n.d),
                Attribute.PRIME_1: b(n.p),
                Attribute.PRIME_2: b(n.q),
                Attribute.EXPONENT_1: b(n.dmp1),
                Attribute.EXPONENT_2: b(n.dmq1),
                Attribute.COEFFICIENT: b(n.iqmp),
            }
            pub_template = {
                Attribute.CLASS: ObjectClass.PUBLIC_KEY,
                Attribute.KEY_TYPE: KeyType.RSA,
                Attribute.MODULUS: b(pn.n),
                Attribute.PUBLIC_EXPONENT: b(pn.e),
            }
        else:
            raise CredentialError(f"unsupported key type {type(private_key).__name__}")
        # The key never leaves the token again: sensitive and not extractable.
        session.create_object(
            {
                **common,
                **priv_template,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.SIGN: True,
            }
        )
        session.create_object({**common, **pub_template, Attribute.VERIFY: True})
        for i, cert in enumerate((certificate, *chain)):
            der = cert.public_bytes(serialization.Encoding.DER)
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.PRIVATE: False,  # listed before login, like on real USB keys
                    Attribute.LABEL: key_label if i == 0 else f"{key_label}-ca{i}",
                    Attribute.ID: key_id if i == 0 else key_id + bytes([i]),
                    Attribute.SUBJECT: cert.subject.public_bytes(),
                    Attribute.ISSUER: cert.issuer.public_bytes(),
                    Attribute.VALUE: der,
                }
            )
    logger.info("imported %s into token %s", key_label, token.label)


def remove_token_files(token: SoftHsmToken) -> int:
    """Delete the token's storage: the closest a software token gets to being unplugged."""
    removed = 0
    for sub in token.token_root.iterdir():
        info = sub / "token.object"
        if info.exists() and token.label.encode() in info.read_bytes():
            shutil.rmtree(sub)
            removed += 1
    return removed


def _ec_params_der(curve: ec.EllipticCurve) -> bytes:
    from asn1crypto.keys import ECDomainParameters

    names = {"secp256r1": "secp256r1", "secp384r1": "secp384r1", "secp521r1": "secp521r1"}
    if curve.name not in names:
        raise CredentialError(f"unsupported curve {curve.name}")
    return ECDomainParameters(name="named", value=names[curve.name]).dump()


_TOKENFLAGS_TAG = b"\x00\x00\x00\x00\x80\x00SK"  # CKA_OS_TOKENFLAGS in SoftHSM's token.object


def set_token_flags(token: SoftHsmToken, set_bits: int = 0, clear_bits: int = 0) -> int:
    """Patch the flags SoftHSM stores for a token; returns the new flags (tests only).

    SoftHSM 2.6 never locks a user PIN (it only raises CKF_USER_PIN_COUNT_LOW), so to see how
    the app treats a key whose PIN *is* locked we set CKF_USER_PIN_LOCKED in its store: the
    library then reports it in C_GetTokenInfo exactly as a locked USB key would.
    """
    for sub in token.token_root.iterdir():
        info = sub / "token.object"
        if not info.exists():
            continue
        data = bytearray(info.read_bytes())
        if token.label.encode() not in data:
            continue
        at = data.find(_TOKENFLAGS_TAG)
        if at < 0:
            raise CredentialError("token flags not found in SoftHSM store")
        value_at = (
            at + len(_TOKENFLAGS_TAG) + 8
        )  # tag, then a kind word (2 = ulong), then the value
        flags = int.from_bytes(data[value_at : value_at + 8], "big")
        flags = (flags | set_bits) & ~clear_bits
        data[value_at : value_at + 8] = flags.to_bytes(8, "big")
        info.write_bytes(bytes(data))
        refresh_library(token.module)  # SoftHSM caches token info until re-initialised
        return flags
    raise CredentialError(f"token {token.label} not found in {token.token_root}")
