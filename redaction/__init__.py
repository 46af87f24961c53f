"""Detection and redaction of personal data (see docs/ARCHITECTURE.md)."""
