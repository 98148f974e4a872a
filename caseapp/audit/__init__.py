"""Browsing the audit log (auditors and admins)."""
