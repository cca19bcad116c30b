"""The venue's crypto pool: upload checks (a sheet's PDF too) and receipt signing in worker
processes.

A real venue on loopback with two spawned workers: logins and uploads are checked there, the
receipts are signed there with the venue's own key, refusals are the same as on the loop, and
stopping the venue ends every worker.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from evaluator_app.client.errors import VenueRefused
from evaluator_app.core.project_file import project_from_dict
from evaluator_app.pki.cms import verify_detached
from evaluator_app.pki.credentials.pkcs12 import open_pkcs12
from evaluator_app.pki.pades import async_sign_pdf
from evaluator_app.protocol.artefacts import Declaration, bind_sheet_pdf
from evaluator_app.reports.score_sheet import render_score_sheet
from evaluator_app.venue import crypto_pool
from evaluator_app.venue.context import SignedBy
from evaluator_app.venue.errors import ConfigError, Unprocessable
from evaluator_app.venue.intake.sheet_pdf import verify_sheet_pdf
from evaluator_app.venue.sheet_pdf_read import read_sheet_pdf
from tests.venue.flow import BIDDERS, PLEDGE, declare, now, sheet
from tests.venue.harness import VenueHarness, example_project


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


async def test_uploads_checked_and_receipts_signed_in_the_pool_which_ends_with_the_venue(
    venue_pki, tmp_path
):
    h = await VenueHarness(venue_pki, tmp_path / "venue").start(crypto_workers=2)
    try:
        pool = h.venue.pool
        assert pool is not None and await pool.started()
        pids = pool.pids
        assert len(pids) == 2 and os.getpid() not in pids

        centre = await h.login("centre-1")  # the login's signature is checked in a worker
        await h.create_session(centre)
        await centre.post("/sessions/S1/phase", {"target": "check_in"})
        await centre.post("/sessions/S1/phase", {"target": "declarations"})
        expert = await h.login("expert-sd-1")
        receipt = await declare(h, expert, "expert-sd-1")
        # signed by a worker with the venue's own key, from the venue's own PKCS#12
        verdict = verify_detached(receipt.receipt, receipt.signature)
        assert verdict.integrity_ok
        password = h.config.signing_password_file.read_text("utf-8").strip()
        venue_cert = open_pkcs12(h.config.signing_p12, password).certificate.dump()
        signer_cert = x509.load_der_x509_certificate(verdict.certificate_der)
        assert signer_cert.public_bytes(Encoding.DER) == venue_cert

        # a real signature of sd-1 over other content: refused by the worker as on the loop
        other = Declaration(
            "S1", "lot-1", h.person_id("expert-sd-2"), tuple(BIDDERS), True, "x", PLEDGE, now()
        )
        second = await h.login("expert-sd-2")
        content, _ = await second.sign_artefact("declaration", other, h.signer("expert-sd-2"))
        mine = Declaration(
            "S1", "lot-1", h.person_id("expert-sd-2"), tuple(BIDDERS), False, "", PLEDGE, now()
        )
        _, moved = await second.sign_artefact("declaration", mine, h.signer("expert-sd-2"))
        with pytest.raises(VenueRefused) as info:
            await second.upload("S1", "declarations", content, moved)
        assert info.value.code == "bad_signature"
        assert all(_alive(pid) for pid in pids)
    finally:
        await h.stop()
    assert h.venue.pool is not None and not h.venue.pool.running
    # joined on stop: no worker left running, none left as a zombie
    assert not any(_alive(pid) for pid in pids)


async def test_a_pool_whose_key_cannot_be_opened_fails_to_start_and_leaves_nothing(tmp_path):
    missing = tmp_path / "none.p12"
    (tmp_path / "password").write_text("x", "utf-8")
    pool = crypto_pool.CryptoPool(missing, tmp_path / "password", 1)
    with pytest.raises(ConfigError) as info:
        await pool.start()
    assert "signing key" in info.value.message_en
    await pool.stop()
    assert not pool.running


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has ended


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
async def test_a_venue_killed_outright_leaves_no_worker(venue_pki, tmp_path):
    """SIGKILL runs no cleanup: the kernel's parent-death signal ends the workers."""
    h = VenueHarness(venue_pki, tmp_path / "venue")
    script = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from evaluator_app.venue.crypto_pool import CryptoPool\n"
        "async def main():\n"
        "    pool = CryptoPool(Path(sys.argv[1]), Path(sys.argv[2]), 2)\n"
        "    print(*await pool.start(), flush=True)\n"
        "    await asyncio.Event().wait()\n"
        "asyncio.run(main())\n"
    )
    venue = subprocess.Popen(
        [
            sys.executable,
            "-c",
            script,
            str(h.config.signing_p12),
            str(h.config.signing_password_file),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert venue.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(venue.stdout.readline), 120)
        venue.stdout.close()  # the workers hold it too: nothing here waits for them to close it
        pids = [int(p) for p in line.split()]
        assert len(pids) == 2 and all(_running(p) for p in pids)
    finally:
        venue.kill()
        venue.wait()
    deadline = asyncio.get_running_loop().time() + 60
    while any(_running(p) for p in pids):  # the kernel signals at once; they end within moments
        assert asyncio.get_running_loop().time() < deadline, "workers outlived their venue"
        await asyncio.sleep(0.05)


async def test_a_sheet_pdf_is_read_in_the_pool_as_on_the_loop(venue_pki, tmp_path):
    """The PDF half of a score sheet's check runs in a worker: the same verdicts, the same
    declared hash and the same refusal of a changed byte as the in-process path."""
    h = await VenueHarness(venue_pki, tmp_path / "venue").start(crypto_workers=1)
    try:
        pool = h.venue.pool
        assert pool is not None and await pool.started()
        body = sheet(h, "expert-sd-1", "E1")
        lot = project_from_dict(example_project()).lot("lot-1")
        pdf = render_score_sheet(
            body, lot, session_title="标段一", expert_name="专家", venue="jinan", seat="A01"
        )
        bound = bind_sheet_pdf(body, pdf)
        with h.signer("expert-sd-1") as signer:
            signed = await async_sign_pdf(pdf, signer)
        by = SignedBy(None, h.demo.person("expert-sd-1").load_cert(), None, "")  # type: ignore[arg-type]
        there, here = await pool.read_sheet_pdf(signed), await read_sheet_pdf(signed)
        assert there == here and len(there.verdicts) == 1 and there.verdicts[0].integrity_ok
        await verify_sheet_pdf(signed, by, bound, h.venue.read_sheet_pdf)  # accepted

        at = signed.index(b"/Keywords")  # one byte of the signed revision changed
        changed = signed[:at] + b"/Keywordz" + signed[at + 9 :]
        refusals = []
        for read in (h.venue.read_sheet_pdf, read_sheet_pdf):
            with pytest.raises(Unprocessable) as info:
                await verify_sheet_pdf(changed, by, bound, read)
            refusals.append(info.value.message_en)
        assert refusals[0] == refusals[1] and "signature" in refusals[0]
    finally:
        await h.stop()
