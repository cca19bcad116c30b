"""Which keys and signature algorithms a certificate path may use, by table.

Path validation asks here before it checks a signature (``pki.sig_check`` does the check
itself): a key too weak or of the wrong kind for its signature algorithm is refused with a
reason instead of reaching a verifier that would assert or accept it. Add an algorithm by
adding a row: a key kind in ``KEY_RULES`` and its signature algorithms in ``SIGNATURE_KINDS``.
"""

from __future__ import annotations

from collections.abc import Callable

from asn1crypto import algos as asn1_algos
from asn1crypto import keys as asn1_keys

from evaluator_app.pki import sm2

# named curves accepted for ECDSA (CA/B Forum; P-192 and explicit parameters are not)
EC_CURVES = frozenset({"secp256r1", "secp384r1", "secp521r1"})
RSA_MIN_BITS = 2048
# hashes accepted under RSA and ECDSA (SHA-1 and MD5 are broken for certificate signatures)
HASHES = frozenset({"sha256", "sha384", "sha512"})


def _rsa_problem(spki: asn1_keys.PublicKeyInfo) -> str | None:
    modulus = spki["public_key"].parsed["modulus"].native
    bits = modulus.bit_length()
    if bits < RSA_MIN_BITS:
        return f"RSA key of {bits} bits (at least {RSA_MIN_BITS})"
    if bits % 8:
        return f"RSA modulus of {bits} bits is not a whole number of bytes"
    return None


def _ec_problem(spki: asn1_keys.PublicKeyInfo) -> str | None:
    params = spki["algorithm"]["parameters"]
    if params.name != "named":
        return "elliptic curve given by explicit parameters instead of a named curve"
    curve = params.chosen.native
    if curve not in EC_CURVES:
        return f"elliptic curve {curve} not accepted"
    return None


def _no_problem(spki: asn1_keys.PublicKeyInfo) -> str | None:
    return None


# key kind -> check of the key itself (None: acceptable)
KEY_RULES: dict[str, Callable[[asn1_keys.PublicKeyInfo], str | None]] = {
    "rsa": _rsa_problem,
    "ec": _ec_problem,
    "sm2": _no_problem,  # one curve (sm2p256v1), one size
    "ed25519": _no_problem,
    "ed448": _no_problem,
}

# signature algorithm (asn1crypto's signature_algo, or "sm2") -> the key kinds that sign with it
SIGNATURE_KINDS: dict[str, frozenset[str]] = {
    "rsassa_pkcs1v15": frozenset({"rsa"}),
    "rsassa_pss": frozenset({"rsa", "rsassa_pss"}),
    "ecdsa": frozenset({"ec"}),
    "ed25519": frozenset({"ed25519"}),
    "ed448": frozenset({"ed448"}),
    "sm2": frozenset({"sm2"}),
}


def key_kind(spki: asn1_keys.PublicKeyInfo) -> str:
    if sm2.is_sm2_key(spki):
        return "sm2"
    return str(spki["algorithm"]["algorithm"].native)


def key_problem(spki: asn1_keys.PublicKeyInfo) -> str | None:
    """Why this public key is not accepted on a certificate path, or None."""
    try:
        kind = key_kind(spki)
        rule = KEY_RULES.get("rsa" if kind == "rsassa_pss" else kind)
        if rule is None:
            return f"public key algorithm {kind} not accepted"
        return rule(spki)
    except (ValueError, TypeError, KeyError) as exc:
        return f"public key unreadable ({str(exc)[:80]})"


def signature_problem(
    algorithm: asn1_algos.SignedDigestAlgorithm, spki: asn1_keys.PublicKeyInfo
) -> str | None:
    """Why a signature with ``algorithm`` by the key ``spki`` is not accepted, or None."""
    try:
        if sm2.is_sm2_signature(algorithm):
            family = "sm2"
        else:
            family = algorithm.signature_algo
            if family in ("rsassa_pkcs1v15", "ecdsa"):
                digest = algorithm.hash_algo
                if digest not in HASHES:
                    return f"signature algorithm {algorithm['algorithm'].native} (hash {digest})"
            elif family == "rsassa_pss":
                digest = algorithm["parameters"]["hash_algorithm"]["algorithm"].native
                if digest not in HASHES:
                    return f"RSASSA-PSS with {digest}"
        kinds = SIGNATURE_KINDS.get(family)
        if kinds is None:
            return f"signature algorithm {algorithm['algorithm'].dotted} not accepted"
        kind = key_kind(spki)
        if kind not in kinds:
            return f"a {family} signature cannot come from a {kind} key"
        return None
    except (ValueError, TypeError, KeyError) as exc:
        return f"signature algorithm unreadable ({str(exc)[:80]})"
