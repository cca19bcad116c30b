"""Versioned wire messages shared by the client and the venue (no Qt)."""
