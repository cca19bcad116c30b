"""The drawn list sealed to the centre until the session opens (ECIES: ECDH-ES P-256,
HKDF-SHA256, AES-256-GCM — cryptography's primitives, composed as SEC 1 §5.1 describes).

The centre's sealing key pair is made once in its data folder, the private key encrypted with
a password (PKCS#8, the best encryption cryptography offers). A sealed draw says which key
(the SHA-256 of its public key) can open it; opening needs that key's password.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from evaluator_app.client.errors import ClientError

ALG = "ECDH-ES-P256+HKDF-SHA256+A256GCM"
KEY_FILE = "draw-seal-key.pem"
PUBLIC_FILE = "draw-seal-public.pem"


class SealError(ClientError):
    """No sealing key, a wrong password, or a sealed record altered or sealed to another key."""


def key_id(public: ec.EllipticCurvePublicKey) -> str:
    der = public.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def _kek(shared: bytes, kid: str) -> bytes:
    info = b"evaluator-draw/v1/seal\x00" + kid.encode()
    return HKDF(hashes.SHA256(), 32, None, info).derive(shared)


def seal(data: bytes, public: ec.EllipticCurvePublicKey) -> bytes:
    kid = key_id(public)
    ephemeral = ec.generate_private_key(ec.SECP256R1())
    key = _kek(ephemeral.exchange(ec.ECDH(), public), kid)
    nonce = os.urandom(12)
    epk = ephemeral.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    envelope = {
        "alg": ALG,
        "kid": kid,
        "epk": base64.b64encode(epk).decode(),
        "nonce": base64.b64encode(nonce).decode(),
        "ciphertext": base64.b64encode(AESGCM(key).encrypt(nonce, data, kid.encode())).decode(),
    }
    return json.dumps(envelope, sort_keys=True).encode()


def unseal(sealed: bytes, private: ec.EllipticCurvePrivateKey) -> bytes:
    try:
        envelope = json.loads(sealed)
        if envelope.get("alg") != ALG:
            raise ValueError(envelope.get("alg"))
        kid = key_id(private.public_key())
        if envelope["kid"] != kid:
            raise SealError("sealed to another key", "该记录加密给了另一把密钥")
        epk = serialization.load_der_public_key(base64.b64decode(envelope["epk"]))
        if not isinstance(epk, ec.EllipticCurvePublicKey):
            raise ValueError("epk")
        key = _kek(private.exchange(ec.ECDH(), epk), kid)
        nonce = base64.b64decode(envelope["nonce"])
        return AESGCM(key).decrypt(nonce, base64.b64decode(envelope["ciphertext"]), kid.encode())
    except SealError:
        raise
    except InvalidTag:
        raise SealError("the sealed record was altered", "加密记录已被改动") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise SealError(f"not a sealed draw record: {exc}", "不是加密的抽取记录") from None


@dataclass(frozen=True)
class SealingKey:
    folder: Path

    @property
    def exists(self) -> bool:
        return (self.folder / KEY_FILE).is_file()

    def create(self, password: str) -> ec.EllipticCurvePublicKey:
        if self.exists:
            raise SealError("the sealing key exists already", "密封密钥已存在")
        if len(password) < 8:
            raise SealError("the password needs at least 8 characters", "密码至少 8 位")
        key = ec.generate_private_key(ec.SECP256R1())
        self.folder.mkdir(parents=True, exist_ok=True)
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password.encode()),
        )
        path = self.folder / KEY_FILE
        path.write_bytes(pem)
        path.chmod(0o600)
        public = key.public_key()
        (self.folder / PUBLIC_FILE).write_bytes(
            public.public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
        )
        return public

    def public(self) -> ec.EllipticCurvePublicKey:
        try:
            key = serialization.load_pem_public_key((self.folder / PUBLIC_FILE).read_bytes())
        except (OSError, ValueError):
            raise SealError(
                "no sealing key in this data folder", "本数据目录没有密封密钥"
            ) from None
        assert isinstance(key, ec.EllipticCurvePublicKey)
        return key

    def private(self, password: str) -> ec.EllipticCurvePrivateKey:
        try:
            key = serialization.load_pem_private_key(
                (self.folder / KEY_FILE).read_bytes(), password.encode()
            )
        except OSError:
            raise SealError(
                "no sealing key in this data folder", "本数据目录没有密封密钥"
            ) from None
        except (ValueError, TypeError):
            raise SealError("wrong password for the sealing key", "密封密钥密码不正确") from None
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key
