"""Logging in, as the login window needs it: trust list, credential, certificate, venue.

The heavy libraries (pyHanko, aiohttp, the certificate validator) are imported when first
used, not when the login window opens: the window appears at once, and :func:`warm_up` loads
them in the background while the person types the PIN.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evaluator_app.client.errors import ClientError
from evaluator_app.client.settings import AppSettings
from evaluator_app.pki.errors import PkiError

if TYPE_CHECKING:
    from cryptography import x509

    from evaluator_app.client.credentials import CertificateSummary, CredentialRef
    from evaluator_app.client.venue_client import VenueClient
    from evaluator_app.pki.credentials import Signer, TokenInfo
    from evaluator_app.pki.credentials.skf import SkfKeyInfo
    from evaluator_app.pki.trust_list import TrustList
    from evaluator_app.pki.validation import RevocationPolicy
    from evaluator_app.protocol.messages import LoginResult


def warm_up() -> None:
    """Import what logging in needs (run in a background thread after the window is shown)."""
    import evaluator_app.client.venue_client
    import evaluator_app.pki.cms
    import evaluator_app.pki.credentials
    import evaluator_app.pki.validation  # noqa: F401


logger = logging.getLogger(__name__)


class SetupIncomplete(ClientError):
    """A setting the login needs is missing (venue address, trust list, workstation id)."""


@dataclass(frozen=True)
class LoggedIn:
    credential: CredentialRef  # to sign later (the PIN is asked again each time)
    certificate: CertificateSummary
    client: VenueClient
    result: LoginResult


class LoginService:
    def __init__(self, settings: AppSettings):
        self.settings = settings
        self._trust_list: TrustList | None = None

    def trust_list(self) -> TrustList | None:
        """The pinned, signed trust list; None if not configured. Raises PkiError if refused."""
        if (
            self._trust_list is None
            and self.settings.trust_list
            and self.settings.trust_list_signer
        ):
            from cryptography import x509

            from evaluator_app.pki.trust_list import load_trust_list

            pinned = x509.load_pem_x509_certificate(
                Path(self.settings.trust_list_signer).read_bytes()
            )
            self._trust_list = load_trust_list(self.settings.trust_list, pinned)
        return self._trust_list

    def revocation(self) -> RevocationPolicy:
        from evaluator_app.pki.validation import RevocationPolicy

        return RevocationPolicy(
            mode="soft-fail" if self.settings.offline_revocation else "hard-fail", fetch=True
        )

    async def tokens(self) -> list[TokenInfo]:
        if not self.settings.pkcs11_module:
            raise SetupIncomplete(
                "choose the PKCS#11 module of your USB key first",
                "请先选择 USB Key 的驱动程序（PKCS#11 模块）",
            )
        from evaluator_app.client.credentials import find_tokens

        return await find_tokens(self.settings.pkcs11_module)

    async def skf_keys(self) -> list[SkfKeyInfo]:
        if not self.settings.skf_library:
            raise SetupIncomplete(
                "choose the SKF library of your 国密 USB key first",
                "请先选择国密 USB Key 的驱动程序（SKF 接口库）",
            )
        from evaluator_app.client.credentials import find_skf_keys

        return await find_skf_keys(self.settings.skf_library)

    async def describe(self, cert: x509.Certificate) -> CertificateSummary:
        try:
            trust = self.trust_list()
        except PkiError as exc:
            raise ClientError(exc.message_en, exc.message_zh) from exc
        from evaluator_app.client.credentials import describe_certificate

        return await describe_certificate(cert, trust, self.revocation())

    async def open_file(self, path: Path, password: str) -> Signer:
        from evaluator_app.client.credentials import CredentialRef

        return await CredentialRef("pkcs12", str(path)).open(password)

    async def open_token(self, pin: str, token_label: str | None, slot: int | None) -> Signer:
        return await self.token_credential(token_label, slot).open(pin)

    def token_credential(self, token_label: str | None, slot: int | None) -> CredentialRef:
        """A PKCS#11 USB key, with the vendor's SM2 mechanism codes from the settings."""
        from evaluator_app.client.credentials import CredentialRef
        from evaluator_app.pki.sm2_mechanisms import Sm2Mechanisms

        try:
            sm2 = Sm2Mechanisms.from_settings(
                self.settings.pkcs11_sm2_sign_digest, self.settings.pkcs11_sm2_sign_message
            )
        except PkiError as exc:
            raise SetupIncomplete(exc.message_en, exc.message_zh) from exc
        return CredentialRef(
            "pkcs11", self.settings.pkcs11_module, token_label, slot, sm2_mechanisms=sm2
        )

    def venue_url(self) -> str:
        return self.settings.secondary_venue_url or self.settings.main_venue_url

    def new_client(self, url: str | None = None) -> VenueClient:
        if not self.settings.workstation_id:
            raise SetupIncomplete(
                "this workstation has no id yet: ask the venue technician",
                "本机尚未设置工作站编号，请联系场地技术人员",
            )
        if not self.settings.ca_roots:
            raise SetupIncomplete(
                "no CA certificates configured for the venue's connection",
                "尚未配置场地连接所需的 CA 证书",
            )
        from evaluator_app.client.venue_client import VenueClient, client_ssl_context

        return VenueClient(
            url or self.settings.main_venue_url,
            client_ssl_context(list(self.settings.ca_roots)),
            self.settings.workstation_id,
        )

    async def enrol(self, code: str) -> str:
        """Register this seat once, with the one-time code the venue technician gave; returns
        where the seat is ("venue/seat")."""
        from evaluator_app.protocol.messages import EnrolRequest

        client = self.new_client()
        try:
            data = await client.post(
                "/workstations/enrol", EnrolRequest(self.settings.workstation_id, code.strip())
            )
        finally:
            await client.close()
        return str(data["enrolled"])

    async def login(self, signer: Signer, credential: CredentialRef) -> LoggedIn:
        """Log in with an open signer, then close it: the key is not left unlocked."""
        from evaluator_app.client.credentials import certificate_of

        try:
            summary = await self.describe(certificate_of(signer))
            client = self.new_client()
            try:
                result = await client.login(signer)
            except BaseException:
                await client.close()
                raise
        finally:
            signer.close()
        logger.info("logged in as %s (%s)", result.person_id, result.role.value)
        return LoggedIn(credential, summary, client, result)
