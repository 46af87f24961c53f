"""Errors a user (or the screen acting for them) must fix. The CLI maps them to exit code 2."""
from __future__ import annotations

__all__ = ["StoreError", "ConsentRequired", "UnreviewedFields", "NotFound", "PermissionDenied", "InvalidValue"]


class StoreError(Exception):
    """Base class: a refused or impossible request, with a message that says what to do."""


class ConsentRequired(StoreError):
    """No active consent covers this officer and request."""


class UnreviewedFields(StoreError):
    """A note cannot be saved or exported until every field has been accepted or edited."""

    def __init__(self, message: str, fields: list[str] | None = None):
        super().__init__(message)
        self.fields = fields or []


class NotFound(StoreError):
    pass


class PermissionDenied(StoreError):
    pass


class InvalidValue(StoreError):
    """A malformed argument: officer id, retention choice, role, date, field name."""
