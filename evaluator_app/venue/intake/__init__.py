"""Accepting signed artefacts: verification, the committee's rules per kind, receipts."""
