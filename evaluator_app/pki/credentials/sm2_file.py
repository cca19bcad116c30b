"""SM2 key files: a PEM file with the key (PKCS#8, usually encrypted) and the certificates.

``cryptography`` cannot load an SM2 key, so this reads the standard containers itself: a
PKCS#8 ``ENCRYPTED PRIVATE KEY`` (PBES2 with PBKDF2 over HMAC-SHA1/SHA-256/SM3 and AES-CBC or
SM4-CBC — what ``openssl pkcs8 -topk8 -v2 aes-256-cbc`` and GmSSL write), a plain ``PRIVATE
KEY`` or SEC 1 ``EC PRIVATE KEY``, followed by ``CERTIFICATE`` blocks (the holder's first).
It opens like a .p12 file: a path and a password.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from base64 import b64decode, b64encode
from pathlib import Path

from asn1crypto import algos as asn1_algos
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from evaluator_app.pki import sm2
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.pki.errors import CredentialError, WrongPasswordError

logger = logging.getLogger(__name__)

_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.S)
_PRFS = frozenset({"sha1", "sha256", "sm3"})
_AES = {"aes128_cbc": 16, "aes192_cbc": 24, "aes256_cbc": 32}
WRITE_ITERATIONS = 200_000


class Sm2FileSigner(Signer):
    """An SM2 key read from a key file; it stays in memory for the life of the signer."""

    def __init__(
        self,
        key: sm2.PrivateKey,
        cert: asn1_x509.Certificate,
        chain: tuple[asn1_x509.Certificate, ...] = (),
        signer_id: bytes = sm2.DEFAULT_ID,
    ) -> None:
        if sm2.PublicKey.from_spki(cert.public_key) != key.public:
            raise CredentialError("the key does not belong to the certificate", "私钥与证书不匹配")
        self._key: sm2.PrivateKey | None = key
        self._cert = cert
        self._chain = chain
        self.signer_id = signer_id

    @property
    def certificate(self) -> asn1_x509.Certificate:
        return self._cert

    @property
    def chain(self) -> tuple[asn1_x509.Certificate, ...]:
        return self._chain

    def _live(self) -> sm2.PrivateKey:
        if self._key is None:
            raise CredentialError("the key file was closed", "证书文件已关闭")
        return self._key

    def sign(self, data: bytes, hash_alg: str = "sm3") -> bytes:
        _sm3_only(hash_alg)
        return self._live().sign(data, self.signer_id)

    def sign_digest(self, digest: bytes, hash_alg: str = "sm3") -> bytes:
        """``digest`` is e = SM3(Z ‖ M), as for an SKF key."""
        _sm3_only(hash_alg)
        return self._live().sign_digest(digest)

    def close(self) -> None:
        self._key = None


def _sm3_only(hash_alg: str) -> None:
    if hash_alg.lower().replace("-", "") != "sm3":
        raise CredentialError(
            f"an SM2 key signs with SM3, not {hash_alg}",
            f"SM2 密钥只能与 SM3 一起使用，不能用 {hash_alg}",
        )


def open_sm2_file(
    path: str | Path, password: str | bytes | None, signer_id: bytes = sm2.DEFAULT_ID
) -> Sm2FileSigner:
    """Open an SM2 key file; a wrong password raises :class:`WrongPasswordError`."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise CredentialError(f"cannot read {p}: {exc.strerror}", f"无法读取证书文件 {p}") from exc
    pw = password.encode("utf-8") if isinstance(password, str) else (password or b"")
    key, certs = read_key_file(data, pw, p.name)
    holder = next((c for c in certs if _matches(c, key)), None)
    if holder is None:
        raise CredentialError(
            f"{p.name} holds no certificate for its SM2 key",
            f"{p.name} 中没有与 SM2 私钥对应的证书",
        )
    logger.debug("opened SM2 key file %s", p.name)
    return Sm2FileSigner(key, holder, tuple(c for c in certs if c is not holder), signer_id)


def open_key_file(path: str | Path, password: str | bytes | None) -> Signer:
    """A certificate file as a person picks it: an SM2 key file (PEM) or a PKCS#12 file."""
    from evaluator_app.pki.credentials.pkcs12 import open_pkcs12

    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        msg_zh = f"无法读取证书文件 {p}"
        raise CredentialError(f"cannot read {p}: {exc.strerror}", msg_zh) from exc
    if b"-----BEGIN" in data[:65536] and is_sm2_key_file(data):
        return open_sm2_file(p, password)
    return open_pkcs12(p, password)


def is_sm2_key_file(data: bytes) -> bool:
    """A PEM file whose key block holds an SM2 key (used to route a chosen file)."""
    blocks = dict((label.decode(), body) for label, body in _PEM.findall(data))
    if "ENCRYPTED PRIVATE KEY" in blocks:
        certs = _certs(data)
        return bool(certs) and sm2.is_sm2_key(certs[0].public_key)
    try:
        _plain_key(data)
        return True
    except (CredentialError, ValueError):
        return False


def _matches(cert: asn1_x509.Certificate, key: sm2.PrivateKey) -> bool:
    try:
        return sm2.PublicKey.from_spki(cert.public_key) == key.public
    except sm2.SM2Error:
        return False


def _certs(data: bytes) -> list[asn1_x509.Certificate]:
    out = []
    for label, body in _PEM.findall(data):
        if label == b"CERTIFICATE":
            out.append(asn1_x509.Certificate.load(b64decode(body)))
    return out


def read_key_file(
    data: bytes, password: bytes, name: str = "key file"
) -> tuple[sm2.PrivateKey, list[asn1_x509.Certificate]]:
    blocks = {label.decode(): b64decode(body) for label, body in _PEM.findall(data)}
    try:
        certs = _certs(data)
        if "ENCRYPTED PRIVATE KEY" in blocks:
            der = _decrypt_pkcs8(blocks["ENCRYPTED PRIVATE KEY"], password, name)
            key = _from_pkcs8(der)
        else:
            key = _plain_key(data)
    except (ValueError, TypeError, KeyError) as exc:
        raise CredentialError(
            f"{name} is not an SM2 key file", f"{name} 不是有效的 SM2 密钥文件"
        ) from exc
    return key, certs


def _plain_key(data: bytes) -> sm2.PrivateKey:
    blocks = {label.decode(): b64decode(body) for label, body in _PEM.findall(data)}
    if "PRIVATE KEY" in blocks:
        return _from_pkcs8(blocks["PRIVATE KEY"])
    if "EC PRIVATE KEY" in blocks:
        return _from_ec(asn1_keys.ECPrivateKey.load(blocks["EC PRIVATE KEY"]), None)
    raise CredentialError("no private key in the file", "文件中没有私钥")


def _from_pkcs8(der: bytes) -> sm2.PrivateKey:
    info = asn1_keys.PrivateKeyInfo.load(der, strict=True)
    alg = info["private_key_algorithm"]
    curve = alg["parameters"].chosen.dotted if alg["algorithm"].native == "ec" else None
    if curve != sm2.OID_SM2_CURVE and alg["algorithm"].dotted != sm2.OID_SM2_CURVE:
        raise CredentialError("the key is not an SM2 key", "私钥不是 SM2 密钥")
    return _from_ec(info["private_key"].parsed, curve)


def _from_ec(ec: asn1_keys.ECPrivateKey, curve: str | None) -> sm2.PrivateKey:
    params = ec["parameters"]
    if curve is None and (params.native is None or params.chosen.dotted != sm2.OID_SM2_CURVE):
        raise CredentialError("the key is not an SM2 key", "私钥不是 SM2 密钥")
    key = sm2.PrivateKey.from_secret(ec["private_key"].contents.rjust(32, b"\x00"))
    pub = ec["public_key"]
    if pub.native is not None and sm2.PublicKey.from_point(bytes(pub)) != key.public:
        raise CredentialError("the key file is inconsistent", "密钥文件内容不一致")
    return key


def _decrypt_pkcs8(der: bytes, password: bytes, name: str) -> bytes:
    epki = asn1_keys.EncryptedPrivateKeyInfo.load(der, strict=True)
    alg = epki["encryption_algorithm"]
    if alg["algorithm"].native != "pbes2":
        raise CredentialError("only PBES2-encrypted keys are read", "只支持 PBES2 加密的私钥")
    kdf, scheme = alg["parameters"]["key_derivation_func"], alg["parameters"]["encryption_scheme"]
    if kdf["algorithm"].native != "pbkdf2":
        raise CredentialError("only PBKDF2 is read", "只支持 PBKDF2 口令派生")
    kp = kdf["parameters"]
    prf = kp["prf"]["algorithm"].native
    if prf not in _PRFS:
        raise CredentialError(f"unsupported key-file PRF {prf}", f"不支持的口令派生算法 {prf}")
    salt, iterations = kp["salt"].native, kp["iteration_count"].native
    cipher, iv = scheme["algorithm"].native, scheme["parameters"].native
    blob = epki["encrypted_data"].native
    wrong = WrongPasswordError(f"wrong password for {name}", f"{name} 的密码错误")
    if cipher == "sm4_cbc":
        key = hashlib.pbkdf2_hmac(prf, password, salt, iterations, 16)
        try:
            plain = sm2.sm4_cbc_decrypt(key, iv, blob)
        except sm2.SM2Error as exc:
            raise wrong from exc
    elif cipher in _AES:
        key = hashlib.pbkdf2_hmac(prf, password, salt, iterations, _AES[cipher])
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        unpad = sym_padding.PKCS7(128).unpadder()
        try:
            plain = unpad.update(dec.update(blob) + dec.finalize()) + unpad.finalize()
        except ValueError as exc:
            raise wrong from exc
    else:
        raise CredentialError(
            f"unsupported key-file cipher {cipher}", f"不支持的私钥加密算法 {cipher}"
        )
    try:  # a wrong password that happens to leave valid padding still yields no key
        asn1_keys.PrivateKeyInfo.load(plain, strict=True).native  # noqa: B018
    except ValueError as exc:
        raise wrong from exc
    return plain


def write_key_file(
    key: sm2.PrivateKey,
    certs: list[asn1_x509.Certificate],
    password: bytes,
    iterations: int = WRITE_ITERATIONS,
) -> bytes:
    """PKCS#8 PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC) key, then the certificates, as PEM."""
    info = _pkcs8(key)
    salt, iv = os.urandom(16), os.urandom(16)
    k = hashlib.pbkdf2_hmac("sha256", password, salt, iterations, 32)
    pad = sym_padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(k), modes.CBC(iv)).encryptor()
    blob = enc.update(pad.update(info) + pad.finalize()) + enc.finalize()
    kdf = {
        "algorithm": "pbkdf2",
        "parameters": {
            "salt": asn1_algos.Pbkdf2Salt(name="specified", value=salt),
            "iteration_count": iterations,
            "prf": {"algorithm": "sha256"},
        },
    }
    alg = {
        "algorithm": "pbes2",
        "parameters": {
            "key_derivation_func": kdf,
            "encryption_scheme": {"algorithm": "aes256_cbc", "parameters": iv},
        },
    }
    epki = asn1_keys.EncryptedPrivateKeyInfo(
        {"encryption_algorithm": alg, "encrypted_data": blob}
    ).dump()
    out = [_pem("ENCRYPTED PRIVATE KEY", epki)]
    out += [_pem("CERTIFICATE", c.dump()) for c in certs]
    return b"".join(out)


def _pem(label: str, der: bytes) -> bytes:
    body = b64encode(der)
    lines = b"\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return b"-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label.encode(), lines, label.encode())


def _pkcs8(key: sm2.PrivateKey) -> bytes:
    return asn1_keys.PrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": {
                "algorithm": "ec",
                "parameters": asn1_keys.ECDomainParameters(name="named", value="sm2p256v1"),
            },
            "private_key": asn1_keys.ECPrivateKey(
                {
                    "version": "ecPrivkeyVer1",
                    "private_key": int.from_bytes(key.secret, "big"),
                    "public_key": key.public.point,
                }
            ),
        }
    ).dump()


def plain_pkcs8_pem(key: sm2.PrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM: only for the software SKF token's storage (tests, demo)."""
    return _pem("PRIVATE KEY", _pkcs8(key))
