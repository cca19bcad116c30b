"""The venue API client: HTTPS to one venue, login by signature, every endpoint, events.

Signing (a token may take a second) runs in a worker thread so the event loop, which in the
app is the Qt thread, never waits on it.

A venue entry may list several addresses (its workers, or load balancers): "https://a:8443
https://b:8443". The client talks to one; when it stops answering (or answers 502/503/504) a
request that is safe to repeat moves to the next address with back-off and is sent again,
keeping the token (every worker of a venue shares one database). Safe to repeat: reads, the
content-addressed document upload, signed uploads (their idempotency key), and every other
POST, which carries an ``Idempotency-Key`` so that the venue applies it once.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import re
import ssl
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
from yarl import URL

from evaluator_app.client.errors import ClientError, VenueRefused, VenueUnreachable, WrongVenue
from evaluator_app.core.canonical import artefact_bytes
from evaluator_app.pki.cms import sign_detached
from evaluator_app.pki.credentials.base import Signer
from evaluator_app.protocol import API_PREFIX, PROTOCOL_HEADER, PROTOCOL_VERSION
from evaluator_app.protocol.artefacts import ARTEFACT_VERSION
from evaluator_app.protocol.kinds import ArtefactKind, kind_of
from evaluator_app.protocol.messages import (
    LoginChallenge,
    LoginResult,
    LoginStatement,
    SignedReceipt,
    SignedUpload,
)
from evaluator_app.protocol.schema import B64, decode, encode

logger = logging.getLogger(__name__)
SILENCE_LIMIT = 45.0  # seconds without any frame (the venue pings every 20 s): the line is dead
WS_CLOSED = (
    aiohttp.WSMsgType.CLOSE,
    aiohttp.WSMsgType.CLOSING,
    aiohttp.WSMsgType.CLOSED,
    aiohttp.WSMsgType.ERROR,
)
T = TypeVar("T")


def client_ssl_context(ca_pem_files: list[str]) -> ssl.SSLContext:
    """Trust only the given CA certificates (the recognised CAs' roots) for the venue's TLS."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.load_verify_locations(
        cadata="".join(Path(p).read_text(encoding="ascii") for p in ca_pem_files)
    )
    return context


RETRY_STATUS = {502, 503, 504}  # a worker down, the database down, a proxy timeout
REPEATABLE = {"GET", "HEAD", "PUT", "DELETE"}


def split_urls(urls: str | Sequence[str]) -> list[str]:
    """The addresses of one venue entry: a list, or one text with spaces or commas between."""
    items = re.split(r"[\s,;]+", urls) if isinstance(urls, str) else list(urls)
    found = [u.strip().rstrip("/") for u in items if u.strip()]
    if not found:
        raise ValueError("a venue needs at least one address")
    return found


class VenueClient:
    def __init__(
        self,
        base_url: str | Sequence[str],
        ssl_context: ssl.SSLContext,
        workstation_id: str,
        timeout: float = 30.0,
        retry_seconds: float | None = None,
    ):
        self.urls = split_urls(base_url)
        self._current = 0
        # how long a repeatable request keeps trying the addresses; one address: callers retry
        self.retry_seconds = (
            (30.0 if len(self.urls) > 1 else 0.0) if retry_seconds is None else retry_seconds
        )
        self.failovers = 0  # times this client moved to another address
        self.ssl_context = ssl_context
        self.workstation_id = workstation_id
        self.token: str | None = None
        self.login_result: LoginResult | None = None
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=timeout, sock_connect=10)
        )
        self.peer_cert_sha256: str | None = None
        self.venue_names: dict[str, str] = {}  # venue id → name, as people read it
        # called whenever the venue answers a request (a connection waiting to retry: it is
        # reachable); a proxy's 502/503/504 is no answer of the venue's
        self.answer_listeners: set[Callable[[], None]] = set()

    @property
    def base_url(self) -> str:
        return self.urls[self._current]

    def use(self, index: int) -> None:
        """Talk to the venue's address number ``index`` from now on."""
        self._current = index % len(self.urls)

    def fail_over(self, reason: str = "", failed: str | None = None) -> bool:
        """Use the next address of the venue; False if there is only one.

        ``failed``: the address that failed. One client serves several users at once (the
        lobby's and a session window's connections, requests): if another already moved away
        from it, the client stays where it is now instead of moving on again (and back)."""
        if len(self.urls) < 2:
            return False
        if failed is not None and failed != self.base_url:
            return True  # moved already
        before = self.base_url
        self._current = (self._current + 1) % len(self.urls)
        self.failovers += 1
        logger.warning("venue %s failed (%s): moving to %s", before, reason, self.base_url)
        return True

    async def close(self) -> None:
        await self._session.close()

    async def __aenter__(self) -> VenueClient:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    def _headers(self) -> dict[str, str]:
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    async def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        raw: bytes | None = None,
        repeatable: bool | None = None,
        request_key: bool = True,
    ) -> Any:
        """One request; a repeatable one moves through the venue's addresses while it fails.

        ``repeatable`` defaults to: reads and PUTs yes; a POST yes, with an Idempotency-Key
        the venue honours; ``False`` for the few POSTs that must not be sent twice (a login
        statement's nonce is single-use: the caller starts the login again instead).
        ``request_key=False``: a signed upload, made repeatable by its own idempotency key.
        """
        key = (
            uuid.uuid4().hex
            if method == "POST" and repeatable is not False and request_key
            else None
        )
        again = repeatable if repeatable is not None else True
        loop = asyncio.get_running_loop()
        deadline, attempt = loop.time() + self.retry_seconds, 0
        while True:
            url = self.base_url
            try:
                return await self._send(method, path, body, raw, key)
            except (VenueUnreachable, VenueRefused) as exc:
                if isinstance(exc, VenueRefused) and exc.status not in RETRY_STATUS:
                    raise
                never_sent = getattr(exc, "never_sent", False)
                if not (again or never_sent) or loop.time() >= deadline:
                    raise
                attempt += 1
                self.fail_over(exc.message_en, failed=url)
                await asyncio.sleep(min(2.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.0))

    async def _send(
        self, method: str, path: str, body: Any, raw: bytes | None, key: str | None
    ) -> Any:
        url = f"{self.base_url}{API_PREFIX}{path}"
        kwargs: dict[str, Any] = {"headers": self._headers(), "ssl": self.ssl_context}
        if key is not None:
            kwargs["headers"]["Idempotency-Key"] = key
        if raw is not None:
            kwargs["data"] = raw
            kwargs["headers"]["Content-Type"] = "application/octet-stream"
        elif body is not None:
            kwargs["json"] = encode(body)
        try:
            async with self._session.request(method, url, **kwargs) as response:
                if response.status not in RETRY_STATUS:
                    self._answered()
                try:
                    data = (
                        await response.json(content_type=None)
                        if response.content_length != 0
                        else None
                    )
                except ValueError:  # a proxy's HTML error page
                    data = None
                if response.status >= 400:
                    error = (data or {}).get("error", {}) if isinstance(data, dict) else {}
                    raise VenueRefused(
                        response.status,
                        error.get("code", "http_error"),
                        error.get("message", response.reason or ""),
                        error.get("message_zh", ""),
                        error.get("details"),
                    )
                return data
        except aiohttp.ClientConnectorCertificateError as exc:
            raise WrongVenue(
                f"the venue's certificate is not trusted: {exc}",
                "场地服务器证书不受信任，可能存在网络劫持",
            ) from exc
        except (TimeoutError, aiohttp.ClientConnectionError) as exc:
            unreachable = VenueUnreachable(
                f"venue {self.base_url} unreachable: {exc}", f"无法连接场地服务器 {self.base_url}"
            )
            # refused before anything was sent: safe to send anywhere else, whatever it was
            unreachable.never_sent = isinstance(exc, aiohttp.ClientConnectorError)  # type: ignore[attr-defined]
            raise unreachable from exc

    def _answered(self) -> None:
        for listener in list(self.answer_listeners):
            try:
                listener()
            except Exception:  # a listener's fault is not the request's
                logger.exception("answer listener failed")

    async def probe_peer_certificate(self) -> str:
        """SHA-256 of the TLS certificate this machine sees at the venue's address.

        aiohttp does not expose the peer certificate of a pooled connection, so one TLS
        handshake is made directly, with the same trust settings. A man in the middle shows
        the same (wrong) certificate here, and the venue refuses a login that names it.
        """
        url = URL(self.base_url)
        try:
            _reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    url.host, url.port, ssl=self.ssl_context, server_hostname=url.host
                ),
                10,
            )
        except ssl.SSLCertVerificationError as exc:
            raise WrongVenue(
                f"the venue's certificate is not trusted: {exc}",
                "场地服务器证书不受信任，可能存在网络劫持",
            ) from exc
        except (TimeoutError, OSError) as exc:
            raise VenueUnreachable(
                f"venue {self.base_url} unreachable: {exc}", f"无法连接场地服务器 {self.base_url}"
            ) from exc
        try:
            der = writer.get_extra_info("ssl_object").getpeercert(binary_form=True)
        finally:
            writer.close()
        self.peer_cert_sha256 = hashlib.sha256(der).hexdigest()
        return self.peer_cert_sha256

    async def get(self, path: str, cls: type[T] | None = None) -> Any:
        data = await self.request("GET", path)
        return decode(cls, data) if cls else data

    async def post(self, path: str, body: Any = None, cls: type[T] | None = None) -> Any:
        data = await self.request("POST", path, body if body is not None else {})
        return decode(cls, data) if cls else data

    # -- login ---------------------------------------------------------------------
    async def login(self, signer: Signer) -> LoginResult:
        """Log in by signature. If the answer to the statement is lost (a worker died), its
        nonce is spent: the login starts again with a new challenge, at the next address."""
        attempts = 3 if len(self.urls) > 1 else 1
        for attempt in range(attempts):
            try:
                return await self._login_once(signer)
            except (VenueUnreachable, VenueRefused) as exc:
                if attempt == attempts - 1 or (
                    isinstance(exc, VenueRefused) and exc.status not in RETRY_STATUS
                ):
                    raise
                self.fail_over(exc.message_en)
        raise AssertionError("unreachable")

    async def _login_once(self, signer: Signer) -> LoginResult:
        seen = await self.probe_peer_certificate()
        challenge = await self.post("/login/challenge", None, LoginChallenge)
        if challenge.tls_cert_sha256 != seen:
            raise WrongVenue(
                "the venue names a TLS certificate other than the one this connection sees",
                "场地声明的证书与实际连接的证书不一致，可能存在网络劫持",
            )
        statement = LoginStatement(
            challenge.nonce,
            challenge.venue_id,
            seen,
            self.workstation_id,
            datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        content = artefact_bytes("login", 1, encode(statement))
        signature = await asyncio.to_thread(sign_detached, content, signer)
        data = await self.request(
            "POST", "/login", {"statement": content, "signature": signature}, repeatable=False
        )
        result = decode(LoginResult, data)
        self.token, self.login_result = result.token, result
        try:  # the names of the venues, for screens that must never show "zibo"
            health = await self.get("/health")
            self.venue_names = {str(k): str(v) for k, v in dict(health.get("venues", {})).items()}
        except ClientError as exc:  # an older venue: ids are shown as the last resort
            logger.info("venue names not available: %s", exc)
        return result

    # -- signed uploads ------------------------------------------------------------
    @staticmethod
    async def sign_artefact(
        kind: str, body: Any, signer: Signer, tsa_url: str | None = None
    ) -> tuple[bytes, bytes]:
        """Canonical JSON and a detached CMS over it; with ``tsa_url``, timestamped (CAdES-B-T)."""
        content = artefact_bytes(kind, ARTEFACT_VERSION, encode(body))
        return content, await asyncio.to_thread(
            sign_detached, content, signer, tsa_url=tsa_url or None
        )

    @staticmethod
    async def sign_body(
        body: Any, signer: Signer, tsa_url: str | None = None
    ) -> tuple[ArtefactKind, bytes, bytes]:
        """Sign an artefact under the kind the registry gives its class; the kind names the
        route."""
        kind = kind_of(body)
        content, signature = await VenueClient.sign_artefact(kind.name, body, signer, tsa_url)
        return kind, content, signature

    async def upload(
        self,
        session_id: str,
        route: str,
        content: bytes,
        signature: bytes,
        *,
        key: str | None = None,
        pdf: bytes | None = None,
    ) -> SignedReceipt:
        upload = SignedUpload(
            key or uuid.uuid4().hex, B64(content), B64(signature), None if pdf is None else B64(pdf)
        )
        # the upload's own idempotency key makes a retry return the same receipt
        data = await self.request(
            "POST", f"/sessions/{session_id}/{route}", upload, request_key=False
        )
        return decode(SignedReceipt, data)

    async def put_blob(self, data: bytes) -> str:
        digest = hashlib.sha256(data).hexdigest()
        await self.request("PUT", f"/blobs/{digest}", raw=data)
        return digest

    # -- events --------------------------------------------------------------------
    async def events(self, since: int = 0) -> AsyncIterator[dict[str, Any]]:
        """Events after ``since`` over one WebSocket, in order; ends when the socket closes."""
        url = f"{self.base_url}{API_PREFIX}/ws?since={since}"
        try:
            # no aiohttp heartbeat: it re-arms its ping timer on a frame that arrives while the
            # socket closes, and that stray ping outlives the socket. The venue pings every 20 s;
            # silence for SILENCE_LIMIT seconds means the line is dead.
            async with self._session.ws_connect(
                url, headers=self._headers(), ssl=self.ssl_context, heartbeat=None
            ) as ws:
                self.ws = ws
                while True:
                    message = await ws.receive(timeout=SILENCE_LIMIT)
                    if message.type == aiohttp.WSMsgType.TEXT:
                        yield json.loads(message.data)
                    elif message.type in WS_CLOSED:
                        break
        except (TimeoutError, aiohttp.ClientConnectionError) as exc:
            raise VenueUnreachable(f"event stream lost: {exc}", "与场地的实时连接已断开") from exc
        finally:
            self.ws = None

    ws: Any = None

    async def heartbeat(self, session_id: str, presence: str, items_scored: int = 0) -> None:
        if self.ws is not None:
            await self.ws.send_str(
                json.dumps(
                    {
                        "type": "heartbeat",
                        "session_id": session_id,
                        "presence": presence,
                        "items_scored": items_scored,
                    }
                )
            )
