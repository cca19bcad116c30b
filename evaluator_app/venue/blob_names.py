"""How a document is named (its SHA-256, checked before any use) and read (in chunks): shared
by the file store (documents.py) and the database store (documents_pg.py)."""

from __future__ import annotations

import re

from evaluator_app.venue.errors import BadRequest

HEX64 = re.compile(r"^[0-9a-f]{64}$")
CHUNK = 256 * 1024


def check_sha256(value: str) -> str:
    if not HEX64.match(value):
        raise BadRequest(
            "a document is named by its SHA-256: 64 lowercase hex digits",
            "文件标识须为 64 位十六进制 SHA-256",
            code="invalid_field",
        )
    return value
