"""Commit–reveal of the parties' secrets, the seed, and the random numbers drawn from it.

- commitment of a party = SHA-256("evaluator-draw/v1/commit" 0x00 draw_id 0x00 person_id 0x00
  secret), where ``secret`` is 32 random bytes the party keeps until the reveal;
- seed = SHA-256("evaluator-draw/v1/seed" then, for each party in person-id order,
  0x00 person_id 0x00 secret): no party knows it before the last reveal, and no party can
  choose it alone (the other secrets were fixed by their commitments first);
- block k of specialty s = HMAC-SHA256(key = seed, "evaluator-draw/v1/stream" 0x00 s 0x00
  k as 8 bytes big-endian), k = 0, 1, 2, …;
- a uniform integer below n: the next block read as a 256-bit big-endian integer x; accepted when
  x < 2^256 − (2^256 mod n) and the answer is x mod n, otherwise the next block is read
  (rejection sampling: no residue is favoured).
"""

from __future__ import annotations

import hashlib
import hmac

DOMAIN = b"evaluator-draw/v1"
SECRET_BYTES = 32
_SPACE = 1 << 256


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    if b"\x00" in data:
        raise ValueError("a draw text may not contain NUL")
    return data


def commitment(draw_id: str, person_id: str, secret: bytes) -> str:
    if len(secret) != SECRET_BYTES:
        raise ValueError(f"a secret is {SECRET_BYTES} bytes")
    parts = [DOMAIN + b"/commit", _text(draw_id), _text(person_id), secret]
    return hashlib.sha256(b"\x00".join(parts)).hexdigest()


def seed(secrets: dict[str, bytes]) -> bytes:
    """The seed from every party's revealed secret, by person id."""
    h = hashlib.sha256(DOMAIN + b"/seed")
    for person_id in sorted(secrets):
        h.update(b"\x00" + _text(person_id) + b"\x00" + secrets[person_id])
    return h.digest()


class Stream:
    """The random numbers of one specialty's turn."""

    def __init__(self, seed: bytes, specialty: str):
        self._key = seed
        self._prefix = DOMAIN + b"/stream\x00" + _text(specialty) + b"\x00"
        self.blocks = 0

    def block(self) -> bytes:
        data = hmac.new(
            self._key, self._prefix + self.blocks.to_bytes(8, "big"), hashlib.sha256
        ).digest()
        self.blocks += 1
        return data

    def below(self, n: int) -> int:
        if n < 1:
            raise ValueError("below(n) needs n >= 1")
        limit = _SPACE - (_SPACE % n)
        while True:
            x = int.from_bytes(self.block(), "big")
            if x < limit:
                return x % n
