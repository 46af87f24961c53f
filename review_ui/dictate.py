"""The Dictate tab's work: record the officer's consent, then run the pipeline on the dictation.

Consent comes first, as on the command line: the officer attests on screen that the session has
ended and the person is not present, ``Store.grant_consent`` records it, and only then does
``assistant.pipeline.process_dictation`` import and process the audio.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["process_upload"]


def process_upload(store, officer: str, audio_path: str, retention: str, contact_date: str | None,
                   progress=None) -> str:
    """Process ``audio_path`` for ``officer`` under a new consent; return the new note's id."""
    from assistant.pipeline import process_dictation

    if progress is not None:
        progress(0.05, desc="Recording consent")
    consent_id = store.grant_consent(officer, retention=retention, attested=True)
    if progress is not None:
        progress(0.15, desc="Transcribing, redacting and extracting (about a minute)")
    result = process_dictation(Path(audio_path), officer=officer, consent_id=consent_id, contact_date=contact_date)
    if progress is not None:
        progress(1.0, desc="Done")
    return result.note_id
