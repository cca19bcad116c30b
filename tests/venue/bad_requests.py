"""The bad requests the venue must refuse, and how a test sends one and checks that nothing changed:
``bad_bodies`` is the catalogue (who, method, path, content type, body, expected status and code),
``snapshot`` what the store holds, compared before and after each refusal."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import aiohttp

from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.protocol.schema import encode
from tests.venue.flow import sheet
from tests.venue.harness import VenueHarness

JSON = "application/json"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"


async def send(
    h: VenueHarness,
    method: str,
    path: str,
    data: Any = None,
    content_type: str | None = JSON,
    token: str | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any, Any]:
    """One raw request; the path is sent exactly as written (no normalisation, no re-encoding)."""
    sent = dict(headers or {})
    if content_type is not None:
        sent["Content-Type"] = content_type
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    async with aiohttp.ClientSession(skip_auto_headers=("Content-Type",)) as http:
        url = aiohttp.client.URL(h.base_url + path, encoded=True)
        async with http.request(method, url, data=data, headers=sent, ssl=h.client_ssl) as response:
            body = await response.read()
            try:
                parsed = json.loads(body) if body else None
            except ValueError:
                parsed = body
            return response.status, parsed, response.headers.copy()


def is_error(status: int, body: Any) -> bool:
    return (
        400 <= status < 500
        and isinstance(body, dict)
        and set(body) == {"error"}
        and set(body["error"]) == {"code", "message", "message_zh", "details"}
    )


async def snapshot(h: VenueHarness) -> tuple[Any, ...]:
    def work(tx: Any) -> tuple[Any, ...]:
        sessions = tx.sessions()
        return (
            tx.last_audit(),
            tx.last_event_seq(),
            [len(tx.artefacts(s.id)) for s in sessions],
            [s.id for s in sessions],
            [len(tx.drafts(s.id)) for s in sessions],
            len(tx.workstations()),
            [(s.id, len(tx.documents(s.id)), len(tx.members(s.id))) for s in sessions],
        )

    files = sorted(
        str(p.relative_to(h.config.blob_dir))
        for p in Path(h.config.blob_dir).rglob("*")
        if p.is_file()
    )
    return await h.venue.store.tx(work), files


def upload(content: bytes) -> bytes:
    return json.dumps(
        {
            "idempotency_key": "k-1",
            "content": base64.b64encode(content).decode(),
            "signature": base64.b64encode(b"not a signature").decode(),
        }
    ).encode()


def bad_bodies(h: VenueHarness) -> list[tuple[str, str, str, str | None, bytes, int, str]]:
    """(who, method, path, content type, body, status, code)."""
    session = {
        "session_id": "S2",
        "title": "t",
        "project": {},
        "lot_id": "lot-1",
        "main_venue": "jinan",
        "members": [],
    }
    float_sheet = json.loads(
        artefact_bytes(
            "score_sheet", 1, json.loads(json.dumps(encode(sheet(h, "expert-sd-1", "E1"))))
        )
    )
    float_sheet["scores"][0]["score"] = 12.5
    float_content = json.dumps(float_sheet, separators=(",", ":"), ensure_ascii=False).encode()
    s, a = "/api/v1/sessions", "/api/v1/sessions/S1"
    return [
        ("centre", "POST", s, JSON, b'{"session_id": "S2",', 400, "malformed_json"),
        ("centre", "POST", s, JSON, b"\xff\xfe{}", 400, "malformed_json"),
        ("centre", "POST", s, JSON, b"[" * 100_000 + b"]" * 100_000, 400, "malformed_json"),
        ("centre", "POST", s, JSON, b"", 400, "malformed_json"),
        ("centre", "POST", s, "text/plain", json.dumps(session).encode(), 400, "not_json"),
        ("centre", "POST", s, None, json.dumps(session).encode(), 400, "not_json"),
        (
            "centre",
            "POST",
            s,
            "application/x-www-form-urlencoded",
            b"session_id=S2",
            400,
            "not_json",
        ),
        ("centre", "POST", s, JSON, b"[]", 400, "invalid_field"),
        ("centre", "POST", s, JSON, b"null", 400, "invalid_field"),
        (
            "centre",
            "POST",
            s,
            JSON,
            json.dumps({**session, "members": "all"}).encode(),
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            s,
            JSON,
            json.dumps({**session, "session_id": 5}).encode(),
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            s,
            JSON,
            json.dumps({**session, "admin": True}).encode(),
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            s,
            JSON,
            json.dumps(
                {**session, "members": [{"person_id": "x", "role": "boss", "venue": "j"}]}
            ).encode(),
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            f"{a}/phase",
            JSON,
            b'{"target": "check_in", "force": true}',
            400,
            "invalid_field",
        ),
        ("centre", "POST", f"{a}/acknowledge", JSON, b'{"seq": 1.0}', 400, "invalid_field"),
        ("centre", "POST", f"{a}/acknowledge", JSON, b'{"seq": true}', 400, "invalid_field"),
        ("centre", "POST", f"{a}/acknowledge", JSON, b'{"seq": NaN}', 400, None),
        ("centre", "POST", f"{a}/acknowledge", JSON, b'{"seq": 1' + b"0" * 30 + b"}", 400, None),
        (
            "centre",
            "POST",
            f"{a}/broadcast",
            JSON,
            json.dumps({"message": "x" * 20_001}).encode(),
            400,
            "invalid_field",
        ),
        ("centre", "POST", f"{a}/broadcast", JSON, b'{"message": "\\ud800"}', 400, None),
        (
            "centre",
            "POST",
            "/api/v1/workstations",
            JSON,
            b'{"id": "w", "venue": "jinan", "seat": 3}',
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            "/api/v1/login",
            JSON,
            b'{"statement": "!!not base64!!", "signature": "AAAA"}',
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            "/api/v1/login",
            JSON,
            b'{"statement": "AAAA", "signature": "A A="}',
            400,
            "invalid_field",
        ),
        (
            "centre",
            "POST",
            "/api/v1/login",
            JSON,
            b'{"statement": "e30=", "signature": "AAAA"}',
            400,
            "malformed_statement",
        ),
        (
            "expert",
            "PUT",
            f"{a}/draft",
            JSON,
            b'{"revision": "1", "content": {}}',
            400,
            "invalid_field",
        ),
        (
            "expert",
            "PUT",
            f"{a}/draft",
            JSON,
            b'{"revision": 1.5, "content": {}}',
            400,
            "invalid_field",
        ),
        (
            "expert",
            "PUT",
            f"{a}/draft",
            JSON,
            b'{"revision": 1, "content": {"B1/t-price": 12.5}}',
            400,
            None,
        ),
        (
            "expert",
            "PUT",
            f"{a}/draft",
            JSON,
            b'{"revision": 1, "content": {"x": Infinity}}',
            400,
            None,
        ),
        (
            "expert",
            "PUT",
            f"{a}/draft",
            JSON,
            b'{"revision": 1' + b"0" * 30 + b', "content": {}}',
            400,
            None,
        ),
        ("expert", "POST", f"{a}/sheets", JSON, upload(float_content), 400, "invalid_field"),
        (
            "expert",
            "POST",
            f"{a}/declarations",
            JSON,
            upload(b"\x00\x01 not json"),
            400,
            "malformed_artefact",
        ),
        (
            "expert",
            "POST",
            f"{a}/declarations",
            JSON,
            json.dumps(
                {"idempotency_key": "k", "content": "e30=", "signature": "e30=", "pdf": 5}
            ).encode(),
            400,
            "invalid_field",
        ),
        ("expert", "GET", "/api/v1/events?since=abc", None, b"", 400, "invalid_field"),
        ("expert", "GET", "/api/v1/events?since=1" + "0" * 30, None, b"", 400, None),
        ("expert", "GET", "/api/v1/events?since=" + "9" * 5000, None, b"", 400, None),
        ("expert", "DELETE", a, None, b"", 405, "method_not_allowed"),
        ("expert", "GET", "/api/v1/nothing-here", None, b"", 404, "not_found"),
    ]
