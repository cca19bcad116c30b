"""The audit log: entries, signed checkpoints and their checks (the venue and the verifier)."""
