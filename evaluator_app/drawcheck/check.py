"""Offline recomputation of a draw from its bundle: ``evaluator draw verify`` and the archive.

Each step is checked in the order it was made — request, commitments, snapshot, freeze,
reveals, the draw recomputed from them, the record and its signatures, then notices and
replacements — and the first that differs is named (file, line or field, what was expected
and what was found); nothing after it is trusted.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from evaluator_app.core.draw import drbg
from evaluator_app.core.draw.model import DrawRequest, DrawResult, PoolExpert
from evaluator_app.core.draw.pool import Snapshot, identity_hash, parse_snapshot
from evaluator_app.core.draw.record import Person, first_difference, record_body
from evaluator_app.core.draw.request_json import parse_request
from evaluator_app.core.draw.select import run_draw
from evaluator_app.core.errors import DrawError
from evaluator_app.drawcheck.errors import MismatchError
from evaluator_app.drawcheck.signers import SignatureJudge, Signed
from evaluator_app.protocol import draw as layout
from evaluator_app.protocol.kinds import DRAW_COMMITMENT, DRAW_FREEZE, DRAW_REVEAL, BundledKind
from evaluator_app.protocol.schema import SchemaError, decode


@dataclass(frozen=True)
class Finding:
    name: str
    ok: bool
    detail: str
    detail_zh: str


@dataclass
class Draw:
    """One draw, verified: what later steps (replacements, the archive) build on."""

    draw_id: str
    request: DrawRequest
    snapshot: Snapshot
    result: DrawResult
    record_sha256: str
    people: dict[str, Person]
    experts: Mapping[str, PoolExpert] = field(default_factory=dict)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Bundle:
    """The files of a bundle or archive, read by draw-relative name."""

    def __init__(self, files: dict[str, bytes], judge: SignatureJudge):
        self.files = files
        self.judge = judge
        self.findings: list[Finding] = []

    def ok(self, name: str, en: str, zh: str) -> None:
        self.findings.append(Finding(name, True, en, zh))

    def raw(self, draw_id: str, name: str) -> bytes:
        data = self.files.get(layout.path(draw_id, name))
        if data is None:
            raise MismatchError(layout.path(draw_id, name), "missing", "缺少该文件")
        return data

    def body(self, draw_id: str, name: str, kind: str) -> tuple[bytes, dict[str, Any]]:
        content = self.raw(draw_id, name)
        where = layout.path(draw_id, name)
        try:
            obj = json.loads(content)
        except (ValueError, UnicodeDecodeError):
            raise MismatchError(where, "not JSON", "不是 JSON") from None
        if not isinstance(obj, dict) or obj.get("schema") != {
            "kind": kind,
            "version": layout.VERSION,
        }:
            raise MismatchError(
                where + " field 'schema'", f"expected a {kind} artefact", "文件类型不符"
            )
        obj.pop("schema")
        if obj.get("draw_id") != draw_id:
            raise MismatchError(
                where + " field 'draw_id'", f"should be {draw_id}", f"应为 {draw_id}"
            )
        return content, obj

    def typed(self, draw_id: str, name: str, kind: BundledKind) -> tuple[bytes, Any]:
        """A step decoded by its kind's body in the registry (every field checked)."""
        assert kind.body is not None
        content, obj = self.body(draw_id, name, kind.name)
        try:
            return content, decode(kind.body, obj)
        except SchemaError as exc:
            where = f"{layout.path(draw_id, name)} field '{exc.field.removeprefix('$.')}'"
            raise MismatchError(where, exc.detail, f"字段无效：{exc.detail}") from None

    async def signed_by(
        self,
        draw_id: str,
        name: str,
        content: bytes,
        allowed: set[str],
        sig_name: str | None = None,
    ) -> Signed:
        sig_name = sig_name or name + ".p7s"
        where = layout.path(draw_id, sig_name)
        signed = await self.judge.judge(content, self.files.get(where))
        if signed.person_id is None:
            raise MismatchError(where, signed.problem_en, signed.problem_zh)
        if signed.person_id not in allowed:
            raise MismatchError(
                where,
                f"signed by {signed.person_id} ({signed.name}), "
                f"expected {' or '.join(sorted(allowed))}",
                f"签名人 {signed.name} 不是应签名的人",
            )
        return signed


def _same(where: str, expected: Any, found: Any) -> None:
    if expected != found:
        raise MismatchError(
            where, f"expected {expected!r}, found {found!r}", f"应为 {expected}，实为 {found}"
        )


def _after(where: str, earlier: datetime | None, later: datetime | None, what: str) -> None:
    if earlier and later and later < earlier:
        raise MismatchError(where, f"signed before the {what}", f"签名时间早于{what}")


async def verify_one(bundle: Bundle, draw_id: str) -> Draw:
    """Steps 1–8 of one draw; raises :class:`MismatchError` at the first difference."""
    p = lambda name: layout.path(draw_id, name)  # noqa: E731
    request_bytes, request_obj = bundle.body(draw_id, layout.REQUEST, layout.REQUEST_KIND)
    try:
        request = parse_request(request_obj)
    except DrawError as exc:
        raise MismatchError(
            f"{p(layout.REQUEST)} field '{exc.where.removeprefix('request.')}'",
            exc.message_en,
            exc.message_zh,
        ) from None
    parties = request.parties
    centre = {x.person_id for x in parties if x.role == "centre"}
    await bundle.signed_by(draw_id, layout.REQUEST, request_bytes, centre)
    request_sha = sha(request_bytes)
    bundle.ok(
        p(layout.REQUEST),
        f"request signed by the centre, {request.principals_wanted} experts",
        "抽取申请已签名",
    )

    commits, commit_times, commit_hashes = [], [], []
    for i, party in enumerate(parties):
        name = layout.commit_name(i)
        content, body = bundle.typed(draw_id, name, DRAW_COMMITMENT)
        _same(p(name) + " field 'person_id'", party.person_id, body.person_id)
        _same(p(name) + " field 'request_sha256'", request_sha, body.request_sha256)
        signed = await bundle.signed_by(draw_id, name, content, {party.person_id})
        commits.append(body)
        commit_times.append(signed.at)
        commit_hashes.append(sha(content))
    bundle.ok(
        p("commit-*"), f"{len(parties)} commitments signed by their parties", "各方承诺值已签名"
    )

    try:
        snapshot = parse_snapshot(bundle.raw(draw_id, layout.POOL))
    except DrawError as exc:
        raise MismatchError(
            f"{layout.PREFIX}{draw_id}/{exc.where}", exc.message_en, exc.message_zh
        ) from None
    freeze_bytes, freeze = bundle.typed(draw_id, layout.FREEZE, DRAW_FREEZE)
    where = p(layout.FREEZE) + " field "
    _same(where + "'request_sha256'", request_sha, freeze.request_sha256)
    _same(where + "'pool_sha256'", snapshot.sha256, freeze.pool_sha256)
    _same(where + "'pool_count'", len(snapshot), freeze.pool_count)
    _same(where + "'pool_as_of'", snapshot.as_of, freeze.pool_as_of)
    _same(where + "'commitments'", commit_hashes, list(freeze.commitments))
    frozen = await bundle.signed_by(draw_id, layout.FREEZE, freeze_bytes, centre)
    for t in commit_times:
        _after(p(layout.FREEZE + ".p7s"), t, frozen.at, "承诺 commitments")
    bundle.ok(
        p(layout.POOL),
        f"{len(snapshot)} experts, SHA-256 {snapshot.sha256[:16]}…, fixed after the commitments",
        "专家库快照在承诺后固定",
    )

    secrets: dict[str, bytes] = {}
    reveal_hashes = []
    freeze_sha = sha(freeze_bytes)
    last_reveal = None
    for i, party in enumerate(parties):
        name = layout.reveal_name(i)
        content, body = bundle.typed(draw_id, name, DRAW_REVEAL)
        _same(p(name) + " field 'person_id'", party.person_id, body.person_id)
        _same(p(name) + " field 'freeze_sha256'", freeze_sha, body.freeze_sha256)
        try:
            secret = bytes.fromhex(body.secret)
            opened = drbg.commitment(draw_id, party.person_id, secret)
        except ValueError:
            raise MismatchError(
                p(name) + " field 'secret'", "not 32 bytes of hex", "应为 32 字节十六进制"
            ) from None
        _same(p(name) + " field 'secret'", commits[i].commitment, opened)
        signed = await bundle.signed_by(draw_id, name, content, {party.person_id})
        _after(p(name + ".p7s"), frozen.at, signed.at, "快照固定 the freeze")
        last_reveal = max(filter(None, (last_reveal, signed.at)), default=None)
        secrets[party.person_id] = secret
        reveal_hashes.append(sha(content))
    seed = drbg.seed(secrets)
    bundle.ok(
        p("reveal-*"),
        f"every secret opens its commitment; seed {seed.hex()[:16]}…",
        "各方秘密与承诺一致，种子可复算",
    )

    try:
        result = run_draw(request, snapshot, seed)
    except DrawError as exc:
        raise MismatchError(p(layout.REQUEST), exc.message_en, exc.message_zh) from None
    record_bytes, found = bundle.body(draw_id, layout.RECORD, layout.RECORD_KIND)
    people = _people(found, snapshot, p(layout.RECORD))
    expected = record_body(
        draw_id=draw_id,
        request_sha256=request_sha,
        pool_sha256=snapshot.sha256,
        pool_count=len(snapshot),
        freeze_sha256=freeze_sha,
        reveals=reveal_hashes,
        seed=seed,
        result=result,
        people=people,
    )
    diff = None if expected == found else first_difference(expected, found)
    if diff is not None:
        raise MismatchError(
            f"{p(layout.RECORD)} field '{diff[0]}'",
            f"recomputed {_show(diff[1])}, recorded {_show(diff[2])}",
            f"复算结果为 {_show(diff[1])}，记录为 {_show(diff[2])}",
        )
    for i, party in enumerate(parties):
        signed = await bundle.signed_by(
            draw_id, layout.RECORD, record_bytes, {party.person_id}, layout.record_signature_name(i)
        )
        _after(p(layout.record_signature_name(i)), last_reveal, signed.at, "揭示 the reveals")
    drawn = sum(len(n.principals) for n in result.needs)
    reserves = sum(len(n.reserves) for n in result.needs)
    excluded = len(result.excluded)
    bundle.ok(
        p(layout.RECORD),
        f"recomputed exactly: {drawn} drawn, {reserves} reserves, {excluded} excluded by rule; "
        f"signed by {len(parties)} parties",
        f"复算一致：抽中 {drawn} 人，备选 {reserves} 人，按规则排除 {excluded} 人",
    )
    return Draw(draw_id, request, snapshot, result, sha(record_bytes), people, snapshot.by_id())


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:200] + "…"


def _people(found: dict[str, Any], snapshot: Snapshot, where: str) -> dict[str, Person]:
    """The drawn experts' names and person ids, each checked against its snapshot line."""
    lines = snapshot.by_id()
    people = {}
    raw = found.get("people")
    if not isinstance(raw, list):
        raise MismatchError(where + " field 'people'", "missing", "缺少")
    for i, entry in enumerate(raw):
        try:
            person = Person(entry["id"], entry["name"], entry["person_id"], entry["salt"])
        except (KeyError, TypeError):
            raise MismatchError(f"{where} field 'people[{i}]'", "incomplete", "不完整") from None
        line = lines.get(person.id)
        if (
            line is None
            or identity_hash(person.name, person.person_id, person.salt) != line.identity
        ):
            raise MismatchError(
                f"{where} field 'people[{i}]'",
                f"{person.id} {person.name}: name and person id do not match the snapshot",
                f"{person.id} {person.name} 的身份与专家库快照不符",
            )
        people[person.id] = person
    return people
