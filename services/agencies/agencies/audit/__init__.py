"""Reading the audit log (administrators)."""
