"""The append-only, hash-chained audit log (审计链)."""
