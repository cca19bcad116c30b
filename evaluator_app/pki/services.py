"""HTTP services of the demo PKI: CRLs, an OCSP responder and an RFC 3161 TSA.

Routes (relative to the demo's services_url):
  GET  /crl/{ca_id}.crl   DER CRL, re-signed on each request so it never goes stale;
                          /crl/{ca_id}-root.crl is the root's, which covers the issuing CA
  POST /ocsp/{ca_id}      DER OCSP request -> response signed by the issuing CA
  POST /tsa               application/timestamp-query -> application/timestamp-reply
  GET  /health            "ok"
The TSA handler stands alone (``make_tsa_handler``) so a venue can mount it too.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from aiohttp import web
from asn1crypto import algos, cms, core, keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator.registry import SimpleCertificateStore

from evaluator_app.pki import sm2, sm2_x509
from evaluator_app.pki.demo_pki import DemoPki
from evaluator_app.pki.revocation import build_ocsp_response
from evaluator_app.pki.x509_build import PrivateKey, build_crl

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
MAX_TSA_REQUEST_BYTES = 4096
TSA_POLICY_OID = "1.2.156.9999.1.1"  # a demo policy arc; a real TSA states its own


class _EcdsaTimeStamper(DummyTimeStamper):
    """pyhanko's in-process TSA, taught ECDSA (upstream signs with RSA only)."""

    def __init__(
        self,
        tsa_cert: asn1_x509.Certificate,
        tsa_key: PrivateKey,
        chain: list[asn1_x509.Certificate],
    ) -> None:
        key_info = keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        super().__init__(
            tsa_cert, key_info, certs_to_embed=SimpleCertificateStore.from_certs(chain)
        )
        self._key = tsa_key

    def _build_tst_info(self, message_imprint, dt, req):
        info = super()._build_tst_info(message_imprint, dt, req)
        info["policy"] = tsp.ObjectIdentifier(TSA_POLICY_OID)
        return info

    def _sign_tst_info(self, tst_info_data, md_algorithm, dt):
        md_algorithm = _own_hash(md_algorithm)
        digest = hashes.Hash(_HASHES[md_algorithm]())
        digest.update(tst_info_data)
        signed_attrs = cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", cms.Time({"utc_time": core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(signed_attrs.dump(), ec.ECDSA(_HASHES[md_algorithm]()))
        return signature, signed_attrs

    def _build_signed_data(self, tst_info_data, md_algorithm, signature, signed_attrs):
        md_algorithm = _own_hash(md_algorithm)
        data = super()._build_signed_data(tst_info_data, md_algorithm, signature, signed_attrs)
        data["signer_infos"][0]["signature_algorithm"] = algos.SignedDigestAlgorithm(
            {"algorithm": f"{md_algorithm}_ecdsa"}
        )
        return data


_HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
# an SM2 signature is stamped over its SM3 imprint; the (ECDSA) TSA signs its token with SHA-256
_IMPRINTS = frozenset({*_HASHES, "sm3"})


def _own_hash(md_algorithm: str) -> str:
    return md_algorithm if md_algorithm in _HASHES else "sha256"


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _rejection() -> bytes:
    """TimeStampResp with status only; asn1crypto's schema wrongly makes the token mandatory."""
    status = tsp.PKIStatusInfo(
        {"status": "rejection", "fail_info": tsp.PKIFailureInfo({"bad_request"})}
    )
    return core.Sequence(contents=status.dump()).dump()  # SEQUENCE { PKIStatusInfo }


async def _read_at_most(request: web.Request, limit: int) -> bytes:
    declared = request.content_length or 0
    body = bytearray()
    while declared <= limit and (chunk := await request.content.read(limit + 1 - len(body))):
        body += chunk
        if len(body) > limit:
            break
    if declared > limit or len(body) > limit:
        raise web.HTTPRequestEntityTooLarge(limit, max(declared, len(body)))
    return bytes(body)


def make_tsa_handler(
    tsa_cert: x509.Certificate, tsa_key: PrivateKey, chain: list[x509.Certificate] | None = None
) -> Handler:
    """An aiohttp POST handler acting as an RFC 3161 TSA with ``tsa_cert`` (EKU timeStamping)."""
    stamper = _EcdsaTimeStamper(_asn1(tsa_cert), tsa_key, [_asn1(c) for c in chain or ()])

    async def handle(request: web.Request) -> web.Response:
        # anyone may ask: a request is a hash and a nonce, so a large body is refused unread
        body = await _read_at_most(request, MAX_TSA_REQUEST_BYTES)
        try:
            req = tsp.TimeStampReq.load(body)
            algorithm = req["message_imprint"]["hash_algorithm"]["algorithm"].native
            if algorithm not in _IMPRINTS:
                raise ValueError(f"unsupported hash {algorithm}")
            _ = req.native  # force a full parse: a malformed request must fail here
            reply = stamper.request_tsa_response(req).dump()
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("TSA refused a request: %s", exc)
            reply = _rejection()
        return web.Response(body=reply, content_type="application/timestamp-reply")

    return handle


def make_pki_services_app(demo: DemoPki) -> web.Application:
    """CRL, OCSP and TSA services answering from the demo index."""
    issued: dict[str, dict[int, datetime | None]] = {ca.id: {} for ca in demo.cas}
    for person in demo.people:
        issued[person.ca][person.load_cert().serial_number] = person.revoked_at
    centre = (demo.centre,) if demo.centre is not None else ()
    for entity in (*demo.venues, *centre, *demo.workstations, demo.tsa):
        if entity.ca:
            issued[entity.ca][entity.load_cert().serial_number] = None
    ca_material = {ca.id: (ca.load_cert(), ca.load_key()) for ca in demo.cas}
    # the roots issue only their issuing CA, and revoke none of them in the demo
    ca_material |= {f"{ca.id}-root": (ca.load_root(), ca.load_root_key()) for ca in demo.cas}
    issued |= {f"{ca.id}-root": {} for ca in demo.cas}

    def revoked(ca_id: str) -> dict[int, datetime]:
        return {serial: when for serial, when in issued[ca_id].items() if when is not None}

    async def crl(request: web.Request) -> web.Response:
        ca_id = request.match_info["ca_id"]
        if ca_id not in ca_material:
            raise web.HTTPNotFound(text=f"no CA {ca_id}")
        cert, key = ca_material[ca_id]
        now = datetime.now(UTC)
        data = (sm2_x509.build_crl if isinstance(key, sm2.PrivateKey) else build_crl)(
            issuer_cert=cert,
            issuer_key=key,  # type: ignore[arg-type]  # the builder is the key's, chosen above
            revoked=sorted(revoked(ca_id).items()),
            this_update=now - timedelta(minutes=5),
            next_update=now + timedelta(days=1),
            number=int(now.timestamp()),
        )
        return web.Response(
            body=data.public_bytes(serialization.Encoding.DER), content_type="application/pkix-crl"
        )

    async def ocsp(request: web.Request) -> web.Response:
        ca_id = request.match_info["ca_id"]
        if ca_id not in ca_material:
            raise web.HTTPNotFound(text=f"no CA {ca_id}")
        cert, key = ca_material[ca_id]
        data = build_ocsp_response(
            await request.read(),
            issuer_cert=cert,
            issuer_key=key,
            revoked=revoked(ca_id),
            known_serials=set(issued[ca_id]),
        )
        return web.Response(body=data, content_type="application/ocsp-response")

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    tsa_ca = demo.ca(demo.tsa.ca or "sdca")
    app = web.Application()
    app.router.add_get("/crl/{ca_id}.crl", crl)
    app.router.add_post("/ocsp/{ca_id}", ocsp)
    tsa_key = demo.tsa.load_key()
    if not isinstance(tsa_key, ec.EllipticCurvePrivateKey):  # the demo TSA is NCA's (ECDSA)
        raise TypeError("the demo TSA signs with ECDSA")
    app.router.add_post(
        "/tsa",
        make_tsa_handler(demo.tsa.load_cert(), tsa_key, [tsa_ca.load_cert(), tsa_ca.load_root()]),
    )
    app.router.add_get("/health", health)
    return app
