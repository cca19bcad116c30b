"""``/login`` with malformed certificates and CMS signatures: 401 with a code, never a 5xx.

The finding (issue 12): a copy of a demo certificate with a duplicated extension, self-signed,
no CA key needed, got a 500. Here it gets 401 ``malformed_certificate``; then hypothesis
mutates the certificate inside a properly signed login and the CMS bytes themselves, through
the real venue over TLS.
"""

from __future__ import annotations

import base64
import collections
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.protocol.messages import LoginChallenge
from tests.venue.test_schemathesis import VenueThread
from tests.x509_mutations import (
    apply,
    byte_mutations,
    resign,
    sign_with,
    structural,
    with_certificates,
)

requests = pytest.importorskip("requests")


@pytest.fixture
def venue(venue_pki: DemoPki, tmp_path: Path) -> Iterator[VenueThread]:
    thread = VenueThread(venue_pki, tmp_path / "venue")
    yield thread
    thread.stop()


class Door:
    """Signed login statements for expert-nca-1, posted as raw HTTPS requests."""

    def __init__(self, venue: VenueThread, demo: DemoPki, tmp_path: Path) -> None:
        self.venue, self.demo = venue, demo
        h = venue.harness

        async def connect() -> Any:  # the client's HTTP session belongs to the venue's loop
            return h.new_client("ws-expert-nca-1")

        client = venue.run(connect())
        self.seen = venue.run(client.probe_peer_certificate())
        self.client = client
        bundle = tmp_path / "roots.pem"
        granted = [ca for ca in demo.cas if ca.status == "granted"]
        bundle.write_text("".join(Path(ca.root_cert).read_text("ascii") for ca in granted))
        self.http = requests.Session()
        self.bundle = str(bundle)  # per request: REQUESTS_CA_BUNDLE would override the session's
        self.url = f"{h.base_url}/api/v1/login"

    def statement(self) -> tuple[bytes, bytes]:
        challenge = self.venue.run(self.client.post("/login/challenge", None, LoginChallenge))
        body = {
            "nonce": challenge.nonce,
            "venue_id": challenge.venue_id,
            "tls_cert_sha256": self.seen,
            "workstation_id": "ws-expert-nca-1",
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        content = artefact_bytes("login", 1, body)
        return content, sign_detached(content, self.venue.harness.signer("expert-nca-1"))

    def post(self, content: bytes, signature: bytes) -> tuple[int, dict[str, Any]]:
        payload = {
            "statement": base64.b64encode(content).decode(),
            "signature": base64.b64encode(signature).decode(),
        }
        resp = self.http.post(self.url, json=payload, timeout=30, verify=self.bundle)
        return resp.status_code, resp.json()


@pytest.fixture
def door(venue: VenueThread, venue_pki: DemoPki, tmp_path: Path) -> Door:
    return Door(venue, venue_pki, tmp_path)


def _cert_der(demo: DemoPki) -> bytes:
    return demo.person("expert-nca-1").load_cert().public_bytes(serialization.Encoding.DER)


def test_duplicated_extension_at_login_is_401_malformed_certificate(door: Door) -> None:
    person = door.demo.person("expert-nca-1")
    tbs = asn1_x509.Certificate.load(_cert_der(door.demo))["tbs_certificate"]
    forged = resign(dict(structural(b""))["duplicate key usage"](tbs), person.load_key())  # type: ignore[arg-type]
    content, _ = door.statement()
    cms = sign_with(content, forged, person.load_key())  # type: ignore[arg-type]
    assert cms is not None
    status, answer = door.post(content, cms)
    assert status == 401 and answer["error"]["code"] == "malformed_certificate", answer
    assert "duplicate extension 2.5.29.15" in answer["error"]["message"]
    assert answer["error"]["message_zh"].startswith("证书未通过验证：证书格式错误")


def test_fuzzed_logins_never_get_a_5xx(door: Door, capsys: pytest.CaptureFixture[str]) -> None:
    original = _cert_der(door.demo)
    tbs = asn1_x509.Certificate.load(original)["tbs_certificate"]
    key = door.demo.person("expert-nca-1").load_key()
    damaged = [resign(change(tbs), key) for _, change in structural(original)]  # type: ignore[arg-type]
    content, signature = door.statement()
    statuses: collections.Counter[str] = collections.Counter()

    @settings(
        max_examples=60,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(
        target=st.sampled_from(["certificate", "cms"]),
        base=st.sampled_from([original, *damaged]),
        edits=st.one_of(st.just([]), byte_mutations()),
    )
    def attempt(target: str, base: bytes, edits: list[tuple[str, int, int]]) -> None:
        if target == "certificate":
            forged = apply(base, edits)
            if forged == original:
                return  # the real certificate: a login that works
            # signed with the forged certificate when pyHanko can read it; else carried along
            cms = sign_with(content, forged, key) or with_certificates(signature, [forged])  # type: ignore[arg-type]
        else:
            cms = apply(signature, edits or [("flip", 200, 3)])
        status, answer = door.post(content, cms)
        assert status < 500, answer
        if status == 200:
            # a flipped bit in a CA certificate the CMS carries but nobody needs: still the
            # person's valid signature (the statement's nonce is then used up: "replayed")
            assert target == "cms", answer
            statuses["200 logged in"] += 1
            return
        assert status == 401 and answer["error"]["code"], answer
        statuses[f"{status} {answer['error']['code']}"] += 1

    attempt()
    with capsys.disabled():
        summary = ", ".join(f"{k}: {n}" for k, n in statuses.most_common())
        print(f"\nfuzz, /login: {sum(statuses.values())} requests, 0 5xx; {summary}")
