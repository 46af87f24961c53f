"""Detection and redaction of personal data in dictated transcripts (see docs/ARCHITECTURE.md).

    >>> from redaction import redact
    >>> redact("Her phone is oh seven seven zero zero, nine double zero, four six one.").text
    'Her phone is [PHONE_1].'
"""
from redaction.allow_list import DEFAULT_TERMS, default_allow_list
from redaction.engine import detect, redact
from redaction.model import TYPES, CaseIdentifiers, Entity, RedactionResult, apply_entities

__all__ = ["redact", "apply_entities", "detect", "Entity", "CaseIdentifiers", "RedactionResult", "TYPES",
           "DEFAULT_TERMS", "default_allow_list"]
