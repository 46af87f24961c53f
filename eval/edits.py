"""Accuracy from real use: how far officers had to correct Whisper, and how often reviewers changed
each extracted field. Reads the local store; the result holds counts and rates only, never text.

The transcripts compared are the store's *redacted* texts, so no personal data is read in clear.
Placeholders such as ``[PERSON_1]`` are turned into a single word (``phpersonb``) before scoring:
Whisper's normaliser would otherwise delete anything in brackets, hiding the case where an officer
replaced a placeholder with other words.
"""
from __future__ import annotations

from eval.wer import bootstrap_ci, score_utterance
from redaction.placeholders import PLACEHOLDER_RE as _PLACEHOLDER   # the one placeholder pattern

__all__ = ["placeholders_as_words", "edit_report"]



def _letters(n: int) -> str:
    """Digits as letters (1 -> "b", 26 -> "ba"): the normaliser would split "person1" into "person one"."""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(97 + r) + out
        if not n:
            return out


def placeholders_as_words(text: str) -> str:
    """``"[PERSON_1] called"`` -> ``" phpersonb  called"``: one scoreable, letters-only word per placeholder."""
    return _PLACEHOLDER.sub(lambda m: f" ph{m.group(1).replace('_', '').lower()}{_letters(int(m.group(2)))} ", text)


def edit_report(store=None) -> dict:
    """WER between Whisper's (redacted) transcript and the approved one over every approved note,
    and per-field review counts from ``Store.edit_statistics()``."""
    from assistant.store import Store

    own = store is None
    store = store or Store()
    try:
        stats = store.edit_statistics()
        approved = [n["id"] for n in store.list_notes() if n["status"] == "approved"]
        scores, corrected = [], 0
        for note_id in approved:
            note = store.get_note(note_id)
            corrected += bool(note["corrected"])
            scores.append(score_utterance(placeholders_as_words(note["transcript"]),
                                          placeholders_as_words(note["whisper_transcript"])))
    finally:
        if own:
            store.close()
    words = sum(s.words for s in scores)
    errors = sum(s.errors for s in scores)
    ci = bootstrap_ci([s.errors for s in scores], [s.words for s in scores]) if scores else None
    fields = {}
    for name, c in sorted(stats["fields"].items()):
        fields[name] = {"reviewed": c["reviewed"], "accepted": c["accepted"], "edited": c["edited"],
                        "edit_rate": round(c["edited"] / c["reviewed"], 6) if c["reviewed"] else None}
    return {
        "notes": stats["notes"], "approved": stats["approved"],
        "transcripts": {
            "notes": len(scores), "corrected": corrected, "words": words, "errors": errors,
            "wer": round(errors / words, 6) if words else None,
            "ci95": [round(x, 6) for x in ci] if ci else None,
            "method": "approved notes only; reference = the officer-approved transcript, hypothesis = Whisper's, "
                      "both redacted and normalised alike (eval.wer); uncorrected notes count with 0 errors",
        },
        "pending_corrections": len(stats["transcript_pairs"]) - corrected,
        "fields": fields,
    }
