"""Offline verification of a session archive, item by item (``evaluator verify ARCHIVE.zip``).

Nothing here touches the network: certificates are judged against the trust list inside the
archive (pinned by the caller, or reported by fingerprint), at the moment the venue accepted
each artefact, with the CRLs the archive carries.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import posixpath
import tempfile
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from cryptography import x509
from cryptography.hazmat.primitives import hashes

from evaluator_app.archive.checks import ArchiveReport, Check
from evaluator_app.archive.labels import check_name_zh, member_names
from evaluator_app.archive.log_section import check_log
from evaluator_app.archive.outcome import check_report, check_results
from evaluator_app.core.beijing import beijing_time
from evaluator_app.drawcheck.section import check_section
from evaluator_app.drawcheck.signers import SignatureJudge
from evaluator_app.pki.cms import async_verify_detached
from evaluator_app.pki.errors import PkiError
from evaluator_app.pki.identity import identify
from evaluator_app.pki.trust_list import TrustList, load_trust_list, read_unverified
from evaluator_app.pki.validation import RevocationPolicy, avalidate_certificate
from evaluator_app.protocol import archive_layout as layout
from evaluator_app.protocol.kinds import ArtefactError, read_artefact

__all__ = ["ArchiveReport", "Check", "averify_archive", "damaged_members", "verify_archive"]


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def damaged_members(archive: zipfile.ZipFile) -> list[str]:
    """Members whose stored bytes no longer decompress (CRC or deflate fails): named, not fatal."""
    damaged = []
    for info in archive.infolist():
        try:
            archive.read(info)
        except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
            damaged.append(info.filename)
    return damaged


class _Verifier:
    def __init__(self, archive: zipfile.ZipFile, pinned: x509.Certificate | None):
        self.zip = archive
        self.pinned = pinned
        self.checks: list[Check] = []
        self.damaged = set(damaged_members(archive))
        for name in sorted(self.damaged):
            self.add(
                name,
                False,
                f"{name} altered in the zip (its bytes no longer read back as written)",
                f"{name} 在存档中被改动（无法按原样读出）",
            )
        self.trust: TrustList | None = None
        self.names = member_names(self.read(layout.SESSION))  # person id → name
        self.crls: list[bytes] = []

    def add(self, name: str, ok: bool, detail: str, detail_zh: str = "") -> bool:
        self.checks.append(Check(name, ok, detail, detail_zh or detail, check_name_zh(name)))
        return ok

    def read(self, path: str) -> bytes | None:
        if path in self.damaged:
            return None
        try:
            return self.zip.read(path)
        except KeyError:
            return None

    def check_members(self) -> bool:
        """One member per name, every name a plain relative path: a zip may hold two members
        of one name (readers disagree on which counts) or paths that climb out of a folder."""
        names = self.zip.namelist()
        normal = [posixpath.normpath(n) for n in names]
        twice = sorted({n for n in normal if normal.count(n) > 1})
        unsafe = sorted(n for n in names if n.startswith("/") or ".." in n.split("/") or "\\" in n)
        if not twice and not unsafe:
            return True
        what = [f"{n} appears twice" for n in twice] + [f"{n}: not a plain path" for n in unsafe]
        what_zh = [f"{n} 出现了两次" for n in twice] + [f"{n} 不是普通的相对路径" for n in unsafe]
        return self.add(
            "archive", False, "; ".join(what[:10]), "存档成员异常：" + "；".join(what_zh[:10])
        )

    async def run(self) -> None:
        if not self.check_members():
            return
        manifest = await self.check_manifest()
        if manifest is None:
            return
        if not self.check_files(manifest):
            return
        self.crls = [
            self.zip.read(f["path"])
            for f in manifest["files"]
            if f["path"].startswith("revocation/")
        ]
        if not self.check_trust_list(_when(manifest["exported_at"])):
            return
        await self.check_signer(
            layout.MANIFEST,
            self.zip.read(layout.MANIFEST),
            self.zip.read(layout.MANIFEST_SIGNATURE),
            _when(manifest["exported_at"]),
            venue=True,
        )
        await self.check_artefacts(manifest)
        await self.check_draws()
        await self.check_audit()
        self.check_results()
        await self.check_report()

    async def check_manifest(self) -> dict[str, Any] | None:
        data, signature = self.read(layout.MANIFEST), self.read(layout.MANIFEST_SIGNATURE)
        if data is None or signature is None:
            self.add(
                "manifest",
                False,
                "archive.json or its signature is missing: not a session archive",
                "缺少存档清单或其签名，不是评标存档",
            )
            return None
        try:
            manifest = layout.parse_manifest(data)
        except ValueError as exc:
            self.add("manifest", False, f"archive.json unreadable: {exc}", "存档清单无法读取")
            return None
        verdict = await async_verify_detached(data, signature, None)
        ok = verdict.integrity_ok
        self.add(
            "manifest signature",
            ok,
            f"signed by {verdict.subject}" if ok else "; ".join(verdict.reasons_en),
            "存档清单签名完好" if ok else "存档清单签名无效",
        )
        return manifest if ok else None

    def check_files(self, manifest: dict[str, Any]) -> bool:
        paths = [f["path"] for f in manifest["files"]]
        if len(set(paths)) != len(paths):
            twice = sorted({p for p in paths if paths.count(p) > 1})
            return self.add(
                "files",
                False,
                f"the manifest lists {', '.join(twice[:5])} twice",
                f"清单重复列出 {'、'.join(twice[:5])}",
            )
        listed = {f["path"]: f for f in manifest["files"]}
        present = (
            set(self.zip.namelist()) - {layout.MANIFEST, layout.MANIFEST_SIGNATURE} - self.damaged
        )
        bad, bad_zh = [], []
        for path, entry in listed.items():
            data = self.read(path)
            if path in self.damaged:
                bad.append(f"{path} altered")
                bad_zh.append(f"{check_name_zh(path)}被改动")
            elif data is None:
                bad.append(f"{path} missing")
                bad_zh.append(f"{check_name_zh(path)}缺失")
            elif hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["size"]:
                bad.append(f"{path} altered")
                bad_zh.append(f"{check_name_zh(path)}被改动")
        bad += [f"{path} not in the manifest" for path in sorted(present - set(listed))]
        bad_zh += [f"清单外多出 {path}" for path in sorted(present - set(listed))]
        ok = not bad
        return self.add(
            "files",
            ok,
            f"{len(listed)} files match their SHA-256" if ok else "; ".join(bad[:10]),
            f"{len(listed)} 个文件哈希一致"
            if ok
            else "文件被改动、缺失或多出：" + "；".join(bad_zh[:10]),
        )

    def check_trust_list(self, at: datetime) -> bool:
        data = self.read(layout.TRUST_LIST)
        if data is None:
            return self.add("trust list", False, "trust-list.json missing", "缺少信任列表")
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "trust-list.json"
            path.write_bytes(data)
            try:
                _body, sig = read_unverified(path)
                embedded = (
                    x509.load_der_x509_certificate(base64.b64decode(sig["signer_certificate"]))
                    if sig
                    else None
                )
                # mypy: None only if unsigned, and load_trust_list refuses that first
                self.trust = load_trust_list(path, self.pinned or embedded, at)  # type: ignore[arg-type]
            except (PkiError, ValueError, KeyError, TypeError) as exc:
                detail = getattr(exc, "message_en", str(exc))
                return self.add("trust list", False, detail, getattr(exc, "message_zh", detail))
        signer = self.trust.signer_cert
        fingerprint = signer.fingerprint(hashes.SHA256()).hex() if signer else "?"
        how = (
            "signed by the pinned key"
            if self.pinned
            else f"signer NOT pinned; compare its fingerprint {fingerprint} with the centre's "
            "published one"
        )
        return self.add(
            "trust list",
            True,
            how,
            "信任列表签名有效"
            + (
                "（已与预置证书核对）" if self.pinned else f"（未核对预置证书，指纹 {fingerprint}）"
            ),
        )

    async def check_signer(
        self, name: str, content: bytes, signature: bytes, at: datetime, venue: bool = False
    ) -> str | None:
        """Integrity and the signer's certificate at ``at``; returns the person id (or subject)."""
        verdict = await async_verify_detached(content, signature, None)
        if not verdict.integrity_ok:
            self.add(
                name,
                False,
                "signature does not match the content: " + "; ".join(verdict.reasons_en),
                "签名与内容不符",
            )
            return None
        assert self.trust is not None
        cert = x509.load_der_x509_certificate(verdict.certificate_der)
        at = (
            verdict.timestamp_time or at
        )  # a TSA's time outranks the venue's word for when it was signed
        mode: Literal["hard-fail", "soft-fail"] = "hard-fail" if self.crls else "soft-fail"
        result = await avalidate_certificate(
            cert,
            "sign",
            self.trust,
            at,
            RevocationPolicy(mode=mode, crls=tuple(self.crls), fetch=False),
            require_identity=not venue,
        )
        if not result.ok:
            self.add(
                name,
                False,
                "; ".join(r.message_en for r in result.reasons),
                "；".join(r.message_zh for r in result.reasons),
            )
            return None
        who = identify(cert, self.trust).person_id if not venue else verdict.subject
        if venue:
            self.add(
                name + " signer",
                True,
                f"{verdict.subject}, certificate valid at {at:%Y-%m-%d %H:%M}Z",
                "场地签名证书有效",
            )
        return who

    async def check_artefacts(self, manifest: dict[str, Any]) -> None:
        paths = sorted(
            f["path"]
            for f in manifest["files"]
            if f["path"].startswith("artefacts/") and f["path"].endswith(".json")
        )
        for path in paths:
            artefact_id = int(path.split("/")[1].split("-")[0])
            receipt_name = layout.receipt_path(artefact_id)
            receipt, receipt_sig = self.read(receipt_name), self.read(receipt_name + ".p7s")
            content, signature = self.zip.read(path), self.read(path + ".p7s")
            if receipt is None or receipt_sig is None or signature is None:
                self.add(path, False, "signature or venue receipt missing", "缺少签名或场地回执")
                continue
            body = json.loads(receipt)
            venue_ok = await self.check_signer(
                receipt_name, receipt, receipt_sig, _when(body["accepted_at"]), venue=True
            )
            if venue_ok is None:
                continue
            self.checks.pop()  # the receipt is fine: one line per artefact is enough
            if body.get("content_sha256") != hashlib.sha256(content).hexdigest():
                self.add(
                    path, False, "the venue's receipt is for other content", "场地回执与内容不符"
                )
                continue
            who = await self.check_signer(path, content, signature, _when(body["accepted_at"]))
            if who is None:
                continue
            if who != body.get("person_id"):
                self.add(
                    path,
                    False,
                    f"signed by {who}, receipt names {body.get('person_id')}",
                    "签名人与回执不一致",
                )
                continue
            try:
                kind, _ = read_artefact(content)
            except ArtefactError as exc:  # signed, but no artefact this version knows
                self.add(path, False, str(exc), exc.message_zh)
                continue
            self.add(
                path,
                True,
                f"{kind.name} v{body['version']} signed by {who}, accepted {body['accepted_at']}",
                f"签名有效：{self.names.get(who, who)} 签署，"
                f"{beijing_time(body['accepted_at'])}由场地接收",
            )
        doc = self.read(layout.DOCUMENT_MANIFEST)
        if doc is not None:
            sig = self.read(layout.DOCUMENT_MANIFEST + ".p7s") or b""
            exported = _when(manifest["exported_at"])
            who = await self.check_signer(layout.DOCUMENT_MANIFEST, doc, sig, exported)
            if who is not None:
                self.add(
                    layout.DOCUMENT_MANIFEST,
                    True,
                    f"document manifest signed by {who}",
                    "招投标文件清单签名有效",
                )

    async def check_draws(self) -> None:
        """The 专家抽取记录: recomputed from its own files, and the committee it gives."""
        assert self.trust is not None
        names = [n for n in self.zip.namelist() if n.startswith("draw/") and n not in self.damaged]
        files = {n: self.zip.read(n) for n in names}
        judge = SignatureJudge(self.trust, self.crls)
        findings, _ = await check_section(files, self.read(layout.SESSION), judge)
        for f in findings:
            self.add(f.name, f.ok, f.detail, f.detail_zh)

    async def check_audit(self) -> None:
        """The transparency log, its receipts and the witnesses the plan names."""
        assert self.trust is not None
        self.checks.append(await check_log(self.read, self.zip.namelist(), self.trust))

    async def check_report(self) -> None:
        assert self.trust is not None
        self.checks.append(await check_report(self.read(layout.REPORT), self.trust))

    def check_results(self) -> None:
        self.checks.append(check_results(self.zip, self.read(layout.RESULTS)))


async def averify_archive(path: Path, pinned: x509.Certificate | None = None) -> ArchiveReport:
    try:
        with zipfile.ZipFile(path) as archive:
            verifier = _Verifier(archive, pinned)
            await verifier.run()
    except (zipfile.BadZipFile, OSError) as exc:
        return ArchiveReport(
            str(path),
            (
                Check(
                    "archive",
                    False,
                    f"not a readable zip: {exc}",
                    "不是可读取的存档文件",
                    "存档文件",
                ),
            ),
        )
    return ArchiveReport(str(path), tuple(verifier.checks))


def verify_archive(path: Path, pinned: x509.Certificate | None = None) -> ArchiveReport:
    """Blocking form for the command line (no event loop running)."""
    return asyncio.run(averify_archive(path, pinned))
