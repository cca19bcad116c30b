"""A committee member's PAdES signature on the evaluation report, added in turn.

Members sign one after another, each an incremental revision of the same PDF: the venue accepts
only the newest revision plus one signature, so a member who signed an older one while another
member's arrived signs again over the newer revision.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

from evaluator_app.client.errors import VenueRefused
from evaluator_app.client.venue_client import VenueClient
from evaluator_app.pki.credentials import Signer
from evaluator_app.pki.pades import PadesOptions, async_sign_pdf
from evaluator_app.reports.signature_stamp import stamped

ATTEMPTS = 3


async def sign_newest_revision(
    client: VenueClient,
    session_id: str,
    me: str,
    signer: Signer,
    report: dict[str, Any],
    options: PadesOptions,
) -> dict[str, Any]:
    """Sign ``report`` (as the venue sent it) and upload; on "stale_report" fetch the newer
    revision and sign that one. The venue's answer is returned."""
    for _attempt in range(ATTEMPTS):
        pdf = base64.b64decode(report["pdf"])
        stamped_options = await asyncio.to_thread(stamped, pdf, me, signer.certificate, options)
        signed = await async_sign_pdf(pdf, signer, stamped_options)
        try:
            return await client.post(
                f"/sessions/{session_id}/report/signatures",
                {"base_revision": report["revision"], "pdf": base64.b64encode(signed).decode()},
            )
        except VenueRefused as exc:
            if exc.code != "stale_report":
                raise
            report = await client.get(f"/sessions/{session_id}/report")
    raise VenueRefused(
        409, "stale_report", "others kept signing; try again", "其他委员正在签署，请稍后重试"
    )
