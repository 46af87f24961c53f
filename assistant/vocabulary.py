"""Probation vocabulary given to Whisper as hotwords, so domain terms come out spelled right.

Override with ``$CASENOTE_HOME/vocabulary.txt`` (one term a line) or ``--vocabulary FILE``.
"""
from __future__ import annotations

from pathlib import Path

from assistant.paths import casenote_home

__all__ = ["DEFAULT_TERMS", "load_terms", "hotwords"]

DEFAULT_TERMS = (
    "probation", "OASys", "MAPPA", "nDelius", "licence", "recall", "approved premises", "Jobcentre",
    "Universal Credit", "curfew", "sentence plan", "unpaid work", "Citizens Advice",
    "offender manager", "safeguarding", "tag",
)


def load_terms(path: str | Path | None = None) -> list[str]:
    p = Path(path) if path else casenote_home() / "vocabulary.txt"
    if p.is_file():
        terms = [t.strip() for t in p.read_text(encoding="utf-8").splitlines()]
        return [t for t in terms if t and not t.startswith("#")]
    if path:
        raise FileNotFoundError(f"Vocabulary file {p} not found.")
    return list(DEFAULT_TERMS)


def hotwords(terms: list[str] | None) -> str | None:
    """Whisper reads hotwords as a prompt; a comma list keeps it short (it costs decoding context)."""
    return ", ".join(terms) if terms else None
