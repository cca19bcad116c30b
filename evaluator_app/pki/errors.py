"""Exception hierarchy of the pki package.

Every error carries a bilingual message: operators in the centres read Chinese, the
code and logs are English. Other pki modules may append subclasses at the end.
"""

from __future__ import annotations


class PkiError(Exception):
    """Base of every pki failure; ``message_zh`` / ``message_en`` for display."""

    def __init__(self, message_en: str, message_zh: str | None = None) -> None:
        self.message_en = message_en
        self.message_zh = message_zh if message_zh is not None else message_en
        super().__init__(f"{self.message_zh} / {self.message_en}")


class TrustListError(PkiError):
    """The trust list is unsigned, tampered, signed by the wrong key, or out of date."""


class ValidationError(PkiError):
    """A certificate could not be validated (used where a result object is not returned)."""


class CredentialError(PkiError):
    """A credential (PKCS#12 file, PKCS#11 token) could not be opened or used."""


class SignatureError(PkiError):
    """A signature could not be produced or does not verify."""


class DemoPkiError(PkiError):
    """The demo PKI directory is missing or inconsistent."""


class IdentityError(PkiError):
    """The holder's unique identifier cannot be read by the issuing CA's identity rule."""


class TimestampError(PkiError):
    """A timestamp could not be obtained or does not verify."""


# --- credentials and signing (issue 3, part B) ---


class WrongPasswordError(CredentialError):
    """The PKCS#12 file could not be opened with the given password."""


class WrongPinError(CredentialError):
    """The token refused the PIN; ``tries_left`` is a hint when the token reports one."""

    def __init__(
        self,
        message_en: str,
        message_zh: str | None = None,
        tries_left: str | None = None,
        remaining: int | None = None,
    ) -> None:
        self.tries_left = tries_left  # "low" / "final" / None: PKCS#11 tokens give no number
        self.remaining = remaining  # the exact count, where the key reports it (SKF does)
        super().__init__(message_en, message_zh)


class PinLockedError(CredentialError):
    """The token's user PIN is locked after too many wrong tries; only the SO can unlock it."""


class TokenNotFoundError(CredentialError):
    """No token with the requested label or slot is present."""


class TokenRemovedError(CredentialError):
    """The token went away (unplugged, session closed) or stopped answering in time."""


class MechanismUnsupportedError(CredentialError):
    """The token cannot sign this key's algorithm with what is configured (an SM2 key on a
    PKCS#11 module without a vendor mechanism code, or a code the module does not offer)."""
