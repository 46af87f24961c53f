"""Domain vocabulary that can be given to Whisper as hotwords.

Off by default, on measurement: with the built-in probation terms as hotwords tiny.en's WER rose
on our synthesised dictations (Piper 9.2% -> 13.2%, espeak 23.9% -> 24.6%, beam 5) and on
LibriSpeech test-other (14.5% -> 16.7%), and decoding slowed (hotwords lengthen every window's
prompt). An officer who wants it puts terms, one a line, in ``$CASENOTE_HOME/vocabulary.txt``, or
passes ``--vocabulary FILE`` / ``--probation-terms`` to ``casenote transcribe``.
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
    """Terms from ``path``, else from ``$CASENOTE_HOME/vocabulary.txt`` if it exists, else none."""
    p = Path(path) if path else casenote_home() / "vocabulary.txt"
    if p.is_file():
        terms = [t.strip() for t in p.read_text(encoding="utf-8").splitlines()]
        return [t for t in terms if t and not t.startswith("#")]
    if path:
        raise FileNotFoundError(f"Vocabulary file {p} not found.")
    return []


def hotwords(terms: list[str] | None) -> str | None:
    """Whisper reads hotwords as a prompt; a comma list keeps it short (it costs decoding context)."""
    return ", ".join(terms) if terms else None
