"""SM2 signatures and SM3 hashing (GB/T 32918, GB/T 32905) for the rest of pki.

The only module that imports ``gmssl_pyx`` (GmSSL compiled in, Apache-2.0; why this library:
the commit that added it). Everything else speaks to SM2 through these functions and the
asn1crypto names registered below, so the library can be swapped here alone.

An SM2 signature is over e = SM3(Z ‖ M) where Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA)
binds the signer's public key and an identifier (GM/T 0009 default "1234567812345678").
Signatures travel as DER ``SEQUENCE { r, s }``; SKF and some PKCS#11 modules give r ‖ s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import ModuleType

from asn1crypto import algos as asn1_algos
from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import keys as asn1_keys

from evaluator_app.pki.errors import SignatureError

logger = logging.getLogger(__name__)

DEFAULT_ID = b"1234567812345678"

OID_SM2_CURVE = "1.2.156.10197.1.301"  # sm2p256v1 (and, in GM/T 0006, the SM2 algorithm)
OID_SM2_SIGN = "1.2.156.10197.1.301.1"  # sm2-1 digital signature (GM/T 0006)
OID_SM3 = "1.2.156.10197.1.401"
OID_SM2_WITH_SM3 = "1.2.156.10197.1.501"
# GM/T 0010 content types (read only; we write the PKCS#7 ones)
OID_GM_DATA = "1.2.156.10197.6.1.4.2.1"
OID_GM_SIGNED_DATA = "1.2.156.10197.6.1.4.2.2"
OID_HMAC_SM3 = "1.2.156.10197.1.401.2"
OID_SM4_CBC = "1.2.156.10197.1.104.2"

# Curve parameters (GB/T 32918.5)
P = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF
A = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC
B = 0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93
N = 0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123
GX = 0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7
GY = 0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0

#: the names pyHanko and asn1crypto see
SM3 = "sm3"
SM2_WITH_SM3 = "sm2_sm3"
SM2_SIGN = "sm2_sign"


def _register(cls: type[asn1_core.ObjectIdentifier], oid: str, name: str) -> None:
    cls._map[oid] = name
    if cls._reverse_map is not None:
        cls._reverse_map[name] = oid


def _register_oids() -> None:
    if OID_SM2_CURVE in asn1_keys.NamedCurve._map:
        return
    asn1_keys.NamedCurve.register("sm2p256v1", OID_SM2_CURVE, 32)
    _register(asn1_algos.DigestAlgorithmId, OID_SM3, SM3)
    _register(asn1_algos.SignedDigestAlgorithmId, OID_SM2_WITH_SM3, SM2_WITH_SM3)
    _register(asn1_algos.SignedDigestAlgorithmId, OID_SM2_SIGN, SM2_SIGN)
    _register(asn1_algos.SignedDigestAlgorithmId, OID_SM2_CURVE, "sm2")
    _register(asn1_cms.ContentType, OID_GM_DATA, "gm_data")
    _register(asn1_cms.ContentType, OID_GM_SIGNED_DATA, "gm_signed_data")
    _register(asn1_algos.HmacAlgorithmId, OID_HMAC_SM3, SM3)
    _register(asn1_algos.EncryptionAlgorithmId, OID_SM4_CBC, "sm4_cbc")
    asn1_algos.EncryptionAlgorithm._oid_specs["sm4_cbc"] = asn1_core.OctetString
    asn1_cms.ContentInfo._oid_specs["gm_signed_data"] = asn1_cms.SignedData
    asn1_cms.EncapsulatedContentInfo._oid_specs["gm_data"] = asn1_core.OctetString


_register_oids()

SIGNATURE_ALGORITHMS = frozenset({SM2_WITH_SM3, SM2_SIGN, "sm2"})


class SM2Error(SignatureError):
    """An SM2 key, point or signature is malformed."""


class SM2UnavailableError(SM2Error):
    """No SM2 library on this platform (gmssl-pyx ships wheels for Windows x64, Linux x86_64)."""


_lib: ModuleType | None = None


def _gm() -> ModuleType:
    # Imported on first use: the OIDs above are needed (to read any certificate) even where the
    # library has no wheel, e.g. Linux aarch64.
    global _lib
    if _lib is None:
        try:
            import gmssl_pyx
        except ImportError as exc:
            raise SM2UnavailableError(
                "SM2 is not available here: install gmssl-pyx",
                "本机不支持 SM2（请安装 gmssl-pyx）",
            ) from exc
        _lib = gmssl_pyx
    return _lib


def available() -> bool:
    try:
        _gm()
        return True
    except SM2UnavailableError:
        return False


def sm3(data: bytes) -> bytes:
    return bytes(_gm().sm3_hash(data))


def sm4_cbc_decrypt(key: bytes, iv: bytes, data: bytes) -> bytes:
    """SM4-CBC with PKCS#7 padding (GmSSL-encrypted key files)."""
    try:
        return bytes(_gm().sm4_cbc_padding_decrypt(key, iv, data))
    except (_gm().InvalidValueError, _gm().GmsslInnerError) as exc:
        raise SM2Error("SM4 decryption failed", "SM4 解密失败") from exc


def _b32(v: int) -> bytes:
    return v.to_bytes(32, "big")


@dataclass(frozen=True)
class PublicKey:
    """An SM2 public point; ``raw`` is x ‖ y (64 bytes)."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 64 or not _on_curve(self.raw):
            raise SM2Error("not a point on the SM2 curve", "不是 SM2 曲线上的点")

    @classmethod
    def from_point(cls, point: bytes) -> PublicKey:
        """From the uncompressed SEC 1 encoding 04 ‖ x ‖ y (certificates, SKF, PKCS#11)."""
        if len(point) == 65 and point[0] == 4:
            return cls(point[1:])
        if len(point) == 64:
            return cls(point)
        raise SM2Error("unsupported SM2 point encoding", "不支持的 SM2 公钥编码")

    @classmethod
    def from_spki(cls, spki: asn1_keys.PublicKeyInfo) -> PublicKey:
        if not is_sm2_key(spki):
            raise SM2Error("not an SM2 public key", "不是 SM2 公钥")
        return cls.from_point(bytes(spki["public_key"]))

    @property
    def point(self) -> bytes:
        return b"\x04" + self.raw

    def spki(self) -> asn1_keys.PublicKeyInfo:
        return asn1_keys.PublicKeyInfo(
            {
                "algorithm": {
                    "algorithm": "ec",
                    "parameters": asn1_keys.ECDomainParameters(name="named", value="sm2p256v1"),
                },
                "public_key": self.point,
            }
        )

    def z(self, signer_id: bytes = DEFAULT_ID) -> bytes:
        return z_value(self, signer_id)


@dataclass(frozen=True, repr=False)
class PrivateKey:
    """An SM2 private scalar with its public point (the scalar never appears in repr)."""

    secret: bytes
    public: PublicKey

    def __repr__(self) -> str:
        return f"PrivateKey(public={self.public.raw[:4].hex()}…)"

    @classmethod
    def generate(cls) -> PrivateKey:
        pub, sec = _gm().sm2_key_generate()
        return cls(bytes(sec), PublicKey(bytes(pub)))

    @classmethod
    def from_secret(cls, secret: bytes) -> PrivateKey:
        d = int.from_bytes(secret, "big")
        if not 1 <= d < N - 1:
            raise SM2Error("SM2 private key out of range", "SM2 私钥超出范围")
        x, y = _mul_g(d)
        return cls(_b32(d), PublicKey(_b32(x) + _b32(y)))

    def sign(self, message: bytes, signer_id: bytes = DEFAULT_ID) -> bytes:
        """DER signature over SM3(Z ‖ message)."""
        return bytes(_gm().sm2_sign(self.secret, self.public.raw, message, signer_id))

    def sign_digest(self, e: bytes) -> bytes:
        """DER signature over an e already computed as SM3(Z ‖ M)."""
        if len(e) != 32:
            raise SM2Error("an SM3 digest has 32 bytes", "SM3 摘要应为 32 字节")
        return bytes(_gm().sm2_sign_sm3_digest(self.secret, e))


def z_value(public: PublicKey, signer_id: bytes = DEFAULT_ID) -> bytes:
    if len(signer_id) >= 8192:
        raise SM2Error("SM2 signer ID too long", "SM2 签名者标识过长")
    entl = (len(signer_id) * 8).to_bytes(2, "big")
    return sm3(entl + signer_id + _b32(A) + _b32(B) + _b32(GX) + _b32(GY) + public.raw)


def message_digest(public: PublicKey, message: bytes, signer_id: bytes = DEFAULT_ID) -> bytes:
    """e = SM3(Z ‖ M): what an SKF key or a digest-signing token is given."""
    return sm3(z_value(public, signer_id) + message)


def verify(
    public: PublicKey, message: bytes, signature: bytes, signer_id: bytes = DEFAULT_ID
) -> bool:
    """True when ``signature`` (DER) is a valid SM2 signature of ``message`` by ``public``."""
    return verify_digest(public, message_digest(public, message, signer_id), signature)


def verify_digest(public: PublicKey, e: bytes, signature: bytes) -> bool:
    try:
        r, s = der_to_rs(signature)
    except SM2Error:
        return False
    if not (1 <= r < N and 1 <= s < N):
        return False
    # GmSSL writes a line to stderr on a mismatch (its error_print); the verdict is the return.
    return bool(_gm().sm2_verify_sm3_digest(public.raw, e, rs_to_der(_b32(r) + _b32(s))))


def rs_to_der(rs: bytes) -> bytes:
    """r ‖ s (64 bytes, SKF's ECCSIGNATUREBLOB after trimming) → DER ``SEQUENCE {r, s}``."""
    if len(rs) != 64:
        raise SM2Error("an SM2 r‖s signature has 64 bytes", "SM2 签名 r‖s 应为 64 字节")
    r, s = int.from_bytes(rs[:32], "big"), int.from_bytes(rs[32:], "big")
    return asn1_algos.DSASignature({"r": r, "s": s}).dump()


def der_to_rs(der: bytes) -> tuple[int, int]:
    try:
        sig = asn1_algos.DSASignature.load(der, strict=True)
        r, s = sig["r"].native, sig["s"].native
    except (ValueError, TypeError) as exc:
        raise SM2Error("malformed SM2 signature", "SM2 签名格式错误") from exc
    if not isinstance(r, int) or not isinstance(s, int) or sig.dump() != der:
        raise SM2Error("SM2 signature is not DER", "SM2 签名不是 DER 编码")
    return r, s


def is_sm2_key(spki: asn1_keys.PublicKeyInfo) -> bool:
    """id-ecPublicKey on sm2p256v1, or the GM/T 0006 SM2 algorithm OID."""
    alg = spki["algorithm"]
    if alg["algorithm"].dotted == OID_SM2_CURVE:
        return True
    if alg["algorithm"].native != "ec":
        return False
    params = alg["parameters"]
    return params.name == "named" and params.chosen.dotted == OID_SM2_CURVE


def is_sm2_signature(algorithm: asn1_algos.SignedDigestAlgorithm) -> bool:
    return algorithm["algorithm"].native in SIGNATURE_ALGORITHMS


# --- a little affine arithmetic: validating points and deriving a public key from a file ---


def _on_curve(raw: bytes) -> bool:
    x, y = int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")
    return x < P and y < P and (y * y - (x * x * x + A * x + B)) % P == 0


def _add(p1: tuple[int, int] | None, p2: tuple[int, int] | None) -> tuple[int, int] | None:
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2 and (y1 + y2) % P == 0:
        return None
    if p1 == p2:
        lam = (3 * x1 * x1 + A) * pow(2 * y1, -1, P) % P
    else:
        lam = (y2 - y1) * pow(x2 - x1, -1, P) % P
    x3 = (lam * lam - x1 - x2) % P
    return x3, (lam * (x1 - x3) - y1) % P


def _mul_g(k: int) -> tuple[int, int]:
    # Only for loading a stored key (once per file open), never on a signing path.
    result: tuple[int, int] | None = None
    addend: tuple[int, int] | None = (GX, GY)
    while k:
        if k & 1:
            result = _add(result, addend)
        addend = _add(addend, addend)
        k >>= 1
    if result is None:
        raise SM2Error("SM2 private key out of range", "SM2 私钥超出范围")
    return result
