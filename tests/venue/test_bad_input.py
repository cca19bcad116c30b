"""Bad input gets a 4xx with the JSON error body, never a 500, and writes nothing.

Malformed or wrongly typed JSON, unknown fields, floats for decimals, wrong Content-Type,
oversize bodies, invalid base64, huge strings and numbers, lone surrogates, expired and foreign
tokens, path traversal in names, malformed or unsatisfiable ranges. After each refusal the store
is compared with a snapshot (audit entries, events, artefacts, sessions, drafts, workstations,
blob files): nothing may have been added.
Malformed Range headers are ignored (RFC 9110 §14.2: the whole document, 200); unsatisfiable
ones are a 416 with the JSON error body.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from evaluator_app.venue.context import utc_now
from evaluator_app.venue.events.presence import PRESENCE_KEY
from evaluator_app.venue.store.records import DocumentRecord
from tests.venue.bad_requests import JSON, PDF, bad_bodies, is_error, send, snapshot
from tests.venue.flow import declare
from tests.venue.harness import VenueHarness


@pytest.fixture
async def ready(harness: VenueHarness) -> dict[str, str]:
    """S1 with one document, in declarations; tokens of the centre and of an expert."""
    h = harness
    centre = await h.login("centre-1")
    sha = await centre.put_blob(PDF)
    await h.create_session(centre)
    await centre.post("/sessions/S1/phase", {"target": "check_in"})
    await centre.post("/sessions/S1/phase", {"target": "declarations"})
    await h.venue.store.tx(
        lambda tx: tx.put_document(
            DocumentRecord("S1", "bid-B1", sha, len(PDF), "投标文件 B1", "B1")
        )
    )
    expert = await h.login("expert-sd-1")
    await declare(h, expert, "expert-sd-1")  # bids come after the declaration
    return {"centre": str(centre.token), "expert": str(expert.token), "sha": sha}


async def test_malformed_and_wrongly_typed_bodies(
    harness: VenueHarness, ready: dict[str, str]
) -> None:
    h = harness
    before = await snapshot(h)
    wrong = []
    for who, method, path, content_type, body, status, code in bad_bodies(h):
        got, answer, _ = await send(
            h, method, path, body if method != "GET" else None, content_type, ready[who]
        )
        if (
            got != status
            or not is_error(got, answer)
            or (code is not None and answer["error"]["code"] != code)
        ):
            wrong.append(f"{method} {path} {body[:60]!r}: {got} {str(answer)[:160]}")
    assert not wrong, "\n".join(wrong)
    assert await snapshot(h) == before


async def test_tokens_missing_malformed_expired_foreign(
    harness: VenueHarness, ready: dict[str, str], venue_pki: Any, tmp_path: Path
) -> None:
    h = harness
    other = await VenueHarness(venue_pki, tmp_path / "other-venue").start()
    try:
        foreign = (await other.login("centre-1")).token
    finally:
        await other.stop()
    before = await snapshot(h)
    cases = [
        ({}, "no_token"),
        ({"Authorization": "Basic Y2VudHJlOjE="}, "no_token"),
        ({"Authorization": "Bearer "}, "no_token"),
        ({"Authorization": "Bearer " + "A" * 5000}, "bad_token"),
        ({"Authorization": f"Bearer {foreign}"}, "bad_token"),
        ({"Authorization": f"Bearer {ready['centre']}x"}, "bad_token"),
    ]
    for headers, code in cases:
        for method, path, body in (
            ("GET", "/api/v1/me", None),
            ("POST", "/api/v1/sessions/S1/broadcast", b'{"message": "hi"}'),
        ):
            status, answer, _ = await send(h, method, path, body, headers=headers)
            assert status == 401 and is_error(status, answer) and answer["error"]["code"] == code, (
                headers,
                status,
                answer,
            )
    # a token in the URL is no token: only the Authorization header counts
    status, answer, _ = await send(h, "GET", f"/api/v1/me?token={ready['centre']}", None, None)
    assert (status, answer["error"]["code"]) == (401, "no_token")
    # a token outlives its ttl: shift the venue's clock past it (the presence monitor is paused:
    # at that clock, the session's phase is rightly "stuck" and it would record an alert)
    await h.app[PRESENCE_KEY].stop()
    h.venue.clock = lambda: utc_now() + timedelta(seconds=h.config.token_ttl_seconds + 60)
    try:
        for who in ("centre", "expert"):
            status, answer, _ = await send(
                h, "POST", "/api/v1/sessions/S1/broadcast", b'{"message": "hi"}', token=ready[who]
            )
            assert (
                status == 401
                and is_error(status, answer)
                and answer["error"]["code"] == "expired_token"
            )
    finally:
        h.venue.clock = utc_now
        h.app[PRESENCE_KEY].start(0.2)
    assert await snapshot(h) == before
    status, _, _ = await send(h, "GET", "/api/v1/me", None, token=ready["expert"])
    assert status == 200


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/blobs/..%2F..%2Fetc%2Fpasswd",
        "/api/v1/blobs/../../etc/passwd",
        "/api/v1/blobs/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/v1/blobs/" + "a" * 63 + "%2F",
        "/api/v1/blobs/" + "A" * 64,
        "/api/v1/blobs/" + "a" * 64 + "%00",
        "/api/v1/blobs/..%5C..%5Cwindows%5Cwin.ini",
    ],
)
async def test_path_traversal_in_blob_names(
    harness: VenueHarness, ready: dict[str, str], path: str
) -> None:
    h = harness
    before = await snapshot(h)
    status, answer, _ = await send(
        h, "PUT", path, b"root:x:0:0", "application/octet-stream", ready["centre"]
    )
    assert is_error(status, answer), (status, answer)
    assert await snapshot(h) == before
    assert not any(
        p.name in ("passwd", "win.ini") for p in Path(h.config.data_dir).parent.rglob("*")
    )


@pytest.mark.parametrize(
    "doc",
    ["..%2F..%2Fetc%2Fpasswd", "..", "%2e%2e", "bid-B1%00", "..%2Fblobs", "..%5C..%5Cvenue.db"],
)
async def test_path_traversal_in_document_names(
    harness: VenueHarness, ready: dict[str, str], doc: str
) -> None:
    h = harness
    before = await snapshot(h)
    status, answer, _ = await send(
        h, "GET", f"/api/v1/sessions/S1/documents/{doc}", None, None, ready["expert"]
    )
    assert is_error(status, answer) and status == 404, (status, answer)
    assert await snapshot(h) == before


@pytest.mark.parametrize(
    "header",
    [
        "bytes=999999-",
        f"bytes={len(PDF)}-",
        "bytes=-0",
        "bytes=1" + "0" * 30 + "-",
        pytest.param("bytes=" + "1" * 5000 + "-", id="5000-digits"),
    ],
)
async def test_unsatisfiable_range_is_416_and_not_recorded(
    harness: VenueHarness, ready: dict[str, str], header: str
) -> None:
    h = harness
    before = await snapshot(h)
    status, answer, headers = await send(
        h,
        "GET",
        "/api/v1/sessions/S1/documents/bid-B1",
        None,
        None,
        ready["expert"],
        {"Range": header},
    )
    assert status == 416 and is_error(status, answer), (status, answer)
    assert headers["Content-Range"] == f"bytes */{len(PDF)}"
    assert answer["error"]["details"] == {"size": len(PDF)}
    assert await snapshot(h) == before  # a refused read is not a document access


@pytest.mark.parametrize(
    "header", ["bytes=abc", "items=0-5", "bytes=0-1,3-4", "bytes=", "bytes=--1", "bytes=20-10"]
)
async def test_malformed_range_gives_the_whole_document(
    harness: VenueHarness, ready: dict[str, str], header: str
) -> None:
    status, body, headers = await send(
        harness,
        "GET",
        "/api/v1/sessions/S1/documents/bid-B1",
        None,
        None,
        ready["expert"],
        {"Range": header},
    )
    assert (
        status == 200 and body == PDF and headers["ETag"] == f'"{hashlib.sha256(PDF).hexdigest()}"'
    ), (status, body if status != 200 else "")


async def test_oversize_bodies(venue_pki: Any, tmp_path: Path) -> None:
    h = await VenueHarness(
        venue_pki, tmp_path / "small", max_body_bytes=16_384
    ).start()  # a login (statement + CMS) must fit
    try:
        centre = await h.login("centre-1")
        before = await snapshot(h)
        big_json = json.dumps({"message": "x" * 20_000}).encode()
        cases = [
            ("POST", "/api/v1/sessions", JSON, big_json),
            ("POST", "/api/v1/login", JSON, big_json),
            ("POST", "/api/v1/workstations", JSON, big_json),
            (
                "PUT",
                "/api/v1/blobs/" + hashlib.sha256(b"y" * 20_000).hexdigest(),
                "application/octet-stream",
                b"y" * 20_000,
            ),
        ]
        for method, path, content_type, body in cases:
            status, answer, _ = await send(h, method, path, body, content_type, centre.token)
            assert (
                status == 413
                and is_error(status, answer)
                and answer["error"]["code"] == "too_large"
            ), (path, status, answer)

        async def chunks():  # type: ignore[no-untyped-def]
            for _ in range(20):
                yield b"y" * 1000

        status, answer, _ = await send(
            h,
            "PUT",
            "/api/v1/blobs/" + hashlib.sha256(b"y" * 20_000).hexdigest(),
            chunks(),
            "application/octet-stream",
            centre.token,
        )
        assert status == 413 and is_error(status, answer)
        assert await snapshot(h) == before
        small = b"z" * 16_000  # under the limit still works
        assert await centre.put_blob(small) == hashlib.sha256(small).hexdigest()
    finally:
        await h.stop()
