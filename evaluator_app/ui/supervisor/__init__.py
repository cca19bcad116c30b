"""The supervisor console (监督/见证)."""
