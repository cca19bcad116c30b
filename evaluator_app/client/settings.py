"""The application's settings: venue addresses, trust list, USB-key module, language.

Stored as JSON in the data directory (one per person on a shared demo machine, chosen with
``--data-dir``; otherwise the platform's per-user folder). No Qt here: the UI reads and writes
these through :func:`load_settings` / :func:`save_settings`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluator_app.pki.errors import PkiError

logger = logging.getLogger(__name__)
SETTINGS_FILE = "settings.json"
LANGUAGES = ("zh_CN", "en")
CACHE_CIPHERS = ("aes-256-gcm", "sm4-gcm")  # client/doc_cache.CIPHERS
TEXT_SCALES = (100, 125, 150)  # per cent
LOGIN_MODES = ("pkcs11", "skf", "pkcs12")  # a credential's kind: USB key, SM2 USB key, file


@dataclass(frozen=True)
class AppSettings:
    language: str = "zh_CN"  # Simplified Chinese unless the person chooses English
    main_venue_url: str = "https://127.0.0.1:8443"
    secondary_venue_url: str = ""  # the venue where the expert sits, if not the main one
    workstation_id: str = ""
    trust_list: str = ""  # path of the signed trust list
    trust_list_signer: str = ""  # pinned certificate of the centre's trust-list key
    ca_roots: tuple[str, ...] = ()  # PEM files trusted for the venues' TLS certificates
    pkcs11_module: str = ""  # the USB key's PKCS#11 library, remembered
    skf_library: str = ""  # the 国密 USB key's SKF library (GM/T 0016), remembered
    # SM2 on a PKCS#11 module: the vendor's mechanism codes, e.g. "0x80008104" (docs/guomi.md)
    pkcs11_sm2_sign_digest: str = ""  # signs e = SM3(Z ‖ M) computed here (preferred)
    pkcs11_sm2_sign_message: str = ""  # hashes inside the module (default signer ID only)
    last_p12: str = ""
    offline_revocation: bool = False  # soft-fail when the CA's CRL/OCSP is unreachable
    tsa_url: str = ""  # RFC 3161 timestamp authority: signatures become CAdES-B-T / PAdES-B-T
    # the document cache's cipher: "aes-256-gcm", or "sm4-gcm" where 密评 asks for 国密 throughout
    cache_cipher: str = "aes-256-gcm"
    text_scale: int = 100  # per cent of the base text size: 100, 125 or 150
    login_mode: str = ""  # the last login's credential kind (LOGIN_MODES); "" = never logged in

    @property
    def first_login_mode(self) -> str:
        """The mode the login page opens in: the last one used, else what is configured."""
        if self.login_mode in LOGIN_MODES:
            return self.login_mode
        return "pkcs11" if self.pkcs11_module else "skf" if self.skf_library else "pkcs12"


def default_data_dir() -> Path:
    import platformdirs  # only when no --data-dir is given

    return Path(platformdirs.user_data_dir("evaluator-app", "evaluator"))


def load_settings(data_dir: Path) -> AppSettings:
    path = data_dir / SETTINGS_FILE
    if not path.is_file():
        return AppSettings(language=_system_language())
    try:
        raw = json.loads(path.read_text("utf-8"))
        known = {f.name for f in dataclasses.fields(AppSettings)}
        values: dict[str, Any] = {
            k: (tuple(v) if isinstance(v, list) else v) for k, v in raw.items() if k in known
        }
        settings = AppSettings(**values)
    except (
        ValueError,
        TypeError,
    ) as exc:  # a damaged file must not stop the app: defaults, and say so
        logger.warning("settings %s unreadable (%s); using defaults", path, exc)
        return AppSettings(language=_system_language())
    if settings.language not in LANGUAGES:
        settings = dataclasses.replace(settings, language="zh_CN")
    if settings.cache_cipher not in CACHE_CIPHERS:
        logger.warning("unknown cache_cipher %r in %s: AES-256-GCM", settings.cache_cipher, path)
        settings = dataclasses.replace(settings, cache_cipher="aes-256-gcm")
    if settings.text_scale not in TEXT_SCALES:
        settings = dataclasses.replace(settings, text_scale=100)
    try:
        _parse_code(settings.pkcs11_sm2_sign_digest)
    except PkiError as exc:
        logger.warning("pkcs11_sm2_sign_digest in %s: %s; not used", path, exc.message_en)
        settings = dataclasses.replace(settings, pkcs11_sm2_sign_digest="")
    try:
        _parse_code(settings.pkcs11_sm2_sign_message)
    except PkiError as exc:
        logger.warning("pkcs11_sm2_sign_message in %s: %s; not used", path, exc.message_en)
        settings = dataclasses.replace(settings, pkcs11_sm2_sign_message="")
    return settings


def check_settings(settings: AppSettings) -> None:
    """Raises PkiError (in words) for a value the app cannot use; the dialog shows it."""
    _parse_code(settings.pkcs11_sm2_sign_digest)
    _parse_code(settings.pkcs11_sm2_sign_message)


def _parse_code(text: str) -> None:
    """A vendor's SM2 mechanism code checked; the module is loaded only when one is set (most
    settings have none, and the login window paints before it)."""
    if text.strip():
        from evaluator_app.pki.sm2_mechanisms import parse_code

        parse_code(text)


def save_settings(data_dir: Path, settings: AppSettings) -> None:
    """Atomic write: a crash mid-save leaves the old settings, never half a file."""
    data_dir.mkdir(parents=True, exist_ok=True)
    data = json.dumps(dataclasses.asdict(settings), ensure_ascii=False, indent=2)
    fd, tmp = tempfile.mkstemp(dir=data_dir, prefix=".settings-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, data_dir / SETTINGS_FILE)


def _system_language() -> str:
    lang = os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG") or ""
    return "en" if lang.startswith("en") else "zh_CN"
