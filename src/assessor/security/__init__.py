"""Canonical JSON, digests, keys, signatures and the audit chain."""
