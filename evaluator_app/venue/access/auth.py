"""Login by signature, bearer tokens, and workstation enrolment.

A key on a USB token cannot do TLS client authentication from Python, so the person proves
who they are by signing a statement that binds a one-time nonce, this venue's TLS certificate
hash (a statement made for another venue, or through a man in the middle, is useless here),
the workstation id and the time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets

from aiohttp import web

from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.protocol.messages import (
    EnrolRequest,
    LoginChallenge,
    LoginRequest,
    LoginResult,
    LoginStatement,
    Role,
)
from evaluator_app.protocol.schema import SchemaError, decode
from evaluator_app.venue.context import Venue, parse_iso
from evaluator_app.venue.errors import BadRequest, Forbidden, Unauthorized, Unprocessable
from evaluator_app.venue.http import VENUE_KEY, Caller
from evaluator_app.venue.store.records import TokenRecord

logger = logging.getLogger(__name__)
LOGIN_KIND = "login"
# a typed request key: a plain string key draws aiohttp's NotAppKeyWarning
CALLER_KEY: web.RequestKey[Caller] = web.RequestKey("caller", Caller)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def challenge(venue: Venue) -> LoginChallenge:
    nonce = secrets.token_urlsafe(24)
    expires = venue.later_iso(venue.config.nonce_ttl_seconds)
    await venue.store.tx(lambda tx: tx.insert_nonce(nonce, expires))
    return LoginChallenge(nonce, venue.venue_id, venue.tls_cert_sha256, expires)


def _statement(request: LoginRequest) -> LoginStatement:
    try:
        data = json.loads(request.statement)
        schema = data.pop("schema", None)
        statement = decode(LoginStatement, data)
    except (ValueError, SchemaError, AttributeError) as exc:
        raise BadRequest(
            f"login statement malformed: {exc}", "登录声明格式错误", code="malformed_statement"
        ) from None
    if schema != {"kind": LOGIN_KIND, "version": 1}:
        raise BadRequest(
            "the signed statement is not a login statement",
            "所签内容不是登录声明",
            code="malformed_statement",
        )
    # Only the canonical form is accepted, so one statement has exactly one byte string.
    if artefact_bytes(LOGIN_KIND, 1, data) != bytes(request.statement):
        raise BadRequest(
            "the login statement is not in canonical form (RFC 8785)",
            "登录声明不是规范化 JSON",
            code="not_canonical",
        )
    return statement


async def login(venue: Venue, request: LoginRequest) -> LoginResult:
    statement = _statement(request)
    if statement.venue_id != venue.venue_id or statement.tls_cert_sha256 != venue.tls_cert_sha256:
        raise Unauthorized(
            "the login statement was made for another venue or another server certificate",
            "该登录声明是为其他场地或其他服务器证书签署的，不能在本场地使用",
            code="foreign_venue",
        )
    try:
        signed_at = parse_iso(statement.time)
    except ValueError:
        raise BadRequest(
            "time is not an ISO 8601 time with zone", "时间格式错误", code="invalid_field"
        ) from None
    skew = abs((venue.now() - signed_at).total_seconds())
    if skew > venue.config.clock_skew_seconds:
        raise Unauthorized(
            f"the login statement's time is {int(skew)} s away from the venue's clock; check the "
            "workstation clock",
            f"登录时间与场地时钟相差 {int(skew)} 秒，请检查本机时间",
            code="stale",
        )
    try:
        signed_by = await venue.verify_signed(
            bytes(request.statement), bytes(request.signature), purpose="auth"
        )
    except Unprocessable as exc:
        # at the door a refused signature or certificate is a failed authentication
        raise Unauthorized(exc.message_en, exc.message_zh, exc.details, code=exc.code) from None
    now = venue.now_iso()
    if not await venue.store.tx(lambda tx: tx.consume_nonce(statement.nonce, now)):
        raise Unauthorized(
            "this login challenge was already used or has expired; try again",
            "登录挑战已使用或已过期，请重试",
            code="replayed",
        )
    person_id = signed_by.identity.person_id

    def record(tx):
        person = tx.person(person_id)
        workstation = tx.workstation(statement.workstation_id)
        return person, workstation

    person, workstation = await venue.store.tx(record)
    if person is None:
        raise Forbidden(
            f"{signed_by.identity.name} ({person_id}) is not on this venue's roster",
            f"{signed_by.identity.name}（{person_id}）不在本场地名册中",
            code="not_on_roster",
        )
    enrolled = workstation is not None and workstation.enrolled_at is not None
    if person.role == Role.EXPERT.value and not enrolled:
        raise Forbidden(
            f"workstation {statement.workstation_id!r} is not registered at any venue; experts "
            "may only work from registered seats",
            f"工作站 {statement.workstation_id} 未登记，专家只能在已登记的席位上评标",
            code="unregistered_workstation",
        )
    token = secrets.token_urlsafe(32)
    expires = venue.later_iso(venue.config.token_ttl_seconds)
    seat = workstation.seat if workstation else ""
    where = workstation.venue if workstation else person.venue

    def store(tx):
        tx.insert_token(
            TokenRecord(_hash(token), person_id, statement.workstation_id, person.role, expires)
        )
        tx.append_audit(
            now,
            person_id,
            "login",
            None,
            {"workstation": statement.workstation_id, "venue": where, "ca": signed_by.ca_name},
        )

    await venue.store.tx(store)
    logger.info("login %s (%s) at %s", person_id, person.role, statement.workstation_id)
    return LoginResult(
        token,
        person_id,
        person.name,
        Role(person.role),
        person.venue,
        statement.workstation_id,
        seat,
        expires,
    )


async def caller_of(request: web.Request) -> Caller:
    """The authenticated caller, or 401. Cached on the request."""
    cached = request.get(CALLER_KEY)
    if cached is not None:
        return cached
    venue: Venue = request.app[VENUE_KEY]
    # the Authorization header only: a token in a URL ends up in logs, proxies and history
    header = request.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    if not token:
        raise Unauthorized("log in first (no token)", "请先登录", code="no_token")
    now = venue.now_iso()

    def lookup(tx):
        record = tx.token(_hash(token))
        if record is None:
            return None, None, None
        return record, tx.person(record.person_id), tx.workstation(record.workstation_id)

    record, person, workstation = await venue.store.read(lookup)
    if record is None or person is None:
        raise Unauthorized(
            "unknown token: log in again", "登录凭据无效，请重新登录", code="bad_token"
        )
    if record.expires_at < now:
        raise Unauthorized(
            "your login has expired: log in again", "登录已过期，请重新登录", code="expired_token"
        )
    caller = Caller(
        person.person_id,
        person.name,
        person.role,
        person.venue,
        record.workstation_id,
        workstation.seat if workstation else "",
    )
    request[CALLER_KEY] = caller
    return caller


def require(caller: Caller, *roles: Role) -> None:
    if caller.role not in {r.value for r in roles}:
        allowed = "、".join(
            {"expert": "评标专家", "supervisor": "监督人员", "centre": "交易中心"}[r.value]
            for r in roles
        )
        raise Forbidden(
            f"only {', '.join(r.value for r in roles)} may do this; you are {caller.role}",
            f"只有{allowed}可以执行此操作",
            code="wrong_role",
        )


def new_enrolment_code() -> tuple[str, str]:
    """A one-time code for a workstation (shown once to the venue technician) and its hash."""
    code = "-".join(secrets.token_hex(2).upper() for _ in range(4))
    return code, _hash(code)


async def enrol(venue: Venue, request: EnrolRequest) -> str:
    now = venue.now_iso()

    def work(tx):
        ws = tx.workstation(request.workstation_id)
        if (
            ws is None
            or ws.enrolment_hash is None
            or not secrets.compare_digest(ws.enrolment_hash, _hash(request.enrolment_code))
        ):
            return None
        from dataclasses import replace

        tx.upsert_workstation(replace(ws, enrolment_hash=None, enrolled_at=now))
        tx.append_audit(
            now,
            f"workstation:{ws.id}",
            "workstation.enrol",
            None,
            {"venue": ws.venue, "seat": ws.seat},
        )
        return ws

    ws = await venue.store.tx(work)
    if ws is None:
        raise Forbidden(
            "unknown workstation or wrong (or already used) enrolment code",
            "工作站编号或登记码错误（或登记码已使用）",
            code="bad_enrolment",
        )
    return f"{ws.venue}/{ws.seat}"
