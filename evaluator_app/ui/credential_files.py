"""The files a person picks to sign with, named alike in every field and file dialog that asks
for one: a certificate file, a PKCS#12 file (.p12 / .pfx) or an SM2 key file in PEM (.sm2.pem)
as Chinese CAs issue them (``client.credentials.open_p12`` → ``pki.credentials.open_key_file``
opens either), and a USB key's driver library (PKCS#11 or SKF).

Only the words of a name filter are translated: Qt reads the patterns between ASCII brackets,
and a translation's full-width （） made the dialog list .pfx files alone (and no driver)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

# the patterns a file dialog offers: "*.pem" also matches the SM2 key files' ".sm2.pem"
PATTERNS = ("*.p12", "*.pfx", "*.pem")
LIBRARY_PATTERNS = ("*.so", "*.dll", "*.dylib")
KINDS = ".p12 / .pfx / SM2 .pem"


def certificate_filter() -> str:
    """A file dialog's name filter that lists every certificate file the app accepts."""
    words = QCoreApplication.translate("CredentialFiles", "Certificate files")
    return f"{words} ({' '.join(PATTERNS)})"


def library_filter() -> str:
    """A file dialog's name filter for a USB key's driver library."""
    words = QCoreApplication.translate("CredentialFiles", "Driver libraries")
    return f"{words} ({' '.join(LIBRARY_PATTERNS)})"


def certificate_file_label() -> str:
    """The login form's choice of a certificate file, with every kind it accepts."""
    return QCoreApplication.translate("CredentialFiles", "Certificate file ({kinds})").format(
        kinds=KINDS
    )


def official_file_placeholder() -> str:
    """The draw request's field for the supervising official's own certificate file."""
    return QCoreApplication.translate(
        "CredentialFiles", "Supervising official's certificate file ({kinds})"
    ).format(kinds=KINDS)
