"""Trust list of recognised CAs, path validation, credentials and signatures (no Qt)."""
