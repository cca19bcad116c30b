"""The venue's own RFC 3161 timestamp authority, over HTTPS, answering a real request."""

from __future__ import annotations

import hashlib
import os

from asn1crypto import algos, tsp
from asn1crypto.core import Sequence

from evaluator_app.protocol import API_PREFIX


async def test_the_venue_timestamps_a_hash(harness):
    digest = hashlib.sha256(b"score sheet").digest()
    request = tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {
                "hash_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
                "hashed_message": digest,
            },
            "nonce": int.from_bytes(os.urandom(8), "big"),
            "cert_req": True,
        }
    )
    client = harness.new_client("ws-expert-sd-1")
    async with client._session.post(
        f"{harness.base_url}{API_PREFIX}/tsa",
        data=request.dump(),
        ssl=client.ssl_context,
        headers={"Content-Type": "application/timestamp-query"},
    ) as response:
        assert response.status == 200 and response.content_type == "application/timestamp-reply"
        reply = tsp.TimeStampResp.load(await response.read())
    assert reply["status"]["status"].native == "granted"
    info = reply["time_stamp_token"]["content"]["encap_content_info"]["content"].parsed
    assert info["message_imprint"]["hashed_message"].native == digest
    assert info["nonce"].native == request["nonce"].native

    garbage = b"not a timestamp request"
    async with client._session.post(
        f"{harness.base_url}{API_PREFIX}/tsa", data=garbage, ssl=client.ssl_context
    ) as response:
        outer = Sequence.load(
            await response.read()
        )  # asn1crypto's TimeStampResp insists on a token
        assert tsp.PKIStatusInfo.load(outer[0].dump())["status"].native == "rejection"
