"""The Dictate tab's work: record the officer's consent, then run the pipeline on the dictation.

Consent comes first, as on the command line: the officer attests on screen that the session has
ended and the person is not present, ``Store.grant_consent`` records it, and only then does
``assistant.pipeline.process_dictation`` import and process the audio.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

__all__ = ["process_upload", "own_upload"]


def own_upload(audio_path: str, area: Path) -> Path:
    """``audio_path`` if it is a file in the officer's own upload ``area``; ``AccessDenied`` otherwise.

    The browser names the file it uploaded; a path it names is never trusted beyond this check
    (another officer's upload, the store's audio folder or ``/etc/passwd`` are all refused here,
    before anything is read, copied or deleted)."""
    from review_ui.access import AccessDenied

    root = os.path.realpath(area)
    target = os.path.realpath(str(audio_path or ""))
    if not (target.startswith(root + os.sep) and os.path.isfile(target)):
        raise AccessDenied("That is not a dictation you uploaded; record or import it again.")
    return Path(target)


def process_upload(store, officer: str, audio_path: str, area: Path, retention: str, contact_date: str | None,
                   progress=None, names=(), date_of_birth: str | None = None) -> str:
    """Process ``audio_path`` (which must be in ``area``, the officer's own upload folder) for
    ``officer`` under a new consent; return the new note's id. ``names``/``date_of_birth``: the
    case's known people, always redacted."""
    from assistant.audio import load_audio
    from assistant.pipeline import MAX_DICTATION_S, known_identifiers, process_dictation

    src = own_upload(audio_path, area)
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
        # The browser's upload is a copy in the officer's upload area: the store now holds the only
        # copy it keeps (and erases under the consent's retention), so the whole area is emptied.
        shutil.rmtree(area, ignore_errors=True)
