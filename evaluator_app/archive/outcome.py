"""The session's outcome in an archive: the results recomputed from the signed sheets, and the
evaluation report's signatures."""

from __future__ import annotations

import json
import zipfile

from cryptography import x509

from evaluator_app.archive.checks import Check, check
from evaluator_app.archive.recompute import recompute_results
from evaluator_app.pki.errors import PkiError
from evaluator_app.pki.identity import identify
from evaluator_app.pki.signature_verify import SignatureVerdict
from evaluator_app.pki.trust_list import TrustList


async def _report_verdicts(pdf: bytes) -> list[SignatureVerdict]:
    from evaluator_app.pki.pades import async_verify_pdf  # pyHanko, only for a report

    return await async_verify_pdf(pdf, None)


async def check_report(pdf: bytes | None, trust: TrustList) -> Check:
    if pdf is None:
        return check(
            "evaluation report",
            True,
            "no report yet (session exported before report signing)",
            "存档时尚未生成评标报告",
        )
    verdicts = await _report_verdicts(pdf)
    signers = []
    for verdict in verdicts:
        if not verdict.integrity_ok:
            return check(
                "evaluation report",
                False,
                f"signature {verdict.field_name} broken: " + "; ".join(verdict.reasons_en),
                "评标报告签名无效",
            )
        cert = x509.load_der_x509_certificate(verdict.certificate_der)
        try:
            signers.append(identify(cert, trust).name)
        except PkiError:
            signers.append(verdict.subject)
    return check(
        "evaluation report",
        True,
        f"{len(verdicts)} intact signature(s): {', '.join(signers) or 'none'}",
        f"评标报告 {len(verdicts)} 个签名完好",
    )


def check_results(archive: zipfile.ZipFile, stored: bytes | None) -> Check:
    if stored is None:
        return check(
            "results",
            True,
            "no results yet (session exported before the summary)",
            "存档时尚未汇总",
        )
    try:
        computed = recompute_results(archive)
    except Exception as exc:  # any failure to recompute is a finding, not a crash
        return check(
            "results", False, f"cannot recompute the results: {exc}", "无法由存档内容重新计算结果"
        )
    published = json.loads(stored)
    same = (
        computed["ranking"] == published["ranking"]
        and computed["aggregate"] == published["aggregate"]
    )
    ranking = ", ".join(
        f"{e['position']}.{e['bidder_id']} {e['final']}" for e in published["ranking"]["entries"]
    )
    return check(
        "results",
        same,
        f"recomputed from the signed sheets: {ranking}"
        if same
        else "results.json differs from what the signed sheets give",
        "由签名评分表重新计算，结果一致" if same else "结果与签名评分表计算不一致",
    )
