"""The Dictate tab's work: record the officer's consent, then run the pipeline on the dictation.

Consent comes first, as on the command line: the officer attests on screen that the session has
ended and the person is not present, ``Store.grant_consent`` records it, and only then does
``assistant.pipeline.process_dictation`` import and process the audio.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["process_upload"]


def process_upload(store, officer: str, audio_path: str, retention: str, contact_date: str | None,
                   progress=None, names=(), date_of_birth: str | None = None) -> str:
    """Process ``audio_path`` for ``officer`` under a new consent; return the new note's id.
    ``names``/``date_of_birth``: the case's known people, always redacted."""
    from assistant.audio import load_audio
    from assistant.pipeline import MAX_DICTATION_S, known_identifiers, process_dictation

    src = Path(audio_path)
    try:
        # Refuse unreadable audio before a consent row is written for it.
        load_audio(src, max_duration_s=MAX_DICTATION_S)
        known_identifiers(names, date_of_birth)   # a bad date of birth is refused before consent is recorded
        if progress is not None:
            progress(0.05, desc="Recording consent")
        consent_id = store.grant_consent(officer, retention=retention, attested=True)
        if progress is not None:
            progress(0.15, desc="Transcribing, redacting and extracting")
        result = process_dictation(src, officer=officer, consent_id=consent_id, contact_date=contact_date,
                                   store=store, names=names, date_of_birth=date_of_birth)
        if progress is not None:
            progress(1.0, desc="Done")
        return result.note_id
    finally:
        # The browser's upload is a copy in the web server's temporary folder: the store now holds
        # the only copy it keeps (and erases under the consent's retention), so this one goes.
        _remove_upload(src)


def _remove_upload(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
